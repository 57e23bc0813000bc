import { describe, expect, it } from 'vitest';
import { causeKind, describeSlice, diagnose, type DiagnosisInput } from '../../../src/domain/telemetry/diagnosis.ts';

const base: DiagnosisInput = {
  severity: 'P1',
  metrics: ['lossRate', 'rttMean'],
  rootCause: [{ country: 'ID', isp: 'Telkomsel' }],
  scope: { apps: ['app-nusa-live', 'app-huaying-live'], sessions: 1234, share: 0.042, countries: ['ID'] },
  customers: [{ name: 'Nusantara Live' }, { name: '华映直播' }],
  detection: { metric: 'lossRate', slice: { country: 'ID' }, observed: 0.052, expected: 0.011 },
  evidence: { observed: 0.083, expected: 0.012, context: { dims: { country: 'ID' }, observed: 0.0125, expected: 0.0118 } },
};

describe('incident diagnosis in zh and en', () => {
  it('says where the extra loss is, that the rest of the country is normal, and what it means', () => {
    const d = diagnose(base);
    expect(d.kind).toBe('operator');
    expect(d.cause.zh).toBe('额外丢包集中在印尼的 Telkomsel；该国其他运营商正常：运营商网络问题。');
    expect(d.cause.en).toBe('The extra packet loss is concentrated on Telkomsel in Indonesia; other operators there are normal: an operator network problem.');
  });

  it('states the impact: customers, apps, regions, sessions and share', () => {
    const d = diagnose(base);
    expect(d.impact.en).toBe('Impact: 2 customers (Nusantara Live, 华映直播), 2 apps (app-nusa-live, app-huaying-live), Indonesia; about 1,234 sessions, 4.2% of all traffic.');
    expect(d.impact.zh).toBe('影响范围：2 个客户（Nusantara Live、华映直播），2 个应用（app-nusa-live、app-huaying-live），地区：印尼；约 1,234 个会话，占全部流量的 4.2%。');
  });

  it('gives the evidence as observed against expected', () => {
    const d = diagnose(base);
    expect(d.evidence.en).toContain('Packet loss rate on Telkomsel in Indonesia 8.30% against 1.20% expected');
    expect(d.evidence.en).toContain('the rest of Indonesia: 1.25% (expected 1.18%)');
    expect(d.evidence.en).toContain('also affected: Mean round-trip time');
    expect(d.evidence.zh).toContain('印尼的 Telkomsel的丢包率为 8.30%，预期 1.20%');
  });

  it('says when the rest of the context is degraded too', () => {
    const d = diagnose({ ...base, evidence: { observed: 0.083, expected: 0.012, context: { dims: { country: 'ID' }, observed: 0.05, expected: 0.012 } } });
    expect(d.cause.en).toContain('the rest of Indonesia is degraded too');
    expect(d.cause.zh).toContain('印尼的其余流量也有劣化');
  });

  const cases: Array<{ name: string; rootCause: Record<string, string>[]; metric: DiagnosisInput['metrics'][number]; kind: string; en: string[]; zh: string[] }> = [
    { name: 'an SDK version on one platform → roll back', rootCause: [{ os: 'android', sdk: '4.3.0' }], metric: 'videoFreezeRate', kind: 'sdk', en: ['The extra video freezes are concentrated on SDK 4.3.0 on Android', 'an SDK regression', 'roll back from SDK 4.3.0'], zh: ['额外视频卡顿集中在Android 上的 SDK 4.3.0', 'SDK 版本回归问题', '回滚'] },
    { name: 'an edge node → drain it', rootCause: [{ edge: 'edge-sgp-2' }], metric: 'joinSuccessRate', kind: 'edge', en: ['join failures are concentrated on edge node edge-sgp-2', 'an edge node failure', 'Drain edge-sgp-2'], zh: ['边缘节点故障', '排空'] },
    { name: 'one app only → customer configuration', rootCause: [{ app: 'app-meetly' }], metric: 'joinSuccessRate', kind: 'customer', en: ["a configuration problem on the customer's side", "Check app-meetly's configuration"], zh: ['客户侧配置问题', '与客户核对 app-meetly 的配置'] },
    { name: 'a device model → device compatibility', rootCause: [{ os: 'android', device: 'Redmi Note 12' }], metric: 'videoFreezeRate', kind: 'device', en: ['Redmi Note 12 devices on Android', 'a device compatibility problem'], zh: ['机型兼容性问题', 'Android 上的 机型 Redmi Note 12'] },
    { name: 'a country and network type → regional network', rootCause: [{ country: 'IN', net: '4g' }], metric: 'lossRate', kind: 'network', en: ['4G networks in India', 'a regional network problem'], zh: ['区域网络问题'] },
  ];
  it.each(cases)('words $name', ({ rootCause, metric, kind, en, zh }) => {
    const d = diagnose({ ...base, metrics: [metric], rootCause, detection: { ...base.detection, metric }, evidence: null });
    expect(d.kind).toBe(kind);
    for (const s of en) expect(d.summary.en).toContain(s);
    for (const s of zh) expect(d.summary.zh).toContain(s);
  });

  it('names slices the way people do', () => {
    expect(describeSlice({ country: 'ID', isp: 'Telkomsel' }, 'en')).toBe('Telkomsel in Indonesia');
    expect(describeSlice({ country: 'ID', isp: 'Telkomsel' }, 'zh')).toBe('印尼的 Telkomsel');
    expect(describeSlice({ country: 'IN', isp: 'Jio', net: '4g' }, 'en')).toBe('Jio over 4G in India');
    expect(describeSlice({}, 'en')).toBe('all traffic');
    expect(causeKind([])).toBe('unknown');
  });

  it('titles the incident with its severity and direction', () => {
    const d = diagnose(base);
    expect(d.title.en).toBe('[P1] Packet loss rate up: Telkomsel in Indonesia');
    expect(d.title.zh).toBe('[P1] 印尼的 Telkomsel 丢包率升高');
    const down = diagnose({ ...base, metrics: ['joinSuccessRate'], rootCause: [{ app: 'a1' }] });
    expect(down.title.en).toBe('[P1] Join success rate down: app a1');
  });
});
