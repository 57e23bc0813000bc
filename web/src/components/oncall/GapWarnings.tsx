import { useI18n } from '../../i18n/index.tsx';
import type { ScheduleBoard } from '../../oncallData.ts';
import { formatDuration } from '../../sla.ts';

/** Times nobody is on call in the coming days, per schedule: a warning, never hidden. */
export function GapWarnings({ boards, zone, days }: { boards: ScheduleBoard[]; zone: string; days: number }) {
  const { t, fmt } = useI18n();
  const withGaps = boards.filter((b) => b.gaps.length > 0);
  if (withGaps.length === 0) return null;
  return (
    <div className="notice notice-warn gap-warnings" role="alert">
      <strong>{t('oncall.gapsTitle', { days })}</strong>
      <ul>
        {withGaps.map((b) => (
          <li key={b.schedule.id}>
            <span className="gap-schedule">{b.schedule.name}</span>
            {t('common.colon')}
            {b.gaps.slice(0, 6).map((g, i) => (
              <span key={g.start} className="gap">
                {i > 0 && '; '}
                {fmt.dateTime(g.start, zone)} – {fmt.dateTime(g.end, zone)} ({formatDuration(t, (new Date(g.end).getTime() - new Date(g.start).getTime()) / 1000)})
              </span>
            ))}
            {b.gaps.length > 6 && <span className="muted"> {t('oncall.moreGaps', { n: b.gaps.length - 6 })}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
