import { useI18n } from '../../i18n/index.tsx';
import type { IncidentStatus, Severity } from './qualityApi.ts';

export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useI18n();
  return (
    <span className={`badge prio prio-${severity}`} title={t(`quality.severityHint.${severity}`)}>
      <b>{severity}</b>
    </span>
  );
}

export function IncidentStatusBadge({ status }: { status: IncidentStatus }) {
  const { t } = useI18n();
  return <span className={`badge q-status q-status-${status}`}>{t(`quality.status.${status}`)}</span>;
}
