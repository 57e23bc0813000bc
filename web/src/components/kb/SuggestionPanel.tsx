import { useEffect, useRef, useState } from 'react';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { Highlighted } from './Highlighted.tsx';
import { Markdown } from './Markdown.tsx';
import { detectLang, kbApi, type Article, type SearchItem } from './kbApi.ts';

const DEBOUNCE_MS = 400;

export interface TicketSuggestions {
  items: SearchItem[];
  loading: boolean;
  error: unknown;
  /** Records that an article was opened in this session. */
  opened(articleId: string): Promise<void>;
  /** Records that the ticket was still submitted; never throws (the ticket is what matters). */
  submitted(ticketId: string): Promise<void>;
}

/**
 * Suggestions while a customer writes a ticket: the best published articles for the subject and
 * description, fetched a moment after typing stops. One suggestion session per ticket being written,
 * so the server can tell whether an opened article still ended in a ticket (deflection).
 */
export function useTicketSuggestions(subject: string, body: string): TicketSuggestions {
  const [items, setItems] = useState<SearchItem[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const session = useRef<string | null>(null);
  const openedIds = useRef(new Set<string>());

  useEffect(() => {
    const s = subject.trim();
    const b = body.trim();
    if (`${s}${b}`.length < 2) {
      setItems([]);
      return;
    }
    const abort = new AbortController();
    const timer = window.setTimeout(() => {
      setLoading(true);
      kbApi
        .suggest({ subject: (s || b).slice(0, 300), ...(s && b ? { body: b.slice(0, 4000) } : {}), lang: detectLang(`${s}\n${b}`), limit: 5, ...(session.current ? { sessionId: session.current } : {}) }, abort.signal)
        .then(
          (r) => {
            session.current = r.sessionId;
            setItems(r.items);
            setError(null);
            setLoading(false);
          },
          (e: unknown) => {
            if (abort.signal.aborted) return;
            setError(e);
            setLoading(false);
          },
        );
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
  }, [subject, body]);

  return {
    items,
    loading,
    error,
    opened: async (articleId) => {
      if (!session.current || openedIds.current.has(articleId)) return;
      openedIds.current.add(articleId);
      await kbApi.suggestionEvent(session.current, { type: 'opened', articleId });
    },
    submitted: async (ticketId) => {
      if (!session.current) return;
      try {
        await kbApi.suggestionEvent(session.current, { type: 'submitted', ticketId });
      } catch {
        // Deflection statistics must never stand in the way of the ticket.
      }
    },
  };
}

/** The panel beside the new-ticket form: suggested articles, each readable in place. */
export function SuggestionPanel({ suggestions }: { suggestions: TicketSuggestions }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<string | null>(null);
  const [article, setArticle] = useState<Article | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { items, loading } = suggestions;

  const toggle = async (item: SearchItem) => {
    if (open === item.id) {
      setOpen(null);
      return;
    }
    setOpen(item.id);
    setArticle(null);
    setError(null);
    try {
      const [a] = await Promise.all([kbApi.article(item.id), suggestions.opened(item.id)]);
      setArticle(a);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <aside className="card panel kb-suggestions" aria-labelledby="kb-suggestions-title" aria-busy={loading}>
      <h2 id="kb-suggestions-title" className="panel-title panel-title-plain">
        {t('kb.suggest.title')}
      </h2>
      {items.length === 0 ? (
        <p className="muted">{loading ? t('common.loading') : t('kb.suggest.hint')}</p>
      ) : (
        <ol className="kb-results kb-results-compact" aria-label={t('kb.suggest.title')}>
          {items.map((i) => (
            <li key={i.id} className="kb-result">
              <button type="button" className="kb-link-button" aria-expanded={open === i.id} onClick={() => void toggle(i)}>
                <Highlighted text={i.title} spans={i.highlights.title} />
              </button>
              {open === i.id ? (
                <div className="kb-inline-article">
                  {article && article.id === i.id ? (
                    <>
                      <Markdown text={article.body} />
                      <a href={`/portal/help/${encodeURIComponent(i.id)}`} target="_blank" rel="noopener noreferrer">
                        {t('kb.suggest.openFull')} ↗
                      </a>
                    </>
                  ) : error ? (
                    <ErrorNotice error={error} />
                  ) : (
                    <p className="muted">{t('common.loading')}</p>
                  )}
                </div>
              ) : (
                <p className="kb-snippet">
                  <Highlighted text={i.snippet} spans={i.highlights.snippet} />
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
      {items.length > 0 && <p className="muted small">{t('kb.suggest.footer')}</p>}
      <ErrorNotice error={suggestions.error} />
    </aside>
  );
}
