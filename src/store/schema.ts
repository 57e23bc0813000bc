import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** The one Kysely schema. Every table any migration creates is described here. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export type Tier = 'basic' | 'advanced' | 'enterprise';
export type Role = 'admin' | 'agent' | 'customer';
export type Level = 'L1' | 'L2' | 'RD' | 'ARCH';
export type Priority = 'P0' | 'P1' | 'P2' | 'P3';
export type TicketStatus = 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';

export interface RtcFacts {
  appId?: string;
  sdkVersion?: string;
  os?: string;
  osVersion?: string;
  device?: string;
  net?: string;
  region?: string;
  channelId?: string;
  userIds?: string[];
  errorCode?: string;
  happenedAt?: string;
  reproSteps?: string;
}

export interface OrgsTable {
  id: string;
  name: string;
  tier: Tier;
  industry: string;
  timezone: string;
  locale: Generated<string>;
  regions: Json<string[]>;
  app_ids: Json<string[]>;
  csm_id: string | null;
  calendar_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: string;
  handle: string;
  name: string;
  email: string;
  role: Role;
  org_id: string | null;
  level: Level | null;
  timezone: Generated<string>;
  locale: Generated<string>;
  escalation_manager: Generated<boolean>;
  available: Generated<boolean>;
  password_hash: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  token_hash: string;
  scopes: Json<string[]>;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface WebSessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

export interface AgentGroupsTable {
  id: string;
  name: string;
  industry: string | null;
  region: string | null;
  min_priority: string | null;
  rr_cursor: Generated<number>;
  created_at: CreatedAt;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
}

export interface TicketsTable {
  id: string;
  number: ColumnType<number, never, never>;
  org_id: string;
  requester_id: string;
  subject: string;
  description: string;
  priority: Priority;
  status: TicketStatus;
  channel: string;
  assignee_id: string | null;
  group_id: string | null;
  level: Level;
  category: string | null;
  rtc: Json<RtcFacts>;
  tags: Json<string[]>;
  incident_ids: Json<string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
  first_response_at: Timestamp | null;
  solved_at: Timestamp | null;
  closed_at: Timestamp | null;
}

export interface TicketEventsTable {
  id: Generated<number>;
  ticket_id: string;
  at: Timestamp;
  type: string;
  actor_id: string | null;
  public: boolean;
  body: string | null;
  data: Json<Record<string, unknown>>;
}

export interface AttachmentsTable {
  id: string;
  ticket_id: string;
  event_id: number | null;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  data: Uint8Array;
  uploaded_by: string;
  created_at: CreatedAt;
}

export interface EscalationsTable {
  id: string;
  ticket_id: string;
  kind: 'manual' | 'customer_request' | 'auto';
  from_level: string;
  to_level: string | null;
  reason: string;
  plan: string | null;
  next_update_at: Timestamp | null;
  requested_by: string | null;
  owner_id: string | null;
  status: Generated<'open' | 'done' | 'declined'>;
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_id: string | null;
  org_id: string | null;
  entity: string;
  entity_id: string;
  action: string;
  changes: Json<Record<string, unknown>>;
}

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  idempotency_key: string;
  payload: Json<Record<string, unknown>>;
  status: Generated<'pending' | 'delivering' | 'done' | 'dead'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_until: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
}

