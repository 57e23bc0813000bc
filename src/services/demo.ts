import { VirtualClock } from '../domain/clock.ts';
import type { Industry, LevelCode, RegionCode } from '../domain/people.ts';
import type { PriorityCode, StatusCode } from '../domain/tickets.ts';
import { findUserByHandle } from '../store/repos/people.ts';
import type { Tier } from '../store/schema.ts';
import type { Actor, Ctx } from './context.ts';
import { hashPassword } from './crypto.ts';
import { seedKbDemo } from './kb-content.ts';
import { actorFromUser, createGroup, createOrg, createUser } from './people.ts';
import { createPolicy, createSchedule } from './oncall.ts';
import { seedStatusDemo } from './statuspage-demo.ts';
import { addComment, createTicket, escalate, updateTicket } from './tickets.ts';

/** Demo logins are printed at start; they exist only in demo data. */
const PASSWORD = 'signaldesk';

interface DemoOrg {
  key: string;
  name: string;
  tier: Tier;
  industry: Industry;
  timezone: string;
  locale: 'zh-CN' | 'en';
  regions: RegionCode[];
  appIds: string[];
  customer: { handle: string; name: string; email: string };
}

const ORGS: DemoOrg[] = [
  { key: 'huaying', name: '华映直播', tier: 'enterprise', industry: 'live_streaming', timezone: 'Asia/Shanghai', locale: 'zh-CN', regions: ['APAC'], appIds: ['app-huaying-live'], customer: { handle: 'li.na', name: '李娜', email: 'li.na@huaying.example' } },
  { key: 'kuaiyu', name: '快语科技', tier: 'advanced', industry: 'voice_chat', timezone: 'Asia/Shanghai', locale: 'zh-CN', regions: ['APAC'], appIds: ['app-kuaiyu-room'], customer: { handle: 'zhang.wei', name: '张伟', email: 'zhang.wei@kuaiyu.example' } },
  { key: 'xueba', name: '学霸课堂', tier: 'basic', industry: 'education', timezone: 'Asia/Shanghai', locale: 'zh-CN', regions: ['APAC'], appIds: ['app-xueba-class'], customer: { handle: 'wang.fang', name: '王芳', email: 'wang.fang@xueba.example' } },
  { key: 'meetly', name: 'Meetly GmbH', tier: 'enterprise', industry: 'conferencing', timezone: 'Europe/Berlin', locale: 'en', regions: ['EMEA'], appIds: ['app-meetly'], customer: { handle: 'anna.k', name: 'Anna Krüger', email: 'anna@meetly.example' } },
  { key: 'tandem', name: 'Tandem Social Inc.', tier: 'advanced', industry: 'social_1v1', timezone: 'America/Los_Angeles', locale: 'en', regions: ['AMER'], appIds: ['app-tandem'], customer: { handle: 'sam.r', name: 'Sam Rivera', email: 'sam@tandem.example' } },
  { key: 'nusantara', name: 'Nusantara Live', tier: 'basic', industry: 'overseas', timezone: 'Asia/Jakarta', locale: 'en', regions: ['APAC'], appIds: ['app-nusa-live'], customer: { handle: 'budi.s', name: 'Budi Santoso', email: 'budi@nusantara.example' } },
];

interface DemoAgent {
  handle: string;
  name: string;
  level: LevelCode;
  region: RegionCode;
  timezone: string;
  locale: 'zh-CN' | 'en';
  escalationManager?: boolean;
}

const AGENTS: DemoAgent[] = [
  { handle: 'chen.l1', name: '陈晓 (L1)', level: 'L1', region: 'APAC', timezone: 'Asia/Shanghai', locale: 'zh-CN' },
  { handle: 'liu.l1', name: '刘洋 (L1)', level: 'L1', region: 'APAC', timezone: 'Asia/Shanghai', locale: 'zh-CN' },
  { handle: 'emma.l1', name: 'Emma Schulz (L1)', level: 'L1', region: 'EMEA', timezone: 'Europe/Berlin', locale: 'en' },
  { handle: 'jake.l1', name: 'Jake Miller (L1)', level: 'L1', region: 'AMER', timezone: 'America/Los_Angeles', locale: 'en' },
  { handle: 'zhou.l2', name: '周敏 (L2)', level: 'L2', region: 'APAC', timezone: 'Asia/Shanghai', locale: 'zh-CN' },
  { handle: 'omar.l2', name: 'Omar Haddad (L2)', level: 'L2', region: 'EMEA', timezone: 'Europe/London', locale: 'en' },
  { handle: 'sun.rd', name: '孙浩 (SDK R&D)', level: 'RD', region: 'APAC', timezone: 'Asia/Shanghai', locale: 'zh-CN' },
  { handle: 'wu.arch', name: '吴建国 (架构师)', level: 'ARCH', region: 'APAC', timezone: 'Asia/Shanghai', locale: 'zh-CN' },
  { handle: 'maria.arch', name: 'Maria Lopez (Architect)', level: 'ARCH', region: 'AMER', timezone: 'America/New_York', locale: 'en' },
  { handle: 'lucas.l2', name: 'Lucas Oliveira (L2)', level: 'L2', region: 'AMER', timezone: 'America/Sao_Paulo', locale: 'en' },
  { handle: 'nina.arch', name: 'Nina Weber (Architect)', level: 'ARCH', region: 'EMEA', timezone: 'Europe/Berlin', locale: 'en' },
  { handle: 'gao.em', name: '高峰 (升级经理)', level: 'L2', region: 'APAC', timezone: 'Asia/Shanghai', locale: 'zh-CN', escalationManager: true },
];

