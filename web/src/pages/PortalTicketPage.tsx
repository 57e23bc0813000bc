import { Composer } from '../components/Composer.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Loading } from '../components/Loading.tsx';
import { PortalStatus } from '../components/PortalStatus.tsx';
import { RequestEscalation } from '../components/RequestEscalation.tsx';
import { RtcFacts } from '../components/RtcFacts.tsx';
import { TicketHeader } from '../components/TicketHeader.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import { usePeopleNames, useTicketData } from '../ticketData.ts';

/** The customer's view of a ticket: who works on it, when the next answer is due, the public conversation. */
export function PortalTicketPage({ id }: { id: string }) {
  const { t } = useI18n();
  const data = useTicketData(id);
  const names = usePeopleNames(data.data);
  const refresh = () => void data.reload();

  if (!data.data) {
    if (!data.error) return <Loading />;
    return (
      <div className="page stack">
        <ErrorNotice error={data.error} />
        <Link to="/portal">← {t('ticket.backToList')}</Link>
      </div>
    );
  }
  const { ticket, events } = data.data;
  const closed = ticket.status === 'closed';
  return (
    <div className="page ticket-page">
      <TicketHeader ticket={ticket} back={{ to: '/portal', label: t('ticket.backToList') }} />
      <PortalStatus ticket={ticket} />
      <ErrorNotice error={data.error} />
      <div className="ticket-grid">
        <div className="ticket-main">
          <Timeline events={events} names={names} />
          {!closed && <Composer ticketId={ticket.id} staff={false} onSent={refresh} />}
        </div>
        <aside className="ticket-side">
          <RtcFacts rtc={ticket.rtc} />
          <RequestEscalation ticketId={ticket.id} disabled={closed} onDone={refresh} />
        </aside>
      </div>
    </div>
  );
}
