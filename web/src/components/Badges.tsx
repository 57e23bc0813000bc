import { useI18n } from '../i18n/index.tsx';
import type { LevelCode, PriorityCode, StatusCode } from '../types.ts';
import { TIERS } from '../types.ts';

export function PriorityBadge({ priority }: { priority: PriorityCode }) {
  const { t } = useI18n();
  return (
    <span className={`badge prio prio-${priority}`} title={t(`priorityHint.${priority}`)}>
      <b>{priority}</b> {t(`priority.${priority}`)}
    </span>
  );
}

export function StatusBadge({ status }: { status: StatusCode }) {
  const { t } = useI18n();
  return <span className={`badge status status-${status}`}>{t(`status.${status}`)}</span>;
}

export function LevelBadge({ level, long = false }: { level: LevelCode; long?: boolean }) {
  const { t } = useI18n();
  return (
    <span className={`badge level level-${level}${long ? ' level-long' : ''}`} title={t(`level.${level}`)}>
      {long ? t(`level.${level}`) : level}
    </span>
  );
}

const isTier = (v: string): v is (typeof TIERS)[number] => (TIERS as readonly string[]).includes(v);

export function TierBadge({ tier }: { tier: string | undefined }) {
  const { t } = useI18n();
  if (!tier) return null;
  return <span className={`badge tier tier-${tier}`}>{isTier(tier) ? t(`tier.${tier}`) : tier}</span>;
}
