import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Loading } from '../components/Loading.tsx';
import { PortalTicketTable } from '../components/PortalTicketTable.tsx';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import { useTicketList } from '../ticketList.ts';

const QUERY = { sort: '-created', limit: 50 } as const;

/** The customer's own tickets (the server only returns their organization's), newest first. */
export function PortalTicketsPage() {
  const { t } = useI18n();
  const list = useTicketList(QUERY);
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('portal.title')}</h1>
        <span className="filters-spacer" />
        <Link to="/portal/help" className="btn">
          ? {t('kb.nav.helpCenter')}
        </Link>
        <Link to="/portal/new" className="btn btn-primary">
          ＋ {t('nav.newTicket')}
        </Link>
      </div>
      <ErrorNotice error={list.error} />
      {list.loading && list.items.length === 0 ? (
        <Loading />
      ) : list.items.length === 0 ? (
        <div className="empty">{t('portal.empty')}</div>
      ) : (
        <div className="card table-card">
          <PortalTicketTable items={list.items} />
        </div>
      )}
      {list.hasMore && (
        <div className="load-more">
          <button type="button" className="btn" disabled={list.loadingMore} onClick={() => void list.loadMore()}>
            {t('queue.loadMore')}
          </button>
        </div>
      )}
    </div>
  );
}
