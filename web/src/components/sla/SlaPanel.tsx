import { useI18n } from '../../i18n/index.tsx';
import { whenObserved } from '../../observed.ts';
import { listClocks, readClocks } from '../../sla.ts';
import type { Ticket } from '../../types.ts';
import { SlaClockRow } from './SlaClockRow.tsx';

/** The ticket page's SLA panel: every clock of the ticket, live. */
export function SlaPanel({ ticket, warnShare }: { ticket: Ticket; warnShare: number }) {
  const { t } = useI18n();
  const clocks = listClocks(readClocks(ticket.sla));
  const observedAt = whenObserved(ticket);
  return (
    <section className="card panel" aria-labelledby="sla-title" data-testid="sla-panel">
      <h2 id="sla-title" className="panel-title">
        {t('sla.title')}
      </h2>
      {clocks.length === 0 ? (
        <div className="muted">{t('sla.none')}</div>
      ) : (
        <ul className="sla-clocks">
          {clocks.map((n) => (
            <SlaClockRow key={`${n.kind}-${n.cycle ?? 0}`} named={n} observedAt={observedAt} warnShare={warnShare} />
          ))}
        </ul>
      )}
    </section>
  );
}
