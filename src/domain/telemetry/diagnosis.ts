/**
 * The words of a quality incident, in zh and en (pure): what is affected (customers, apps,
 * regions, sessions, share of traffic), the probable cause in words, the evidence (observed against
 * expected, in the root-cause slice and, for contrast, in the rest of its context), and the
 * suggested direction — chosen by the kind of the root cause's dimensions:
 *
 * | root cause fixes        | cause                      | direction                                  |
 * |-------------------------|----------------------------|--------------------------------------------|
 * | edge                    | edge node failure          | drain the node, move traffic               |
 * | sdk (with or without os)| SDK regression             | roll back, stop the rollout, R&D reproduces |
 * | device                  | device compatibility       | compatible profile / software decoding     |
 * | isp                     | operator network problem   | contact the operator, reroute              |
 * | app only (or + country) | customer configuration     | check the customer's configuration         |
 * | os only                 | platform / SDK regression  | roll back the latest release on it         |
 * | country, region, net    | regional network problem   | reroute, watch the region                  |
 */
import type { Combination } from '../rca/types.ts';
import { DEFAULT_METRIC_DETECT } from './detect.ts';
import { METRIC_INFO, type MetricName } from './metrics.ts';

export type Lang = 'en' | 'zh';
export type CauseKind = 'edge' | 'sdk' | 'device' | 'operator' | 'customer' | 'platform' | 'network' | 'unknown';

export interface DiagnosisInput {
  severity: 'P0' | 'P1' | 'P2';
  /** Primary metric first. */
  metrics: readonly MetricName[];
  rootCause: readonly Combination[];
  scope: { apps: readonly string[]; sessions: number; share: number; countries?: readonly string[] };
  /** Affected customers (organizations whose apps carry the affected traffic). */
  customers: readonly { name: string }[];
  /** The primary anomaly as detected: metric value in its natural unit, and its slice. */
  detection: { metric: MetricName; slice: Combination; observed: number; expected: number };
  /**
   * Localization evidence for the primary metric as num ÷ den ratios (firstFrameMs: the share of
   * first frames slower than 2 s): in the first root-cause combination and in the rest of its
   * context.
   */
  evidence?: {
    observed: number | null;
    expected: number | null;
    context: { dims: Combination; observed: number | null; expected: number | null } | null;
  } | null;
}

export interface Diagnosis {
  kind: CauseKind;
  title: Record<Lang, string>;
  impact: Record<Lang, string>;
  cause: Record<Lang, string>;
  evidence: Record<Lang, string>;
  direction: Record<Lang, string>;
  /** Everything above in one text (for staff). */
  summary: Record<Lang, string>;
  /**
   * What an affected customer may read: no other customer's name or app — the title, the cause,
   * the size of the impact in sessions and regions, the direction.
   */
  publicSummary: Record<Lang, string>;
}

const COUNTRY_NAMES: Readonly<Record<string, { en: string; zh: string }>> = {
  CN: { en: 'China', zh: '中国' },
  ID: { en: 'Indonesia', zh: '印尼' },
  IN: { en: 'India', zh: '印度' },
  US: { en: 'the United States', zh: '美国' },
  BR: { en: 'Brazil', zh: '巴西' },
  DE: { en: 'Germany', zh: '德国' },
  GB: { en: 'the United Kingdom', zh: '英国' },
  JP: { en: 'Japan', zh: '日本' },
  PH: { en: 'the Philippines', zh: '菲律宾' },
  VN: { en: 'Vietnam', zh: '越南' },
  TH: { en: 'Thailand', zh: '泰国' },
  MX: { en: 'Mexico', zh: '墨西哥' },
  SA: { en: 'Saudi Arabia', zh: '沙特阿拉伯' },
  TR: { en: 'Turkey', zh: '土耳其' },
  KR: { en: 'South Korea', zh: '韩国' },
  SG: { en: 'Singapore', zh: '新加坡' },
  MY: { en: 'Malaysia', zh: '马来西亚' },
  AE: { en: 'the United Arab Emirates', zh: '阿联酋' },
  EG: { en: 'Egypt', zh: '埃及' },
  NG: { en: 'Nigeria', zh: '尼日利亚' },
  FR: { en: 'France', zh: '法国' },
  RU: { en: 'Russia', zh: '俄罗斯' },
  HK: { en: 'Hong Kong', zh: '中国香港' },
  TW: { en: 'Taiwan', zh: '中国台湾' },
};

