import { useEffect, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { useAreaName } from '../../components/kb/ArticleMeta.tsx';
import { KbTabs } from '../../components/kb/KbTabs.tsx';
import { SearchResults } from '../../components/kb/SearchResults.tsx';
import { kbApi } from '../../components/kb/kbApi.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';

type StatusFilter = '' | 'internal' | 'promoted';

/** The case library: solved tickets summarized as problem / cause / solution; internal until promoted. */
export function CaseLibraryPage() {
  const { t, fmt } = useI18n();
  const areaName = useAreaName();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const s = search.get('status');
  const status: StatusFilter = s === 'internal' || s === 'promoted' ? s : '';
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const go = (next: { q?: string; status?: StatusFilter }) => {
    const p = new URLSearchParams();
    const v = { q, status, ...next };
    if (v.q) p.set('q', v.q);
    if (v.status) p.set('status', v.status);
    const str = p.toString();
    navigate(str ? `/console/kb/cases?${str}` : '/console/kb/cases');
  };
  const results = useLoad(async () => (q ? (await kbApi.search({ q, kind: 'case', limit: 20 })).items : null), [q]);
  const list = useLoad(async () => (q ? null : (await kbApi.cases({ limit: 200, ...(status ? { status } : {}) })).items), [q, status]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ q: draft.trim() });
  };

  return (
    <div className="page kb-cases">
      <div className="page-head">
        <h1>{t('kb.cases.title')}</h1>
      </div>
      <KbTabs active="cases" />
      <p className="muted">{t('kb.cases.intro')}</p>
      <form className="kb-search-bar" role="search" onSubmit={submit}>
        <label className="visually-hidden" htmlFor="kb-cases-q">
          {t('kb.cases.search')}
        </label>
        <input id="kb-cases-q" type="search" value={draft} maxLength={500} placeholder={t('kb.cases.search')} onChange={(e) => setDraft(e.target.value)} />
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
          {results.loading && !results.data ? <Loading /> : results.data && results.data.length > 0 ? <SearchResults items={results.data} href={(i) => `/console/kb/cases/${encodeURIComponent(i.id)}`} /> : <div className="empty">{t('kb.search.none')}</div>}
        </section>
      ) : (
        <>
          <div className="quick-filters" role="group" aria-label={t('kb.field.status')}>
            {(['', 'internal', 'promoted'] as const).map((v) => (
              <button key={v || 'all'} type="button" className={`chip${status === v ? ' active' : ''}`} aria-pressed={status === v} onClick={() => go({ status: v })}>
                {v ? t(`kb.caseStatus.${v}`) : t('kb.cases.all')}
              </button>
            ))}
          </div>
          <ErrorNotice error={list.error} />
          {list.loading && !list.data ? (
            <Loading />
          ) : list.data && list.data.length > 0 ? (
            <div className="card table-card">
              <table className="table" aria-label={t('kb.cases.title')}>
                <thead>
                  <tr>
                    <th>{t('kb.field.title')}</th>
                    <th>{t('kb.field.productArea')}</th>
                    <th>{t('kb.case.errorCode')}</th>
                    <th>{t('kb.field.status')}</th>
                    <th>{t('kb.cases.created')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <Link to={`/console/kb/cases/${encodeURIComponent(c.id)}`}>{c.title}</Link>
                      </td>
                      <td>{c.productArea ? areaName(c.productArea) : '—'}</td>
                      <td>{c.errorCode ?? '—'}</td>
                      <td>{t(`kb.caseStatus.${c.status}`)}</td>
                      <td className="muted">{fmt.dateTime(c.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <div className="empty">{t('kb.cases.empty')}</div>
          )}
        </>
      )}
    </div>
  );
}
