import { useI18n } from '../../i18n/index.tsx';
import type { EscalationPolicy } from '../../types.ts';

export interface TargetNames {
  user: ReadonlyMap<string, string>;
  schedule: ReadonlyMap<string, string>;
  group: ReadonlyMap<string, string>;
}

const ICON: Record<string, string> = { user: '●', schedule: '☰', group: '◎' };

export function targetName(names: TargetNames, type: string, id: string): string {
  const map = type === 'user' ? names.user : type === 'schedule' ? names.schedule : type === 'group' ? names.group : undefined;
  return map?.get(id) ?? id;
}

/** An escalation policy: its steps in order (who is paged, how long until the next step), and repeats. */
export function PolicyCard({ policy, names, onCopy, onEdit }: { policy: EscalationPolicy; names: TargetNames; onCopy?: () => void; onEdit?: () => void }) {
  const { t, fmt } = useI18n();
  return (
    <section className="card panel policy-card" aria-label={policy.name}>
      <header className="policy-card-head">
        <h2>{policy.name}</h2>
        {policy.default && <span className="badge tier tier-enterprise">{t('esc.default')}</span>}
        <span className="filters-spacer" />
        <span className="muted small">{fmt.dateTime(policy.createdAt)}</span>
        {onEdit && (
          <button type="button" className="btn btn-small" onClick={onEdit}>
            {t('oncallEdit.edit')}
          </button>
        )}
        {onCopy && (
          <button type="button" className="btn btn-small" onClick={onCopy}>
            {t('esc.copy')}
          </button>
        )}
      </header>
      <ol className="esc-steps">
        {policy.steps.map((s, i) => (
          <li key={i}>
            <span className="esc-step-no">{t('esc.step', { n: i + 1 })}</span>
            <span className="esc-targets">
              {s.targets.map((tg) => (
                <span key={`${tg.type}:${tg.id}`} className={`target-chip target-${tg.type}`} title={t(tg.type === 'user' ? 'esc.type.user' : tg.type === 'schedule' ? 'esc.type.schedule' : 'esc.type.group')}>
                  <span aria-hidden="true">{ICON[tg.type] ?? '•'}</span> {targetName(names, tg.type, tg.id)}
                </span>
              ))}
            </span>
            <span className="muted esc-timeout">{t('esc.ackTimeout', { n: s.ackTimeoutMinutes })}</span>
          </li>
        ))}
      </ol>
      <div className="muted small">{policy.repeat > 0 ? t('esc.repeats', { n: policy.repeat }) : t('esc.noRepeat')}</div>
    </section>
  );
}
