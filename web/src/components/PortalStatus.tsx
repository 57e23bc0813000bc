import { useI18n } from '../i18n/index.tsx';
import type { Ticket } from '../types.ts';
import { isLevel } from '../types.ts';
import { LevelBadge, StatusBadge } from './Badges.tsx';
import { NextResponseDue } from './NextResponseDue.tsx';

/** What a customer wants to know at a glance: status, level, who is on it, and when the next answer is due. */
export function PortalStatus({ ticket }: { ticket: Ticket }) {
  const { t, fmt } = useI18n();
  return (
    <dl className="card status-strip">
      <div>
        <dt>{t('ticket.status')}</dt>
        <dd>
          <StatusBadge status={ticket.status} />
        </dd>
      </div>
      <div>
        <dt>{t('ticket.level')}</dt>
        <dd>
          <LevelBadge level={ticket.level} long />
        </dd>
      </div>
      <div>
        <dt>{t('ticket.workingOn')}</dt>
        <dd data-testid="working-on">
          {ticket.assignee ? (
            <>
              <strong>{ticket.assignee.name}</strong>
              {isLevel(ticket.assignee.level) && <span className="at-level">{t('portal.atLevel', { level: t(`level.${ticket.assignee.level}`) })}</span>}
            </>
          ) : (
            <span className="muted">{t('portal.waitingAssign')}</span>
          )}
        </dd>
      </div>
      <div>
        <dt>{t('ticket.nextResponseDue')}</dt>
        <dd data-testid="next-response">
          <NextResponseDue at={ticket.nextResponseDueAt} />
        </dd>
      </div>
      <div>
        <dt>{t('ticket.updated')}</dt>
        <dd>{fmt.dateTime(ticket.updatedAt)}</dd>
      </div>
    </dl>
  );
}