const OS_NAMES: Readonly<Record<string, string>> = { android: 'Android', ios: 'iOS', windows: 'Windows', macos: 'macOS', linux: 'Linux', web: 'Web', other: 'other platforms' };
const NET_NAMES: Readonly<Record<string, string>> = { wifi: 'Wi-Fi', '5g': '5G', '4g': '4G', '3g': '3G', ethernet: 'Ethernet', unknown: 'unknown' };

/** Noun phrases for "the extra …" / "额外…". */
const PROBLEM: Readonly<Record<MetricName, { en: string; zh: string; plural?: true }>> = {
  joinSuccessRate: { en: 'join failures', zh: '加入失败', plural: true },
  join5sRate: { en: 'slow or failed joins', zh: '加入慢或失败', plural: true },
  videoFreezeRate: { en: 'video freezes', zh: '视频卡顿', plural: true },
  audioFreezeRate: { en: 'audio freezes', zh: '音频卡顿', plural: true },
  networkDelayRate: { en: 'high network delay', zh: '网络高延迟' },
  lossRate: { en: 'packet loss', zh: '丢包' },
  rttMean: { en: 'round-trip time', zh: '往返时延' },
  jitterMean: { en: 'jitter', zh: '抖动' },
  firstFrameMs: { en: 'slow first frames', zh: '首帧慢', plural: true },
  abnormalLeaveRate: { en: 'abnormal leaves', zh: '异常退出', plural: true },
  avSyncBadRate: { en: 'A/V out of sync', zh: '音画不同步' },
};

export function countryName(code: string, lang: Lang): string {
  return COUNTRY_NAMES[code]?.[lang] ?? code;
}

/** A combination in words: "Telkomsel in Indonesia" / "印尼的 Telkomsel". */
export function describeSlice(c: Combination, lang: Lang): string {
  const has = (k: string): boolean => c[k] !== undefined && c[k] !== '';
  const main =
    has('isp') ? (c.isp as string)
    : has('edge') ? (lang === 'en' ? `edge node ${c.edge}` : `边缘节点 ${c.edge}`)
    : has('device') ? (lang === 'en' ? `${c.device} devices` : `机型 ${c.device}`)
    : has('sdk') ? `SDK ${c.sdk}`
    : has('app') ? (lang === 'en' ? `app ${c.app}` : `应用 ${c.app}`)
    : has('net') ? (lang === 'en' ? `${NET_NAMES[c.net as string] ?? c.net} networks` : `${NET_NAMES[c.net as string] ?? c.net} 网络`)
    : has('os') ? (OS_NAMES[c.os as string] ?? (c.os as string))
    : has('region') ? (c.region as string)
    : has('country') ? countryName(c.country as string, lang)
    : lang === 'en' ? 'all traffic' : '全部流量';
  const usedMain =
    has('isp') ? 'isp' : has('edge') ? 'edge' : has('device') ? 'device' : has('sdk') ? 'sdk' : has('app') ? 'app' : has('net') ? 'net' : has('os') ? 'os' : has('region') ? 'region' : has('country') ? 'country' : '';
  const en: string[] = [];
  const zh: string[] = [];
  if (has('app') && usedMain !== 'app') {
    en.push(`of app ${c.app}`);
    zh.push(`应用 ${c.app}`);
  }
  if (has('os') && usedMain !== 'os') {
    en.push(`on ${OS_NAMES[c.os as string] ?? c.os}`);
    zh.push(`${OS_NAMES[c.os as string] ?? c.os} 上`);
  }
  if (has('net') && usedMain !== 'net') {
    en.push(`over ${NET_NAMES[c.net as string] ?? c.net}`);
    zh.push(`${NET_NAMES[c.net as string] ?? c.net} 网络下`);
  }
  if (has('sdk') && usedMain !== 'sdk') {
    en.push(`with SDK ${c.sdk}`);
    zh.push(`SDK ${c.sdk}`);
  }
  if (has('edge') && usedMain !== 'edge') {
    en.push(`via ${c.edge}`);
    zh.push(`经 ${c.edge}`);
  }
  if (has('region') && usedMain !== 'region') {
    en.push(`in ${c.region}`);
    zh.unshift(c.region as string);
  } else if (has('country') && usedMain !== 'country') {
    en.push(`in ${countryName(c.country as string, 'en')}`);
    zh.unshift(countryName(c.country as string, 'zh'));
  }
  return lang === 'en' ? [main, ...en].join(' ') : zh.length ? `${zh.join(' ')}的 ${main}` : main;
}

