import { useI18n } from '../i18n/index.tsx';
import type { TicketEvent } from '../types.ts';
import { TimelineItem } from './TimelineItem.tsx';

/** The ticket's conversation and history in time order (the server already hides internal events from customers). */
export function Timeline({ events, names }: { events: TicketEvent[]; names: ReadonlyMap<string, string> }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="conversation-title">
      <h2 id="conversation-title" className="section-title">
        {t('ticket.conversation')}
      </h2>
      <ol className="timeline">
        {events.map((e) => (
          <TimelineItem key={e.id} event={e} names={names} />
        ))}
      </ol>
    </section>
  );
}
