import type { ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';
import type { Ticket } from '../types.ts';
import { isCategory, isLevel } from '../types.ts';
import { LevelBadge, PriorityBadge, StatusBadge, TierBadge } from './Badges.tsx';

interface Props {
  ticket: Ticket;
  back: { to: string; label: string };
  /** Show the customer organization and its tier (the console does; the portal does not need it). */
  showOrg?: boolean;
  children?: ReactNode;
}

/** Subject, number and the ticket's state at a glance: priority, status, level, assignee. */
export function TicketHeader({ ticket, back, showOrg = false, children }: Props) {
  const { t } = useI18n();
  const category = ticket.category && isCategory(ticket.category) ? t(`category.${ticket.category}`) : ticket.category;
  return (
    <header className="ticket-head">
      <Link to={back.to} className="back-link">
        ← {back.label}
      </Link>
      <h1>
        <span className="ticket-num mono">#{ticket.number}</span> {ticket.subject}
      </h1>
      <div className="ticket-meta">
        <PriorityBadge priority={ticket.priority} />
        <StatusBadge status={ticket.status} />
        <LevelBadge level={ticket.level} long />
        <span className="meta-item">
          <span className="muted">{t('ticket.assignee')}{t('common.colon')}</span>
          {ticket.assignee ? (
            <>
              <strong>{ticket.assignee.name}</strong> {isLevel(ticket.assignee.level) && <LevelBadge level={ticket.assignee.level} />}
            </>
          ) : (
            <span className="muted">{t('common.unassigned')}</span>
          )}
        </span>
        {showOrg && (
          <span className="meta-item">
            <span className="muted">{t('ticket.org')}{t('common.colon')}</span>{ticket.orgName ?? ticket.orgId} <TierBadge tier={ticket.orgTier} />
          </span>
        )}
        {category && (
          <span className="meta-item">
            <span className="muted">{t('ticket.category')}{t('common.colon')}</span>{category}
          </span>
        )}
        {children}
      </div>
    </header>
  );
}
