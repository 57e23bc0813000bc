/**
 * The simulated world: countries with their real operators, subdivisions and edge nodes, network
 * types, platforms, SDK versions and devices, and a seeded population of customer apps of many
 * sizes (Zipf), each with its industry, home markets, platform mix, SDK versions and join setup.
 */
import type { NetType, OsType } from '../domain/telemetry/record.ts';
import { fork, pick, type Rng, shuffle, weighted } from './rng.ts';

export interface IspDef {
  name: string;
  share: number;
}

export interface CountryDef {
  code: string;
  /** Share of the vendor's sessions at the daily peak. */
  weight: number;
  utcOffsetH: number;
  regions: readonly string[];
  isps: readonly IspDef[];
  /** Edge nodes serving the country, with weights. */
  edges: readonly (readonly [string, number])[];
  rttMs: number;
  /** Mean packet loss share on a good network. */
  loss: number;
  /** Share of mobile sessions on 3g / 4g (the rest wifi, 5g). */
  mobile3g: number;
  mobile4g: number;
}

export const COUNTRIES: readonly CountryDef[] = [
  { code: 'CN', weight: 0.3, utcOffsetH: 8, regions: ['CN-GD', 'CN-BJ', 'CN-SH', 'CN-ZJ', 'CN-SC', 'CN-JS'], isps: [{ name: 'China Mobile', share: 0.55 }, { name: 'China Telecom', share: 0.25 }, { name: 'China Unicom', share: 0.2 }], edges: [['edge-sha-1', 3], ['edge-sha-2', 3], ['edge-pek-1', 3], ['edge-szx-1', 2]], rttMs: 40, loss: 0.005, mobile3g: 0.01, mobile4g: 0.3 },
  { code: 'ID', weight: 0.08, utcOffsetH: 7, regions: ['ID-JK', 'ID-JB', 'ID-JI', 'ID-SU'], isps: [{ name: 'Telkomsel', share: 0.5 }, { name: 'Indosat', share: 0.28 }, { name: 'XL Axiata', share: 0.22 }], edges: [['edge-jkt-1', 3], ['edge-jkt-2', 2], ['edge-sgp-1', 1]], rttMs: 75, loss: 0.011, mobile3g: 0.06, mobile4g: 0.55 },
  { code: 'IN', weight: 0.08, utcOffsetH: 5.5, regions: ['IN-MH', 'IN-DL', 'IN-KA', 'IN-TN'], isps: [{ name: 'Jio', share: 0.5 }, { name: 'Airtel', share: 0.35 }, { name: 'Vi', share: 0.15 }], edges: [['edge-bom-1', 3], ['edge-bom-2', 2], ['edge-del-1', 2]], rttMs: 85, loss: 0.013, mobile3g: 0.05, mobile4g: 0.6 },
  { code: 'US', weight: 0.1, utcOffsetH: -5, regions: ['US-CA', 'US-NY', 'US-TX', 'US-FL'], isps: [{ name: 'Verizon', share: 0.35 }, { name: 'AT&T', share: 0.35 }, { name: 'T-Mobile', share: 0.3 }], edges: [['edge-iad-1', 3], ['edge-iad-2', 2], ['edge-sjc-1', 3], ['edge-dfw-1', 2]], rttMs: 45, loss: 0.005, mobile3g: 0.01, mobile4g: 0.35 },
  { code: 'BR', weight: 0.05, utcOffsetH: -3, regions: ['BR-SP', 'BR-RJ', 'BR-MG'], isps: [{ name: 'Vivo', share: 0.4 }, { name: 'Claro', share: 0.35 }, { name: 'TIM', share: 0.25 }], edges: [['edge-gru-1', 3], ['edge-gru-2', 2]], rttMs: 65, loss: 0.011, mobile3g: 0.04, mobile4g: 0.5 },
  { code: 'DE', weight: 0.04, utcOffsetH: 1, regions: ['DE-BE', 'DE-BY', 'DE-NW'], isps: [{ name: 'Telekom', share: 0.45 }, { name: 'Vodafone', share: 0.35 }, { name: 'O2', share: 0.2 }], edges: [['edge-fra-1', 3], ['edge-fra-2', 2]], rttMs: 35, loss: 0.005, mobile3g: 0.02, mobile4g: 0.4 },
  { code: 'GB', weight: 0.04, utcOffsetH: 0, regions: ['GB-ENG', 'GB-SCT'], isps: [{ name: 'EE', share: 0.4 }, { name: 'Vodafone', share: 0.3 }, { name: 'Three', share: 0.3 }], edges: [['edge-lon-1', 3], ['edge-lon-2', 2]], rttMs: 35, loss: 0.005, mobile3g: 0.02, mobile4g: 0.4 },
  { code: 'JP', weight: 0.05, utcOffsetH: 9, regions: ['JP-13', 'JP-27', 'JP-14'], isps: [{ name: 'NTT Docomo', share: 0.45 }, { name: 'KDDI au', share: 0.3 }, { name: 'SoftBank', share: 0.25 }], edges: [['edge-nrt-1', 3], ['edge-nrt-2', 2]], rttMs: 30, loss: 0.004, mobile3g: 0.01, mobile4g: 0.3 },
  { code: 'PH', weight: 0.04, utcOffsetH: 8, regions: ['PH-00', 'PH-CEB'], isps: [{ name: 'Globe', share: 0.5 }, { name: 'Smart', share: 0.5 }], edges: [['edge-mnl-1', 2], ['edge-sgp-2', 2]], rttMs: 80, loss: 0.012, mobile3g: 0.06, mobile4g: 0.55 },
  { code: 'VN', weight: 0.04, utcOffsetH: 7, regions: ['VN-HN', 'VN-SG'], isps: [{ name: 'Viettel', share: 0.55 }, { name: 'MobiFone', share: 0.25 }, { name: 'VNPT', share: 0.2 }], edges: [['edge-sgn-1', 2], ['edge-sgp-2', 2]], rttMs: 70, loss: 0.01, mobile3g: 0.04, mobile4g: 0.5 },
  { code: 'TH', weight: 0.03, utcOffsetH: 7, regions: ['TH-10', 'TH-50'], isps: [{ name: 'AIS', share: 0.45 }, { name: 'TrueMove H', share: 0.35 }, { name: 'dtac', share: 0.2 }], edges: [['edge-bkk-1', 3], ['edge-sgp-1', 1]], rttMs: 60, loss: 0.009, mobile3g: 0.03, mobile4g: 0.45 },
  { code: 'MX', weight: 0.03, utcOffsetH: -6, regions: ['MX-CMX', 'MX-JAL'], isps: [{ name: 'Telcel', share: 0.6 }, { name: 'AT&T México', share: 0.2 }, { name: 'Movistar', share: 0.2 }], edges: [['edge-qro-1', 2], ['edge-dfw-1', 1]], rttMs: 70, loss: 0.011, mobile3g: 0.04, mobile4g: 0.5 },
  { code: 'SA', weight: 0.03, utcOffsetH: 3, regions: ['SA-01', 'SA-02'], isps: [{ name: 'STC', share: 0.5 }, { name: 'Mobily', share: 0.3 }, { name: 'Zain', share: 0.2 }], edges: [['edge-ruh-1', 2], ['edge-fra-2', 1]], rttMs: 60, loss: 0.008, mobile3g: 0.02, mobile4g: 0.4 },
  { code: 'TR', weight: 0.03, utcOffsetH: 3, regions: ['TR-34', 'TR-06'], isps: [{ name: 'Turkcell', share: 0.45 }, { name: 'Vodafone', share: 0.3 }, { name: 'Türk Telekom', share: 0.25 }], edges: [['edge-ist-1', 2], ['edge-fra-1', 1]], rttMs: 55, loss: 0.008, mobile3g: 0.03, mobile4g: 0.45 },
  { code: 'KR', weight: 0.02, utcOffsetH: 9, regions: ['KR-11', 'KR-26'], isps: [{ name: 'SK Telecom', share: 0.45 }, { name: 'KT', share: 0.3 }, { name: 'LG U+', share: 0.25 }], edges: [['edge-icn-1', 2], ['edge-nrt-2', 1]], rttMs: 30, loss: 0.004, mobile3g: 0.01, mobile4g: 0.3 },
];

