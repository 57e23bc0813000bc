import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { fieldError } from '../errors.ts';
import { useI18n } from '../i18n/index.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';

type Mode = 'reply' | 'note';

interface Props {
  ticketId: string;
  /** Support staff may also write internal notes; customers only reply. */
  staff: boolean;
  onSent(): void;
}

/** Writes a public reply or (staff only) an internal note; the note mode is visibly yellow. */
export function Composer({ ticketId, staff, onSent }: Props) {
  const { t } = useI18n();
  const [mode, setMode] = useState<Mode>('reply');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const note = staff && mode === 'note';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.comment(ticketId, { body, public: !note });
      setBody('');
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const bodyError = fieldError(error, 'body.body');
  return (
    <form className={`card composer${note ? ' composer-note' : ''}`} onSubmit={(e) => void submit(e)} noValidate>
      {staff && (
        <div className="tabs" role="tablist">
          {(['reply', 'note'] as const).map((m) => (
            <button key={m} type="button" role="tab" aria-selected={mode === m} className={`tab tab-${m}${mode === m ? ' active' : ''}`} onClick={() => setMode(m)}>
              {t(m === 'reply' ? 'compose.reply' : 'compose.note')}
            </button>
          ))}
        </div>
      )}
      <textarea
        aria-label={note ? t('compose.note') : t('compose.reply')}
        placeholder={note ? t('compose.notePlaceholder') : staff ? t('compose.replyPlaceholder') : t('compose.customerPlaceholder')}
        rows={4}
        value={body}
        aria-invalid={bodyError ? true : undefined}
        onChange={(e) => setBody(e.target.value)}
      />
      {bodyError && <div className="field-error">{bodyError}</div>}
      <ErrorNotice error={error} inline={['body.body']} />
      <div className="composer-foot">
        {note && <span className="hint-internal">{t('compose.noteHint')}</span>}
        <span className="filters-spacer" />
        <button type="submit" className={`btn ${note ? 'btn-note' : 'btn-primary'}`} disabled={busy}>
          {busy ? t('compose.sending') : note ? t('compose.addNote') : t('compose.sendReply')}
        </button>
      </div>
    </form>
  );
}
