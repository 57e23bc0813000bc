import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { fieldError } from '../errors.ts';
import { useI18n } from '../i18n/index.tsx';
import type { Ticket } from '../types.ts';
import { ESCALATION_TARGETS, LEVELS } from '../types.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { Field } from './Field.tsx';

type Target = (typeof ESCALATION_TARGETS)[number];

/**
 * Staff escalation to a higher level: the reason is mandatory (the server says so, and its answer
 * is shown next to the field), the plan is optional and shown to the customer.
 */
export function EscalateForm({ ticket, onDone }: { ticket: Ticket; onDone(): void }) {
  const { t } = useI18n();
  const targets = ESCALATION_TARGETS.filter((l) => LEVELS.indexOf(l) > LEVELS.indexOf(ticket.level));
  const [to, setTo] = useState<Target | ''>(targets[0] ?? '');
  const [reason, setReason] = useState('');
  const [plan, setPlan] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const target = targets.find((x) => x === to) ?? targets[0];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const esc = await api.escalate(ticket.id, { ...(target ? { to: target } : {}), reason, ...(plan.trim() ? { plan } : {}) });
      setReason('');
      setPlan('');
      setDone(t('escalate.done', { level: esc.toLevel ?? '' }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card panel" aria-labelledby="escalate-title">
      <h2 id="escalate-title" className="panel-title">
        {t('escalate.title')}
      </h2>
      {targets.length === 0 || ticket.status === 'closed' ? (
        <p className="muted">{t('escalate.topLevel')}</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate className="stack">
          <Field label={t('escalate.to')} error={fieldError(error, 'body.to') ?? fieldError(error, 'to')}>
            {(p) => (
              <select {...p} value={target} onChange={(e) => setTo(targets.find((x) => x === e.target.value) ?? '')}>
                {targets.map((l) => (
                  <option key={l} value={l}>
                    {t(`level.${l}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('escalate.reason')} required error={fieldError(error, 'body.reason') ?? fieldError(error, 'reason')}>
            {(p) => <textarea {...p} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <Field label={t('escalate.plan')} hint={t('escalate.planHint')} error={fieldError(error, 'body.plan')}>
            {(p) => <textarea {...p} rows={2} value={plan} onChange={(e) => setPlan(e.target.value)} />}
          </Field>
          <ErrorNotice error={error} inline={['body.to', 'body.reason', 'body.plan', 'to', 'reason']} />
          {done && (
            <div className="notice notice-ok" role="status">
              {done}
            </div>
          )}
          <div>
            <button type="submit" className="btn btn-warn" disabled={busy}>
              {t('escalate.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
