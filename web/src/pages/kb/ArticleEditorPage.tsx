import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Field } from '../../components/Field.tsx';
import { Loading } from '../../components/Loading.tsx';
import { useAreaName } from '../../components/kb/ArticleMeta.tsx';
import { Markdown } from '../../components/kb/Markdown.tsx';
import { kbApi, PRODUCT_AREAS, type Article, type ArticlePatch, type KbLang, type NewArticle, type SearchItem, type Version } from '../../components/kb/kbApi.ts';
import { fieldError } from '../../errors.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';

interface Form {
  title: string;
  body: string;
  lang: KbLang;
  status: 'draft' | 'published';
  productArea: string;
  tags: string;
  sdkVersions: string;
  platforms: string;
  errorCodes: string;
  note: string;
}

const list = (s: string): string[] => [...new Set(s.split(/[,，;；\n]/).map((x) => x.trim()).filter((x) => x !== ''))];
const joined = (xs: readonly string[]): string => xs.join(', ');

function formOf(a: Pick<Article, 'title' | 'body' | 'lang' | 'status' | 'productArea' | 'tags' | 'sdkVersions' | 'platforms' | 'errorCodes'>): Form {
  return {
    title: a.title,
    body: a.body,
    lang: a.lang,
    status: a.status === 'published' ? 'published' : 'draft',
    productArea: a.productArea ?? '',
    tags: joined(a.tags),
    sdkVersions: joined(a.sdkVersions),
    platforms: joined(a.platforms),
    errorCodes: joined(a.errorCodes),
    note: '',
  };
}

const INLINE = ['body.title', 'body.body', 'body.lang', 'body.productArea', 'body.tags', 'body.sdkVersions', 'body.platforms', 'body.errorCodes', 'body.note', 'body.translationOf'];

/** The agents' article editor: new (`id` absent) or an existing article, with preview, versions and stale-edit conflicts. */
export function ArticleEditorPage({ id }: { id?: string }) {
  const loaded = useLoad(async () => (id ? kbApi.article(id) : null), [id]);
  if (id && !loaded.data) {
    if (!loaded.error) return <Loading />;
    return (
      <div className="page stack">
        <ErrorNotice error={loaded.error} />
        <Link to="/console/kb">←</Link>
      </div>
    );
  }
  return <Editor key={id ?? 'new'} article={loaded.data ?? null} />;
}

