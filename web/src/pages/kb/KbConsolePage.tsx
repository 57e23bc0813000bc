import { ChipGroup } from '../../components/ChipGroup.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { useAreaName } from '../../components/kb/ArticleMeta.tsx';
import { KbTabs } from '../../components/kb/KbTabs.tsx';
import { isLangChoice, KbSearchBar, KbSearchSection, type LangChoice } from '../../components/kb/SearchBar.tsx';
import { kbApi, kbLangOf } from '../../components/kb/kbApi.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';

const STATUS = ['', 'published', 'draft', 'archived'] as const;
type StatusFilter = (typeof STATUS)[number];
const isStatus = (v: string | null): v is StatusFilter => (STATUS as readonly (string | null)[]).includes(v);

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
      <KbSearchBar id="kb-console" q={q} label={t('kb.search.label')} placeholder={t('kb.search.placeholder')} onSearch={(v) => go({ q: v })} lang={{ value: lang, onChange: (l) => go({ lang: l }) }} />
      {q ? (
        <KbSearchSection q={q} results={results} showStatus href={(i) => `/console/kb/articles/${encodeURIComponent(i.id)}`} onClear={() => go({ q: '' })} />
      ) : (
        <>
          <ChipGroup label={t('kb.field.status')} options={STATUS.map((k) => ({ key: k, label: k ? t(`kb.status.${k}`) : t('kb.console.allLive') }))} value={status} onChange={(k) => go({ status: k })} />
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
