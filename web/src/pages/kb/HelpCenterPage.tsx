import { useEffect, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ArticleMeta, useAreaName } from '../../components/kb/ArticleMeta.tsx';
import { SearchResults } from '../../components/kb/SearchResults.tsx';
import { kbApi, kbLangOf, type KbLang } from '../../components/kb/kbApi.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';

type LangChoice = KbLang | 'all';
const isLangChoice = (v: string | null): v is LangChoice => v === 'zh' || v === 'en' || v === 'all';

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
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
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

  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ q: draft.trim(), area: '', tag: '' });
  };

  return (
    <div className="page kb-help">
      <div className="page-head">
        <h1>{t('kb.help.title')}</h1>
      </div>
      <form className="kb-search-bar" role="search" onSubmit={submit}>
        <label className="visually-hidden" htmlFor="kb-help-q">
          {t('kb.search.label')}
        </label>
        <input id="kb-help-q" type="search" value={draft} maxLength={500} placeholder={t('kb.search.placeholder')} onChange={(e) => setDraft(e.target.value)} />
        <label className="visually-hidden" htmlFor="kb-help-lang">
          {t('kb.search.lang')}
        </label>
        <select id="kb-help-lang" className="input-narrow" value={lang} onChange={(e) => isLangChoice(e.target.value) && go({ lang: e.target.value })}>
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
          {results.loading && !results.data ? (
            <Loading />
          ) : results.data && results.data.length > 0 ? (
            <SearchResults items={results.data} href={(i) => `${base}/${encodeURIComponent(i.id)}`} />
          ) : (
            <div className="empty">{t('kb.search.none')}</div>
          )}
        </section>
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
