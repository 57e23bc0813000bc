import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Field } from '../components/Field.tsx';
import { RtcFieldsForm } from '../components/RtcFieldsForm.tsx';
import { SuggestionPanel, useTicketSuggestions } from '../components/kb/SuggestionPanel.tsx';
import { fieldError } from '../errors.ts';
import { useI18n } from '../i18n/index.tsx';
import { navigate } from '../router.tsx';
import { emptyRtc, rtcPayload, type RtcDraft } from '../rtcForm.ts';
import { useMe } from '../session.tsx';
import type { Category, PriorityCode } from '../types.ts';
import { CATEGORIES, PRIORITIES, isCategory, isPriority } from '../types.ts';

const INLINE = ['body.subject', 'body.body', 'body.priority', 'body.category', 'body.rtc'];

/** "Submit a ticket": the problem, its category and priority, then the guided RTC facts. */
export function NewTicketPage() {
  const { t } = useI18n();
  const { org } = useMe();
  const appIds = org?.appIds ?? [];
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [priority, setPriority] = useState<PriorityCode>('P2');
  const [category, setCategory] = useState<Category>('audio');
  const [rtc, setRtc] = useState<RtcDraft>(() => emptyRtc(appIds.length === 1 ? appIds[0] : ''));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const suggestions = useTicketSuggestions(subject, body);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const ticket = await api.createTicket({ subject, body, priority, category, rtc: rtcPayload(rtc) });
      await suggestions.submitted(ticket.id);
      navigate(`/portal/tickets/${encodeURIComponent(ticket.id)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="page page-narrow">
      <div className="page-head">
        <h1>{t('newTicket.title')}</h1>
      </div>
      <form className="card form-card stack" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset>
          <legend>{t('newTicket.problem')}</legend>
          <Field label={t('newTicket.subject')} required error={fieldError(error, 'body.subject')}>
            {(p) => <input {...p} type="text" maxLength={300} value={subject} placeholder={t('newTicket.subjectPlaceholder')} onChange={(e) => setSubject(e.target.value)} />}
          </Field>
          <div className="grid-2">
            <Field label={t('newTicket.category')} error={fieldError(error, 'body.category')}>
              {(p) => (
                <select {...p} value={category} onChange={(e) => isCategory(e.target.value) && setCategory(e.target.value)}>
                  {CATEGORIES.map((c) => (
                    <option key={c} value={c}>
                      {t(`category.${c}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('newTicket.priority')} hint={t(`priorityHint.${priority}`)} error={fieldError(error, 'body.priority')}>
              {(p) => (
                <select {...p} value={priority} onChange={(e) => isPriority(e.target.value) && setPriority(e.target.value)}>
                  {PRIORITIES.map((x) => (
                    <option key={x} value={x}>
                      {x} {t(`priority.${x}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field label={t('newTicket.body')} required error={fieldError(error, 'body.body')}>
            {(p) => <textarea {...p} rows={6} value={body} placeholder={t('newTicket.bodyPlaceholder')} onChange={(e) => setBody(e.target.value)} />}
          </Field>
        </fieldset>
        <SuggestionPanel suggestions={suggestions} />
        <RtcFieldsForm value={rtc} onChange={setRtc} category={category} appIds={appIds} error={error} />
        <ErrorNotice error={error} inline={INLINE} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('newTicket.submitting') : t('newTicket.submit')}
          </button>
        </div>
      </form>
    </div>
  );
}
