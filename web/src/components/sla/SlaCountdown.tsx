import { useI18n, type Translate } from '../../i18n/index.tsx';
import { useNow } from '../../serverTime.ts';
import { clockTone, elapsedAt, formatDuration, remainingSeconds, targetSeconds, type Tone } from '../../sla.ts';
import type { SlaClock } from '../../types.ts';

interface Props {
  clock: SlaClock;
  /** When the server evaluated the clock (server time). */
  observedAt: number;
  warnShare?: number;
  className?: string;
}

/** What is left of a clock, ticking every second: "due in 12m 30s", "overdue 1h 02m", "paused". */
export function SlaCountdown({ clock, observedAt, warnShare, className }: Props) {
  const { t } = useI18n();
  const now = useNow(1000);
  const tone = clockTone(clock, observedAt, now, warnShare);
  return (
    <span className={`sla-chip sla-${tone}${className ? ` ${className}` : ''}`} data-tone={tone} role="timer" aria-live="off">
      {clockText(t, clock, tone, observedAt, now, true)}
    </span>
  );
}

/** A clock's state in words at `now`; with seconds for a ticking countdown. */
export function clockText(t: Translate, c: SlaClock, tone: Tone, observedAt: number, now: number, withSeconds: boolean): string {
  switch (c.state) {
    case 'met':
      return c.breached ? t('sla.metLate') : t('sla.state.met');
    case 'stopped':
      return t('sla.state.stopped');
    case 'paused':
      return remainingSeconds(c) > 0 ? t('sla.pausedLeft', { d: formatDuration(t, remainingSeconds(c)) }) : t('sla.pausedOverdue', { d: formatDuration(t, -remainingSeconds(c)) });
    case 'running': {
      if (c.dueAt) {
        const s = (new Date(c.dueAt).getTime() - now) / 1000;
        return s > 0 ? t('sla.dueIn', { d: formatDuration(t, s, withSeconds) }) : t('sla.overdue', { d: formatDuration(t, -s, withSeconds) });
      }
      const left = targetSeconds(c) - elapsedAt(c, observedAt, now);
      return tone === 'breached' ? t('sla.overdue', { d: formatDuration(t, -left) }) : t('sla.dueIn', { d: formatDuration(t, left) });
    }
  }
}
