import { feeds } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { nowAndNext, regionTurns, type ScheduleBoard } from '../../oncallData.ts';
import { useNow } from '../../serverTime.ts';
import { PersonName } from './PersonName.tsx';

interface Props {
  board: ScheduleBoard;
  names: ReadonlyMap<string, string>;
  /** The viewer's zone, for times. */
  zone: string;
}

/** One schedule: who is on call now (and in which region/layer, by override?), who comes next and when. */
export function NowNextCard({ board, names, zone }: Props) {
  const { t, fmt, locale } = useI18n();
  const now = useNow(60_000);
  const { schedule } = board;
  const { current, next } = nowAndNext(board.shifts, now);
  const lang = locale === 'zh-CN' ? 'zh' : 'en';
  return (
    <section className="card panel oncall-card" aria-label={schedule.name} data-schedule={schedule.id}>
      <header className="oncall-card-head">
        <h2>{schedule.name}</h2>
        <span className="muted">{schedule.timezone}</span>
      </header>
      <dl className="oncall-now">
        <div>
          <dt>{t('oncall.now')}</dt>
          <dd data-testid="oncall-now">
            {board.now.user ? (
              <>
                <PersonName id={board.now.user} names={names} strong />
                {board.now.layer && <span className="badge region">{board.now.layer}</span>}
                {board.now.override && <span className="badge override">{t('oncall.override')}</span>}
                {current && <div className="muted small">{t('oncall.until', { at: fmt.dateTime(current.end, zone) })}</div>}
              </>
            ) : (
              <span className="oncall-nobody">{t('oncall.nobody')}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('oncall.next')}</dt>
          <dd data-testid="oncall-next">
            {next ? (
              <>
                {next.user ? <PersonName id={next.user} names={names} /> : <span className="oncall-nobody">{t('oncall.nobody')}</span>}
                {next.layer && <span className="badge region">{next.layer}</span>}
                {next.override && <span className="badge override">{t('oncall.override')}</span>}
                <div className="muted small">{t('oncall.from', { at: fmt.dateTime(next.start, zone) })}</div>
              </>
            ) : (
              <span className="muted">—</span>
            )}
          </dd>
        </div>
      </dl>
      {schedule.layers.length > 1 && (
        <table className="region-table">
          <caption className="visually-hidden">{t('oncall.regions')}</caption>
          <tbody>
            {regionTurns(schedule, board.shifts, now).map((r) => (
              <tr key={r.layer} data-region={r.layer} className={r.active ? 'is-active' : ''}>
                <th scope="row">
                  <span className="badge region">{r.layer}</span>
                </th>
                <td>{r.shift?.user ? <PersonName id={r.shift.user} names={names} strong={r.active} /> : <span className="muted">—</span>}</td>
                <td className="muted small">
                  {r.shift ? (r.active ? t('oncall.until', { at: fmt.dateTime(r.shift.end, zone) }) : t('oncall.from', { at: fmt.dateTime(r.shift.start, zone) })) : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="oncall-card-foot">
        <a href={feeds.schedule(schedule.id, lang)} className="ical-link" download>
          {t('oncall.ical')}
        </a>
      </div>
    </section>
  );
}
