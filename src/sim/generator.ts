/**
 * The fleet simulator: sessions arrive (Poisson, following each country's daily cycle), join,
 * send a stats record every 5 s and leave; their quality comes from their country, operator,
 * network type, device and a per-session random effect. Injections change it: a problem (an
 * effect on the sessions matching a combination of dimension values, for a time) or a benign event
 * (a traffic surge of one app, a new SDK version rolling out). Seeded and deterministic: the same
 * options give the same records.
 *
 * Records come out one simulated second at a time (`step()`), sorted by event time.
 */
import type { Combination } from '../domain/rca/types.ts';
import type { JoinRecord, LeaveRecord, NetType, OsType, StatsRecord, TelemetryRecord } from '../domain/telemetry/record.ts';
import { type AppDef, COUNTRY, type CountryDef, createFleet, DEVICES, type Fleet, type FleetOptions, INDUSTRIES, NETS, OS_VERSIONS } from './fleet.ts';
import { exponential, fork, logNormalUnit, poisson, type Rng, Table, weighted } from './rng.ts';

export interface Effect {
  /** Added mean packet loss share (0.06 = +6 points). */
  lossAdd?: number;
  rttAdd?: number;
  jitterAdd?: number;
  /** Added video / audio freeze share. */
  freezeAdd?: number;
  afreezeAdd?: number;
  /** Added join failure probability, and its error code. */
  joinFailAdd?: number;
  joinCode?: number;
  /** Added probability of a join slower than 5 s. */
  joinSlowAdd?: number;
  ffAddMs?: number;
  /** Added probability per minute that a session ends abnormally (crash, timeout). */
  dropPerMin?: number;
  dropReason?: 'error' | 'timeout';
  /** Added share of stats intervals with A/V out of sync. */
  avAdd?: number;
}

export type ProblemKind = 'isp_outage' | 'sdk_regression' | 'edge_failure' | 'customer_misconfig' | 'small_slice' | 'device_compat';
export type BenignKind = 'surge' | 'sdk_release';
export const PROBLEM_KINDS: readonly ProblemKind[] = ['isp_outage', 'sdk_regression', 'edge_failure', 'customer_misconfig', 'small_slice', 'device_compat'];
export const BENIGN_KINDS: readonly BenignKind[] = ['surge', 'sdk_release'];

export interface Injection {
  id: string;
  kind: ProblemKind | BenignKind;
  start: number;
  end: number;
  /** Problems: the sessions affected. */
  target?: Combination;
  effect?: Effect;
  /** Milliseconds over which the effect or surge builds up (default 0 for problems). */
  rampMs?: number;
  surge?: { app: string; factor: number };
  release?: { version: string; os: OsType[]; share: number };
  /** Problems: the expected root cause (canonical combinations). */
  rootCause?: Combination[];
  description?: string;
}

export interface SimOptions extends FleetOptions {
  /** Event time of the first second (epoch ms). */
  start: number;
  /** Nominal concurrent sessions when every country is at its daily peak. */
  sessions: number;
  injections?: readonly Injection[];
  statsIntervalMs?: number;
  /** Use this fleet instead of creating one from the seed. */
  fleet?: Fleet;
}

export interface Session {
  app: AppDef;
  base: {
    v: 1;
    app: string;
    cid: string;
    sid: string;
    uid: string;
    country: string;
    region: string;
    isp: string;
    net: NetType;
    os: OsType;
    osv: string;
    device: string | undefined;
    sdk: string;
    edge: string;
  };
  start: number;
  end: number;
  nextStats: number;
  rtt: number;
  loss: number;
  jitter: number;
  freeze: number;
  afreeze: number;
  av: number;
  e2e: number;
  video: boolean;
  joinFail: number;
  joinMs: number;
  ff: number;
}

const DESKTOP: ReadonlySet<OsType> = new Set(['windows', 'macos', 'linux']);

