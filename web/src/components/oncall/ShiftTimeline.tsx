import { useI18n } from '../../i18n/index.tsx';
import type { Board } from '../../oncallData.ts';
import { useNow } from '../../serverTime.ts';
import type { Shift } from '../../types.ts';
import { localMidnights } from '../../zoned.ts';

interface Props {
  board: Board;
  names: ReadonlyMap<string, string>;
  zone: string;
  /** The viewer: their own shifts stand out. */
  me: string;
}

const PALETTE = 8;

/** The coming days as a timeline: one lane per schedule, a bar per shift, gaps hatched red. */
export function ShiftTimeline({ board, names, zone, me }: Props) {
  const { t, fmt } = useI18n();
  const now = useNow(60_000);
  const span = board.to - board.from;
  const pct = (ms: number) => `${(Math.min(Math.max(ms - board.from, 0), span) / span) * 100}%`;
  const days = localMidnights(board.from, Math.round(span / 86_400_000), zone).filter((d) => d < board.to);
  // One colour per person, stable across lanes.
  const people = [...new Set(board.schedules.flatMap((s) => s.shifts.map((x) => x.user)).filter((u): u is string => !!u))];
  const colour = (u: string) => `c${people.indexOf(u) % PALETTE}`;
  return (
    <div className="timeline-board" role="figure" aria-label={t('oncall.timeline')}>
      <div className="tl-lane tl-header">
        <div className="tl-label" />
        <div className="tl-track">
          {days.map((d, i) => (
            <span key={d} className="tl-day" style={{ left: pct(d), width: `${((Math.min(days[i + 1] ?? board.to, board.to) - d) / span) * 100}%` }}>
              {fmt.day(d, zone)}
            </span>
          ))}
        </div>
      </div>
      {board.schedules.map((b) => (
        <div key={b.schedule.id} className="tl-lane">
          <div className="tl-label" title={b.schedule.name}>
            {b.schedule.name}
          </div>
          <div className="tl-track">
            {days.map((d) => (
              <span key={d} className="tl-gridline" style={{ left: pct(d) }} />
            ))}
            {b.shifts.map((s) => (
              <ShiftBar key={`${s.start}-${s.layer ?? ''}`} shift={s} left={pct(new Date(s.start).getTime())} width={`${((Math.min(new Date(s.end).getTime(), board.to) - Math.max(new Date(s.start).getTime(), board.from)) / span) * 100}%`} names={names} zone={zone} colour={s.user ? colour(s.user) : 'gap'} mine={s.user === me} />
            ))}
            {now >= board.from && now < board.to && <span className="tl-now" style={{ left: pct(now) }} title={t('oncall.nowMarker')} />}
          </div>
        </div>
      ))}
    </div>
  );
}

interface BarProps {
  shift: Shift;
  left: string;
  width: string;
  names: ReadonlyMap<string, string>;
  zone: string;
  colour: string;
  mine: boolean;
}

function ShiftBar({ shift, left, width, names, zone, colour, mine }: BarProps) {
  const { t, fmt } = useI18n();
  const who = shift.user ? (names.get(shift.user) ?? shift.user.slice(0, 8)) : t('oncall.nobody');
  const title = `${who}${shift.layer ? ` · ${shift.layer}` : ''}${shift.override ? ` · ${t('oncall.override')}` : ''}\n${fmt.dateTime(shift.start, zone)} – ${fmt.dateTime(shift.end, zone)}`;
  return (
    <span className={`tl-shift tl-${colour}${mine ? ' tl-mine' : ''}${shift.override ? ' tl-override' : ''}`} style={{ left, width }} title={title}>
      <span className="tl-shift-text">{who}</span>
    </span>
  );
}
