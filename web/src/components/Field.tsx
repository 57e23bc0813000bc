import { useId, type ReactNode } from 'react';

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  'aria-required'?: boolean;
}

interface Props {
  label: string;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
  /** Marks a field the chosen problem category needs (a dot and a tooltip). */
  recommended?: string | undefined;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}

/** A labelled form control with its hint and the server's error for it underneath. */
export function Field({ label, hint, error, required, recommended, className, children }: Props) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <div className="field-label-row">
        <label htmlFor={id} className="field-label">
          {label}
        </label>
        {required && (
          <span className="field-required" aria-hidden="true">
            *
          </span>
        )}
        {recommended && <span className="field-recommended" title={recommended} aria-hidden="true" />}
      </div>
      {children({ id, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(error ? { 'aria-invalid': true } : {}), ...(required ? { 'aria-required': true } : {}) })}
      {hint && (
        <div id={`${id}-hint`} className="field-hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={`${id}-error`} className="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