interface DemoTicket {
  org: string;
  subject: string;
  body: string;
  priority: PriorityCode;
  category: string;
  rtc: Record<string, string>;
  /** What happens after it is opened, in order. */
  steps: Array<
    | { reply: string; by?: string }
    | { customer: string }
    | { note: string; by?: string }
    | { status: StatusCode }
    | { escalate: 'L2' | 'RD' | 'ARCH'; reason: string; plan: string }
  >;
}

const TICKETS: DemoTicket[] = [
  {
    org: 'huaying', priority: 'P0', category: 'video',
    subject: '晚高峰大量观众画面卡顿，印尼地区尤其严重',
    body: '今晚 20:00 开始，印尼地区观众大面积反馈直播画面卡顿、转圈。国内观众正常。影响约 3 万在线用户，请紧急处理！',
    rtc: { appId: 'app-huaying-live', sdkVersion: '4.3.0', os: 'android', region: 'ID', net: '4g', channelId: 'live_room_8801', errorCode: '0' },
    steps: [{ reply: '已收到，正在排查印尼边缘节点与运营商链路，15 分钟内同步进展。' }, { escalate: 'ARCH', reason: '疑似运营商链路问题，需架构师评估切换边缘节点与线路', plan: '架构师分析 Telkomsel/Indosat 各运营商卡顿率，必要时切换边缘节点与跨境线路' }, { note: '监控显示 Telkomsel 丢包率 12%，其他运营商正常。' }],
  },
  {
    org: 'kuaiyu', priority: 'P1', category: 'audio',
    subject: '语聊房部分用户听到自己的回声',
    body: '多人语聊房里，有用户反馈能听到自己的回声，集中在几款安卓机型上（红米 Note 12、OPPO A57）。已开启 AEC。',
    rtc: { appId: 'app-kuaiyu-room', sdkVersion: '4.2.1', os: 'android', osVersion: '13', device: 'Redmi Note 12', net: 'wifi', channelId: 'room_5521' },
    steps: [{ reply: '请问出现回声时对方是否在使用外放？麻烦上传一份出问题时的 SDK 日志。' }, { status: 'pending' }],
  },
  {
    org: 'xueba', priority: 'P2', category: 'join',
    subject: '学生加入课堂偶尔失败，报错 110',
    body: '学生端（iPad）进入课堂时偶尔提示加入失败，错误码 110，重试一次通常就好了。',
    rtc: { appId: 'app-xueba-class', sdkVersion: '4.2.3', os: 'ios', osVersion: '17.5', device: 'iPad Air', net: 'wifi', errorCode: '110' },
    steps: [{ reply: '错误码 110 表示 Token 无效或已过期。请确认服务端生成 Token 时使用的时间戳与服务器时钟同步。' }, { customer: '确实是服务器时钟慢了 10 分钟，已修复，谢谢！' }, { status: 'solved' }],
  },
  {
    org: 'meetly', priority: 'P1', category: 'crash',
    subject: 'Crash on macOS when starting screen sharing with SDK 4.3.0',
    body: 'Our desktop app crashes when a participant starts screen sharing on macOS 15. It started after upgrading to SDK 4.3.0. Crash log attached later.',
    rtc: { appId: 'app-meetly', sdkVersion: '4.3.0', os: 'macos', osVersion: '15.1', device: 'MacBook Pro M3', net: 'ethernet' },
    steps: [{ reply: 'Thanks, we are looking into it. Could you share the full crash report and whether screen recording permission was granted?' }, { customer: 'Crash report uploaded. Permission is granted.' }, { escalate: 'RD', reason: 'Reproducible crash in the capture module after the 4.3.0 upgrade', plan: 'SDK R&D reproduces on macOS 15 and prepares a hotfix build' }],
  },
  {
    org: 'tandem', priority: 'P2', category: 'video',
    subject: 'Black screen for remote video on Safari',
    body: 'In 1:1 calls, users on Safari 18 sometimes see a black screen instead of the remote video. Audio works fine.',
    rtc: { appId: 'app-tandem', sdkVersion: '4.2.5', os: 'web', osVersion: 'Safari 18', net: 'wifi' },
    steps: [{ reply: 'This is usually the browser autoplay policy: video playback needs a user gesture on Safari. Please call play() after a click, see the article on autoplay.' }, { status: 'on_hold' }],
  },
  {
    org: 'nusantara', priority: 'P3', category: 'config',
    subject: 'Which resolution and bitrate for mobile live streaming?',
    body: 'We are launching a mobile live streaming app in Indonesia. What video profile do you recommend for hosts on 4G?',
    rtc: { appId: 'app-nusa-live', sdkVersion: '4.3.0', os: 'android', net: '4g', region: 'ID' },
    steps: [],
  },
  {
    org: 'huaying', priority: 'P2', category: 'performance',
    subject: '主播端首帧出图慢，平均 2.5 秒',
    body: '主播开播后观众端首帧时间平均 2.5 秒，竞品大约 1 秒。希望给出优化建议。',
    rtc: { appId: 'app-huaying-live', sdkVersion: '4.3.0', os: 'ios', net: '5g' },
    steps: [{ reply: '建议开启“秒开”模式并预加载频道，稍后发您详细参数。' }, { status: 'solved' }, { status: 'closed' }],
  },
  {
    org: 'meetly', priority: 'P3', category: 'config',
    subject: 'Webhook signature verification fails',
    body: 'We cannot verify the signature of channel event webhooks; the HMAC we compute never matches.',
    rtc: { appId: 'app-meetly' },
    steps: [{ note: 'Customer probably hashes the parsed JSON instead of the raw body.' }],
  },
];

