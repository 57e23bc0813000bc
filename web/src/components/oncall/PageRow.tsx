import { useState } from 'react';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import type { OnCallPage } from '../../types.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { PersonName } from './PersonName.tsx';

interface Props {
  page: OnCallPage;
  names: ReadonlyMap<string, string>;
  now: number;
  onChanged(): void;
}

/** A ticket the page is about: `ticket` pages name it, SLA pages name `ticketId:clock:n`. */
const ticketOf = (p: OnCallPage): string | null => (p.sourceId && (p.source === 'ticket' || p.source === 'sla') ? (p.sourceId.split(':')[0] ?? null) : null);

/** One page: severity, what it is about, where escalation stands, and acknowledge / resolve. */
export function PageRow({ page, names, now, onChanged }: Props) {
  const { t, fmt, locale } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const act = async (fn: (id: string) => Promise<OnCallPage>) => {
    setBusy(true);
    setError(null);
    try {
      await fn(page.id);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const title = locale === 'zh-CN' ? page.title.zh || page.title.en : page.title.en || page.title.zh;
  const summary = locale === 'zh-CN' ? page.summary.zh || page.summary.en : page.summary.en || page.summary.zh;
  const ticket = ticketOf(page);
  return (
    <tr data-page={page.id} data-status={page.status}>
      <td>{page.severity ? <span className={`badge prio prio-${page.severity}`}>{page.severity}</span> : <span className="muted">—</span>}</td>
      <td className="col-subject">
        <div className="page-title">{title}</div>
        {summary && summary !== title && <div className="muted small page-summary">{summary}</div>}
        <div className="muted small">
          {t(`pageSource.${page.source}`)}
          {ticket && (
            <>
              {' · '}
              <Link to={`/console/tickets/${encodeURIComponent(ticket)}`}>{t('pages.openTicket')}</Link>
            </>
          )}
        </div>
        <ErrorNotice error={error} />
      </td>
      <td>
        <span className={`badge page-status page-${page.status}`}>{t(`pageStatus.${page.status}`)}</span>
      </td>
      <td title={fmt.dateTime(page.startedAt)}>{fmt.relative(page.startedAt, now)}</td>
      <td className="small">
        {page.acknowledgedBy && (
          <div>
            {t('pages.ackBy')} <PersonName id={page.acknowledgedBy} names={names} /> · {fmt.dateTime(page.acknowledgedAt)}
          </div>
        )}
        {page.resolvedBy && (
          <div>
            {t('pages.resolvedBy')} <PersonName id={page.resolvedBy} names={names} /> · {fmt.dateTime(page.resolvedAt)}
          </div>
        )}
        {page.status === 'triggered' && (
          <div className="muted">
            {t('pages.step', { step: page.escalation.step + 1, pass: page.escalation.pass + 1 })}
            {page.escalation.nextStepAt && ` · ${t('pages.nextStep', { at: fmt.relative(page.escalation.nextStepAt, now) })}`}
            {page.escalation.exhaustedAt && ` · ${t('pages.exhausted')}`}
          </div>
        )}
      </td>
      <td className="page-actions">
        {page.status === 'triggered' && (
          <button type="button" className="btn btn-small btn-warn" disabled={busy} onClick={() => void act(api.acknowledgePage)}>
            {t('pages.ack')}
          </button>
        )}
        {page.status !== 'resolved' && (
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void act(api.resolvePage)}>
            {t('pages.resolve')}
          </button>
        )}
      </td>
    </tr>
  );
}