export const COUNTRY: ReadonlyMap<string, CountryDef> = new Map(COUNTRIES.map((c) => [c.code, c]));

export interface NetDef {
  rttAdd: number;
  lossMult: number;
  joinMult: number;
}

export const NETS: Readonly<Record<NetType, NetDef>> = {
  ethernet: { rttAdd: 0, lossMult: 0.5, joinMult: 0.9 },
  wifi: { rttAdd: 8, lossMult: 1, joinMult: 1 },
  '5g': { rttAdd: 12, lossMult: 1, joinMult: 1 },
  '4g': { rttAdd: 35, lossMult: 1.5, joinMult: 1.2 },
  '3g': { rttAdd: 110, lossMult: 3, joinMult: 2 },
  unknown: { rttAdd: 30, lossMult: 1.4, joinMult: 1.2 },
};

export interface DeviceDef {
  name: string;
  weight: number;
  /** Freeze multiplier (low-end devices freeze more). */
  freeze: number;
  osv: readonly string[];
}

export const DEVICES: Readonly<Partial<Record<OsType, readonly DeviceDef[]>>> = {
  android: [
    { name: 'Redmi Note 12', weight: 12, freeze: 1.2, osv: ['13', '14'] },
    { name: 'Galaxy A54', weight: 10, freeze: 1, osv: ['13', '14'] },
    { name: 'OPPO A57', weight: 8, freeze: 1.6, osv: ['12', '13'] },
    { name: 'vivo Y36', weight: 8, freeze: 1.4, osv: ['13'] },
    { name: 'Galaxy S23', weight: 6, freeze: 0.8, osv: ['14'] },
    { name: 'Pixel 7', weight: 4, freeze: 0.8, osv: ['14'] },
    { name: 'Redmi 12C', weight: 7, freeze: 1.7, osv: ['12', '13'] },
    { name: 'HUAWEI nova 11', weight: 6, freeze: 1, osv: ['12'] },
    { name: 'realme C55', weight: 5, freeze: 1.5, osv: ['13'] },
    { name: 'Infinix Hot 30', weight: 4, freeze: 1.8, osv: ['13'] },
  ],
  ios: [
    { name: 'iPhone 15', weight: 10, freeze: 0.7, osv: ['17.6', '18.1'] },
    { name: 'iPhone 14', weight: 12, freeze: 0.8, osv: ['17.6', '18.1'] },
    { name: 'iPhone 13', weight: 12, freeze: 0.9, osv: ['17.6', '18.1'] },
    { name: 'iPhone 12', weight: 8, freeze: 1, osv: ['16.7', '17.6'] },
    { name: 'iPhone SE', weight: 4, freeze: 1.4, osv: ['16.7', '17.6'] },
    { name: 'iPad Air', weight: 4, freeze: 0.8, osv: ['17.6'] },
    { name: 'iPad 9', weight: 3, freeze: 1.3, osv: ['16.7', '17.6'] },
  ],
  macos: [
    { name: 'MacBook Pro M3', weight: 4, freeze: 0.6, osv: ['14.6', '15.1'] },
    { name: 'MacBook Air M2', weight: 5, freeze: 0.7, osv: ['14.6', '15.1'] },
    { name: 'iMac', weight: 2, freeze: 0.7, osv: ['14.6'] },
  ],
};

