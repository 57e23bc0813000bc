import { useI18n } from '../i18n/index.tsx';
import { useNow } from '../serverTime.ts';
import { useMe } from '../session.tsx';
import { zoneOr } from '../zoned.ts';

/**
 * "Next response due by …" for a customer: the instant in the customer's own time zone (their
 * profile's, else their organization's), with the zone named, and how far away it is.
 */
export function NextResponseDue({ at }: { at: string | null }) {
  const { t, fmt } = useI18n();
  const { user, org } = useMe();
  const now = useNow(30_000);
  if (!at) return <span className="muted">—</span>;
  const zone = zoneOr(user.timezone || org?.timezone);
  const overdue = new Date(at).getTime() <= now;
  return (
    <span className="next-due">
      <span className="next-due-at">{t('portal.dueBy', { at: fmt.dateTime(at, zone) })}</span>
      <span className="next-due-zone muted">
        {fmt.zoneName(at, zone)} · {zone}
      </span>
      <span className={`next-due-rel${overdue ? ' is-late' : ''}`}>{overdue ? t('portal.dueSoon') : fmt.relative(at, now)}</span>
    </span>
  );
}
