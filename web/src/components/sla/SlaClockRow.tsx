import { useI18n } from '../../i18n/index.tsx';
import { useNow } from '../../serverTime.ts';
import { clockLabel, clockTone, elapsedAt, formatDuration, formatMinutes, type NamedClock } from '../../sla.ts';
import { clockText, SlaCountdown } from './SlaCountdown.tsx';

interface Props {
  named: NamedClock;
  /** When the server evaluated the clock; null for a simulation (a fixed "now", nothing ticks). */
  observedAt: number | null;
  /** The simulation's "now" (ms), when `observedAt` is null. */
  fixedNow?: number;
  warnShare?: number;
  /** Instants in this zone (a simulation reads in its calendar's zone). */
  zone?: string;
}

/** One clock: its name and state, target and elapsed time, due / met / breached instants. */
export function SlaClockRow({ named, observedAt, fixedNow, warnShare, zone }: Props) {
  const { t, fmt } = useI18n();
  const ticking = useNow(observedAt === null ? 3_600_000 : 1000);
  const now = observedAt === null ? (fixedNow ?? ticking) : ticking;
  const seenAt = observedAt ?? now;
  const c = named.clock;
  const tone = clockTone(c, seenAt, now, warnShare);
  const elapsed = elapsedAt(c, seenAt, now);
  const share = Math.min(1, elapsed / Math.max(1, c.targetMinutes * 60));
  return (
    <li className={`sla-clock sla-clock-${tone}`} data-clock={named.kind} data-tone={tone}>
      <div className="sla-clock-head">
        <span className="sla-clock-name">{clockLabel(t, named)}</span>
        <span className={`badge sla-state sla-state-${c.state}`}>{t(`sla.state.${c.state}`)}</span>
        {c.breached && <span className="badge sla-state sla-state-breached">{t('sla.breached')}</span>}
        <span className="filters-spacer" />
        {observedAt !== null ? <SlaCountdown clock={c} observedAt={observedAt} warnShare={warnShare} /> : <StaticLeft named={named} now={now} />}
      </div>
      <div className="sla-bar" aria-hidden="true">
        <span style={{ width: `${Math.round(share * 100)}%` }} />
      </div>
      <dl className="sla-facts">
        <div>
          <dt>{t('sla.target')}</dt>
          <dd>{formatMinutes(t, c.targetMinutes)}</dd>
        </div>
        <div>
          <dt>{t('sla.elapsed')}</dt>
          <dd>{formatDuration(t, elapsed)}</dd>
        </div>
        {c.dueAt && !c.breached && (
          <div className="sla-fact-wide">
            <dt>{t('sla.dueAt')}</dt>
            <dd>{fmt.dateTime(c.dueAt, zone)}</dd>
          </div>
        )}
        {c.metAt && (
          <div className="sla-fact-wide">
            <dt>{t('sla.metAt')}</dt>
            <dd>{fmt.dateTime(c.metAt, zone)}</dd>
          </div>
        )}
        {c.breachedAt && (
          <div className="sla-fact-wide">
            <dt>{t('sla.breachedAt')}</dt>
            <dd className="sla-breach-time">{fmt.dateTime(c.breachedAt, zone)}</dd>
          </div>
        )}
      </dl>
    </li>
  );
}

/** A simulated clock's state at the simulation's "now", without ticking. */
function StaticLeft({ named, now }: { named: NamedClock; now: number }) {
  const { t } = useI18n();
  const tone = clockTone(named.clock, now, now);
  return (
    <span className={`sla-chip sla-${tone}`} data-tone={tone}>
      {clockText(t, named.clock, tone, now, now, false)}
    </span>
  );
}
