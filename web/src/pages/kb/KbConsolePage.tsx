import { useEffect, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { useAreaName } from '../../components/kb/ArticleMeta.tsx';
import { KbTabs } from '../../components/kb/KbTabs.tsx';
import { SearchResults } from '../../components/kb/SearchResults.tsx';
import { kbApi, kbLangOf, type KbLang } from '../../components/kb/kbApi.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';

const STATUS = ['', 'published', 'draft', 'archived'] as const;
type StatusFilter = (typeof STATUS)[number];
const isStatus = (v: string | null): v is StatusFilter => (STATUS as readonly (string | null)[]).includes(v);
type LangChoice = KbLang | 'all';
const isLangChoice = (v: string | null): v is LangChoice => v === 'zh' || v === 'en' || v === 'all';

/** The agents' knowledge base: search (drafts included) or list articles by status; write a new one. */
export function KbConsolePage() {
  const { t, fmt, locale } = useI18n();
  const areaName = useAreaName();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const statusParam = search.get('status');
  const status: StatusFilter = isStatus(statusParam) ? statusParam : '';
  const langParam = search.get('lang');
  const lang: LangChoice = isLangChoice(langParam) ? langParam : kbLangOf(locale);
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const go = (next: { q?: string; status?: StatusFilter; lang?: LangChoice }) => {
    const p = new URLSearchParams();
    const v = { q, status, lang: isLangChoice(langParam) ? langParam : undefined, ...next };
    if (v.q) p.set('q', v.q);
    if (v.status) p.set('status', v.status);
    if (v.lang) p.set('lang', v.lang);
    const s = p.toString();
    navigate(s ? `/console/kb?${s}` : '/console/kb');
  };
  const results = useLoad(async () => (q ? (await kbApi.search({ q, limit: 20, kind: 'article', ...(lang === 'all' ? {} : { lang }) })).items : null), [q, lang]);
  const list = useLoad(async () => (q ? null : (await kbApi.articles({ limit: 200, ...(status ? { status } : {}) })).items), [q, status]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ q: draft.trim() });
  };

  return (
    <div className="page kb-console">
      <div className="page-head">
        <h1>{t('kb.console.title')}</h1>
        <span className="filters-spacer" />
        <Link to="/console/kb/new" className="btn btn-primary">
          ＋ {t('kb.console.new')}
        </Link>
      </div>
      <KbTabs active="articles" />
      <form className="kb-search-bar" role="search" onSubmit={submit}>
        <label className="visually-hidden" htmlFor="kb-console-q">
          {t('kb.search.label')}
        </label>
        <input id="kb-console-q" type="search" value={draft} maxLength={500} placeholder={t('kb.search.placeholder')} onChange={(e) => setDraft(e.target.value)} />
        <label className="visually-hidden" htmlFor="kb-console-lang">
          {t('kb.search.lang')}
        </label>
        <select id="kb-console-lang" className="input-narrow" value={lang} onChange={(e) => isLangChoice(e.target.value) && go({ lang: e.target.value })}>
          <option value="zh">{t('kb.lang.zh')}</option>
          <option value="en">{t('kb.lang.en')}</option>
          <option value="all">{t('kb.lang.all')}</option>
        </select>
        <button type="submit" className="btn btn-primary">
          {t('kb.search.submit')}
        </button>
      </form>
      {q ? (
        <section className="stack" aria-live="polite">
          <div className="row-gap">
            <h2>{t('kb.search.resultsFor', { q })}</h2>
            <span className="filters-spacer" />
            <button type="button" className="btn btn-ghost" onClick={() => go({ q: '' })}>
              {t('kb.search.clear')}
            </button>
          </div>
          <ErrorNotice error={results.error} />
          {results.loading && !results.data ? <Loading /> : results.data && results.data.length > 0 ? <SearchResults items={results.data} showStatus href={(i) => `/console/kb/articles/${encodeURIComponent(i.id)}`} /> : <div className="empty">{t('kb.search.none')}</div>}
        </section>
      ) : (
        <>
          <div className="quick-filters" role="group" aria-label={t('kb.field.status')}>
            {STATUS.map((s) => (
              <button key={s || 'all'} type="button" className={`chip${status === s ? ' active' : ''}`} aria-pressed={status === s} onClick={() => go({ status: s })}>
                {s ? t(`kb.status.${s}`) : t('kb.console.allLive')}
              </button>
            ))}
          </div>
          <ErrorNotice error={list.error} />
          {list.loading && !list.data ? (
            <Loading />
          ) : list.data && list.data.length > 0 ? (
            <div className="card table-card">
              <table className="table">
                <thead>
                  <tr>
                    <th>{t('kb.field.title')}</th>
                    <th>{t('kb.field.lang')}</th>
                    <th>{t('kb.field.productArea')}</th>
                    <th>{t('kb.field.status')}</th>
                    <th>{t('kb.console.updated')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.map((a) => (
                    <tr key={a.id}>
                      <td>
                        <Link to={`/console/kb/articles/${encodeURIComponent(a.id)}`}>{a.title}</Link>
                      </td>
                      <td>{a.lang === 'zh' ? '中文' : 'EN'}</td>
                      <td>{a.productArea ? areaName(a.productArea) : '—'}</td>
                      <td>{t(`kb.status.${a.status}`)}</td>
                      <td className="muted">{fmt.dateTime(a.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <div className="empty">{t('kb.help.noArticles')}</div>
          )}
        </>
      )}
    </div>
  );
}
