/**
 * The catalogue of injected problems and benign events, and timelines built from it.
 *
 * Problems (each should open exactly one incident with the given root cause):
 * - `isp_outage`: one operator in one country loses packets, its round trips and jitter grow;
 *   root cause `{country, isp}`.
 * - `sdk_regression`: one SDK version on one platform freezes video, starts slowly and crashes;
 *   root cause `{os, sdk}`.
 * - `edge_failure`: one edge node fails joins and adds delay and loss; root cause `{edge}`.
 * - `customer_misconfig`: one customer's token service is broken, joins fail with code 110;
 *   root cause `{app}`.
 * - `small_slice`: a combination of 2–3 dimensions carrying about 1 % of the sessions degrades
 *   (network, video or joins); root cause that combination.
 * - `device_compat`: one device model freezes video; root cause `{os, device}`.
 * Benign events (must not alert): `surge` (one app's traffic ×3 and back), `sdk_release` (a new
 * SDK version rolls out to 30 % of new sessions, same quality); the daily cycle is always on.
 *
 * Targets are chosen from a census of the running sessions at the injection time, within a band
 * of traffic share, so every problem is of a realistic size for its kind.
 */
import type { Combination } from '../domain/rca/types.ts';
import type { OsType } from '../domain/telemetry/record.ts';
import { DIMENSIONS } from '../domain/telemetry/windows.ts';
import { type BenignKind, type Effect, FleetSim, type Injection, type ProblemKind, type Session, type SimOptions } from './generator.ts';
import { fork, pick, type Rng, shuffle } from './rng.ts';

const ORDER: readonly string[] = DIMENSIONS;

export function canonical(c: Combination): Combination {
  const out: Combination = {};
  for (const k of Object.keys(c).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))) out[k] = c[k] as string;
  return out;
}

type Base = Session['base'];
const valueOf = (s: Base, d: string): string | undefined => (s as unknown as Record<string, string | undefined>)[d];

/** Shares of the running sessions by combination of the given dimensions. */
function census(sessions: readonly Session[], dims: readonly string[]): Map<string, { c: Combination; share: number }> {
  const out = new Map<string, { c: Combination; share: number }>();
  const n = sessions.length || 1;
  for (const s of sessions) {
    const c: Combination = {};
    let ok = true;
    for (const d of dims) {
      const v = valueOf(s.base, d);
      if (v === undefined) {
        ok = false;
        break;
      }
      c[d] = v;
    }
    if (!ok) continue;
    const k = JSON.stringify(c);
    const e = out.get(k);
    if (e) e.share += 1 / n;
    else out.set(k, { c, share: 1 / n });
  }
  return out;
}

function chooseIn(r: Rng, sessions: readonly Session[], dims: readonly string[], lo: number, hi: number, filter: (c: Combination) => boolean = () => true): { c: Combination; share: number } | null {
  const all = [...census(sessions, dims).values()].filter((x) => filter(x.c)).sort((a, b) => (JSON.stringify(a.c) < JSON.stringify(b.c) ? -1 : 1));
  const band = all.filter((x) => x.share >= lo && x.share <= hi);
  if (band.length) return pick(r, band);
  // Nearest to the band.
  const mid = Math.sqrt(lo * hi);
  all.sort((a, b) => Math.abs(Math.log(a.share / mid)) - Math.abs(Math.log(b.share / mid)));
  return all[0] ?? null;
}

const jitter = (r: Rng, x: number): number => x * (0.8 + 0.5 * r());

export interface ProblemSpec {
  kind: ProblemKind;
  target: Combination;
  effect: Effect;
  share: number;
  description: string;
}

/**
 * Pick a target and an effect for a problem of this kind among the running sessions. `scale`
 * multiplies the traffic-share bands (a small demo fleet needs larger slices to be judged).
 */
