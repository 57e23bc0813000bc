import { useI18n, type MessageKey } from '../../i18n/index.tsx';

export const PRESETS: { key: string; ms: number; label: MessageKey }[] = [
  { key: '1h', ms: 3_600_000, label: 'quality.range.1h' },
  { key: '6h', ms: 6 * 3_600_000, label: 'quality.range.6h' },
  { key: '24h', ms: 86_400_000, label: 'quality.range.24h' },
  { key: '7d', ms: 7 * 86_400_000, label: 'quality.range.7d' },
];

/** `2026-11-03T20:05` in the browser's zone, for a datetime-local input. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

interface Props {
  /** The preset in use, or null for a custom range. */
  preset: string | null;
  from: number;
  to: number;
  onPreset(key: string): void;
  onCustom(from: number, to: number): void;
}

/** Time range: the last hour, 6 hours, day or week, or any range. */
export function RangePicker({ preset, from, to, onPreset, onCustom }: Props) {
  const { t } = useI18n();
  const set = (which: 'from' | 'to', value: string) => {
    const ms = new Date(value).getTime();
    if (Number.isNaN(ms)) return;
    if (which === 'from' && ms < to) onCustom(ms, to);
    if (which === 'to' && ms > from) onCustom(from, ms);
  };
  return (
    <div className="q-range" role="group" aria-label={t('quality.range.label')}>
      {PRESETS.map((p) => (
        <button key={p.key} type="button" className={`chip${preset === p.key ? ' active' : ''}`} aria-pressed={preset === p.key} onClick={() => onPreset(p.key)}>
          {t(p.label)}
        </button>
      ))}
      <label className="q-range-input">
        <span className="muted small">{t('quality.range.from')}</span>
        <input type="datetime-local" value={toLocalInput(from)} onChange={(e) => set('from', e.target.value)} aria-label={t('quality.range.from')} />
      </label>
      <label className="q-range-input">
        <span className="muted small">{t('quality.range.to')}</span>
        <input type="datetime-local" value={toLocalInput(to)} onChange={(e) => set('to', e.target.value)} aria-label={t('quality.range.to')} />
      </label>
    </div>
  );
}