function diurnal(c: CountryDef, t: number): number {
  const h = ((((t / 3_600_000 + c.utcOffsetH) % 24) + 24) % 24);
  const x = (1 + Math.cos((2 * Math.PI * (h - 21)) / 24)) / 2;
  return 0.25 + 0.75 * Math.pow(x, 1.5);
}

/** An effect that only video sessions feel (freezes, first frames). */
export function isVideoOnly(e: Effect): boolean {
  return !e.lossAdd && !e.rttAdd && !e.jitterAdd && !e.afreezeAdd && !e.joinFailAdd && !e.joinSlowAdd && !e.dropPerMin && !e.avAdd;
}

/** Whether a session matches a combination of dimension values. */
export function sessionMatches(s: Session['base'], c: Combination): boolean {
  for (const k in c) {
    const v = (s as unknown as Record<string, string | undefined>)[k];
    if (v !== c[k]) return false;
  }
  return true;
}

interface Pair {
  app: AppDef;
  country: CountryDef;
  /** Population weight (share of concurrent sessions). */
  weight: number;
  meanDurSec: number;
}

export class FleetSim {
  readonly fleet: Fleet;
  readonly opts: SimOptions;
  private readonly r: Rng;
  private readonly quality: Rng;
  private readonly ispQ = new Map<string, number>();
  private active: Session[] = [];
  private retries: { at: number; s: Session; attempt: number }[] = [];
  private t: number;
  private pairs: Pair[] = [];
  private arrivals: Table<Pair> = new Table<Pair>([], []);
  private arrivalRate = 0;
  private tableAt = -Infinity;
  private seq = 0;
  private readonly injections: Injection[];
  private readonly interval: number;
  private readonly appSize: Map<string, number>;
  /** Affected-session shares sampled while each problem runs (for labels). */
  readonly exposure = new Map<string, { sum: number; n: number }>();

  constructor(opts: SimOptions) {
    this.opts = opts;
    this.fleet = opts.fleet ?? createFleet(opts);
    this.r = fork(opts.seed, 'traffic');
    this.quality = fork(opts.seed, 'quality');
    this.t = opts.start;
    this.injections = [...(opts.injections ?? [])];
    this.interval = opts.statsIntervalMs ?? 5_000;
    let total = 0;
    for (const a of this.fleet.apps) total += a.size;
    this.appSize = new Map(this.fleet.apps.map((a) => [a.id, a.size / total]));
    const qr = fork(opts.seed, 'isp');
    for (const c of COUNTRY.values()) for (const i of c.isps) this.ispQ.set(`${c.code}/${i.name}`, 0.8 + qr() * 0.5);
    this.populate();
  }

  get now(): number {
    return this.t;
  }

  get concurrent(): number {
    return this.active.length;
  }

  private surgeFactor(app: string, t: number): number {
    let f = 1;
    for (const inj of this.injections) {
      if (!inj.surge || inj.surge.app !== app || t < inj.start || t >= inj.end) continue;
      const ramp = inj.rampMs ?? 60_000;
      const up = ramp > 0 ? Math.min(1, (t - inj.start) / ramp) : 1;
      const down = ramp > 0 ? Math.min(1, (inj.end - t) / ramp) : 1;
      f *= 1 + (inj.surge.factor - 1) * Math.min(up, down);
    }
    return f;
  }

  private buildPairs(t: number): void {
    const pairs: Pair[] = [];
    for (const app of this.fleet.apps) {
      let cw = 0;
      for (const [, w] of app.countries) cw += w;
      const size = (this.appSize.get(app.id) ?? 0) * this.surgeFactor(app.id, t);
      const med = INDUSTRIES[app.industry].medianSec;
      for (const [code, w] of app.countries) {
        const c = COUNTRY.get(code);
        if (!c) continue;
        const weight = size * (w / cw) * diurnal(c, t);
        if (weight <= 0) continue;
        pairs.push({ app, country: c, weight, meanDurSec: med * Math.exp(0.9 * 0.9 / 2) });
      }
    }
    this.pairs = pairs;
    this.arrivals = new Table(pairs, pairs.map((p) => p.weight / p.meanDurSec));
    this.arrivalRate = 0;
    for (const p of pairs) this.arrivalRate += (this.opts.sessions * p.weight) / p.meanDurSec;
    this.tableAt = t;
  }

