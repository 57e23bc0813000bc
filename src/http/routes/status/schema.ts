import { z } from 'zod';
import type { MaintenanceRow, OrgNotifyRow, ComponentRow } from '../../../store/repos/statuspage.ts';
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES, type MaintenanceState, type PublicFeed, type StatusIncidentView } from '../../../services/statuspage.ts';

export const id = z.string().min(1).max(100);

const line = (max: number) => z.string().trim().min(1).max(max);
export const Bilingual = (max: number) => z.object({ en: line(max), zh: line(max) });
const BilingualOpt = (max: number) => z.object({ en: z.string().trim().max(max), zh: z.string().trim().max(max) });
const BilingualOut = z.object({ en: z.string(), zh: z.string() });

export const ComponentStatus = z.enum(COMPONENT_STATUSES);
export const IncidentStatus = z.enum(INCIDENT_STATUSES);
export const Impact = z.enum(IMPACTS);
const MAINTENANCE_STATES = ['scheduled', 'in_progress', 'completed'] as const satisfies readonly MaintenanceState[];

// --- components ---------------------------------------------------------------------------------

export const ComponentIn = z.object({
  kind: z.enum(['region', 'service']),
  name: Bilingual(200),
  description: BilingualOpt(2000).optional(),
  status: ComponentStatus.optional(),
  position: z.number().int().min(0).max(10_000).optional(),
});
export const ComponentPatch = ComponentIn.partial();

export const ComponentOut = z.object({
  id: z.string(),
  kind: z.enum(['region', 'service']),
  name: BilingualOut,
  description: BilingualOut,
  status: ComponentStatus,
  position: z.number(),
  updatedAt: z.string(),
});

export const presentComponent = (c: ComponentRow): z.infer<typeof ComponentOut> => ({
  id: c.id,
  kind: c.kind,
  name: { en: c.name_en, zh: c.name_zh },
  description: { en: c.description_en, zh: c.description_zh },
  status: c.status,
  position: c.position,
  updatedAt: c.updated_at.toISOString(),
});

// --- incidents ------------------------------------------------------------------------------------

export const IncidentIn = z.object({
  title: Bilingual(300),
  status: IncidentStatus.default('investigating'),
  impact: Impact.default('minor'),
  componentIds: z.array(id).max(100).optional(),
  body: Bilingual(5000),
});

export const UpdateIn = z.object({ status: IncidentStatus, body: Bilingual(5000) });

const UpdateOut = z.object({ id: z.number(), status: IncidentStatus, body: BilingualOut, createdAt: z.string() });

export const IncidentOut = z.object({
  id: z.string(),
  title: BilingualOut,
  status: IncidentStatus,
  impact: Impact,
  componentIds: z.array(z.string()),
  source: z.enum(['manual', 'quality']),
  startedAt: z.string(),
  resolvedAt: z.string().nullable(),
  updatedAt: z.string(),
  updates: z.array(UpdateOut).describe('newest first'),
});
export const StaffIncidentOut = IncidentOut.extend({ qualityIncidentId: z.string().nullable() });

export function presentIncident(v: StatusIncidentView): z.infer<typeof IncidentOut> {
  const i = v.incident;
  return {
    id: i.id,
    title: { en: i.title_en, zh: i.title_zh },
    status: i.status,
    impact: i.impact,
    componentIds: i.component_ids,
    source: i.source,
    startedAt: i.started_at.toISOString(),
    resolvedAt: i.resolved_at ? i.resolved_at.toISOString() : null,
    updatedAt: i.updated_at.toISOString(),
    updates: v.updates.map((u) => ({ id: Number(u.id), status: u.status, body: { en: u.body_en, zh: u.body_zh }, createdAt: u.created_at.toISOString() })),
  };
}

export const presentStaffIncident = (v: StatusIncidentView): z.infer<typeof StaffIncidentOut> => ({ ...presentIncident(v), qualityIncidentId: v.incident.source === 'quality' ? v.incident.source_id : null });

// --- maintenance --------------------------------------------------------------------------------------

