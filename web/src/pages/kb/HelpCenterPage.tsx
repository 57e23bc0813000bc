import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ArticleMeta, useAreaName } from '../../components/kb/ArticleMeta.tsx';
import { isLangChoice, KbSearchBar, KbSearchSection, type LangChoice } from '../../components/kb/SearchBar.tsx';
import { kbApi, kbLangOf } from '../../components/kb/kbApi.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';


/**
 * The help center in the customer portal: search (results with the matched words marked) and
 * browsing by product area and tag. The state lives in the address (?q=, ?area=, ?tag=, ?lang=),
 * so results can be shared and the back button works.
 */
export function HelpCenterPage({ base = '/portal/help' }: { base?: string }) {
  const { t, locale } = useI18n();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const area = search.get('area') ?? '';
  const tag = search.get('tag') ?? '';
  const langParam = search.get('lang');
  const lang: LangChoice = isLangChoice(langParam) ? langParam : kbLangOf(locale);
  const areaName = useAreaName();

  const go = (next: { q?: string; area?: string; tag?: string; lang?: LangChoice }) => {
    const p = new URLSearchParams();
    const v = { q, area, tag, lang: langParam ?? '', ...next };
    for (const [k, val] of Object.entries(v)) if (val) p.set(k, val);
    const s = p.toString();
    navigate(s ? `${base}?${s}` : base);
  };

  const apiLang = lang === 'all' ? undefined : lang;
  const results = useLoad(async () => (q ? (await kbApi.search({ q, limit: 20, ...(apiLang ? { lang: apiLang } : {}) })).items : null), [q, apiLang]);
  const facets = useLoad(() => kbApi.facets(apiLang ? { lang: apiLang } : {}), [apiLang]);
  const list = useLoad(async () => (q ? null : (await kbApi.articles({ limit: 100, ...(apiLang ? { lang: apiLang } : {}), ...(area ? { productArea: area } : {}), ...(tag ? { tag } : {}) })).items), [q, apiLang, area, tag]);

  return (
    <div className="page kb-help">
      <div className="page-head">
        <h1>{t('kb.help.title')}</h1>
      </div>
      <KbSearchBar id="kb-help" q={q} label={t('kb.search.label')} placeholder={t('kb.search.placeholder')} onSearch={(v) => go({ q: v, area: '', tag: '' })} lang={{ value: lang, onChange: (l) => go({ lang: l }) }} />

      {q ? (
        <KbSearchSection q={q} results={results} href={(i) => `${base}/${encodeURIComponent(i.id)}`} onClear={() => go({ q: '' })} />
      ) : (
        <div className="kb-browse">
          <aside className="kb-facets" aria-label={t('kb.help.browse')}>
            <ErrorNotice error={facets.error} />
            <h2 className="panel-title">{t('kb.help.areas')}</h2>
            <div className="kb-chips">
              <button type="button" className={`chip${!area && !tag ? ' active' : ''}`} aria-pressed={!area && !tag} onClick={() => go({ area: '', tag: '' })}>
                {t('kb.help.allArticles')}
              </button>
              {(facets.data?.productAreas ?? []).map((f) => (
                <button key={f.value} type="button" className={`chip${area === f.value ? ' active' : ''}`} aria-pressed={area === f.value} onClick={() => go({ area: area === f.value ? '' : f.value, tag: '' })}>
                  {areaName(f.value)} <span className="muted">{f.count}</span>
                </button>
              ))}
            </div>
            <h2 className="panel-title">{t('kb.help.tags')}</h2>
            <div className="kb-chips">
              {(facets.data?.tags ?? []).map((f) => (
                <button key={f.value} type="button" className={`chip${tag === f.value ? ' active' : ''}`} aria-pressed={tag === f.value} onClick={() => go({ tag: tag === f.value ? '' : f.value, area: '' })}>
                  #{f.value}
                </button>
              ))}
            </div>
          </aside>
          <section className="kb-list" aria-label={t('kb.help.articles')}>
            <ErrorNotice error={list.error} />
            {list.loading && !list.data ? (
              <Loading />
            ) : list.data && list.data.length > 0 ? (
              <ul className="kb-article-list">
                {list.data.map((a) => (
                  <li key={a.id} className="card panel">
                    <Link to={`${base}/${encodeURIComponent(a.id)}`} className="kb-article-link">
                      {a.title}
                    </Link>
                    <ArticleMeta productArea={a.productArea} tags={a.tags.slice(0, 6)} errorCodes={a.errorCodes} />
                  </li>
                ))}
              </ul>
            ) : (
              <div className="empty">{t('kb.help.noArticles')}</div>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
