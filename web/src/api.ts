import { markObserved } from './observed.ts';
import type {
  CalendarSpec,
  CalendarView,
  Escalation,
  EscalationPolicy,
  Gap,
  Group,
  IcsPreview,
  Me,
  NewComment,
  NewEscalation,
  NewEscalationPolicy,
  NewOverride,
  NewTicket,
  OnCall,
  OnCallPage,
  Org,
  OrgNotifyInput,
  OrgNotifySettings,
  Override,
  PageStatus,
  Period,
  Schedule,
  Shift,
  SimulateRequest,
  SlaClocks,
  SlaPolicyRow,
  Ticket,
  TicketEvent,
  TicketPage,
  TicketPatch,
  User,
} from './types.ts';

export interface FieldIssue {
  path: string;
  message: string;
}

/** What the server answers with `{error:{code,message,details}}`, or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The issues about one field, e.g. `forField('body.reason')`. */
  forField(path: string): FieldIssue[] {
    return this.details.filter((d) => d.path === path || d.path.startsWith(`${path}.`));
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

let onUnauthorized: (() => void) | null = null;
/** The session registers here to drop to the login page when a session expires. */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

function parseIssues(v: unknown): FieldIssue[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((d: unknown) => {
    if (typeof d !== 'object' || d === null) return [];
    const { path, message } = d as { path?: unknown; message?: unknown };
    return typeof path === 'string' && typeof message === 'string' ? [{ path, message }] : [];
  });
}

/** The one way the web app calls the API: same-origin session, X-Requested-With, ApiError on failure. */
export async function request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  // Every write from the web app carries X-Requested-With: the server refuses cookie writes without it.
  const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'signaldesk' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(signal ? { signal } : {}) });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e; // the caller cancelled it
    throw new ApiError(0, 'network', e instanceof Error ? e.message : 'network error');
  }
  if (res.status === 204) return null as T;
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    const apiError = new ApiError(res.status, typeof err?.code === 'string' ? err.code : 'http', typeof err?.message === 'string' ? err.message : res.statusText, parseIssues(err?.details));
    if (res.status === 401 && path !== '/api/v1/auth/login') onUnauthorized?.();
    throw apiError;
  }
  return json as T;
}

export interface TicketQuery {
  status?: string[];
  priority?: string[];
  assigneeId?: string;
  level?: string;
  q?: string;
  /** Only tickets with a breached clock (`true`). */
  breached?: boolean;
  /** Only tickets past the warning share of a clock and not breached. */
  atRisk?: boolean;
  sort?: 'created' | '-created' | 'priority' | 'updated' | 'due';
  limit?: number;
  cursor?: string;
}