export const OS_VERSIONS: Readonly<Record<OsType, readonly string[]>> = {
  android: ['12', '13', '14'],
  ios: ['16.7', '17.6', '18.1'],
  windows: ['10', '11'],
  macos: ['14.6', '15.1'],
  linux: ['6.8'],
  web: ['Chrome 130', 'Safari 18', 'Edge 130', 'Firefox 132'],
  other: ['1'],
};

/** SDK versions in the field and their overall adoption. */
export const SDK_VERSIONS: readonly (readonly [string, number])[] = [
  ['4.1.5', 0.1],
  ['4.2.0', 0.12],
  ['4.2.1', 0.28],
  ['4.2.3', 0.2],
  ['4.3.0', 0.3],
];

export type Industry = 'social_1v1' | 'live_streaming' | 'voice_chat' | 'education' | 'conferencing';

interface IndustryDef {
  os: readonly (readonly [OsType, number])[];
  /** Median session length, seconds. */
  medianSec: number;
  /** Users per channel. */
  channel: number;
  video: number;
}

export const INDUSTRIES: Readonly<Record<Industry, IndustryDef>> = {
  social_1v1: { os: [['android', 0.6], ['ios', 0.37], ['web', 0.03]], medianSec: 120, channel: 2, video: 0.95 },
  live_streaming: { os: [['android', 0.58], ['ios', 0.35], ['web', 0.05], ['windows', 0.02]], medianSec: 150, channel: 40, video: 0.98 },
  voice_chat: { os: [['android', 0.62], ['ios', 0.36], ['web', 0.02]], medianSec: 240, channel: 8, video: 0 },
  education: { os: [['web', 0.25], ['windows', 0.25], ['ios', 0.22], ['android', 0.2], ['macos', 0.08]], medianSec: 600, channel: 25, video: 0.9 },
  conferencing: { os: [['windows', 0.35], ['macos', 0.18], ['web', 0.22], ['ios', 0.12], ['android', 0.13]], medianSec: 900, channel: 6, video: 0.85 },
};