  private populate(): void {
    this.buildPairs(this.t);
    const table = new Table(this.pairs, this.pairs.map((p) => p.weight));
    const n = Math.round(this.opts.sessions * table.total);
    for (let i = 0; i < n; i++) {
      const p = table.pick(this.r);
      const dur = this.duration(p.app);
      const age = this.r() * dur;
      const s = this.newSession(p, this.t - age, dur);
      s.nextStats = this.t + Math.floor(this.r() * this.interval);
      this.active.push(s);
    }
  }

  private duration(app: AppDef): number {
    return Math.max(10_000, INDUSTRIES[app.industry].medianSec * 1000 * Math.exp(0.9 * (Math.sqrt(-2 * Math.log(Math.max(1e-12, this.r()))) * Math.cos(2 * Math.PI * this.r()))));
  }

  private releaseFor(os: OsType, t: number): string | null {
    for (const inj of this.injections) {
      if (!inj.release || t < inj.start || t >= inj.end || !inj.release.os.includes(os)) continue;
      const ramp = inj.rampMs ?? 20 * 60_000;
      const share = inj.release.share * (ramp > 0 ? Math.min(1, (t - inj.start) / ramp) : 1);
      if (this.r() < share) return inj.release.version;
    }
    return null;
  }

  private newSession(p: Pair, start: number, dur: number): Session {
    const r = this.r;
    const q = this.quality;
    const app = p.app;
    const c = p.country;
    const ind = INDUSTRIES[app.industry];
    const os = weighted(r, app.os);
    const isp = weighted(r, c.isps.map((i) => [i.name, i.share] as const));
    let net: NetType;
    if (DESKTOP.has(os)) net = r() < 0.4 ? 'ethernet' : 'wifi';
    else if (os === 'web') net = weighted(r, [['wifi', 0.75], ['ethernet', 0.15], ['4g', 0.1]] as const);
    else {
      const x = r();
      net = x < c.mobile3g ? '3g' : x < c.mobile3g + c.mobile4g ? '4g' : x < c.mobile3g + c.mobile4g + 0.1 ? '5g' : x < c.mobile3g + c.mobile4g + 0.12 ? 'unknown' : 'wifi';
    }
    const devs = DEVICES[os];
    const dev = devs ? weighted(r, devs.map((d) => [d, d.weight] as const)) : undefined;
    const osv = dev ? (dev.osv[Math.floor(r() * dev.osv.length)] as string) : (OS_VERSIONS[os][Math.floor(r() * OS_VERSIONS[os].length)] as string);
    const sdk = this.releaseFor(os, start) ?? weighted(r, app.sdk);
    const edge = weighted(r, c.edges);
    const region = c.regions[Math.floor(r() * c.regions.length)] as string;
    const nd = NETS[net];
    const iq = this.ispQ.get(`${c.code}/${isp}`) ?? 1;
    const day = 0.85 + 0.3 * diurnal(c, start);
    const rtt = (c.rttMs * iq + nd.rttAdd + (edge.startsWith('edge-sgp') && c.code !== 'SG' ? 15 : 0)) * logNormalUnit(q, 0.25);
    const loss = Math.min(0.2, c.loss * iq * nd.lossMult * day * logNormalUnit(q, 0.7));
    const jitter = (4 + rtt * 0.12) * logNormalUnit(q, 0.3);
    const freeze = Math.min(0.3, 0.006 * (dev?.freeze ?? 1) * Math.sqrt(nd.lossMult) * logNormalUnit(q, 0.6) + 2.5 * loss);
    const afreeze = Math.min(0.08, 0.003 * logNormalUnit(q, 0.6) + 1.2 * loss);
    const id = (++this.seq).toString(36);
    const channel = Math.floor(this.seq / Math.max(1, ind.channel)).toString(36);
    const joinMs = (350 + 3 * rtt) * nd.joinMult * logNormalUnit(q, 0.5);
    return {
      app,
      base: { v: 1, app: app.id, cid: `ch-${channel}`, sid: `s-${this.opts.seed}-${id}`, uid: `u-${id}`, country: c.code, region, isp, net, os, osv, device: dev?.name, sdk, edge },
      start,
      end: start + dur,
      nextStats: start + this.interval,
      rtt,
      loss,
      jitter,
      freeze,
      afreeze,
      av: 0.01 * logNormalUnit(q, 0.8),
      e2e: 90 + 0.9 * rtt + 2 * jitter,
      video: r() < ind.video,
      joinFail: app.joinFail * nd.joinMult,
      joinMs,
      ff: joinMs + 250 + 300 * logNormalUnit(q, 0.5),
    };
  }

