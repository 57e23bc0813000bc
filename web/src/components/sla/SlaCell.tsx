import { useI18n } from '../../i18n/index.tsx';
import { whenObserved } from '../../observed.ts';
import { clockLabel, listClocks, nearestClock, readClocks } from '../../sla.ts';
import type { Ticket } from '../../types.ts';
import { SlaCountdown } from './SlaCountdown.tsx';

/** The queue's SLA column: the clock due next, counting down, with a mark when another clock broke. */
export function SlaCell({ ticket, warnShare }: { ticket: Ticket; warnShare: number }) {
  const { t } = useI18n();
  const clocks = readClocks(ticket.sla);
  const next = nearestClock(clocks);
  const otherBreaches = listClocks(clocks).filter((n) => n.clock.breached && n !== next).length;
  if (!next) {
    return otherBreaches > 0 ? (
      <span className="sla-chip sla-breached" data-tone="breached">
        {t('sla.wasBreached')}
      </span>
    ) : (
      <span className="muted">—</span>
    );
  }
  return (
    <span className="sla-cell" title={clockLabel(t, next)}>
      <span className="sla-cell-name">{clockLabel(t, next)}</span>
      <SlaCountdown clock={next.clock} observedAt={whenObserved(ticket)} warnShare={warnShare} />
      {otherBreaches > 0 && !next.clock.breached && (
        <span className="sla-mark" title={t('sla.otherBreached', { n: otherBreaches })} aria-label={t('sla.otherBreached', { n: otherBreaches })}>
          !
        </span>
      )}
    </span>
  );
}
