import { useI18n } from '../i18n/index.tsx';
import type { Escalation } from '../types.ts';

/** Past escalations of a ticket, newest last, with reason (staff see it), plan and owner. */
export function EscalationList({ items }: { items: Escalation[] }) {
  const { t, fmt } = useI18n();
  if (items.length === 0) return null;
  return (
    <section className="card panel" aria-labelledby="esc-title">
      <h2 id="esc-title" className="panel-title">
        {t('escalate.history')}
      </h2>
      <ul className="esc-list">
        {items.map((e) => (
          <li key={e.id}>
            <div className="esc-head">
              <span className="mono">
                {e.fromLevel} → {e.toLevel ?? '?'}
              </span>
              <time dateTime={e.createdAt}>{fmt.dateTime(e.createdAt)}</time>
            </div>
            {e.reason && <div className="prewrap">{e.reason}</div>}
            {e.plan && (
              <div className="muted prewrap">
                {t('event.plan')}{t('common.colon')}{e.plan}
              </div>
            )}
            {e.owner && <div className="muted">{t('event.escalatedOwner', { owner: e.owner.name })}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}
