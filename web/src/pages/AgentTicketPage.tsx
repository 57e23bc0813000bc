import { api } from '../api.ts';
import { Composer } from '../components/Composer.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { EscalateForm } from '../components/EscalateForm.tsx';
import { EscalationList } from '../components/EscalationList.tsx';
import { Loading } from '../components/Loading.tsx';
import { RtcFacts } from '../components/RtcFacts.tsx';
import { TicketHeader } from '../components/TicketHeader.tsx';
import { TicketProperties } from '../components/TicketProperties.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { TicketKbPanel } from '../components/kb/TicketKbPanel.tsx';
import { SlaPanel } from '../components/sla/SlaPanel.tsx';
import { useLoad } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import { useWarnShare } from '../slaPolicies.ts';
import { usePeopleNames, useTicketData } from '../ticketData.ts';

/** The console's ticket page: conversation and notes on the left; SLA clocks, properties, RTC facts and escalation on the right. */
export function AgentTicketPage({ id }: { id: string }) {
  const { t } = useI18n();
  const data = useTicketData(id);
  const agents = useLoad(async () => (await api.agents()).items, []);
  const names = usePeopleNames(data.data, agents.data);
  const warnShare = useWarnShare();
  const refresh = () => void data.reload();

  if (!data.data) {
    if (!data.error) return <Loading />;
    return (
      <div className="page stack">
        <ErrorNotice error={data.error} />
        <Link to="/console">← {t('ticket.backToQueue')}</Link>
      </div>
    );
  }
  const { ticket, events, escalations } = data.data;
  return (
    <div className="page ticket-page">
      <TicketHeader ticket={ticket} back={{ to: '/console', label: t('ticket.backToQueue') }} showOrg />
      <ErrorNotice error={data.error} />
      <div className="ticket-grid">
        <div className="ticket-main">
          <Timeline events={events} names={names} />
          {ticket.status !== 'closed' && <Composer ticketId={ticket.id} staff onSent={refresh} />}
        </div>
        <aside className="ticket-side">
          <SlaPanel ticket={ticket} warnShare={warnShare(ticket.orgTier, ticket.priority)} />
          <TicketProperties ticket={ticket} agents={agents.data ?? []} onChanged={refresh} />
          <RtcFacts rtc={ticket.rtc} />
          <TicketKbPanel ticket={ticket} />
          <EscalateForm key={ticket.level} ticket={ticket} onDone={refresh} />
          <EscalationList items={escalations} />
        </aside>
      </div>
    </div>
  );
}