  /** The effects active on a session at t (summed; each scaled by its ramp). */
  private effectOn(s: Session, t: number, out: Required<Effect>): boolean {
    let any = false;
    for (const inj of this.injections) {
      if (!inj.effect || !inj.target || t < inj.start || t >= inj.end || !sessionMatches(s.base, inj.target)) continue;
      const ramp = inj.rampMs ?? 0;
      const f = ramp > 0 ? Math.min(1, (t - inj.start) / ramp) : 1;
      const e = inj.effect;
      if (!any) {
        out.lossAdd = out.rttAdd = out.jitterAdd = out.freezeAdd = out.afreezeAdd = out.joinFailAdd = out.joinSlowAdd = out.ffAddMs = out.dropPerMin = out.avAdd = 0;
        out.joinCode = 1001;
        out.dropReason = 'timeout';
      }
      any = true;
      out.lossAdd += f * (e.lossAdd ?? 0);
      out.rttAdd += f * (e.rttAdd ?? 0);
      out.jitterAdd += f * (e.jitterAdd ?? 0);
      out.freezeAdd += f * (e.freezeAdd ?? 0);
      out.afreezeAdd += f * (e.afreezeAdd ?? 0);
      out.joinFailAdd += f * (e.joinFailAdd ?? 0);
      out.joinSlowAdd += f * (e.joinSlowAdd ?? 0);
      out.ffAddMs += f * (e.ffAddMs ?? 0);
      out.dropPerMin += f * (e.dropPerMin ?? 0);
      out.avAdd += f * (e.avAdd ?? 0);
      if (e.joinCode !== undefined) out.joinCode = e.joinCode;
      if (e.dropReason !== undefined) out.dropReason = e.dropReason;
    }
    return any;
  }

  private readonly eff: Required<Effect> = { lossAdd: 0, rttAdd: 0, jitterAdd: 0, freezeAdd: 0, afreezeAdd: 0, joinFailAdd: 0, joinCode: 0, joinSlowAdd: 0, ffAddMs: 0, dropPerMin: 0, dropReason: 'timeout', avAdd: 0 };

  private join(s: Session, t: number, out: TelemetryRecord[]): boolean {
    const r = this.r;
    const e = this.effectOn(s, t, this.eff) ? this.eff : null;
    const fail = Math.min(0.98, s.joinFail + (e?.joinFailAdd ?? 0));
    const ok = r() >= fail;
    let joinMs = Math.round(s.joinMs * (0.8 + 0.4 * r()));
    if (e && r() < e.joinSlowAdd) joinMs += 4_000 + Math.round(r() * 6_000);
    if (!ok) joinMs = Math.round(joinMs + (e?.joinCode === 110 ? 0 : 2_000 + r() * 8_000));
    const b = s.base;
    const rec: JoinRecord = { v: 1, ts: Math.round(t), type: 'join', app: b.app, cid: b.cid, sid: b.sid, uid: b.uid, country: b.country, region: b.region, isp: b.isp, net: b.net, os: b.os, osv: b.osv, device: b.device, sdk: b.sdk, edge: b.edge, ok, code: ok ? 0 : (e?.joinCode ?? 1001), joinMs, firstFrameMs: undefined };
    if (ok && s.video) rec.firstFrameMs = Math.round((s.ff + (e?.ffAddMs ?? 0) * (0.5 + r())) * (0.8 + 0.4 * r()));
    out.push(rec);
    return ok;
  }