const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * Follow-the-sun on-call: L2 experts and architects covering APAC, EMEA and the Americas in
 * eight-hour UTC windows, and the default escalation policy P0 pages and SLA breaches use.
 */
async function seedOnCall(ctx: Ctx, admin: Actor, agentIds: Map<string, string>): Promise<void> {
  const id = (h: string) => agentIds.get(h) as string;
  const start = new Date(ctx.clock.now().getTime() - 7 * 86_400_000).toISOString().slice(0, 10);
  const window = (from: string, to: string) => [{ days: EVERY_DAY, start: from, end: to }];
  const l2 = await createSchedule(ctx, admin, {
    name: 'L2 follow-the-sun 二线专家值班',
    timezone: 'UTC',
    layers: [
      { name: 'APAC', start: `${start}T00:00:00Z`, rotation: { type: 'daily' }, users: [id('zhou.l2'), id('gao.em')], restrictions: window('00:00', '08:00') },
      { name: 'EMEA', start: `${start}T08:00:00Z`, rotation: { type: 'weekly' }, users: [id('omar.l2')], restrictions: window('08:00', '16:00') },
      { name: 'Americas', start: `${start}T16:00:00Z`, rotation: { type: 'weekly' }, users: [id('lucas.l2')], restrictions: window('16:00', '24:00') },
    ],
    overrides: [],
  });
  const arch = await createSchedule(ctx, admin, {
    name: 'Architects on duty 架构师值班',
    timezone: 'UTC',
    layers: [
      { name: 'APAC', start: `${start}T00:00:00Z`, rotation: { type: 'weekly' }, users: [id('wu.arch')], restrictions: window('00:00', '08:00') },
      { name: 'EMEA', start: `${start}T08:00:00Z`, rotation: { type: 'weekly' }, users: [id('nina.arch')], restrictions: window('08:00', '16:00') },
      { name: 'Americas', start: `${start}T16:00:00Z`, rotation: { type: 'weekly' }, users: [id('maria.arch')], restrictions: window('16:00', '24:00') },
    ],
    overrides: [],
  });
  await createPolicy(ctx, admin, {
    name: 'P0 and SLA breaches 紧急升级',
    default: true,
    repeat: 1,
    steps: [
      { targets: [{ type: 'schedule', id: l2.row.id }], ackTimeoutMinutes: 5 },
      { targets: [{ type: 'schedule', id: arch.row.id }], ackTimeoutMinutes: 10 },
      { targets: [{ type: 'user', id: id('gao.em') }], ackTimeoutMinutes: 15 },
    ],
  });
}

export interface DemoResult {
  created: boolean;
  logins: Array<{ handle: string; password: string; who: string }>;
}

function logins(): DemoResult['logins'] {
  return [
    { handle: 'admin', password: PASSWORD, who: 'admin / 管理员' },
    { handle: 'chen.l1', password: PASSWORD, who: 'L1 agent (zh) / 一线工程师' },
    { handle: 'emma.l1', password: PASSWORD, who: 'L1 agent (en)' },
    { handle: 'zhou.l2', password: PASSWORD, who: 'L2 expert / 二线专家' },
    { handle: 'gao.em', password: PASSWORD, who: 'escalation manager / 升级经理' },
    { handle: 'li.na', password: PASSWORD, who: 'customer, 华映直播 (Enterprise)' },
    { handle: 'anna.k', password: PASSWORD, who: 'customer, Meetly GmbH (Enterprise)' },
  ];
}

