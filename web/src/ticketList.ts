import { useCallback, useState } from 'react';
import { api, type TicketQuery } from './api.ts';
import { useLoad } from './hooks.ts';
import type { Ticket } from './types.ts';

export interface TicketList {
  items: Ticket[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore(): Promise<void>;
  reload(): Promise<void>;
}

/** The first page of tickets for a query, plus "load more" along the server's `nextCursor`. */
export function useTicketList(query: TicketQuery): TicketList {
  const key = JSON.stringify(query);
  const [more, setMore] = useState<{ key: string; items: Ticket[]; next: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const first = useLoad(async () => {
    const page = await api.tickets(query);
    setMore(null);
    setMoreError(null);
    return page;
  }, [key]);

  const extra = more?.key === key ? more : null;
  const next = extra ? extra.next : (first.data?.nextCursor ?? null);

  const loadMore = useCallback(async () => {
    if (!next) return;
    setLoadingMore(true);
    try {
      const page = await api.tickets({ ...query, cursor: next });
      setMore((m) => ({ key, items: [...(m?.key === key ? m.items : []), ...page.items], next: page.nextCursor }));
      setMoreError(null);
    } catch (e) {
      setMoreError(e);
    } finally {
      setLoadingMore(false);
    }
    // `query` is summarized by `key`.
  }, [key, next]);

  return {
    items: [...(first.data?.items ?? []), ...(extra?.items ?? [])],
    loading: first.loading,
    error: first.error ?? moreError,
    hasMore: next !== null,
    loadingMore,
    loadMore,
    reload: first.reload,
  };
}
