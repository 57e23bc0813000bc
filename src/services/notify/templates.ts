/**
 * Notification texts in zh-CN and en. A template turns variables into one message that every
 * channel can show: a subject line, plain text (e-mail, SMS), markdown (IM bots), a short line
 * (SMS, voice) and action links (acknowledge / resolve / open).
 */
export type Lang = 'zh' | 'en';

export type Vars = Record<string, string | number | boolean | null | undefined>;

export interface Link {
  label: string;
  url: string;
}

export interface RenderedMessage {
  subject: string;
  /** the body lines alone (no subject, no links): for cards that show links as buttons */
  body: string;
  text: string;
  markdown: string;
  short: string;
  links: Link[];
  /** how loud: pages are critical, ticket notices informational */
  severity: 'critical' | 'warning' | 'info';
}

export const TEMPLATES = ['page', 'ticket_agent_reply', 'ticket_customer_reply', 'ticket_escalated', 'escalation_requested', 'sla_warning', 'sla_breach', 'test', 'status_confirm', 'status_update', 'status_maintenance', 'customer_incident', 'auditor_report'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export const isTemplate = (t: string): t is TemplateName => (TEMPLATES as readonly string[]).includes(t);

/** The user's language from a locale such as "zh-CN" or "en-US". */
export const langOf = (locale: string | null | undefined): Lang => (locale && locale.toLowerCase().startsWith('en') ? 'en' : 'zh');

const s = (v: Vars[string]): string => (v === null || v === undefined ? '' : String(v));

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function build(subject: string, lines: string[], links: Link[], severity: RenderedMessage['severity'], short: string): RenderedMessage {
  const body = lines.filter((l) => l !== '');
  const text = [...body, '', ...links.map((l) => `${l.label}: ${l.url}`)].join('\n').trim();
  const markdown = [`### ${subject}`, '', ...body.map((l) => `${l}  `), '', links.map((l) => `[${l.label}](${l.url})`).join(' · ')].join('\n').trim();
  return { subject, body: body.join('\n'), text, markdown, short, links, severity };
}

const SOURCE: Record<Lang, Record<string, string>> = {
  zh: { ticket: '工单', sla: 'SLA', incident: '质量事件', manual: '人工' },
  en: { ticket: 'ticket', sla: 'SLA', incident: 'quality incident', manual: 'manual' },
};

const STATUS_WORDS: Record<Lang, Record<string, string>> = {
  zh: { investigating: '调查中', identified: '已定位', monitoring: '观察中', resolved: '已恢复' },
  en: { investigating: 'investigating', identified: 'identified', monitoring: 'monitoring', resolved: 'resolved' },
};

const AUDIT_WORDS: Record<Lang, Record<string, string>> = {
  zh: {
    missing_timer: '没有待执行的下一级升级，也没有人确认',
    overdue_timer: '下一级升级已过期未执行',
    no_policy: '告警没有升级策略',
    exhausted: '升级策略已走完，仍无人确认',
    rescheduled: '已重新安排下一级升级',
    escalated: '已立即升级到下一级',
    reported: '已通知管理员，请手动处理',
  },
  en: {
    missing_timer: 'no pending next step and no acknowledgement',
    overdue_timer: 'the next step is overdue',
    no_policy: 'the page has no escalation policy',
    exhausted: 'every step was tried and nobody acknowledged',
    rescheduled: 'the next step was scheduled again',
    escalated: 'escalated to the next step now',
    reported: 'reported to admins for manual follow-up',
  },
};

export function render(template: TemplateName, vars: Vars, lang: Lang): RenderedMessage {
  const zh = lang === 'zh';
  switch (template) {
    case 'page': {
      const title = s(vars.title);
      const links: Link[] = [];
      if (vars.ackUrl) links.push({ label: zh ? '确认（我来处理）' : 'Acknowledge', url: s(vars.ackUrl) });
      if (vars.resolveUrl) links.push({ label: zh ? '标记已解决' : 'Resolve', url: s(vars.resolveUrl) });
      if (vars.pageUrl) links.push({ label: zh ? '查看详情' : 'Open', url: s(vars.pageUrl) });
      const source = SOURCE[lang][s(vars.source)] ?? s(vars.source);
      const step = Number(vars.step ?? 0) + 1;
      const pass = Number(vars.pass ?? 0);
      const subject = zh ? `【值班告警${vars.severity ? ` ${s(vars.severity)}` : ''}】${title}` : `[Page${vars.severity ? ` ${s(vars.severity)}` : ''}] ${title}`;
      const lines = zh
        ? [s(vars.summary), `来源：${source}`, `升级：第 ${step} 级${pass > 0 ? `（第 ${pass + 1} 轮）` : ''}`, `开始于：${s(vars.startedAt)}`]
        : [s(vars.summary), `Source: ${source}`, `Escalation: step ${step}${pass > 0 ? ` (repeat ${pass})` : ''}`, `Started: ${s(vars.startedAt)}`];
      const short = clip(zh ? `Signaldesk 值班告警：${title}。请尽快确认。` : `Signaldesk page: ${title}. Please acknowledge.`, 160);
      return build(subject, lines, links, 'critical', short);
    }
    case 'ticket_agent_reply': {
      const subject = zh ? `工单 #${s(vars.number)} 有新回复：${s(vars.subject)}` : `Ticket #${s(vars.number)} has a new reply: ${s(vars.subject)}`;
      const lines = [zh ? `${s(vars.agentName) || '支持工程师'} 回复：` : `${s(vars.agentName) || 'Support'} wrote:`, '', s(vars.body)];
      const links = vars.url ? [{ label: zh ? '查看工单' : 'View the ticket', url: s(vars.url) }] : [];
      return build(subject, lines, links, 'info', clip(subject, 160));
    }
    case 'ticket_customer_reply': {
      const subject = zh ? `客户回复了工单 #${s(vars.number)}：${s(vars.subject)}` : `Customer replied on ticket #${s(vars.number)}: ${s(vars.subject)}`;
      const lines = [zh ? `${s(vars.customerName) || '客户'} 写道：` : `${s(vars.customerName) || 'The customer'} wrote:`, '', s(vars.body)];
      const links = vars.url ? [{ label: zh ? '查看工单' : 'View the ticket', url: s(vars.url) }] : [];
      return build(subject, lines, links, 'info', clip(subject, 160));
    }
    case 'ticket_escalated': {
      const subject = zh ? `工单 #${s(vars.number)} 已升级至 ${s(vars.toLevel)}：${s(vars.subject)}` : `Ticket #${s(vars.number)} escalated to ${s(vars.toLevel)}: ${s(vars.subject)}`;
      const lines = zh
        ? [`负责人：${s(vars.ownerName) || '待分配'}`, vars.plan ? `处理计划：${s(vars.plan)}` : '', vars.nextUpdateAt ? `下次更新时间：${s(vars.nextUpdateAt)}` : '']
        : [`Owner: ${s(vars.ownerName) || 'to be assigned'}`, vars.plan ? `Plan: ${s(vars.plan)}` : '', vars.nextUpdateAt ? `Next update by: ${s(vars.nextUpdateAt)}` : ''];
      const links = vars.url ? [{ label: zh ? '查看工单' : 'View the ticket', url: s(vars.url) }] : [];
      return build(subject, lines, links, 'info', clip(subject, 160));
    }
    case 'escalation_requested': {
      const subject = zh ? `客户请求升级工单 #${s(vars.number)}：${s(vars.subject)}` : `Escalation requested on ticket #${s(vars.number)}: ${s(vars.subject)}`;
      const lines = zh
        ? [`请求人：${s(vars.requesterName)}`, `原因：${s(vars.reason)}`, vars.toLevel ? `希望升级到：${s(vars.toLevel)}` : '']
        : [`Requested by: ${s(vars.requesterName)}`, `Reason: ${s(vars.reason)}`, vars.toLevel ? `Wants: ${s(vars.toLevel)}` : ''];
      const links = vars.url ? [{ label: zh ? '处理升级请求' : 'Handle the request', url: s(vars.url) }] : [];
      return build(subject, lines, links, 'warning', clip(subject, 160));
    }
    case 'sla_warning':
    case 'sla_breach': {
      const breach = template === 'sla_breach';
      const clock = s(vars.clock);
      const subject = zh
        ? `${breach ? '【SLA 超时】' : '【SLA 即将超时】'}工单 #${s(vars.number)} ${clock}：${s(vars.subject)}`
        : `${breach ? '[SLA breached]' : '[SLA due soon]'} ticket #${s(vars.number)} ${clock}: ${s(vars.subject)}`;
      const lines = zh
        ? [vars.dueAt ? `${breach ? '到期时间' : '将于'}：${s(vars.dueAt)}` : '', vars.toLevel ? `已升级至：${s(vars.toLevel)}` : '', vars.ownerName ? `负责人：${s(vars.ownerName)}` : '']
        : [vars.dueAt ? `${breach ? 'Was due' : 'Due'}: ${s(vars.dueAt)}` : '', vars.toLevel ? `Escalated to: ${s(vars.toLevel)}` : '', vars.ownerName ? `Owner: ${s(vars.ownerName)}` : ''];
      const links = vars.url ? [{ label: zh ? '查看工单' : 'View the ticket', url: s(vars.url) }] : [];
      return build(subject, lines, links, breach ? 'critical' : 'warning', clip(subject, 160));
    }
    case 'status_confirm': {
      const subject = zh ? 'Signaldesk 服务状态：请确认订阅' : 'Signaldesk status: please confirm your subscription';
      const lines = zh
        ? [`有人（希望是您）用 ${s(vars.email)} 订阅了 Signaldesk 服务状态更新。`, '点击下方“确认订阅”链接后才会开始收到通知；如果不是您本人操作，忽略这封邮件即可。']
        : [`Someone (we hope you) subscribed ${s(vars.email)} to Signaldesk status updates.`, 'You will receive updates only after you confirm with the link below; if this was not you, ignore this e-mail.'];
      const links: Link[] = [{ label: zh ? '确认订阅' : 'Confirm subscription', url: s(vars.confirmUrl) }];
      if (vars.unsubscribeUrl) links.push({ label: zh ? '退订' : 'Unsubscribe', url: s(vars.unsubscribeUrl) });
      return build(subject, lines, links, 'info', subject);
    }
    case 'status_update': {
      const status = STATUS_WORDS[lang][s(vars.status)] ?? s(vars.status);
      const subject = zh ? `【服务状态】${s(vars.title)}：${status}` : `[Status] ${s(vars.title)}: ${status}`;
      const lines = [s(vars.body), vars.components ? (zh ? `受影响组件：${s(vars.components)}` : `Affected components: ${s(vars.components)}`) : '', zh ? `时间：${s(vars.at)}` : `Posted: ${s(vars.at)}`];
      const links: Link[] = [];
      if (vars.statusUrl) links.push({ label: zh ? '查看服务状态页' : 'View the status page', url: s(vars.statusUrl) });
      if (vars.unsubscribeUrl) links.push({ label: zh ? '退订' : 'Unsubscribe', url: s(vars.unsubscribeUrl) });
      return build(subject, lines, links, s(vars.status) === 'resolved' ? 'info' : 'warning', clip(subject, 160));
    }
    case 'status_maintenance': {
      const subject = zh ? `【计划维护】${s(vars.title)}` : `[Scheduled maintenance] ${s(vars.title)}`;
      const lines = [s(vars.body), zh ? `时间：${s(vars.startsAt)} — ${s(vars.endsAt)}` : `When: ${s(vars.startsAt)} — ${s(vars.endsAt)}`, vars.components ? (zh ? `涉及组件：${s(vars.components)}` : `Components: ${s(vars.components)}`) : ''];
      const links: Link[] = [];
      if (vars.statusUrl) links.push({ label: zh ? '查看服务状态页' : 'View the status page', url: s(vars.statusUrl) });
      if (vars.unsubscribeUrl) links.push({ label: zh ? '退订' : 'Unsubscribe', url: s(vars.unsubscribeUrl) });
      return build(subject, lines, links, 'info', clip(subject, 160));
    }
    case 'customer_incident': {
      const sev = s(vars.severity);
      const subject = zh ? `【质量事件通知${sev ? ` ${sev}` : ''}】${s(vars.title)}` : `[Quality incident${sev ? ` ${sev}` : ''}] ${s(vars.title)}`;
      const lines = zh
        ? [`${s(vars.orgName)}，您好：`, s(vars.summary), '我们的工程师正在处理，后续进展会及时同步。']
        : [`Hello ${s(vars.orgName)},`, s(vars.summary), 'Our engineers are working on it; we will keep you posted.'];
      const links: Link[] = [];
      if (vars.ticketUrl) links.push({ label: zh ? '查看工单' : 'View the ticket', url: s(vars.ticketUrl) });
      if (vars.statusUrl) links.push({ label: zh ? '查看服务状态页' : 'View the status page', url: s(vars.statusUrl) });
      return build(subject, lines, links, sev === 'P0' ? 'critical' : 'warning', clip(subject, 160));
    }
    case 'auditor_report': {
      const problem = AUDIT_WORDS[lang][s(vars.problem)] ?? s(vars.problem);
      const repair = AUDIT_WORDS[lang][s(vars.repair)] ?? s(vars.repair);
      const subject = zh ? `【升级巡检】告警“${s(vars.title)}”已修复：${problem}` : `[Escalation audit] page "${s(vars.title)}": ${problem}`;
      const lines = zh ? [`问题：${problem}`, `处理：${repair}`, `检查时间：${s(vars.at)}`] : [`Problem: ${problem}`, `Action: ${repair}`, `Checked at: ${s(vars.at)}`];
      const links = vars.pageUrl ? [{ label: zh ? '查看告警' : 'Open the page', url: s(vars.pageUrl) }] : [];
      return build(subject, lines, links, 'warning', clip(subject, 160));
    }
    case 'test': {
      const subject = zh ? `Signaldesk 测试通知${vars.title ? `：${s(vars.title)}` : ''}` : `Signaldesk test notification${vars.title ? `: ${s(vars.title)}` : ''}`;
      return build(subject, [s(vars.body) || (zh ? '这是一条测试消息。' : 'This is a test message.')], [], 'info', subject);
    }
  }
}