export interface AppDef {
  id: string;
  industry: Industry;
  /** Relative size (Zipf). */
  size: number;
  countries: readonly (readonly [string, number])[];
  os: readonly (readonly [OsType, number])[];
  sdk: readonly (readonly [string, number])[];
  /** Base join failure share (token service, network). */
  joinFail: number;
}

export interface FleetOptions {
  seed: number;
  apps?: number;
  /** App ids to include as the largest apps (e.g. the demo organizations' apps). */
  knownApps?: readonly { id: string; industry?: Industry; countries?: readonly string[] }[];
}

export interface Fleet {
  seed: number;
  apps: AppDef[];
}

const NAMES = ['nova', 'lumen', 'echo', 'pulse', 'orbit', 'kite', 'tidal', 'ember', 'atlas', 'zephyr', 'quill', 'vivid', 'sonic', 'maple', 'coral', 'drift', 'flux', 'glint', 'haven', 'iris', 'jade', 'koi', 'lark', 'mosaic', 'nimbus', 'opal', 'prism', 'quartz', 'rune', 'sage', 'terra', 'umbra', 'velvet', 'willow', 'xenon', 'yarrow', 'zinc', 'aurora', 'bloom', 'cedar'];

function homeCountries(r: Rng, industry: Industry): [string, number][] {
  // Most apps have one or two home markets and a tail elsewhere.
  const all = COUNTRIES.map((c) => c.code);
  const homes = shuffle(r, all).slice(0, 1 + Math.floor(r() * 2.2));
  if (industry === 'live_streaming' && r() < 0.5 && !homes.includes('ID')) homes.push('ID');
  const out: [string, number][] = [];
  for (const c of all) {
    const base = COUNTRY.get(c)?.weight ?? 0.02;
    out.push([c, homes.includes(c) ? 3 + r() * 4 : base * (0.2 + r())]);
  }
  return out;
}

export function createFleet(opts: FleetOptions): Fleet {
  const r = fork(opts.seed, 'fleet');
  const n = Math.max(opts.apps ?? 40, opts.knownApps?.length ?? 0);
  const industries: Industry[] = ['social_1v1', 'live_streaming', 'voice_chat', 'education', 'conferencing'];
  const apps: AppDef[] = [];
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    const known = opts.knownApps?.[i];
    const industry = known?.industry ?? pick(r, industries);
    let id = known?.id;
    if (!id) {
      do id = `app-${pick(r, NAMES)}-${Math.floor(r() * 900 + 100)}`;
      while (used.has(id));
    }
    used.add(id);
    const size = 1 / Math.pow(i + 1, 1.05);
    const countries = known?.countries ? COUNTRIES.map((c) => [c.code, known.countries?.includes(c.code) ? 5 : 0.05] as [string, number]) : homeCountries(r, industry);
    // Apps pin one to three SDK versions.
    const k = 1 + Math.floor(r() * 3);
    const sdk: [string, number][] = [];
    const versions = [...SDK_VERSIONS];
    for (let j = 0; j < k && versions.length; j++) {
      const v = weighted(r, versions.map((x) => [x, x[1]] as const));
      versions.splice(versions.indexOf(v), 1);
      sdk.push([v[0], j === 0 ? 0.6 + r() * 0.3 : 0.1 + r() * 0.3]);
    }
    apps.push({ id, industry, size, countries, os: INDUSTRIES[industry].os, sdk, joinFail: 0.004 + r() * 0.008 });
  }
  return { seed: opts.seed, apps };
}

/** The demo organizations' apps (src/services/demo.ts), so demo incidents reach them. */
export const DEMO_APPS: NonNullable<FleetOptions['knownApps']> = [
  { id: 'app-huaying-live', industry: 'live_streaming', countries: ['CN', 'ID', 'TH'] },
  { id: 'app-kuaiyu-room', industry: 'voice_chat', countries: ['CN'] },
  { id: 'app-nusa-live', industry: 'live_streaming', countries: ['ID'] },
  { id: 'app-tandem', industry: 'social_1v1', countries: ['US', 'BR', 'MX'] },
  { id: 'app-meetly', industry: 'conferencing', countries: ['DE', 'GB', 'US'] },
  { id: 'app-xueba-class', industry: 'education', countries: ['CN'] },
];