/** Loads the demo organizations, people and tickets once; a second run changes nothing. */
export async function seedDemo(live: Ctx): Promise<DemoResult> {
  if (await findUserByHandle(live.db, 'chen.l1')) return { created: false, logins: logins() };
  // Replay three days of history with a clock that starts in the past, so times look real.
  const clock = new VirtualClock(live.clock.now().getTime() - 3 * 86_400_000);
  const ctx: Ctx = { ...live, clock };
  const system: Actor = { userId: '', role: 'admin', orgId: null, level: null, escalationManager: false, name: 'demo', locale: 'en', scopes: ['api'] };
  const existingAdmin = await findUserByHandle(ctx.db, 'admin');
  const admin = existingAdmin ?? (await createUser(ctx, null, { handle: 'admin', name: 'Administrator 管理员', email: 'admin@signaldesk.example', role: 'admin', password: PASSWORD }));
  if (existingAdmin && !existingAdmin.password_hash) {
    await ctx.db.updateTable('users').set({ password_hash: await hashPassword(PASSWORD) }).where('id', '=', existingAdmin.id).execute();
  }
  const adminActor: Actor = { ...system, userId: admin.id };

  const agentIds = new Map<string, string>();
  for (const a of AGENTS) {
    const u = await createUser(ctx, adminActor, { handle: a.handle, name: a.name, email: `${a.handle}@signaldesk.example`, role: 'agent', level: a.level, timezone: a.timezone, locale: a.locale, password: PASSWORD, escalationManager: a.escalationManager ?? false });
    agentIds.set(a.handle, u.id);
  }
  for (const region of ['APAC', 'EMEA', 'AMER'] as const) {
    const members = AGENTS.filter((a) => a.region === region).map((a) => agentIds.get(a.handle) as string);
    await createGroup(ctx, adminActor, { name: `${region} support`, region, memberIds: members });
  }
  await createGroup(ctx, adminActor, { name: 'APAC live streaming', industry: 'live_streaming', region: 'APAC', memberIds: ['chen.l1', 'zhou.l2'].map((h) => agentIds.get(h) as string) });

  await seedOnCall(ctx, adminActor, agentIds);
  await seedStatusDemo(ctx, adminActor);

  const customers = new Map<string, Actor>();
  for (const o of ORGS) {
    const org = await createOrg(ctx, adminActor, { name: o.name, tier: o.tier, industry: o.industry, timezone: o.timezone, locale: o.locale, regions: o.regions, appIds: o.appIds, csmId: o.tier === 'enterprise' ? (agentIds.get('zhou.l2') ?? null) : null });
    const u = await createUser(ctx, adminActor, { ...o.customer, role: 'customer', orgId: org.id, timezone: o.timezone, locale: o.locale, password: PASSWORD });
    customers.set(o.key, actorFromUser(u, ['api']));
  }

  const staff = async (handle: string): Promise<Actor> => {
    const u = await findUserByHandle(ctx.db, handle);
    if (!u) throw new Error(`demo agent ${handle} missing`);
    return actorFromUser(u, ['api']);
  };
  for (const t of TICKETS) {
    const customer = customers.get(t.org) as Actor;
    clock.advance(37 * 60_000);
    const ticket = await createTicket(ctx, customer, { subject: t.subject, body: t.body, priority: t.priority, category: t.category, rtc: t.rtc }, 'portal');
    const agent = ticket.assignee_id ? actorFromUser((await ctx.db.selectFrom('users').selectAll().where('id', '=', ticket.assignee_id).executeTakeFirstOrThrow()), ['api']) : await staff('chen.l1');
    for (const s of t.steps) {
      clock.advance(23 * 60_000);
      if ('reply' in s) await addComment(ctx, s.by ? await staff(s.by) : agent, ticket.id, { body: s.reply, public: true });
      else if ('customer' in s) await addComment(ctx, customer, ticket.id, { body: s.customer, public: true });
      else if ('note' in s) await addComment(ctx, s.by ? await staff(s.by) : agent, ticket.id, { body: s.note, public: false });
      else if ('status' in s) await updateTicket(ctx, agent, ticket.id, { status: s.status });
      else await escalate(ctx, agent, ticket.id, { to: s.escalate, reason: s.reason, plan: s.plan });
    }
  }
  // Knowledge base: the built-in zh/en articles, and cases from the solved tickets.
  await seedKbDemo(ctx, adminActor);
  return { created: true, logins: logins() };
}
