import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Field } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ArticleMeta } from '../../components/kb/ArticleMeta.tsx';
import { CASE_INLINE, CaseFields, caseFormOf, casePayload, type CaseForm } from '../../components/kb/CaseFields.tsx';
import { Markdown } from '../../components/kb/Markdown.tsx';
import { kbApi, type KbCase } from '../../components/kb/kbApi.ts';
import { fieldError } from '../../errors.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';

/** The article a case becomes, for the reviewer to edit (the server composes the same by default). */
function articleBody(c: KbCase): string {
  const h = c.lang === 'zh' ? { p: '问题', c: '原因', s: '解决方法' } : { p: 'Problem', c: 'Cause', s: 'Solution' };
  return [`## ${h.p}`, c.problem.trim(), ...(c.cause.trim() ? [`## ${h.c}`, c.cause.trim()] : []), `## ${h.s}`, c.solution.trim()].join('\n\n');
}

/** One case: its summary (editable), the ticket it came from, and promotion to an article after review. */
export function CasePage({ id }: { id: string }) {
  const { t } = useI18n();
  const loaded = useLoad(() => kbApi.kbCase(id), [id]);
  if (!loaded.data) {
    if (!loaded.error) return <Loading />;
    return (
      <div className="page stack">
        <ErrorNotice error={loaded.error} />
        <Link to="/console/kb/cases">← {t('kb.cases.title')}</Link>
      </div>
    );
  }
  return <CaseView key={id} initial={loaded.data} />;
}

function CaseView({ initial }: { initial: KbCase }) {
  const { t, fmt } = useI18n();
  const created = useLocation().search.get('created') === '1';
  const [c, setC] = useState(initial);
  const [editing, setEditing] = useState<CaseForm | null>(null);
  const [promoting, setPromoting] = useState<{ title: string; body: string; status: 'draft' | 'published' } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    setBusy(true);
    setError(null);
    try {
      setC(await kbApi.updateCase(c.id, casePayload(editing)));
      setEditing(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const promote = async (e: FormEvent) => {
    e.preventDefault();
    if (!promoting) return;
    setBusy(true);
    setError(null);
    try {
      const r = await kbApi.promoteCase(c.id, promoting);
      navigate(`/console/kb/articles/${encodeURIComponent(r.article.id)}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div className="page page-narrow kb-case-page">
      <Link to="/console/kb/cases" className="back-link">
        ← {t('kb.cases.title')}
      </Link>
      <div className="page-head">
        <h1>{c.title}</h1>
        <span className="badge kb-case-badge">{t(`kb.caseStatus.${c.status}`)}</span>
      </div>
      {created && (
        <div className="notice notice-ok" role="status">
          {t('kb.case.created')}
        </div>
      )}
      <p className="muted">
        {t('kb.case.fromTicket')} <Link to={`/console/tickets/${encodeURIComponent(c.ticketId)}`}>{t('kb.case.openTicket')}</Link> · {fmt.dateTime(c.createdAt)}
        {c.articleId && (
          <>
            {' '}
            · <Link to={`/console/kb/articles/${encodeURIComponent(c.articleId)}`}>{t('kb.case.openArticle')}</Link>
          </>
        )}
      </p>
      {editing ? (
        <form className="card form-card stack" onSubmit={(e) => void save(e)} noValidate aria-label={t('kb.case.edit')}>
          <CaseFields value={editing} onChange={setEditing} error={error} />
          <ErrorNotice error={error} inline={CASE_INLINE} />
          <div className="form-actions">
            <button type="button" className="btn btn-ghost" onClick={() => setEditing(null)}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {t('kb.editor.save')}
            </button>
          </div>
        </form>
      ) : (
        <section className="card panel stack">
          <ArticleMeta productArea={c.productArea} tags={c.tags} errorCodes={c.errorCode ? [c.errorCode] : []} sdkVersions={c.sdkVersion ? [c.sdkVersion] : []} platforms={c.platform ? [c.platform] : []} />
          <h2>{t('kb.case.problem')}</h2>
          <p className="prewrap">{c.problem}</p>
          <h2>{t('kb.case.cause')}</h2>
          <p className="prewrap">{c.cause || '—'}</p>
          <h2>{t('kb.case.solution')}</h2>
          <p className="prewrap">{c.solution}</p>
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setEditing(caseFormOf(c))}>
              {t('kb.case.edit')}
            </button>
            {c.status === 'internal' && !promoting && (
              <button type="button" className="btn btn-primary" onClick={() => setPromoting({ title: c.title, body: articleBody(c), status: 'draft' })}>
                {t('kb.case.promote')}
              </button>
            )}
          </div>
        </section>
      )}
      {promoting && !editing && (
        <form className="card form-card stack" onSubmit={(e) => void promote(e)} noValidate aria-label={t('kb.case.promoteTitle')}>
          <h2>{t('kb.case.promoteTitle')}</h2>
          <p className="muted">{t('kb.case.promoteHint')}</p>
          <Field label={t('kb.field.title')} required error={fieldError(error, 'body.title')}>
            {(p) => <input {...p} type="text" maxLength={300} value={promoting.title} onChange={(e) => setPromoting({ ...promoting, title: e.target.value })} />}
          </Field>
          <div className="kb-write-preview">
            <Field label={t('kb.field.body')} required error={fieldError(error, 'body.body')}>
              {(p) => <textarea {...p} rows={14} className="mono" value={promoting.body} onChange={(e) => setPromoting({ ...promoting, body: e.target.value })} />}
            </Field>
            <section className="kb-preview" aria-label={t('kb.editor.preview')}>
              <div className="field-label">{t('kb.editor.preview')}</div>
              <div className="kb-preview-body">
                <Markdown text={promoting.body} />
              </div>
            </section>
          </div>
          <Field label={t('kb.field.status')}>
            {(p) => (
              <select {...p} value={promoting.status} onChange={(e) => setPromoting({ ...promoting, status: e.target.value === 'published' ? 'published' : 'draft' })}>
                <option value="draft">{t('kb.case.promoteDraft')}</option>
                <option value="published">{t('kb.case.promotePublish')}</option>
              </select>
            )}
          </Field>
          <ErrorNotice error={error} inline={['body.title', 'body.body']} />
          <div className="form-actions">
            <button type="button" className="btn btn-ghost" onClick={() => setPromoting(null)}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {t('kb.case.promoteSubmit')}
            </button>
          </div>
        </form>
      )}
      {!editing && !promoting && <ErrorNotice error={error} />}
    </div>
  );
}
