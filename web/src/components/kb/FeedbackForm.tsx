import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { Field } from '../Field.tsx';
import { fieldError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { kbApi } from './kbApi.ts';

/** "Was this helpful?": yes or no, then an optional comment; a second answer replaces the first. */
export function FeedbackForm({ articleId }: { articleId: string }) {
  const { t } = useI18n();
  const [helpful, setHelpful] = useState<boolean | null>(null);
  const [comment, setComment] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const send = async (value: boolean, text: string) => {
    setBusy(true);
    setError(null);
    try {
      await kbApi.feedback(articleId, { helpful: value, ...(text.trim() ? { comment: text.trim() } : {}) });
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const choose = async (value: boolean) => {
    setHelpful(value);
    setSent(false);
    await send(value, '');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (helpful === null) return;
    if (await send(helpful, comment)) setSent(true);
  };

  return (
    <section className="card panel kb-feedback" aria-labelledby="kb-feedback-title">
      <h2 id="kb-feedback-title">{t('kb.feedback.question')}</h2>
      <div className="row-gap kb-feedback-buttons" role="group" aria-label={t('kb.feedback.question')}>
        <button type="button" className={`btn${helpful === true ? ' btn-primary' : ''}`} aria-pressed={helpful === true} disabled={busy} onClick={() => void choose(true)}>
          <span aria-hidden="true">👍</span>
          {t('kb.feedback.yes')}
        </button>
        <button type="button" className={`btn${helpful === false ? ' btn-primary' : ''}`} aria-pressed={helpful === false} disabled={busy} onClick={() => void choose(false)}>
          <span aria-hidden="true">👎</span>
          {t('kb.feedback.no')}
        </button>
      </div>
      {helpful !== null && !sent && (
        <form className="stack kb-feedback-comment" onSubmit={(e) => void submit(e)} noValidate>
          <p className="muted">{t('kb.feedback.recorded')}</p>
          <Field label={helpful ? t('kb.feedback.commentHelpful') : t('kb.feedback.commentNotHelpful')} error={fieldError(error, 'body.comment')}>
            {(p) => <textarea {...p} rows={3} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />}
          </Field>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {t('kb.feedback.send')}
            </button>
          </div>
        </form>
      )}
      {sent && (
        <div className="notice notice-ok" role="status">
          {t('kb.feedback.thanks')}
        </div>
      )}
      <ErrorNotice error={error} inline={['body.comment']} />
    </section>
  );
}
