import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import { formatMinutes } from '../../sla.ts';

interface Props {
  value: number | null;
  onChange(v: number | null): void;
  label: string;
  error?: string | undefined;
  /** Whether an empty field (the clock is not kept) is allowed. */
  optional?: boolean;
}

/** Whole minutes, with the span spelled out under it ("450" → "7h 30m"); empty = not kept. */
export function MinutesInput({ value, onChange, label, error, optional = true }: Props) {
  const { t } = useI18n();
  const [text, setText] = useState(value === null ? '' : String(value));
  useEffect(() => setText(value === null ? '' : String(value)), [value]);
  const change = (v: string) => {
    setText(v);
    const trimmed = v.trim();
    if (trimmed === '') return optional && onChange(null);
    const n = Number(trimmed);
    if (Number.isInteger(n) && n > 0) onChange(n);
  };
  return (
    <div className="minutes-input">
      <input
        type="number"
        inputMode="numeric"
        min={1}
        step={1}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        title={error}
        placeholder={optional ? t('slaAdmin.notKept') : ''}
        value={text}
        onChange={(e) => change(e.target.value)}
      />
      <span className={`minutes-hint${error ? ' field-error' : ''}`}>{error ?? (value !== null ? formatMinutes(t, value) : t('slaAdmin.notKeptShort'))}</span>
    </div>
  );
}

/** A share (0–1] typed as a whole percentage: the warning comes at this share of the target. */
export function PercentInput({ value, onChange, label, error }: { value: number; onChange(v: number): void; label: string; error?: string | undefined }) {
  const shown = String(Math.round(value * 100));
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  const change = (v: string) => {
    setText(v);
    const n = Number(v.trim());
    if (v.trim() !== '' && n > 0 && n <= 100) onChange(n / 100);
  };
  return (
    <div className="percent-input">
      <input type="number" min={1} max={100} step={1} aria-label={label} aria-invalid={error ? true : undefined} title={error} value={text} onChange={(e) => change(e.target.value)} />
      <span>%</span>
    </div>
  );
}