export function causeKind(rootCause: readonly Combination[]): CauseKind {
  const c = rootCause[0];
  if (!c) return 'unknown';
  const has = (k: string): boolean => c[k] !== undefined;
  if (has('edge')) return 'edge';
  if (has('sdk')) return 'sdk';
  if (has('device')) return 'device';
  if (has('isp')) return 'operator';
  if (has('app') && !has('net')) return 'customer';
  if (has('country') || has('region') || has('net')) return 'network';
  if (has('os')) return 'platform';
  return 'unknown';
}

/** A metric value in its unit: a percentage for shares, ms otherwise. */
export function formatValue(metric: MetricName, v: number | null, asShare = false): string {
  if (v === null || !Number.isFinite(v)) return '–';
  if (asShare || METRIC_INFO[metric].unit === 'ratio') {
    const p = 100 * v;
    return `${p >= 10 ? p.toFixed(1) : p >= 1 ? p.toFixed(2) : p.toFixed(3)}%`;
  }
  return `${Math.round(v)} ms`;
}

/** Whether a context's observed value is within normal range of its expectation. */
function isNormal(metric: MetricName, observed: number | null, expected: number | null): boolean | null {
  if (observed === null || expected === null) return null;
  const down = METRIC_INFO[metric].bad === 'down';
  const bad = down ? expected - observed : observed - expected;
  const minAbs = metric === 'firstFrameMs' ? 0.05 : DEFAULT_METRIC_DETECT[metric].minAbsDelta;
  const base = down ? 1 - expected : expected;
  return bad < 0.5 * minAbs || bad < 0.25 * Math.abs(base);
}

function contextWords(kind: CauseKind, c: Combination, ctx: Combination, normal: boolean, lang: Lang): string {
  const place = Object.keys(ctx).length ? describeSlice(ctx, lang) : lang === 'en' ? 'the rest of the traffic' : '其余流量';
  if (!normal) return lang === 'en' ? `the rest of ${place} is degraded too` : `${place}的其余流量也有劣化`;
  switch (kind) {
    case 'operator':
      return lang === 'en' ? (ctx.country ? 'other operators there are normal' : 'other operators are normal') : ctx.country ? '该国其他运营商正常' : '其他运营商正常';
    case 'sdk':
      return lang === 'en' ? (c.os ? `other SDK versions on ${OS_NAMES[c.os] ?? c.os} are normal` : 'other SDK versions are normal') : c.os ? '该平台其他 SDK 版本正常' : '其他 SDK 版本正常';
    case 'device':
      return lang === 'en' ? 'other device models are normal' : '其他机型正常';
    case 'edge':
      return lang === 'en' ? 'other edge nodes are normal' : '其他边缘节点正常';
    case 'customer':
      return lang === 'en' ? 'other apps are normal' : '其他应用正常';
    case 'network':
    case 'platform':
    case 'unknown':
      return lang === 'en' ? `the rest of ${Object.keys(ctx).length ? place : 'the traffic'} is normal` : `${Object.keys(ctx).length ? place + '的' : ''}其余流量正常`;
    default: {
      const never: never = kind;
      return String(never);
    }
  }
}

const CONCLUSION: Readonly<Record<CauseKind, { en: string; zh: string }>> = {
  edge: { en: 'an edge node failure', zh: '边缘节点故障' },
  sdk: { en: 'an SDK regression', zh: 'SDK 版本回归问题' },
  device: { en: 'a device compatibility problem', zh: '机型兼容性问题' },
  operator: { en: 'an operator network problem', zh: '运营商网络问题' },
  customer: { en: "a configuration problem on the customer's side", zh: '客户侧配置问题' },
  platform: { en: 'a platform-specific regression', zh: '平台相关的版本问题' },
  network: { en: 'a regional network problem', zh: '区域网络问题' },
  unknown: { en: 'a cause not yet localized', zh: '原因尚未定位' },
};