function queryString(q: TicketQuery): string {
  const p = new URLSearchParams();
  if (q.status?.length) p.set('status', q.status.join(','));
  if (q.priority?.length) p.set('priority', q.priority.join(','));
  if (q.assigneeId) p.set('assigneeId', q.assigneeId);
  if (q.level) p.set('level', q.level);
  if (q.q) p.set('q', q.q);
  if (q.breached) p.set('breached', 'true');
  if (q.atRisk) p.set('atRisk', 'true');
  if (q.sort) p.set('sort', q.sort);
  if (q.limit) p.set('limit', String(q.limit));
  if (q.cursor) p.set('cursor', q.cursor);
  const s = p.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

/** Tickets remember when they were read, so a countdown can run on from the server's answer. */
const observedTicket = <T extends Ticket>(t: T): T => markObserved(t);
const observedPage = (p: TicketPage): TicketPage => {
  p.items.forEach(markObserved);
  return p;
};

function rangeQuery(q: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const api = {
  me: () => request<Me>('GET', '/api/v1/me'),
  login: (handle: string, password: string) => request<{ user: User }>('POST', '/api/v1/auth/login', { handle, password }),
  logout: () => request<null>('POST', '/api/v1/auth/logout'),
  agents: () => request<{ items: User[] }>('GET', '/api/v1/users?role=agent'),

  staff: async (): Promise<User[]> => {
    const [agents, admins] = await Promise.all([request<{ items: User[] }>('GET', '/api/v1/users?role=agent'), request<{ items: User[] }>('GET', '/api/v1/users?role=admin')]);
    return [...admins.items, ...agents.items];
  },
  groups: () => request<{ items: Group[] }>('GET', '/api/v1/groups'),
  orgs: () => request<{ items: Org[] }>('GET', '/api/v1/orgs'),
  orgNotifySettings: (id: string) => request<OrgNotifySettings>('GET', `/api/v1/orgs/${enc(id)}/notification-settings`),
  saveOrgNotifySettings: (id: string, body: OrgNotifyInput) => request<OrgNotifySettings>('PUT', `/api/v1/orgs/${enc(id)}/notification-settings`, body),
  health: () => request<{ status: 'ok'; time: string }>('GET', '/api/v1/health'),

  tickets: async (q: TicketQuery) => observedPage(await request<TicketPage>('GET', `/api/v1/tickets${queryString(q)}`)),
  ticket: async (id: string) => observedTicket(await request<Ticket>('GET', `/api/v1/tickets/${enc(id)}`)),
  createTicket: (t: NewTicket) => request<Ticket>('POST', '/api/v1/tickets', t),
  updateTicket: async (id: string, patch: TicketPatch) => observedTicket(await request<Ticket>('PATCH', `/api/v1/tickets/${enc(id)}`, patch)),
  events: (id: string) => request<{ items: TicketEvent[] }>('GET', `/api/v1/tickets/${enc(id)}/events`),
  comment: (id: string, c: NewComment) => request<{ id: number; type: string; at: string; public: boolean; body: string }>('POST', `/api/v1/tickets/${enc(id)}/comments`, c),
  escalate: (id: string, e: NewEscalation) => request<Escalation>('POST', `/api/v1/tickets/${enc(id)}/escalations`, e),
  escalations: (id: string) => request<{ items: Escalation[] }>('GET', `/api/v1/tickets/${enc(id)}/escalations`),

  // SLA
  simulate: (body: SimulateRequest) => request<SlaClocks>('POST', '/api/v1/sla/simulate', body),
  slaPolicies: () => request<{ items: SlaPolicyRow[] }>('GET', '/api/v1/sla/policies'),
  saveSlaPolicies: (items: SlaPolicyRow[]) => request<{ items: SlaPolicyRow[]; recomputed: number }>('PUT', '/api/v1/sla/policies', { items }),
  calendars: () => request<{ items: CalendarView[] }>('GET', '/api/v1/sla/calendars'),
  saveCalendar: (id: string, name: string, spec: CalendarSpec) => request<CalendarView & { recomputed: number }>('PUT', `/api/v1/sla/calendars/${enc(id)}`, { name, spec }),
  importCalendar: (id: string, ics: string, apply: boolean, workdayHours?: Period[]) =>
    request<IcsPreview>('POST', `/api/v1/sla/calendars/${enc(id)}/import`, { ics, apply, ...(workdayHours ? { workdayHours } : {}) }),

  // On-call
  schedules: () => request<{ items: Schedule[] }>('GET', '/api/v1/schedules'),
  onCall: (id: string, at?: string) => request<OnCall>('GET', `/api/v1/schedules/${enc(id)}/oncall${rangeQuery({ at })}`),
  shifts: (id: string, from: string, to: string) => request<{ from: string; to: string; items: Shift[] }>('GET', `/api/v1/schedules/${enc(id)}/shifts${rangeQuery({ from, to })}`),
  gaps: (id: string, days: number) => request<{ from: string; to: string; items: Gap[] }>('GET', `/api/v1/schedules/${enc(id)}/gaps${rangeQuery({ days })}`),
  addOverride: (id: string, o: NewOverride) => request<Override>('POST', `/api/v1/schedules/${enc(id)}/overrides`, o),
  escalationPolicies: () => request<{ items: EscalationPolicy[] }>('GET', '/api/v1/escalation-policies'),
  createEscalationPolicy: (p: NewEscalationPolicy) => request<EscalationPolicy>('POST', '/api/v1/escalation-policies', p),
  pages: (status?: PageStatus[]) => request<{ items: OnCallPage[] }>('GET', `/api/v1/pages${rangeQuery({ status: status?.join(','), limit: 200 })}`),
  acknowledgePage: (id: string) => request<OnCallPage>('POST', `/api/v1/pages/${enc(id)}/ack`),
  resolvePage: (id: string) => request<OnCallPage>('POST', `/api/v1/pages/${enc(id)}/resolve`),
};

/** Where a calendar app or a browser downloads on-call shifts (the signed-in session authorizes it). */
export const feeds = {
  schedule: (id: string, lang: 'zh' | 'en') => `/api/v1/schedules/${enc(id)}.ics?lang=${lang}`,
  person: (userId: string, lang: 'zh' | 'en') => `/api/v1/users/${enc(userId)}/oncall.ics?lang=${lang}`,
};