  private stats(s: Session, t: number, out: TelemetryRecord[]): boolean {
    const r = this.r;
    const e = this.effectOn(s, t, this.eff) ? this.eff : null;
    const loss = s.loss + (e?.lossAdd ?? 0);
    const rtt = s.rtt + (e?.rttAdd ?? 0);
    const jitter = s.jitter + (e?.jitterAdd ?? 0);
    const freeze = Math.min(0.36, s.freeze + (e?.freezeAdd ?? 0) + (e ? 2 * (e.lossAdd ?? 0) : 0));
    const afreeze = Math.min(0.1, s.afreeze + (e?.afreezeAdd ?? 0) + (e ? (e.lossAdd ?? 0) : 0));
    const iv = this.interval;
    const b = s.base;
    const rec: StatsRecord = {
      v: 1,
      ts: Math.round(t),
      type: 'stats',
      app: b.app, cid: b.cid, sid: b.sid, uid: b.uid, country: b.country, region: b.region, isp: b.isp, net: b.net, os: b.os, osv: b.osv, device: b.device, sdk: b.sdk, edge: b.edge,
      intervalMs: iv,
      rttMs: Math.round(rtt * (0.9 + 0.2 * r()) + (r() < 0.02 ? 150 * r() : 0)),
      jitterMs: Math.round(jitter * (0.7 + 0.6 * r()) * 10) / 10,
      lossPct: Math.min(100, Math.round(100 * loss * exponential(r) * 100) / 100),
      e2eMs: Math.round((s.e2e + (e?.rttAdd ?? 0)) * (0.85 + 0.3 * r()) + (r() < 0.01 ? 300 : 0)),
      aMs: iv,
      aFreezeMs: r() < afreeze / 0.1 ? Math.round(200 + r() * 600) : 0,
      vMs: s.video ? iv : 0,
      vFreezeMs: 0,
      avSyncMs: undefined,
      recvKbps: undefined,
      fps: undefined,
      height: undefined,
    };
    if (s.video) {
      rec.vFreezeMs = r() < freeze / 0.36 ? Math.round(600 + r() * 2400) : 0;
      const bad = r() < s.av + (e?.avAdd ?? 0);
      rec.avSyncMs = Math.round(bad ? (r() < 0.5 ? -1 : 1) * (210 + r() * 300) : (r() - 0.5) * 120);
      rec.recvKbps = Math.round(900 * (1 - Math.min(0.8, loss * 4)) * (0.8 + 0.4 * r()));
      rec.fps = rec.vFreezeMs > 0 ? 12 : 24;
      rec.height = 720;
    }
    out.push(rec);
    // Problems cut sessions short.
    const drop = (e?.dropPerMin ?? 0) * (iv / 60_000);
    if (drop > 0 && r() < drop) {
      this.leave(s, t + 1 + Math.floor(r() * 500), e?.dropReason ?? 'timeout', out);
      return false;
    }
    return true;
  }

