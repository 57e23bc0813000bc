/** A row of toggle chips choosing one value (a list's quick filter). */
export function ChipGroup<K extends string>({ label, options, value, onChange }: { label: string; options: readonly { key: K; label: string }[]; value: K; onChange(key: K): void }) {
  return (
    <div className="quick-filters" role="group" aria-label={label}>
      {options.map((o) => (
        <button key={o.key || 'all'} type="button" className={`chip${value === o.key ? ' active' : ''}`} aria-pressed={value === o.key} onClick={() => onChange(o.key)}>
          {o.label}
        </button>
      ))}
    </div>
  );
}
