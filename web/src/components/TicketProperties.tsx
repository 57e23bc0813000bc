import { useState } from 'react';
import { api } from '../api.ts';
import { fieldError } from '../errors.ts';
import { useI18n, type Translate } from '../i18n/index.tsx';
import { useMe } from '../session.tsx';
import type { Ticket, TicketPatch, User } from '../types.ts';
import { PRIORITIES, STATUSES, isPriority, isStatus } from '../types.ts';
import { LevelBadge, TierBadge } from './Badges.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { Field } from './Field.tsx';

interface Props {
  ticket: Ticket;
  agents: User[];
  onChanged(): void;
}

/** Status, priority and assignee, each applied as soon as it is changed. */
export function TicketProperties({ ticket, agents, onChanged }: Props) {
  const { t, fmt } = useI18n();
  const { user } = useMe();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const apply = async (patch: TicketPatch) => {
    setBusy(true);
    setError(null);
    try {
      await api.updateTicket(ticket.id, patch);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const closed = ticket.status === 'closed';
  const canTakeIt = user.role === 'agent' && ticket.assigneeId !== user.id;
  return (
    <section className="card panel" aria-labelledby="props-title">
      <h2 id="props-title" className="panel-title">
        {t('ticket.properties')}
      </h2>
      <div className="props">
        <Field label={t('ticket.status')} error={fieldError(error, 'body.status')}>
          {(p) => (
            <select {...p} value={ticket.status} disabled={busy || closed} onChange={(e) => isStatus(e.target.value) && void apply({ status: e.target.value })}>
              {STATUSES.filter((s) => s !== 'new' || ticket.status === 'new').map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('ticket.priority')} error={fieldError(error, 'body.priority')}>
          {(p) => (
            <select {...p} value={ticket.priority} disabled={busy || closed} onChange={(e) => isPriority(e.target.value) && void apply({ priority: e.target.value })}>
              {PRIORITIES.map((x) => (
                <option key={x} value={x}>
                  {x} {t(`priority.${x}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('ticket.assignee')} error={fieldError(error, 'body.assigneeId')}>
          {(p) => (
            <div className="row-gap">
              <select {...p} value={ticket.assigneeId ?? ''} disabled={busy || closed} onChange={(e) => void apply({ assigneeId: e.target.value || null })}>
                <option value="">{t('common.unassigned')}</option>
                {agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                    {a.level ? ` · ${a.level}` : ''}
                  </option>
                ))}
              </select>
              {canTakeIt && !closed && (
                <button type="button" className="btn btn-small" disabled={busy} onClick={() => void apply({ assigneeId: user.id })}>
                  {t('ticket.assignToMe')}
                </button>
              )}
            </div>
          )}
        </Field>
      </div>
      <ErrorNotice error={error} inline={['body.status', 'body.priority', 'body.assigneeId']} />
      <dl className="facts facts-compact">
        <div className="fact">
          <dt>{t('ticket.level')}</dt>
          <dd>
            <LevelBadge level={ticket.level} long />
          </dd>
        </div>
        <div className="fact">
          <dt>{t('ticket.org')}</dt>
          <dd>
            {ticket.orgName ?? ticket.orgId} <TierBadge tier={ticket.orgTier} />
          </dd>
        </div>
        <div className="fact">
          <dt>{t('ticket.channel')}</dt>
          <dd>{channelLabel(ticket.channel, t)}</dd>
        </div>
        <div className="fact">
          <dt>{t('ticket.created')}</dt>
          <dd>{fmt.dateTime(ticket.createdAt)}</dd>
        </div>
        <div className="fact">
          <dt>{t('ticket.updated')}</dt>
          <dd>{fmt.dateTime(ticket.updatedAt)}</dd>
        </div>
        <div className="fact">
          <dt>{t('ticket.nextResponseDue')}</dt>
          <dd>{ticket.nextResponseDueAt ? fmt.dateTime(ticket.nextResponseDueAt) : '—'}</dd>
        </div>
      </dl>
    </section>
  );
}

const CHANNELS = ['portal', 'api', 'email', 'im', 'phone', 'monitoring', 'chat'] as const;
function channelLabel(c: string, t: Translate): string {
  const known = CHANNELS.find((x) => x === c);
  return known ? t(`channel.${known}`) : c;
}
