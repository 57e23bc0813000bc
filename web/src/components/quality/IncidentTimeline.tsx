import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import type { Incident } from './qualityApi.ts';

function duration(t: (k: MessageKey, v?: Record<string, string | number>) => string, ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return t('quality.duration.seconds', { n: s });
  const m = Math.round(s / 60);
  if (m < 120) return t('quality.duration.minutes', { n: m });
  return t('quality.duration.hours', { n: Math.round(m / 6) / 10 });
}

/** Started → detected → acknowledged → resolved, each with its time and the time since the start. */
export function IncidentTimeline({ incident }: { incident: Incident }) {
  const { t, fmt } = useI18n();
  const start = Date.parse(incident.startedAt);
  const steps: { key: string; label: MessageKey; at: string | null }[] = [
    { key: 'started', label: 'quality.timeline.started', at: incident.startedAt },
    { key: 'detected', label: 'quality.timeline.detected', at: incident.detectedAt },
    { key: 'acknowledged', label: 'quality.timeline.acknowledged', at: incident.acknowledgedAt },
    { key: 'resolved', label: 'quality.timeline.resolved', at: incident.resolvedAt },
  ];
  return (
    <ol className="q-timeline" aria-label={t('quality.timeline.title')}>
      {steps.map((s) => (
        <li key={s.key} className={`q-step${s.at ? ' q-step-done' : ''}`} data-step={s.key}>
          <span className="q-step-dot" aria-hidden="true" />
          <span className="q-step-label">{t(s.label)}</span>
          <span className="q-step-time">{s.at ? fmt.dateTime(s.at) : t('quality.timeline.pending')}</span>
          {s.at && s.key !== 'started' && <span className="muted small">{t('quality.timeline.after', { d: duration(t, Date.parse(s.at) - start) })}</span>}
        </li>
      ))}
    </ol>
  );
}
