import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { CASE_INLINE, CaseFields, caseFormOf, casePayload, type CaseForm } from '../../components/kb/CaseFields.tsx';
import { kbApi, type CaseDraft } from '../../components/kb/kbApi.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';

/** Turns a solved ticket into a case: the summary comes prefilled from the conversation; the agent confirms it. */
export function NewCasePage() {
  const { t } = useI18n();
  const ticketId = useLocation().search.get('ticket') ?? '';
  const draft = useLoad(async () => (ticketId ? kbApi.caseDraft(ticketId) : null), [ticketId]);
  if (!draft.data) {
    if (!draft.error && ticketId) return <Loading />;
    return (
      <div className="page stack">
        {draft.error ? <ErrorNotice error={draft.error} /> : <div className="empty">{t('kb.case.noTicket')}</div>}
        <Link to="/console/kb/cases">← {t('kb.cases.title')}</Link>
      </div>
    );
  }
  return <NewCaseForm key={ticketId} draft={draft.data} />;
}

function NewCaseForm({ draft }: { draft: CaseDraft }) {
  const { t } = useI18n();
  const [form, setForm] = useState<CaseForm>(() => caseFormOf(draft));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ticketHref = `/console/tickets/${encodeURIComponent(draft.ticketId)}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const c = await kbApi.createCase({ ticketId: draft.ticketId, ...casePayload(form) });
      navigate(`/console/kb/cases/${encodeURIComponent(c.id)}?created=1`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="page page-narrow">
      <Link to={ticketHref} className="back-link">
        ← {t('kb.case.backToTicket')}
      </Link>
      <div className="page-head">
        <h1>{t('kb.case.newTitle')}</h1>
      </div>
      {draft.existingCaseId ? (
        <div className="notice notice-warn">
          {t('kb.case.exists')} <Link to={`/console/kb/cases/${encodeURIComponent(draft.existingCaseId)}`}>{t('kb.case.openExisting')}</Link>
        </div>
      ) : !draft.solved ? (
        <div className="notice notice-warn">{t('kb.case.notSolved')}</div>
      ) : (
        <p className="muted">{t('kb.case.prefilled')}</p>
      )}
      <form className="card form-card stack" onSubmit={(e) => void submit(e)} noValidate aria-label={t('kb.case.newTitle')}>
        <CaseFields value={form} onChange={setForm} error={error} />
        <ErrorNotice error={error} inline={CASE_INLINE} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy || !!draft.existingCaseId}>
            {t('kb.case.confirm')}
          </button>
        </div>
      </form>
    </div>
  );
}