  private leave(s: Session, t: number, reason: LeaveRecord['reason'], out: TelemetryRecord[]): void {
    const b = s.base;
    const rec: LeaveRecord = { v: 1, ts: Math.round(t), type: 'leave', app: b.app, cid: b.cid, sid: b.sid, uid: b.uid, country: b.country, region: b.region, isp: b.isp, net: b.net, os: b.os, osv: b.osv, device: b.device, sdk: b.sdk, edge: b.edge, durMs: Math.max(0, Math.round(t - s.start)), reason, code: undefined };
    if (reason !== 'normal') rec.code = reason === 'error' ? 1002 : 1003;
    out.push(rec);
  }

  private normalLeaveReason(s: Session): LeaveRecord['reason'] {
    const x = this.r();
    const bad = 0.004 + 0.8 * s.loss;
    if (x < bad / 2) return 'error';
    if (x < bad) return 'timeout';
    if (x < bad + 0.01) return 'kicked';
    return 'normal';
  }

  /** One second of traffic: the records with event time in [now, now + 1 s), sorted by time. */
  step(): TelemetryRecord[] {
    const t0 = this.t;
    const t1 = t0 + 1000;
    if (t0 - this.tableAt >= 10_000) this.buildPairs(t0);
    const out: TelemetryRecord[] = [];
    // Running sessions.
    const keep: Session[] = [];
    for (const s of this.active) {
      let alive = true;
      while (alive && s.nextStats < t1 && s.nextStats < s.end) {
        alive = this.stats(s, s.nextStats, out);
        s.nextStats += this.interval;
      }
      if (!alive) continue;
      if (s.end < t1) {
        this.leave(s, s.end, this.normalLeaveReason(s), out);
        continue;
      }
      keep.push(s);
    }
    this.active = keep;
    // Retries of failed joins.
    const due = this.retries.filter((x) => x.at < t1);
    if (due.length) {
      this.retries = this.retries.filter((x) => x.at >= t1);
      for (const { at, s, attempt } of due) {
        s.start = at;
        s.end = at + this.duration(s.app);
        s.nextStats = at + this.interval;
        if (this.join(s, at, out)) this.active.push(s);
        else if (attempt < 4 && this.r() < 0.8) this.retries.push({ at: at + 1_000 + this.r() * 2_000, s, attempt: attempt + 1 });
      }
    }
    // Arrivals.
    const n = poisson(this.r, this.arrivalRate);
    for (let i = 0; i < n; i++) {
      const p = this.arrivals.pick(this.r);
      const start = t0 + this.r() * 1000;
      const s = this.newSession(p, start, this.duration(p.app));
      // SDKs retry a failed join a few times, a second or two apart.
      if (this.join(s, start, out)) this.active.push(s);
      else if (this.r() < 0.8) this.retries.push({ at: start + 1_000 + this.r() * 2_000, s, attempt: 1 });
    }
    // Exposure of running problems, every 10 s: the share of running sessions the effect reaches
    // (a video-only effect does not reach audio-only sessions).
    if (t0 % 10_000 < 1000) {
      for (const inj of this.injections) {
        if (!inj.target || t0 < inj.start || t0 >= inj.end) continue;
        const videoOnly = inj.effect ? isVideoOnly(inj.effect) : false;
        let m = 0;
        for (const s of this.active) if (sessionMatches(s.base, inj.target) && (!videoOnly || s.video)) m++;
        const x = this.exposure.get(inj.id) ?? { sum: 0, n: 0 };
        x.sum += this.active.length ? m / this.active.length : 0;
        x.n++;
        this.exposure.set(inj.id, x);
      }
    }
    this.t = t1;
    out.sort((a, b) => a.ts - b.ts);
    return out;
  }

  /** Add an injection while running (live mode, the demo). */
  inject(injection: Injection): void {
    this.injections.push(injection);
  }

  /** Share of running sessions matching a combination now. */
  share(c: Combination): number {
    if (this.active.length === 0) return 0;
    let m = 0;
    for (const s of this.active) if (sessionMatches(s.base, c)) m++;
    return m / this.active.length;
  }

  /** The running sessions (read-only use: census for choosing injection targets). */
  sessions(): readonly Session[] {
    return this.active;
  }
}