function direction(kind: CauseKind, c: Combination, lang: Lang): string {
  const place = c.country ? countryName(c.country, lang) : '';
  switch (kind) {
    case 'operator':
      return lang === 'en'
        ? `Contact ${c.isp}'s network operations, reroute ${place ? place + ' ' : ''}traffic through other carriers or edge nodes, and watch the operator's loss and round-trip time.`
        : `联系 ${c.isp} 网络运维，将${place}流量切换到其他线路或边缘节点，并持续关注该运营商的丢包与时延。`;
    case 'sdk':
      return lang === 'en'
        ? `Advise the affected customers to roll back from SDK ${c.sdk} to the previous version and pause its rollout; SDK R&D to reproduce${c.os ? ` on ${OS_NAMES[c.os] ?? c.os}` : ''}.`
        : `建议受影响客户将 SDK ${c.sdk} 回滚到上一版本并暂停该版本的发布；SDK 研发${c.os ? `在 ${OS_NAMES[c.os] ?? c.os} 上` : ''}复现定位。`;
    case 'edge':
      return lang === 'en' ? `Drain ${c.edge} (move its sessions to healthy nodes) and check the node's health and capacity.` : `摘除（排空）边缘节点 ${c.edge}，将会话切到健康节点，并排查该节点的健康与容量。`;
    case 'customer':
      return lang === 'en'
        ? `Check ${c.app}'s configuration with the customer (token service and expiry, app id and certificate, channel settings); the platform itself is healthy.`
        : `与客户核对 ${c.app} 的配置（Token 服务与有效期、App ID 与证书、频道参数）；平台本身正常。`;
    case 'device':
      return lang === 'en'
        ? `Confirm device compatibility on ${c.device}: switch it to a compatible profile or software decoding, and add the model to the compatibility list.`
        : `确认 ${c.device} 的兼容性：切换为兼容配置或软解，并将该机型加入兼容性名单。`;
    case 'platform':
      return lang === 'en' ? `Check the latest SDK and OS releases on ${OS_NAMES[c.os as string] ?? c.os}; roll back the newest one if it matches the onset.` : `排查 ${OS_NAMES[c.os as string] ?? c.os} 上最新的 SDK 与系统版本；如与发生时间吻合，回滚最新版本。`;
    case 'network':
      return lang === 'en' ? `Check the network ${place ? `in ${place}` : 'of the affected slice'}: reroute through other edge nodes or carriers and watch loss and delay.` : `排查${place || '受影响切片'}的网络：切换其他边缘节点或线路，并关注丢包与时延。`;
    case 'unknown':
      return lang === 'en' ? 'Drill down by country, operator, SDK version and edge node to localize the cause.' : '按国家、运营商、SDK 版本和边缘节点下钻定位原因。';
    default: {
      const never: never = kind;
      return String(never);
    }
  }
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function list(items: readonly string[], lang: Lang, max = 5): string {
  const shown = items.slice(0, max);
  const more = items.length - shown.length;
  if (lang === 'en') return shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
  return shown.join('、') + (more > 0 ? ` 等 ${items.length} 个` : '');
}

export function diagnose(input: DiagnosisInput): Diagnosis {
  const primary = input.metrics[0] ?? input.detection.metric;
  const root = input.rootCause[0] ?? input.detection.slice;
  const kind = causeKind(input.rootCause.length ? input.rootCause : [input.detection.slice]);
  const info = METRIC_INFO[primary];
  const up = info.bad === 'up';
  const out = {} as Diagnosis;
  out.kind = kind;
  const langs: Lang[] = ['en', 'zh'];
  const title = {} as Record<Lang, string>;
  const impact = {} as Record<Lang, string>;
  const publicImpact = {} as Record<Lang, string>;
  const cause = {} as Record<Lang, string>;
  const evidence = {} as Record<Lang, string>;
  const dir = {} as Record<Lang, string>;
  const share = `${(100 * input.scope.share).toFixed(input.scope.share >= 0.1 ? 0 : 1)}%`;
  const countries = input.scope.countries ?? (root.country ? [root.country] : []);
  for (const lang of langs) {
    const where = input.rootCause.map((c) => describeSlice(c, lang));
    const whereText = lang === 'en' ? where.join('; ') : where.join('；');
    title[lang] =
      lang === 'en'
        ? `[${input.severity}] ${info.label.en} ${up ? 'up' : 'down'}: ${whereText}`
        : `[${input.severity}] ${whereText}${/[\x21-\x7e]$/.test(whereText) ? ' ' : ''}${info.label.zh}${up ? '升高' : '下降'}`;

    const customers = input.customers.map((c) => c.name);
    const regions = countries.map((c) => countryName(c, lang));
    impact[lang] =
      lang === 'en'
        ? `Impact: ${customers.length ? `${customers.length} customer${customers.length === 1 ? '' : 's'} (${list(customers, lang)}), ` : ''}${input.scope.apps.length} app${input.scope.apps.length === 1 ? '' : 's'}${input.scope.apps.length ? ` (${list(input.scope.apps, lang)})` : ''}${regions.length ? `, ${list(regions, lang)}` : ''}; about ${fmtInt(input.scope.sessions)} sessions, ${share} of all traffic.`
        : `影响范围：${customers.length ? `${customers.length} 个客户（${list(customers, lang)}），` : ''}${input.scope.apps.length} 个应用${input.scope.apps.length ? `（${list(input.scope.apps, lang)}）` : ''}${regions.length ? `，地区：${list(regions, lang)}` : ''}；约 ${fmtInt(input.scope.sessions)} 个会话，占全部流量的 ${share}。`;

    publicImpact[lang] =
      lang === 'en'
        ? `Impact: about ${fmtInt(input.scope.sessions)} sessions${regions.length ? ` in ${list(regions, lang)}` : ''}, ${share} of all traffic.`
        : `影响范围：${regions.length ? `${list(regions, lang)}，` : ''}约 ${fmtInt(input.scope.sessions)} 个会话，占全部流量的 ${share}。`;

    const problem = PROBLEM[primary][lang];
    const ctx = input.evidence?.context ?? null;
    const normal = ctx ? isNormal(primary, ctx.observed, ctx.expected) : null;
    const contrast = ctx && normal !== null ? contextWords(kind, root, ctx.dims, normal, lang) : null;
    const concl = CONCLUSION[kind][lang];
    if (lang === 'en') {
      const verb = PROBLEM[primary].plural ? 'are' : 'is';
      const head = `The extra ${problem} ${verb} concentrated on ${input.rootCause.length > 1 ? whereText : (where[0] ?? 'the affected traffic')}`;
      cause.en = `${head}${contrast ? `; ${contrast}` : ''}: ${concl}.`;
    } else {
      const head = `额外${problem}集中在${whereText || '受影响流量'}`;
      cause.zh = `${head}${contrast ? `；${contrast}` : ''}：${concl}。`;
    }

    const asShare = primary === 'firstFrameMs';
    const ev = input.evidence;
    const det = input.detection;
    const detWhere = describeSlice(det.slice, lang);
    const label = asShare ? (lang === 'en' ? 'share of first frames over 2 s' : '首帧超过 2 秒的占比') : info.label[lang];
    const parts: string[] = [];
    if (ev && ev.observed !== null && ev.expected !== null) {
      parts.push(
        lang === 'en'
          ? `${label} on ${where[0]} ${formatValue(primary, ev.observed, asShare)} against ${formatValue(primary, ev.expected, asShare)} expected`
          : `${where[0]}的${label}为 ${formatValue(primary, ev.observed, asShare)}，预期 ${formatValue(primary, ev.expected, asShare)}`,
      );
    }
    if (ctx && ctx.observed !== null && ctx.expected !== null) {
      const cw = Object.keys(ctx.dims).length ? describeSlice(ctx.dims, lang) : lang === 'en' ? 'all traffic' : '全部流量';
      parts.push(
        lang === 'en'
          ? `the rest of ${cw}: ${formatValue(primary, ctx.observed, asShare)} (expected ${formatValue(primary, ctx.expected, asShare)})`
          : `${cw}的其余流量为 ${formatValue(primary, ctx.observed, asShare)}（预期 ${formatValue(primary, ctx.expected, asShare)}）`,
      );
    }
    parts.push(
      lang === 'en'
        ? `detected on ${detWhere}: ${info.label.en} ${formatValue(det.metric, det.observed)} vs ${formatValue(det.metric, det.expected)}`
        : `检测切片 ${detWhere}：${METRIC_INFO[det.metric].label.zh} ${formatValue(det.metric, det.observed)}，基线 ${formatValue(det.metric, det.expected)}`,
    );
    const others = input.metrics.slice(1).map((m) => METRIC_INFO[m].label[lang]);
    if (others.length) parts.push(lang === 'en' ? `also affected: ${list(others, lang, 10)}` : `同时受影响：${list(others, lang, 10)}`);
    evidence[lang] = lang === 'en' ? `Evidence: ${parts.join('; ')}.` : `证据：${parts.join('；')}。`;
    dir[lang] = (lang === 'en' ? 'Suggested direction: ' : '建议方向：') + direction(kind, root, lang);
  }
  out.title = title;
  out.impact = impact;
  out.cause = cause;
  out.evidence = evidence;
  out.direction = dir;
  out.summary = {
    en: [title.en, cause.en, impact.en, evidence.en, dir.en].join('\n'),
    zh: [title.zh, cause.zh, impact.zh, evidence.zh, dir.zh].join('\n'),
  };
  out.publicSummary = {
    en: [title.en, cause.en, publicImpact.en, dir.en].join('\n'),
    zh: [title.zh, cause.zh, publicImpact.zh, dir.zh].join('\n'),
  };
  return out;
}
