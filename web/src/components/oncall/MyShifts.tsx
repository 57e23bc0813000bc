import { feeds } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { Board } from '../../oncallData.ts';
import { formatDuration } from '../../sla.ts';
import { CalendarSubscribe } from './CalendarSubscribe.tsx';

/** The viewer's own shifts over the board's days, in their zone, with their personal iCal feed. */
export function MyShifts({ board, me, zone }: { board: Board; me: string; zone: string }) {
  const { t, fmt, locale } = useI18n();
  const mine = board.schedules
    .flatMap((b) => b.shifts.filter((s) => s.user === me).map((s) => ({ ...s, schedule: b.schedule.name })))
    .sort((a, b) => a.start.localeCompare(b.start));
  return (
    <section className="card panel" aria-labelledby="my-shifts-title">
      <h2 id="my-shifts-title" className="panel-title">
        {t('oncall.myShifts')}
      </h2>
      {mine.length === 0 ? (
        <div className="muted">{t('oncall.noShifts')}</div>
      ) : (
        <ul className="my-shifts" data-testid="my-shifts">
          {mine.map((s) => (
            <li key={`${s.schedule}-${s.start}`}>
              <span className="my-shift-when">
                {fmt.dateTime(s.start, zone)} – {fmt.dateTime(s.end, zone)}
              </span>
              <span className="muted">
                {' '}
                {s.schedule}
                {s.layer ? ` · ${s.layer}` : ''} · {formatDuration(t, (new Date(s.end).getTime() - new Date(s.start).getTime()) / 1000)}
              </span>
              {s.override && <span className="badge override">{t('oncall.override')}</span>}
            </li>
          ))}
        </ul>
      )}
      <a className="ical-link" href={feeds.person(me, locale === 'zh-CN' ? 'zh' : 'en')} download>
        {t('oncall.myIcal')}
      </a>
      <CalendarSubscribe userId={me} />
    </section>
  );
}
