/**
 * The status page's calls: the public feed and subscribing (no sign-in), and the staff API for
 * components, incidents, updates and maintenance. Errors become `ApiError` like the rest of the app.
 */
import { ApiError, type FieldIssue } from '../../api.ts';

export type ComponentStatus = 'operational' | 'degraded' | 'partial_outage' | 'major_outage' | 'maintenance';
export type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type Impact = 'none' | 'minor' | 'major' | 'critical';
export type MaintenanceState = 'scheduled' | 'in_progress' | 'completed';

export const COMPONENT_STATUSES: readonly ComponentStatus[] = ['operational', 'degraded', 'partial_outage', 'major_outage', 'maintenance'];
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ['investigating', 'identified', 'monitoring', 'resolved'];
export const IMPACTS: readonly Impact[] = ['none', 'minor', 'major', 'critical'];

export interface Bilingual {
  en: string;
  zh: string;
}

export interface StatusComponent {
  id: string;
  kind: 'region' | 'service';
  name: Bilingual;
  description: Bilingual;
  status: ComponentStatus;
  position?: number;
  updatedAt: string;
}

export interface StatusUpdate {
  id: number;
  status: IncidentStatus;
  body: Bilingual;
  createdAt: string;
}

export interface StatusIncident {
  id: string;
  title: Bilingual;
  status: IncidentStatus;
  impact: Impact;
  componentIds: string[];
  source: 'manual' | 'quality';
  startedAt: string;
  resolvedAt: string | null;
  updatedAt: string;
  updates: StatusUpdate[];
  qualityIncidentId?: string | null;
}

export interface Maintenance {
  id: string;
  title: Bilingual;
  body: Bilingual;
  componentIds: string[];
  startsAt: string;
  endsAt: string;
  completedAt: string | null;
  state: MaintenanceState;
}

export interface StatusFeed {
  generatedAt: string;
  status: ComponentStatus;
  components: StatusComponent[];
  incidents: StatusIncident[];
  maintenance: Maintenance[];
}

function issues(v: unknown): FieldIssue[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((d: unknown) => {
    const { path, message } = (d ?? {}) as { path?: unknown; message?: unknown };
    return typeof path === 'string' && typeof message === 'string' ? [{ path, message }] : [];
  });
}

/** A JSON call with the app's CSRF header; failures become `ApiError` with the field issues. */
export async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'signaldesk' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : 'network error');
  }
  if (res.status === 204) return null as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    throw new ApiError(res.status, typeof err?.code === 'string' ? err.code : 'http', typeof err?.message === 'string' ? err.message : res.statusText, issues(err?.details));
  }
  return json as T;
}

export const statusApi = {
  feed: () => call<StatusFeed>('GET', '/api/v1/public/status.json'),
  subscribe: (email: string, lang: 'zh' | 'en') => call<{ status: 'pending' }>('POST', '/api/v1/public/status/subscribe', { email, lang }),
  components: () => call<{ items: StatusComponent[] }>('GET', '/api/v1/status/components'),
  createComponent: (body: { kind: 'region' | 'service'; name: Bilingual; status?: ComponentStatus }) => call<StatusComponent>('POST', '/api/v1/status/components', body),
  setComponentStatus: (id: string, status: ComponentStatus) => call<StatusComponent>('PATCH', `/api/v1/status/components/${encodeURIComponent(id)}`, { status }),
  incidents: () => call<{ items: StatusIncident[] }>('GET', '/api/v1/status/incidents?days=30'),
  createIncident: (body: { title: Bilingual; status: IncidentStatus; impact: Impact; componentIds: string[]; body: Bilingual }) => call<StatusIncident>('POST', '/api/v1/status/incidents', body),
  addUpdate: (id: string, body: { status: IncidentStatus; body: Bilingual }) => call<StatusIncident>('POST', `/api/v1/status/incidents/${encodeURIComponent(id)}/updates`, body),
  maintenance: () => call<{ items: Maintenance[] }>('GET', '/api/v1/status/maintenance?days=30'),
  createMaintenance: (body: { title: Bilingual; body: Bilingual; componentIds: string[]; startsAt: string; endsAt: string }) => call<Maintenance>('POST', '/api/v1/status/maintenance', body),
  completeMaintenance: (id: string) => call<Maintenance>('PATCH', `/api/v1/status/maintenance/${encodeURIComponent(id)}`, { complete: true }),
};
