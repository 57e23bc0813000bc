import { useI18n } from '../i18n/index.tsx';
import { Link, navigate } from '../router.tsx';
import type { Ticket } from '../types.ts';
import { isLevel } from '../types.ts';
import { useWarnShare } from '../slaPolicies.ts';
import { LevelBadge, PriorityBadge, StatusBadge, TierBadge } from './Badges.tsx';
import { SlaCell } from './sla/SlaCell.tsx';

/** The agent queue: one dense row per ticket; the whole row opens the ticket. */
export function QueueTable({ items }: { items: Ticket[] }) {
  const { t, fmt } = useI18n();
  const now = Date.now();
  const warnShare = useWarnShare();
  return (
    <table className="table queue-table">
      <thead>
        <tr>
          <th className="col-num">{t('queue.col.number')}</th>
          <th>{t('queue.col.subject')}</th>
          <th>{t('queue.col.org')}</th>
          <th>{t('queue.col.priority')}</th>
          <th>{t('queue.col.status')}</th>
          <th className="col-sla">{t('queue.col.sla')}</th>
          <th>{t('queue.col.level')}</th>
          <th>{t('queue.col.assignee')}</th>
          <th className="col-age">{t('queue.col.age')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((tk) => {
          const href = `/console/tickets/${encodeURIComponent(tk.id)}`;
          return (
            <tr key={tk.id} data-ticket={tk.number} className="row-link" onClick={(e) => !(e.target as HTMLElement).closest('a') && navigate(href)}>
              <td className="col-num mono">#{tk.number}</td>
              <td className="col-subject">
                <Link to={href}>{tk.subject}</Link>
              </td>
              <td className="col-org">
                <span className="org-name">{tk.orgName ?? tk.orgId}</span> <TierBadge tier={tk.orgTier} />
              </td>
              <td>
                <PriorityBadge priority={tk.priority} />
              </td>
              <td>
                <StatusBadge status={tk.status} />
              </td>
              <td className="col-sla">
                <SlaCell ticket={tk} warnShare={warnShare(tk.orgTier, tk.priority)} />
              </td>
              <td>
                <LevelBadge level={tk.level} />
              </td>
              <td className="col-assignee">
                {tk.assignee ? (
                  <>
                    {tk.assignee.name}
                    {isLevel(tk.assignee.level) && tk.assignee.level !== tk.level && <LevelBadge level={tk.assignee.level} />}
                  </>
                ) : (
                  <span className="muted">{t('common.unassigned')}</span>
                )}
              </td>
              <td className="col-age" title={fmt.dateTime(tk.createdAt)}>
                {fmt.relative(tk.createdAt, now)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
