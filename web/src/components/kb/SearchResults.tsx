import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { Highlighted } from './Highlighted.tsx';
import type { SearchItem } from './kbApi.ts';

interface Props {
  items: readonly SearchItem[];
  /** Where a result leads. */
  href(item: SearchItem): string;
  /** Called when a result is opened (before navigating). */
  onOpen?(item: SearchItem): void;
  showStatus?: boolean;
}

/** Search results, best first: title and snippet with the matched words marked. */
export function SearchResults({ items, href, onOpen, showStatus }: Props) {
  const { t } = useI18n();
  return (
    <ol className="kb-results" aria-label={t('kb.search.results')}>
      {items.map((i) => (
        <li key={`${i.kind}:${i.id}`} className="kb-result">
          <div className="kb-result-title">
            <span onClickCapture={() => onOpen?.(i)}>
              <Link to={href(i)}>
                <Highlighted text={i.title} spans={i.highlights.title} />
              </Link>
            </span>
            <span className="badge kb-lang">{i.lang === 'zh' ? '中文' : 'EN'}</span>
            {i.kind === 'case' && <span className="badge kb-case-badge">{t('kb.case.badge')}</span>}
            {showStatus && i.draft && <span className="badge kb-draft">{t('kb.status.draft')}</span>}
          </div>
          <p className="kb-snippet">
            <Highlighted text={i.snippet} spans={i.highlights.snippet} />
          </p>
        </li>
      ))}
    </ol>
  );
}
