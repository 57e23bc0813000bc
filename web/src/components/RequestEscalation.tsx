import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { fieldError } from '../errors.ts';
import { useI18n } from '../i18n/index.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { Field } from './Field.tsx';

/** A customer asks for an escalation, with a reason; the escalation manager gets it. */
export function RequestEscalation({ ticketId, disabled, onDone }: { ticketId: string; disabled: boolean; onDone(): void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSent(false);
    try {
      await api.escalate(ticketId, { reason });
      setReason('');
      setSent(true);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card panel" aria-labelledby="request-esc-title">
      <h2 id="request-esc-title" className="panel-title">
        {t('portal.requestEscalation')}
      </h2>
      <form onSubmit={(e) => void submit(e)} noValidate className="stack">
        <Field label={t('portal.requestReason')} required error={fieldError(error, 'body.reason') ?? fieldError(error, 'reason')}>
          {(p) => <textarea {...p} rows={3} value={reason} disabled={disabled} onChange={(e) => setReason(e.target.value)} />}
        </Field>
        <ErrorNotice error={error} inline={['body.reason', 'reason']} />
        {sent && (
          <div className="notice notice-ok" role="status">
            {t('portal.requested')}
          </div>
        )}
        <div>
          <button type="submit" className="btn btn-warn" disabled={busy || disabled}>
            {t('portal.requestSubmit')}
          </button>
        </div>
      </form>
    </section>
  );
}
