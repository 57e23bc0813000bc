import { ChipGroup } from '../../components/ChipGroup.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { useAreaName } from '../../components/kb/ArticleMeta.tsx';
import { KbTabs } from '../../components/kb/KbTabs.tsx';
import { KbSearchBar, KbSearchSection } from '../../components/kb/SearchBar.tsx';
import { kbApi } from '../../components/kb/kbApi.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';

const STATUS = ['', 'internal', 'promoted'] as const;
type StatusFilter = (typeof STATUS)[number];

/** The case library: solved tickets summarized as problem / cause / solution; internal until promoted. */
export function CaseLibraryPage() {
  const { t, fmt } = useI18n();
  const areaName = useAreaName();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const s = search.get('status');
  const status: StatusFilter = s === 'internal' || s === 'promoted' ? s : '';
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

  return (
    <div className="page kb-cases">
      <div className="page-head">
        <h1>{t('kb.cases.title')}</h1>
      </div>
      <KbTabs active="cases" />
      <p className="muted">{t('kb.cases.intro')}</p>
      <KbSearchBar id="kb-cases" q={q} label={t('kb.cases.search')} placeholder={t('kb.cases.search')} onSearch={(v) => go({ q: v })} />
      {q ? (
        <KbSearchSection q={q} results={results} href={(i) => `/console/kb/cases/${encodeURIComponent(i.id)}`} onClear={() => go({ q: '' })} />
      ) : (
        <>
          <ChipGroup label={t('kb.field.status')} options={STATUS.map((k) => ({ key: k, label: k ? t(`kb.caseStatus.${k}`) : t('kb.cases.all') }))} value={status} onChange={(k) => go({ status: k })} />
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
