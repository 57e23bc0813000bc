import { useCallback } from 'react';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Loading } from '../components/Loading.tsx';
import { QueueFilters } from '../components/QueueFilters.tsx';
import { QueueTable } from '../components/QueueTable.tsx';
import { useEvery } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { queueQuery, queueStateUrl, readQueueState, type QueueState } from '../queueState.ts';
import { navigate, useLocation } from '../router.tsx';
import { useTicketList } from '../ticketList.ts';

const PAGE_SIZE = 50;

/** The agent console's queue: filters and sort in the address, "load more" along the cursor. */
export function QueuePage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const state = readQueueState(search);
  const list = useTicketList(queueQuery(state, PAGE_SIZE));
  // Clocks tick in the browser; states (a reply met a clock, a ticket paused) come from the server.
  // (Not once more pages are loaded: a refresh starts again at the first page.)
  useEvery(60_000, () => list.items.length <= PAGE_SIZE && void list.reload());
  const onChange = useCallback((next: QueueState) => navigate(queueStateUrl(next), { replace: true }), []);

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('queue.title')}</h1>
        <span className="muted">{t('queue.shown', { n: list.items.length })}</span>
        <button type="button" className="btn btn-ghost" onClick={() => void list.reload()}>
          {t('common.refresh')}
        </button>
      </div>
      <QueueFilters value={state} onChange={onChange} />
      <ErrorNotice error={list.error} />
      {list.loading && list.items.length === 0 ? (
        <Loading />
      ) : list.items.length === 0 ? (
        <div className="empty">{t('queue.empty')}</div>
      ) : (
        <div className={`card table-card${list.loading ? ' is-stale' : ''}`}>
          <QueueTable items={list.items} />
        </div>
      )}
      {list.hasMore && (
        <div className="load-more">
          <button type="button" className="btn" disabled={list.loadingMore} onClick={() => void list.loadMore()}>
            {list.loadingMore ? t('common.loading') : t('queue.loadMore')}
          </button>
        </div>
      )}
    </div>
  );
}