export interface CalendarsTable {
  id: string;
  name: string;
  spec: Json<unknown>;
  is_default: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SlaPoliciesTable {
  tier: Tier;
  priority: Priority;
  calendar: '24x7' | 'business';
  first_response: number | null;
  next_reply: number | null;
  periodic_update: number | null;
  resolution: number | null;
  warn_share: Generated<number>;
  updated_at: Timestamp;
}

export interface TicketSlaTable {
  ticket_id: string;
  clocks: Json<unknown>;
  next_due_at: Timestamp | null;
  warn_at: Timestamp | null;
  breached: boolean;
  computed_at: Timestamp;
}

export interface SlaAlertsTable {
  ticket_id: string;
  clock: string;
  idx: number;
  kind: 'warning' | 'breach';
  at: Timestamp;
}

export interface DB {
  orgs: OrgsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  web_sessions: WebSessionsTable;
  agent_groups: AgentGroupsTable;
  group_members: GroupMembersTable;
  tickets: TicketsTable;
  ticket_events: TicketEventsTable;
  attachments: AttachmentsTable;
  escalations: EscalationsTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  calendars: CalendarsTable;
  sla_policies: SlaPoliciesTable;
  ticket_sla: TicketSlaTable;
  sla_alerts: SlaAlertsTable;
  schedules: SchedulesTable;
  schedule_overrides: ScheduleOverridesTable;
  escalation_policies: EscalationPoliciesTable;
  contact_methods: ContactMethodsTable;
  pages: PagesTable;
  page_notifications: PageNotificationsTable;
  page_tokens: PageTokensTable;
  jobs: JobsTable;
}

export type Org = Selectable<OrgsTable>;
export type User = Selectable<UsersTable>;
export type Ticket = Selectable<TicketsTable>;
export type TicketEvent = Selectable<TicketEventsTable>;
export type NewTicket = Insertable<TicketsTable>;
export type TicketUpdate = Updateable<TicketsTable>;

// On-call, paging and durable timers (migration 020).

export interface SchedulesTable {
  id: string;
  name: string;
  timezone: string;
  layers: Json<unknown[]>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ScheduleOverridesTable {
  id: Generated<number>;
  schedule_id: string;
  start_at: Timestamp;
  end_at: Timestamp;
  user_id: string;
  created_by: string | null;
  created_at: Timestamp;
}

export interface EscalationPoliciesTable {
  id: string;
  name: string;
  steps: Json<unknown[]>;
  repeat: Generated<number>;
  is_default: Generated<boolean>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ContactType = 'email' | 'sms' | 'voice' | 'webhook';
export type WebhookKind = 'dingtalk' | 'feishu' | 'wecom' | 'slack' | 'generic';

export interface ContactMethodsTable {
  id: string;
  user_id: string;
  type: ContactType;
  kind: WebhookKind | null;
  address: string;
  secret: string | null;
  created_at: Timestamp;
}

export type PageSource = 'ticket' | 'sla' | 'incident' | 'manual';
export type PageStatus = 'triggered' | 'acknowledged' | 'resolved';

export interface PagesTable {
  id: string;
  source: PageSource;
  source_id: string | null;
  policy_id: string | null;
  policy: ColumnType<unknown, string | null, string | null>;
  title_zh: string;
  title_en: string;
  summary_zh: Generated<string>;
  summary_en: Generated<string>;
  severity: string | null;
  status: Generated<PageStatus>;
  started_at: Timestamp;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  pass: Generated<number>;
  step: Generated<number>;
  step_started_at: Timestamp | null;
  next_step_at: Timestamp | null;
  exhausted_at: Timestamp | null;
  created_by: string | null;
}

export interface PageNotificationsTable {
  id: Generated<number>;
  page_id: string;
  pass: number;
  step: number;
  user_id: string;
  at: Timestamp;
  channels: Json<string[]>;
}

export interface PageTokensTable {
  token_hash: string;
  page_id: string;
  user_id: string;
  action: 'ack' | 'resolve';
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  key: string;
  due_at: Timestamp;
  payload: Json<Record<string, unknown>>;
  status: Generated<'pending' | 'running' | 'done' | 'failed'>;
  lease_until: Timestamp | null;
  lease_token: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type Page = Selectable<PagesTable>;

// Quality telemetry and incidents (migration 030). Declared by interface merging, so the tables
// join `DB` without touching the list above.

export interface TelemetryRollupsTable {
  minute: Timestamp;
  dims_key: string;
  app: string;
  dims: Json<Record<string, string>>;
  records: number;
  sessions: number;
  joins: number;
  join_ok: number;
  join_ok5s: number;
  ff_count: number;
  ff_slow: number;
  stats: number;
  interval_ms: number;
  loss_ms: number;
  delay_bad_ms: number;
  rtt_w: number;
  jitter_w: number;
  v_ms: number;
  v_freeze_ms: number;
  a_ms: number;
  a_freeze_ms: number;
  av_ms: number;
  av_bad_ms: number;
  leaves: number;
  leaves_bad: number;
}

export interface TelemetryLateTable {
  minute: Timestamp;
  records: number;
}

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';
export type IncidentSeverity = 'P0' | 'P1' | 'P2';

export interface IncidentsTable {
  id: string;
  status: IncidentStatus;
  severity: IncidentSeverity;
  metrics: Json<string[]>;
  started_at: Timestamp;
  detected_at: Timestamp;
  resolved_at: Timestamp | null;
  root_cause: Json<Record<string, string>[]>;
  scope: Json<{ apps: string[]; sessions: number; share: number }>;
  observed: number;
  expected: number;
  summary: Json<{ en: string; zh: string }>;
  diagnosis: Json<Record<string, unknown>>;
  ticket_id: string | null;
  affected_orgs: Json<string[]>;
  merged_into: string | null;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  resolved_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DB {
  telemetry_rollups: TelemetryRollupsTable;
  telemetry_late: TelemetryLateTable;
  incidents: IncidentsTable;
}

export type IncidentRow = Selectable<IncidentsTable>;

// Knowledge base, case library, suggestion sessions and the search index (migration 040).

export type KbLang = 'zh' | 'en';
export type KbArticleStatus = 'draft' | 'published' | 'archived';

export interface KbArticlesTable {
  id: string;
  slug: string | null;
  lang: KbLang;
  title: string;
  body: string;
  tags: Json<string[]>;
  product_area: string | null;
  sdk_versions: Json<string[]>;
  platforms: Json<string[]>;
  error_codes: Json<string[]>;
  status: KbArticleStatus;
  translation_group: string;
  version: number;
  source_case_id: string | null;
  created_by: string | null;
  updated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  published_at: Timestamp | null;
}

export interface KbArticleVersionsTable {
  article_id: string;
  version: number;
  lang: KbLang;
  title: string;
  body: string;
  tags: Json<string[]>;
  product_area: string | null;
  sdk_versions: Json<string[]>;
  platforms: Json<string[]>;
  error_codes: Json<string[]>;
  status: KbArticleStatus;
  edited_by: string | null;
  edited_at: Timestamp;
  note: string | null;
}

export interface KbFeedbackTable {
  id: Generated<number>;
  article_id: string;
  user_id: string;
  helpful: boolean;
  comment: string | null;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface KbCasesTable {
  id: string;
  ticket_id: string;
  org_id: string;
  lang: KbLang;
  title: string;
  problem: string;
  cause: string;
  solution: string;
  tags: Json<string[]>;
  product_area: string | null;
  error_code: string | null;
  sdk_version: string | null;
  platform: string | null;
  status: 'internal' | 'promoted';
  article_id: string | null;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface KbSuggestionSessionsTable {
  id: string;
  user_id: string;
  org_id: string | null;
  query: string;
  shown: Json<string[]>;
  opened: Json<string[]>;
  first_opened_at: Timestamp | null;
  ticket_id: string | null;
  submitted_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface KbDocsTable {
  id: Generated<number>;
  ref_kind: 'article' | 'case';
  ref_id: string;
  facet: number;
  len_title: number;
  len_tags: number;
  len_body: number;
  term_ids: ColumnType<number[], string, string>;
}

export interface KbVocabTable {
  id: Generated<number>;
  term: string;
  df: number;
  changed: number;
}

export interface KbPostingsTable {
  term_id: number;
  doc_id: number;
  facet: number;
  tf_title: number;
  tf_tags: number;
  tf_body: number;
  len_title: number;
  len_tags: number;
  len_body: number;
  /** BM25F's term-frequency part with the average lengths at write time: the read order. */
  impact: Generated<number>;
}

export interface KbStatsTable {
  id: number;
  doc_count: number;
  len_title: number;
  len_tags: number;
  len_body: number;
  generation: number;
  vocab_changed: number;
}

export interface DB {
  kb_articles: KbArticlesTable;
  kb_article_versions: KbArticleVersionsTable;
  kb_feedback: KbFeedbackTable;
  kb_cases: KbCasesTable;
  kb_suggestion_sessions: KbSuggestionSessionsTable;
  kb_docs: KbDocsTable;
  kb_vocab: KbVocabTable;
  kb_postings: KbPostingsTable;
  kb_stats: KbStatsTable;
}

export type KbArticle = Selectable<KbArticlesTable>;
export type KbCase = Selectable<KbCasesTable>;

// Status page, customer notification settings and calendar feed tokens (migrations 025–027).

export type StatusComponentStatus = 'operational' | 'degraded' | 'partial_outage' | 'major_outage' | 'maintenance';
export type StatusIncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type StatusImpact = 'none' | 'minor' | 'major' | 'critical';

export interface StatusComponentsTable {
  id: string;
  kind: 'region' | 'service';
  name_en: string;
  name_zh: string;
  description_en: Generated<string>;
  description_zh: Generated<string>;
  status: Generated<StatusComponentStatus>;
  position: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface StatusIncidentsTable {
  id: string;
  title_en: string;
  title_zh: string;
  status: StatusIncidentStatus;
  impact: StatusImpact;
  component_ids: Json<string[]>;
  source: 'manual' | 'quality';
  source_id: string | null;
  started_at: Timestamp;
  resolved_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface StatusUpdatesTable {
  id: Generated<number>;
  incident_id: string;
  status: StatusIncidentStatus;
  body_en: string;
  body_zh: string;
  created_by: string | null;
  created_at: Timestamp;
}

export interface StatusMaintenanceTable {
  id: string;
  title_en: string;
  title_zh: string;
  body_en: Generated<string>;
  body_zh: Generated<string>;
  component_ids: Json<string[]>;
  starts_at: Timestamp;
  ends_at: Timestamp;
  completed_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface StatusSubscribersTable {
  id: string;
  email: string;
  email_key: string;
  lang: 'zh' | 'en';
  status: 'pending' | 'confirmed' | 'unsubscribed';
  created_at: Timestamp;
  confirmed_at: Timestamp | null;
  unsubscribed_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface StatusSubscriberTokensTable {
  token_hash: string;
  subscriber_id: string;
  purpose: 'confirm' | 'unsubscribe';
  expires_at: Timestamp | null;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

export interface OrgNotificationSettingsTable {
  org_id: string;
  im_kind: WebhookKind | null;
  im_url: string | null;
  im_secret: string | null;
  emails: Json<string[]>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface IcalTokensTable {
  id: string;
  token_hash: string;
  user_id: string;
  scope: 'schedule' | 'person';
  target_id: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface DB {
  status_components: StatusComponentsTable;
  status_incidents: StatusIncidentsTable;
  status_updates: StatusUpdatesTable;
  status_maintenance: StatusMaintenanceTable;
  status_subscribers: StatusSubscribersTable;
  status_subscriber_tokens: StatusSubscriberTokensTable;
  org_notification_settings: OrgNotificationSettingsTable;
  ical_tokens: IcalTokensTable;
}
