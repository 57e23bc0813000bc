import { useI18n } from '../i18n/index.tsx';
import { Link, navigate } from '../router.tsx';
import { useMe } from '../session.tsx';
import { zoneOr } from '../zoned.ts';
import type { Ticket } from '../types.ts';
import { LevelBadge, PriorityBadge, StatusBadge } from './Badges.tsx';

export function PortalTicketTable({ items }: { items: Ticket[] }) {
  const { t, fmt } = useI18n();
  const { user, org } = useMe();
  // The customer's own zone, named, like on the ticket page.
  const zone = zoneOr(user.timezone || org?.timezone);
  return (
    <table className="table">
      <thead>
        <tr>
          <th className="col-num">{t('queue.col.number')}</th>
          <th>{t('queue.col.subject')}</th>
          <th>{t('queue.col.priority')}</th>
          <th>{t('queue.col.status')}</th>
          <th>{t('queue.col.level')}</th>
          <th>{t('ticket.workingOn')}</th>
          <th>{t('ticket.nextResponseDue')}</th>
          <th>{t('ticket.updated')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((tk) => {
          const href = `/portal/tickets/${encodeURIComponent(tk.id)}`;
          return (
            <tr key={tk.id} className="row-link" onClick={(e) => !(e.target as HTMLElement).closest('a') && navigate(href)}>
              <td className="col-num mono">#{tk.number}</td>
              <td className="col-subject">
                <Link to={href}>{tk.subject}</Link>
              </td>
              <td>
                <PriorityBadge priority={tk.priority} />
              </td>
              <td>
                <StatusBadge status={tk.status} />
              </td>
              <td>
                <LevelBadge level={tk.level} />
              </td>
              <td>{tk.assignee ? tk.assignee.name : <span className="muted">{t('portal.waitingAssign')}</span>}</td>
              <td className="col-due">{tk.nextResponseDueAt ? `${fmt.dateTime(tk.nextResponseDueAt, zone)} ${fmt.zoneName(tk.nextResponseDueAt, zone)}` : <span className="muted">—</span>}</td>
              <td title={fmt.dateTime(tk.updatedAt)}>{fmt.relative(tk.updatedAt)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