function Editor({ article: initial }: { article: Article | null }) {
  const { t, fmt, locale } = useI18n();
  const { search } = useLocation();
  const areaName = useAreaName();
  const [article, setArticle] = useState<Article | null>(initial);
  const translationOf = initial ? null : search.get('translationOf');
  const startLang: KbLang = search.get('lang') === 'en' ? 'en' : search.get('lang') === 'zh' ? 'zh' : locale.startsWith('zh') ? 'zh' : 'en';
  const [form, setForm] = useState<Form>(() =>
    initial ? formOf(initial) : { title: '', body: '', lang: startLang, status: 'published', productArea: '', tags: '', sdkVersions: '', platforms: '', errorCodes: '', note: '' },
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  /** The stored article when a save found a newer version than the one this edit started from. */
  const [conflict, setConflict] = useState<Article | null>(null);
  const [conflictBy, setConflictBy] = useState<string | null>(null);
  const [viewing, setViewing] = useState<Version | null>(null);
  const [linkTo, setLinkTo] = useState<{ id: string; title: string } | null>(null);
  const source = useLoad(async () => (translationOf ? kbApi.article(translationOf) : null), [translationOf]);
  const versions = useLoad(async () => (article ? (await kbApi.versions(article.id)).items : []), [article?.id, article?.version]);
  const feedback = useLoad(async () => (article ? kbApi.feedbackList(article.id) : null), [article?.id]);

  useEffect(() => {
    if (source.data) setLinkTo({ id: source.data.id, title: source.data.title });
  }, [source.data]);

  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  const payload = () => ({
    title: form.title,
    body: form.body,
    lang: form.lang,
    status: form.status,
    productArea: form.productArea.trim() || null,
    tags: list(form.tags),
    sdkVersions: list(form.sdkVersions),
    platforms: list(form.platforms),
    errorCodes: list(form.errorCodes),
  });

  const save = async (baseVersion?: number) => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      if (!article) {
        const created = await kbApi.createArticle({ ...payload(), ...(linkTo ? { translationOf: linkTo.id } : {}) } satisfies NewArticle);
        navigate(`/console/kb/articles/${encodeURIComponent(created.id)}?saved=1`, { replace: true });
        return;
      }
      const patch: ArticlePatch = { ...payload(), version: baseVersion ?? article.version, ...(form.note.trim() ? { note: form.note.trim() } : {}) };
      const next = await kbApi.updateArticle(article.id, patch);
      setArticle(next);
      setConflict(null);
      setForm((f) => ({ ...f, note: '' }));
      setSaved(next.version);
    } catch (e) {
      if (article && e instanceof ApiError && e.status === 409 && e.details.some((d) => d.path === 'version' || d.path === 'body.version')) {
        try {
          const [latest, history] = await Promise.all([kbApi.article(article.id), kbApi.versions(article.id)]);
          setConflictBy(history.items.find((v) => v.version === latest.version)?.editedBy?.name ?? null);
          setConflict(latest);
        } catch (reload) {
          setError(reload);
        }
      } else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };

  const takeTheirs = () => {
    if (!conflict) return;
    setArticle(conflict);
    setForm(formOf(conflict));
    setConflict(null);
  };

  const archive = async () => {
    if (!article || !window.confirm(t('kb.editor.archiveConfirm'))) return;
    setBusy(true);
    try {
      setArticle(await kbApi.archiveArticle(article.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const justCreated = search.get('saved') === '1';
  const otherLang: KbLang = form.lang === 'zh' ? 'en' : 'zh';

  return (
    <div className="page kb-editor-page">
      <div className="page-head">
        <Link to="/console/kb" className="back-link">
          ← {t('kb.console.title')}
        </Link>
      </div>
      <div className="page-head">
        <h1>{article ? t('kb.editor.editTitle') : t('kb.editor.newTitle')}</h1>
        {article && (
          <span className="muted">
            {t('kb.editor.version', { n: article.version })} · {t(`kb.status.${article.status}`)}
          </span>
        )}
      </div>
      {(saved !== null || (justCreated && article?.version === 1)) && (
        <div className="notice notice-ok" role="status">
          {t('kb.editor.saved', { n: saved ?? 1 })}
        </div>
      )}
      {conflict && (
        <div className="notice notice-warn kb-conflict" role="alert">
          <strong>{t('kb.editor.conflictTitle')}</strong>
          <p>{t('kb.editor.conflictText', { mine: article?.version ?? 0, theirs: conflict.version, who: conflictBy ?? t('common.someone'), at: fmt.dateTime(conflict.updatedAt) })}</p>
          <div className="grid-2">
            <div>
              <h3 className="kb-subtitle">{t('kb.editor.conflictTheirs', { n: conflict.version })}</h3>
              <div className="kb-conflict-text">
                <strong>{conflict.title}</strong>
                <Markdown text={conflict.body} />
              </div>
            </div>
            <div>
              <h3 className="kb-subtitle">{t('kb.editor.conflictMine')}</h3>
              <div className="kb-conflict-text">
                <strong>{form.title}</strong>
                <Markdown text={form.body} />
              </div>
            </div>
          </div>
          <div className="form-actions">
            <button type="button" className="btn" onClick={takeTheirs}>
              {t('kb.editor.conflictTake')}
            </button>
            <button type="button" className="btn btn-warn" disabled={busy} onClick={() => void save(conflict.version)}>
              {t('kb.editor.conflictOverwrite', { n: conflict.version })}
            </button>
          </div>
        </div>
      )}
      <div className="kb-editor-grid">
        <form className="card form-card stack" onSubmit={submit} noValidate aria-label={t('kb.editor.form')}>
          <Field label={t('kb.field.title')} required error={fieldError(error, 'body.title')}>
            {(p) => <input {...p} type="text" maxLength={300} value={form.title} onChange={(e) => set('title', e.target.value)} />}
          </Field>
          <div className="grid-3">
            <Field label={t('kb.field.lang')} error={fieldError(error, 'body.lang')}>
              {(p) => (
                <select {...p} value={form.lang} onChange={(e) => set('lang', e.target.value === 'en' ? 'en' : 'zh')}>
                  <option value="zh">{t('kb.langName.zh')}</option>
                  <option value="en">{t('kb.langName.en')}</option>
                </select>
              )}
            </Field>
            <Field label={t('kb.field.status')} error={fieldError(error, 'body.status')}>
              {(p) => (
                <select {...p} value={form.status} onChange={(e) => set('status', e.target.value === 'draft' ? 'draft' : 'published')}>
                  <option value="published">{t('kb.status.published')}</option>
                  <option value="draft">{t('kb.status.draft')}</option>
                </select>
              )}
            </Field>
            <Field label={t('kb.field.productArea')} error={fieldError(error, 'body.productArea')}>
              {(p) => (
                <select {...p} value={form.productArea} onChange={(e) => set('productArea', e.target.value)}>
                  <option value="">{t('kb.field.noArea')}</option>
                  {[...PRODUCT_AREAS, ...(form.productArea && !(PRODUCT_AREAS as readonly string[]).includes(form.productArea) ? [form.productArea] : [])].map((a) => (
                    <option key={a} value={a}>
                      {areaName(a)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field label={t('kb.field.tags')} hint={t('kb.field.listHint')} error={fieldError(error, 'body.tags')}>
            {(p) => <input {...p} type="text" value={form.tags} onChange={(e) => set('tags', e.target.value)} />}
          </Field>
          <div className="grid-3">
            <Field label={t('kb.field.errorCodes')} hint={t('kb.field.errorCodesHint')} error={fieldError(error, 'body.errorCodes')}>
              {(p) => <input {...p} type="text" value={form.errorCodes} onChange={(e) => set('errorCodes', e.target.value)} />}
            </Field>
            <Field label={t('kb.field.sdkVersions')} hint={t('kb.field.sdkVersionsHint')} error={fieldError(error, 'body.sdkVersions')}>
              {(p) => <input {...p} type="text" value={form.sdkVersions} onChange={(e) => set('sdkVersions', e.target.value)} />}
            </Field>
            <Field label={t('kb.field.platforms')} hint={t('kb.field.platformsHint')} error={fieldError(error, 'body.platforms')}>
              {(p) => <input {...p} type="text" value={form.platforms} onChange={(e) => set('platforms', e.target.value)} />}
            </Field>
          </div>
          {!article && <TranslationPicker lang={otherLang} value={linkTo} onChange={setLinkTo} error={fieldError(error, 'body.translationOf')} />}
          <div className="kb-write-preview">
            <Field label={t('kb.field.body')} hint={t('kb.field.bodyHint')} required error={fieldError(error, 'body.body')}>
              {(p) => <textarea {...p} rows={22} className="mono" value={form.body} onChange={(e) => set('body', e.target.value)} />}
            </Field>
            <section className="kb-preview" aria-label={t('kb.editor.preview')}>
              <div className="field-label">{t('kb.editor.preview')}</div>
              <div className="kb-preview-body" lang={form.lang === 'zh' ? 'zh-CN' : 'en'}>
                {form.title && <h1>{form.title}</h1>}
                {form.body.trim() ? <Markdown text={form.body} /> : <p className="muted">{t('kb.editor.previewEmpty')}</p>}
              </div>
            </section>
          </div>
          {article && (
            <Field label={t('kb.field.note')} hint={t('kb.field.noteHint')} error={fieldError(error, 'body.note')}>
              {(p) => <input {...p} type="text" maxLength={500} value={form.note} onChange={(e) => set('note', e.target.value)} />}
            </Field>
          )}
          <ErrorNotice error={error} inline={INLINE} />
          <div className="form-actions">
            {article && article.status !== 'archived' && (
              <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => void archive()}>
                {t('kb.editor.archive')}
              </button>
            )}
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? t('kb.editor.saving') : article ? t('kb.editor.save') : t('kb.editor.create')}
            </button>
          </div>
        </form>

        {article && (
          <aside className="stack kb-editor-side">
            <section className="card panel">
              <h2 className="panel-title">{t('kb.editor.translations')}</h2>
              {article.translations.length === 0 ? (
                <p className="muted">{t('kb.editor.noTranslation')}</p>
              ) : (
                <ul className="kb-plain-list">
                  {article.translations.map((tr) => (
                    <li key={tr.id}>
                      <Link to={`/console/kb/articles/${encodeURIComponent(tr.id)}`}>
                        {t(`kb.langName.${tr.lang}`)} · {tr.title}
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
              {!article.translations.some((tr) => tr.lang === otherLang) && article.status !== 'archived' && (
                <Link to={`/console/kb/new?translationOf=${encodeURIComponent(article.id)}&lang=${otherLang}`} className="btn btn-small">
                  {otherLang === 'en' ? t('kb.editor.writeEn') : t('kb.editor.writeZh')}
                </Link>
              )}
            </section>
            {article.feedback && (
              <section className="card panel">
                <h2 className="panel-title">{t('kb.editor.feedback')}</h2>
                <p>{t('kb.editor.feedbackCounts', { yes: article.feedback.helpful, no: article.feedback.notHelpful })}</p>
                <ul className="kb-plain-list">
                  {(feedback.data?.items ?? [])
                    .filter((f) => f.comment)
                    .slice(0, 10)
                    .map((f) => (
                      <li key={`${f.user.id}`}>
                        {f.helpful ? '👍' : '👎'} <span className="prewrap">{f.comment}</span> <span className="muted small">— {f.user.name ?? '—'}</span>
                      </li>
                    ))}
                </ul>
              </section>
            )}
            <section className="card panel">
              <h2 className="panel-title">{t('kb.editor.history')}</h2>
              <ErrorNotice error={versions.error} />
              <ol className="kb-versions" reversed>
                {(versions.data ?? [])
                  .slice()
                  .sort((a, b) => b.version - a.version)
                  .map((v) => (
                    <li key={v.version}>
                      <button type="button" className="kb-link-button" onClick={() => void kbApi.version(article.id, v.version).then(setViewing, setError)}>
                        {t('kb.editor.version', { n: v.version })}
                      </button>{' '}
                      <span className="muted small">
                        {fmt.dateTime(v.editedAt)} · {v.editedBy?.name ?? t('common.system')} · {t(`kb.status.${v.status === 'published' ? 'published' : v.status === 'archived' ? 'archived' : 'draft'}`)}
                      </span>
                      {v.note && <div className="small">{v.note}</div>}
                    </li>
                  ))}
              </ol>
              {viewing && (
                <div className="kb-version-view">
                  <div className="row-gap">
                    <strong>{t('kb.editor.version', { n: viewing.version })}</strong>
                    <span className="filters-spacer" />
                    <button type="button" className="btn btn-small" onClick={() => setForm((f) => ({ ...formOf({ ...viewing, status: f.status === 'published' ? 'published' : 'draft' }), note: t('kb.editor.restoredNote', { n: viewing.version }) }))}>
                      {t('kb.editor.restore')}
                    </button>
                    <button type="button" className="btn btn-small btn-ghost" onClick={() => setViewing(null)}>
                      {t('common.cancel')}
                    </button>
                  </div>
                  <h3>{viewing.title}</h3>
                  <Markdown text={viewing.body} />
                </div>
              )}
            </section>
          </aside>
        )}
      </div>
    </div>
  );
}

/** Picks the article (in the other language) that a new article translates. */
function TranslationPicker({ lang, value, onChange, error }: { lang: KbLang; value: { id: string; title: string } | null; onChange(v: { id: string; title: string } | null): void; error: string | undefined }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<SearchItem[]>([]);
  useEffect(() => {
    if (q.trim().length < 2) {
      setItems([]);
      return;
    }
    const abort = new AbortController();
    const timer = window.setTimeout(() => {
      kbApi.search({ q: q.trim(), lang, limit: 5 }, abort.signal).then(
        (r) => setItems(r.items),
        () => undefined,
      );
    }, 300);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
  }, [q, lang]);
  return (
    <Field label={t('kb.field.translationOf')} hint={t('kb.field.translationOfHint')} error={error}>
      {(p) =>
        value ? (
          <div className="row-gap" id={p.id}>
            <span className="badge kb-lang">{lang === 'zh' ? '中文' : 'EN'}</span>
            <span>{value.title}</span>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => onChange(null)}>
              {t('kb.field.unlink')}
            </button>
          </div>
        ) : (
          <div>
            <input {...p} type="search" value={q} placeholder={t('kb.field.translationSearch')} onChange={(e) => setQ(e.target.value)} />
            {items.length > 0 && (
              <ul className="kb-plain-list kb-picker">
                {items.map((i) => (
                  <li key={i.id}>
                    <button type="button" className="kb-link-button" onClick={() => onChange({ id: i.id, title: i.title })}>
                      {i.title}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )
      }
    </Field>
  );
}