export function planProblem(kind: ProblemKind, r: Rng, sessions: readonly Session[], scale = 1): ProblemSpec | null {
  const choose = (rr: Rng, ss: readonly Session[], dims: readonly string[], lo: number, hi: number, filter?: (c: Combination) => boolean) => chooseIn(rr, ss, dims, lo * scale, Math.min(0.9, hi * scale), filter);
  switch (kind) {
    case 'isp_outage': {
      const x = choose(r, sessions, ['country', 'isp'], 0.02, 0.08);
      if (!x) return null;
      return { kind, target: x.c, share: x.share, description: `${x.c.isp} in ${x.c.country}: packet loss and delay`, effect: { lossAdd: jitter(r, 0.06), rttAdd: jitter(r, 70), jitterAdd: jitter(r, 15), joinFailAdd: jitter(r, 0.03), dropPerMin: 0.05, dropReason: 'timeout' } };
    }
    case 'sdk_regression': {
      const x = choose(r, sessions, ['os', 'sdk'], 0.03, 0.12, (c) => c.os === 'android' || c.os === 'ios');
      if (!x) return null;
      return { kind, target: x.c, share: x.share, description: `SDK ${x.c.sdk} on ${x.c.os}: audio and video freezes, slow first frame, crashes`, effect: { freezeAdd: jitter(r, 0.12), afreezeAdd: jitter(r, 0.05), ffAddMs: jitter(r, 1200), dropPerMin: jitter(r, 0.1), dropReason: 'error' } };
    }
    case 'edge_failure': {
      const x = choose(r, sessions, ['edge'], 0.02, 0.08);
      if (!x) return null;
      return { kind, target: x.c, share: x.share, description: `edge node ${x.c.edge} failing`, effect: { joinFailAdd: jitter(r, 0.3), rttAdd: jitter(r, 120), lossAdd: jitter(r, 0.03), dropPerMin: 0.1, dropReason: 'timeout' } };
    }
    case 'customer_misconfig': {
      const x = choose(r, sessions, ['app'], 0.04, 0.15);
      if (!x) return null;
      return { kind, target: x.c, share: x.share, description: `${x.c.app}: token service misconfigured, joins fail with 110`, effect: { joinFailAdd: jitter(r, 0.7), joinCode: 110 } };
    }
    case 'small_slice': {
      const shapes: string[][] = [['country', 'isp', 'net'], ['country', 'os'], ['os', 'sdk', 'device'], ['app', 'country'], ['country', 'isp', 'os'], ['os', 'net', 'device'], ['country', 'net']];
      let best: { c: Combination; share: number } | null = null;
      for (const dims of shuffle(r, shapes)) {
        const x = choose(r, sessions, dims, 0.008, 0.02);
        if (x && (!best || Math.abs(Math.log(x.share / 0.012)) < Math.abs(Math.log(best.share / 0.012)))) best = x;
        if (best && best.share >= 0.008 && best.share <= 0.02) break;
      }
      if (!best) return null;
      const effects: Effect[] = [
        { lossAdd: jitter(r, 0.1), rttAdd: jitter(r, 100), jitterAdd: jitter(r, 25) },
        { freezeAdd: jitter(r, 0.15), ffAddMs: jitter(r, 800) },
        { joinFailAdd: jitter(r, 0.4) },
      ];
      const slice = Object.entries(best.c).map(([k, v]) => `${k}=${v}`).join(', ');
      return { kind, target: best.c, share: best.share, description: `small slice ${slice}`, effect: pick(r, effects) };
    }
    case 'device_compat': {
      const x = choose(r, sessions, ['os', 'device'], 0.01, 0.05, (c) => c.os === 'android');
      if (!x) return null;
      return { kind, target: x.c, share: x.share, description: `${x.c.device}: video decoder incompatibility`, effect: { freezeAdd: jitter(r, 0.12), ffAddMs: jitter(r, 900) } };
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown problem ${String(never)}`);
    }
  }
}

export interface TimelineOptions {
  seed: number;
  /** Event time of the start (epoch ms); default 2026-11-02 plus seed-dependent hours. */
  start?: number;
  sessions?: number;
  apps?: number;
  /** Minutes before the first injection. */
  warmupMin?: number;
  /** Minutes per injection slot (problem + quiet time). */
  slotMin?: number;
  /** Minutes a problem lasts. */
  problemMin?: number;
  problems?: readonly ProblemKind[];
  benign?: readonly BenignKind[];
}

export interface Timeline {
  sim: SimOptions;
  injections: Injection[];
  end: number;
}

/**
 * A timeline for one seed: warm-up, then one slot per problem and benign event (shuffled), each
 * slot long enough for the incident to open and resolve before the next.
 */
export function buildTimeline(o: TimelineOptions): Timeline {
  const r = fork(o.seed, 'timeline');
  const start = o.start ?? Date.UTC(2026, 10, 2, 0, 0, 0) + Math.floor(r() * 24) * 3_600_000;
  const warm = (o.warmupMin ?? 5) * 60_000;
  const slot = (o.slotMin ?? 7) * 60_000;
  const dur = (o.problemMin ?? 3) * 60_000;
  const kinds: (ProblemKind | BenignKind)[] = shuffle(r, [...(o.problems ?? ['isp_outage', 'sdk_regression', 'edge_failure', 'customer_misconfig', 'small_slice', 'device_compat']), ...(o.benign ?? ['surge', 'sdk_release'])]);
  const sim: SimOptions = { seed: o.seed, start, sessions: o.sessions ?? 10_000, apps: o.apps ?? 40 };
  const injections: Injection[] = [];
  let t = start + warm;
  for (const [i, kind] of kinds.entries()) {
    const at = t + Math.floor(r() * 30_000);
    // A census of the sessions running then (a steady-state population, no injections).
    const census = new FleetSim({ ...sim, start: at, sessions: Math.min(sim.sessions, 6_000) });
    const id = `${kind}-${i + 1}`;
    if (kind === 'surge') {
      const apps = [...new Set(census.sessions().map((s) => s.base.app))];
      const counts = new Map<string, number>();
      for (const s of census.sessions()) counts.set(s.base.app, (counts.get(s.base.app) ?? 0) + 1);
      const mid = apps.filter((a) => (counts.get(a) ?? 0) / census.concurrent > 0.02 && (counts.get(a) ?? 0) / census.concurrent < 0.12).sort();
      const app = mid.length ? pick(r, mid) : (apps.sort()[0] as string);
      injections.push({ id, kind, start: at, end: at + 6 * 60_000, rampMs: 90_000, surge: { app, factor: 3 }, description: `traffic surge ×3 on ${app}` });
    } else if (kind === 'sdk_release') {
      const os: OsType[] = r() < 0.5 ? ['android'] : ['android', 'ios'];
      injections.push({ id, kind, start: at, end: Number.MAX_SAFE_INTEGER, rampMs: 15 * 60_000, release: { version: '4.3.1', os, share: 0.3 }, description: `SDK 4.3.1 rolls out on ${os.join(' and ')}` });
    } else {
      const spec = planProblem(kind, r, census.sessions());
      if (!spec) continue;
      injections.push({ id, kind, start: at, end: at + dur, rampMs: 0, target: spec.target, effect: spec.effect, rootCause: [canonical(spec.target)], description: spec.description });
    }
    t += slot;
  }
  return { sim: { ...sim, injections }, injections, end: t };
}
