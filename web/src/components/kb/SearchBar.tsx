import { useEffect, useState, type FormEvent } from 'react';
import type { Loaded } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { Loading } from '../Loading.tsx';
import type { KbLang, SearchItem } from './kbApi.ts';
import { SearchResults } from './SearchResults.tsx';

export type LangChoice = KbLang | 'all';
export const isLangChoice = (v: string | null): v is LangChoice => v === 'zh' || v === 'en' || v === 'all';

interface BarProps {
  /** Prefix of the inputs' ids (unique on the page). */
  id: string;
  /** The query in the address; the input follows it when it changes (back button, a link). */
  q: string;
  label: string;
  placeholder: string;
  onSearch(q: string): void;
  /** With a language choice: the chosen one and what choosing does. */
  lang?: { value: LangChoice; onChange(lang: LangChoice): void };
}

/** The knowledge-base search form: the query, optionally the language, and the submit button. */
export function KbSearchBar({ id, q, label, placeholder, onSearch, lang }: BarProps) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(draft.trim());
  };
  return (
    <form className="kb-search-bar" role="search" onSubmit={submit}>
      <label className="visually-hidden" htmlFor={`${id}-q`}>
        {label}
      </label>
      <input id={`${id}-q`} type="search" value={draft} maxLength={500} placeholder={placeholder} onChange={(e) => setDraft(e.target.value)} />
      {lang && (
        <>
          <label className="visually-hidden" htmlFor={`${id}-lang`}>
            {t('kb.search.lang')}
          </label>
          <select id={`${id}-lang`} className="input-narrow" value={lang.value} onChange={(e) => isLangChoice(e.target.value) && lang.onChange(e.target.value)}>
            <option value="zh">{t('kb.lang.zh')}</option>
            <option value="en">{t('kb.lang.en')}</option>
            <option value="all">{t('kb.lang.all')}</option>
          </select>
        </>
      )}
      <button type="submit" className="btn btn-primary">
        {t('kb.search.submit')}
      </button>
    </form>
  );
}

interface ResultsProps {
  q: string;
  results: Loaded<SearchItem[] | null>;
  href(hit: SearchItem): string;
  onClear(): void;
  showStatus?: boolean;
}

/** The results of a search, with the way back to browsing. */
export function KbSearchSection({ q, results, href, onClear, showStatus }: ResultsProps) {
  const { t } = useI18n();
  return (
    <section className="stack" aria-live="polite">
      <div className="row-gap">
        <h2>{t('kb.search.resultsFor', { q })}</h2>
        <span className="filters-spacer" />
        <button type="button" className="btn btn-ghost" onClick={onClear}>
          {t('kb.search.clear')}
        </button>
      </div>
      <ErrorNotice error={results.error} />
      {results.loading && !results.data ? <Loading /> : results.data && results.data.length > 0 ? <SearchResults items={results.data} href={href} {...(showStatus ? { showStatus } : {})} /> : <div className="empty">{t('kb.search.none')}</div>}
    </section>
  );
}