export const MaintenanceIn = z.object({
  title: Bilingual(300),
  body: BilingualOpt(5000).optional(),
  componentIds: z.array(id).max(100).optional(),
  startsAt: z.string().max(64).describe('ISO-8601 with Z or an offset'),
  endsAt: z.string().max(64),
});

export const MaintenancePatch = z.object({
  complete: z.boolean().optional().describe('true: the work is done (ends the window now)'),
  startsAt: z.string().max(64).optional(),
  endsAt: z.string().max(64).optional(),
});

export const MaintenanceOut = z.object({
  id: z.string(),
  title: BilingualOut,
  body: BilingualOut,
  componentIds: z.array(z.string()),
  startsAt: z.string(),
  endsAt: z.string(),
  completedAt: z.string().nullable(),
  state: z.enum(MAINTENANCE_STATES),
});

export const presentMaintenance = (m: MaintenanceRow, state: MaintenanceState): z.infer<typeof MaintenanceOut> => ({
  id: m.id,
  title: { en: m.title_en, zh: m.title_zh },
  body: { en: m.body_en, zh: m.body_zh },
  componentIds: m.component_ids,
  startsAt: m.starts_at.toISOString(),
  endsAt: m.ends_at.toISOString(),
  completedAt: m.completed_at ? m.completed_at.toISOString() : null,
  state,
});

// --- the public feed ------------------------------------------------------------------------------------

export const FeedOut = z.object({
  generatedAt: z.string(),
  status: ComponentStatus.describe('the worst current status of any component (or of open incidents)'),
  components: z.array(ComponentOut.omit({ position: true }).extend({ status: ComponentStatus.describe('effective: "maintenance" while a window covering it is in progress') })),
  incidents: z.array(IncidentOut).describe(`open incidents and those resolved in the last 14 days, newest first`),
  maintenance: z.array(MaintenanceOut).describe('scheduled, in-progress and recently completed windows'),
});

export function presentFeed(f: PublicFeed): z.infer<typeof FeedOut> {
  return {
    generatedAt: f.generatedAt.toISOString(),
    status: f.status,
    components: f.components.map((c) => {
      const { position: _position, ...rest } = presentComponent(c);
      return { ...rest, status: c.effective };
    }),
    incidents: f.incidents.map(presentIncident),
    maintenance: f.maintenance.map((m) => presentMaintenance(m, m.state)),
  };
}

// --- subscribers ---------------------------------------------------------------------------------------------

export const SubscribeIn = z.object({
  email: z.string().trim().min(3).max(254).email(),
  lang: z.enum(['zh', 'en']).default('zh'),
});

export const TokenQuery = z.object({ token: z.string().min(1).max(200) });
export const SubscriptionOut = z.object({ status: z.enum(['pending', 'confirmed', 'unsubscribed']), changed: z.boolean() });

// --- organizations' notification settings ---------------------------------------------------------------------

export const OrgNotifyIn = z.object({
  im: z
    .object({
      kind: z.enum(['dingtalk', 'feishu', 'wecom', 'slack', 'generic']),
      url: z.string().trim().min(1).max(2000),
      secret: z.string().max(500).optional().describe('signing secret (write-only); omitted keeps the stored one for the same robot, "" removes it'),
    })
    .nullable()
    .optional()
    .describe('the IM group robot; null removes it'),
  emails: z.array(z.string().trim().max(254)).max(50).optional().describe('more addresses that hear about incidents'),
});

export const OrgNotifyOut = z.object({
  orgId: z.string(),
  im: z.object({ kind: z.string(), url: z.string(), signed: z.boolean() }).nullable(),
  emails: z.array(z.string()),
  updatedAt: z.string().nullable(),
});

export function presentOrgNotify(orgId: string, r: OrgNotifyRow | undefined): z.infer<typeof OrgNotifyOut> {
  return {
    orgId,
    im: r?.im_kind && r.im_url ? { kind: r.im_kind, url: r.im_url, signed: Boolean(r.im_secret) } : null,
    emails: r?.emails ?? [],
    updatedAt: r ? r.updated_at.toISOString() : null,
  };
}
