import { useI18n, type Translate } from '../i18n/index.tsx';
import type { Formatters } from '../i18n/format.ts';
import type { TicketEvent } from '../types.ts';
import { clockLabel } from '../sla.ts';
import { CLOCK_KINDS, isLevel, isPriority, isStatus } from '../types.ts';
import { LevelBadge } from './Badges.tsx';

interface Props {
  event: TicketEvent;
  /** user id → name, for events that name a person by id (assignment). */
  names: ReadonlyMap<string, string>;
}

const MESSAGE_TYPES = new Set(['created', 'agent_reply', 'customer_reply', 'internal_note', 'escalation_reason']);

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** One entry of the ticket's history: a message (reply, note) or an activity line (status, escalation …). */
export function TimelineItem({ event, names }: Props) {
  const { t, fmt } = useI18n();
  return MESSAGE_TYPES.has(event.type) ? <Message event={event} t={t} fmt={fmt} /> : <Activity event={event} names={names} t={t} fmt={fmt} />;
}

function Message({ event, t, fmt }: { event: TicketEvent; t: Translate; fmt: Formatters }) {
  const internal = !event.public;
  const fromCustomer = event.actor?.role === 'customer';
  const kind = internal ? 'internal' : fromCustomer ? 'customer' : 'agent';
  const label =
    event.type === 'internal_note'
      ? t('event.internalNote')
      : event.type === 'escalation_reason'
        ? t('event.escalationReason')
        : event.type === 'created'
          ? t('event.created')
          : fromCustomer
            ? t('event.customerReply')
            : t('event.agentReply');
  return (
    <li className={`tl-item msg msg-${kind}`} data-event-type={event.type}>
      <div className="msg-head">
        <span className="avatar avatar-sm" aria-hidden="true">
          {Array.from(event.actor?.name ?? '?')[0]}
        </span>
        <span className="msg-author">{event.actor?.name ?? t('common.system')}</span>
        {event.actor?.level && isLevel(event.actor.level) && <LevelBadge level={event.actor.level} />}
        <span className={`msg-kind${internal ? ' msg-kind-internal' : ''}`}>{label}</span>
        <time className="msg-time" dateTime={event.at}>
          {fmt.dateTime(event.at)}
        </time>
      </div>
      <div className="msg-body prewrap">{event.body}</div>
    </li>
  );
}

function activityText(event: TicketEvent, names: ReadonlyMap<string, string>, t: Translate, fmt: Formatters): { line: string; extra: string[] } {
  const actor = event.actor?.name ?? t('common.system');
  const d = event.data;
  const status = (v: unknown) => (isStatus(v) ? t(`status.${v}`) : str(v));
  const priority = (v: unknown) => (isPriority(v) ? `${v} ${t(`priority.${v}`)}` : str(v));
  const level = (v: unknown) => (isLevel(v) ? t(`level.${v}`) : str(v));
  switch (event.type) {
    case 'status':
      return { line: event.actor ? t('event.status', { actor, from: status(d.from), to: status(d.status) }) : t('event.statusAuto', { from: status(d.from), to: status(d.status) }), extra: [] };
    case 'priority':
      return { line: t('event.priority', { actor, from: priority(d.from), to: priority(d.priority) }), extra: [] };
    case 'assigned': {
      const id = str(d.assigneeId);
      return { line: id ? t('event.assigned', { actor, to: names.get(id) ?? t('common.someone') }) : t('event.unassigned', { actor }), extra: [] };
    }
    case 'level':
      return { line: t('event.level', { actor, from: level(d.from), to: level(d.level) }), extra: [] };
    case 'routed': {
      const owner = names.get(str(d.assigneeId));
      return { line: t('event.routed', { group: str(d.groupName) || '—' }), extra: owner ? [t('event.escalatedOwner', { owner })] : [] };
    }
    case 'escalated': {
      const extra: string[] = [];
      if (str(d.ownerName)) extra.push(t('event.escalatedOwner', { owner: str(d.ownerName) }));
      if (str(d.nextUpdateAt)) extra.push(t('event.nextUpdate', { at: fmt.dateTime(str(d.nextUpdateAt)) }));
      if (event.body) extra.push(`${t('event.plan')}${t('common.colon')}${event.body}`);
      return { line: t('event.escalated', { actor, from: level(d.from), to: level(d.to) }), extra };
    }
    case 'sla_warning':
    case 'sla_breach': {
      const kind = CLOCK_KINDS.find((k) => k === d.clock);
      const index = typeof d.index === 'number' ? d.index : 0;
      const clock = kind ? clockLabel(t, { kind, cycle: kind === 'nextReply' || kind === 'periodicUpdate' ? index + 1 : null }) : str(d.clock);
      return event.type === 'sla_breach'
        ? { line: t('event.slaBreach', { clock }), extra: [] }
        : { line: t('event.slaWarning', { clock, at: fmt.dateTime(str(d.dueAt)) }), extra: [] };
    }
    case 'p0_emergency':
      return { line: t('event.p0Emergency'), extra: [] };
    case 'escalation_requested':
      return { line: t('event.escalationRequested', { actor }), extra: event.body ? [event.body] : [] };
    default:
      return { line: t('event.other', { actor, type: event.type }), extra: event.body ? [event.body] : [] };
  }
}

function Activity({ event, names, t, fmt }: Props & { t: Translate; fmt: Formatters }) {
  const { line, extra } = activityText(event, names, t, fmt);
  return (
    <li className={`tl-item activity activity-${event.type}${event.public ? '' : ' activity-internal'}`} data-event-type={event.type}>
      <span className="activity-dot" aria-hidden="true" />
      <div className="activity-text">
        <span>{line}</span>
        {extra.map((x, i) => (
          <div key={i} className="activity-extra prewrap">
            {x}
          </div>
        ))}
      </div>
      <time className="activity-time" dateTime={event.at}>
        {fmt.dateTime(event.at)}
      </time>
    </li>
  );
}
