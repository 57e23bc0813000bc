/**
 * Demo content for the public status page: regions and services, a past incident with its
 * updates, and a maintenance window ahead. Runs with the demo's clock (which starts in the past).
 */
import { VirtualClock } from '../domain/clock.ts';
import type { Actor, Ctx } from './context.ts';
import { addStatusUpdate, createComponent, createMaintenance, createStatusIncident } from './statuspage.ts';

const HOUR = 3_600_000;

export async function seedStatusDemo(ctx: Ctx, admin: Actor): Promise<void> {
  const ids: Record<string, string> = {};
  const components = [
    { key: 'rtc', kind: 'service', name: { en: 'Audio & video calls', zh: '音视频通话' }, description: { en: 'Real-time media (RTC SDK)', zh: '实时音视频（RTC SDK）' }, position: 1 },
    { key: 'signaling', kind: 'service', name: { en: 'Signaling', zh: '信令服务' }, position: 2 },
    { key: 'recording', kind: 'service', name: { en: 'Cloud recording', zh: '云端录制' }, position: 3 },
    { key: 'console', kind: 'service', name: { en: 'Console & REST API', zh: '控制台与 REST API' }, position: 4 },
    { key: 'apac', kind: 'region', name: { en: 'Asia Pacific', zh: '亚太' }, position: 1 },
    { key: 'emea', kind: 'region', name: { en: 'Europe, Middle East & Africa', zh: '欧洲、中东与非洲' }, position: 2 },
    { key: 'amer', kind: 'region', name: { en: 'Americas', zh: '美洲' }, position: 3 },
  ] as const;
  for (const c of components) {
    const row = await createComponent(ctx, admin, { kind: c.kind, name: c.name, ...('description' in c ? { description: c.description } : {}), position: c.position });
    ids[c.key] = row.id;
  }
  const inc = await createStatusIncident(ctx, admin, {
    title: { en: 'Elevated join latency in Southeast Asia', zh: '东南亚地区加入频道延迟升高' },
    status: 'investigating',
    impact: 'minor',
    componentIds: [ids.rtc as string, ids.apac as string],
    body: { en: 'Some users in Indonesia and Vietnam take longer to join channels. We are investigating.', zh: '印尼和越南部分用户加入频道耗时变长，我们正在调查。' },
  });
  const later = (ms: number): void => {
    if (ctx.clock instanceof VirtualClock) ctx.clock.advance(ms);
  };
  later(HOUR / 2);
  await addStatusUpdate(ctx, admin, inc.incident.id, { status: 'identified', body: { en: 'A congested transit link in Singapore is the cause; traffic is being rerouted.', zh: '原因是新加坡一条中转链路拥塞，正在切换路由。' } });
  later(HOUR);
  await addStatusUpdate(ctx, admin, inc.incident.id, { status: 'resolved', body: { en: 'Join latency is back to normal.', zh: '加入频道延迟已恢复正常。' } });
  const start = new Date(ctx.clock.now().getTime() + 4 * 24 * HOUR);
  start.setUTCHours(18, 0, 0, 0);
  await createMaintenance(ctx, admin, {
    title: { en: 'Cloud recording storage upgrade', zh: '云端录制存储升级' },
    body: { en: 'New recordings may start up to 30 s late during the window.', zh: '维护期间新的录制任务可能延迟最多 30 秒开始。' },
    componentIds: [ids.recording as string],
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 2 * HOUR).toISOString(),
  });
}
