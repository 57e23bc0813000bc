/**
 * How the console reads a ticket's SLA clocks (contract.md, "SLA clocks"): which clock is the
 * next to fall due, how far it has run by now, and which colour that earns.
 */
import type { MessageKey, Translate } from './i18n/index.tsx';
import type { ClockKind, SlaClock, SlaClocks } from './types.ts';
import { CLOCK_STATES } from './types.ts';

/** The warning share when no policy says otherwise (PRODUCT.md: warn at 80 % of the target). */
export const DEFAULT_WARN_SHARE = 0.8;

export type Tone = 'ok' | 'risk' | 'breached' | 'paused' | 'done';

export interface NamedClock {
  kind: ClockKind;
  /** The cycle number (1, 2 …) of a next-reply or periodic-update clock. */
  cycle: number | null;
  clock: SlaClock;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function readClock(v: unknown): SlaClock | null {
  if (!isObj(v)) return null;
  const state = CLOCK_STATES.find((s) => s === v.state);
  if (!state || typeof v.targetMinutes !== 'number' || typeof v.elapsedSeconds !== 'number') return null;
  return {
    state,
    targetMinutes: v.targetMinutes,
    elapsedSeconds: v.elapsedSeconds,
    breached: v.breached === true,
    breachedAt: strOrNull(v.breachedAt),
    dueAt: strOrNull(v.dueAt),
    metAt: strOrNull(v.metAt),
  };
}

const readCycles = (v: unknown): SlaClock[] => (Array.isArray(v) ? v.map(readClock).filter((c): c is SlaClock => c !== null) : []);

/** A ticket's `sla` object (typed loosely by the API) as clocks; anything unreadable is left out. */
export function readClocks(sla: Record<string, unknown> | null | undefined): SlaClocks {
  return {
    firstResponse: readClock(sla?.firstResponse),
    resolution: readClock(sla?.resolution),
    nextReply: readCycles(sla?.nextReply),
    periodicUpdate: readCycles(sla?.periodicUpdate),
  };
}

/** Every clock in reading order: first response, next-reply cycles, periodic updates, resolution. */
export function listClocks(c: SlaClocks): NamedClock[] {
  const out: NamedClock[] = [];
  if (c.firstResponse) out.push({ kind: 'firstResponse', cycle: null, clock: c.firstResponse });
  c.nextReply.forEach((clock, i) => out.push({ kind: 'nextReply', cycle: i + 1, clock }));
  c.periodicUpdate.forEach((clock, i) => out.push({ kind: 'periodicUpdate', cycle: i + 1, clock }));
  if (c.resolution) out.push({ kind: 'resolution', cycle: null, clock: c.resolution });
  return out;
}

const isOpen = (c: SlaClock) => c.state === 'running' || c.state === 'paused';
const dueMs = (c: SlaClock) => (c.dueAt ? new Date(c.dueAt).getTime() : Number.POSITIVE_INFINITY);

/**
 * The clock the queue shows: the running clock due soonest (a breached one is due in the past, so
 * it comes first); else a paused one, the least time left first; else none.
 */
export function nearestClock(c: SlaClocks): NamedClock | null {
  const open = listClocks(c).filter((n) => isOpen(n.clock));
  const running = open.filter((n) => n.clock.state === 'running').sort((a, b) => dueMs(a.clock) - dueMs(b.clock));
  if (running[0]) return running[0];
  const paused = open.sort((a, b) => remainingSeconds(a.clock) - remainingSeconds(b.clock));
  return paused[0] ?? null;
}

export const targetSeconds = (c: SlaClock): number => c.targetMinutes * 60;
export const remainingSeconds = (c: SlaClock): number => targetSeconds(c) - c.elapsedSeconds;

/**
 * Elapsed running time at `now` of a clock the server evaluated at `observedAt`. A running clock
 * reaches its target at `dueAt` (projected on its calendar), so in between its elapsed time is
 * spread evenly over the wall-clock time left: exact on 24×7, a fair estimate across business
 * hours. Paused, finished and already-breached clocks keep the server's value.
 */
export function elapsedAt(c: SlaClock, observedAt: number, now: number): number {
  if (c.state !== 'running' || c.breached || !c.dueAt) return c.elapsedSeconds;
  const wallLeft = (dueMs(c) - observedAt) / 1000;
  const left = remainingSeconds(c);
  if (wallLeft <= 0 || left <= 0) return c.elapsedSeconds;
  const rate = Math.min(1, left / wallLeft);
  return c.elapsedSeconds + Math.max(0, (now - observedAt) / 1000) * rate;
}

/** green while in time, amber past the warning share, red once breached, grey when paused. */
export function clockTone(c: SlaClock, observedAt: number, now: number, warnShare = DEFAULT_WARN_SHARE): Tone {
  if (c.breached || (c.state === 'running' && c.dueAt !== null && dueMs(c) <= now)) return 'breached';
  if (c.state === 'met' || c.state === 'stopped') return 'done';
  if (c.state === 'paused') return 'paused';
  return elapsedAt(c, observedAt, now) >= warnShare * targetSeconds(c) ? 'risk' : 'ok';
}

export const CLOCK_LABEL: Record<ClockKind, MessageKey> = {
  firstResponse: 'sla.clock.firstResponse',
  nextReply: 'sla.clock.nextReply',
  periodicUpdate: 'sla.clock.periodicUpdate',
  resolution: 'sla.clock.resolution',
};

export function clockLabel(t: Translate, n: Pick<NamedClock, 'kind' | 'cycle'>): string {
  const name = t(CLOCK_LABEL[n.kind]);
  return n.cycle === null ? name : t('sla.clock.cycle', { name, n: n.cycle });
}

/**
 * A span of time, compact and in the reader's language: "2d 3h", "1h 05m", "12m 30s" / "2天3小时",
 * "1小时05分", "12分30秒". Seconds only when asked for (countdowns) and under an hour.
 */
export function formatDuration(t: Translate, totalSeconds: number, withSeconds = false): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return h > 0 ? t('dur.dh', { d, h }) : t('dur.d', { d });
  if (h > 0) return m > 0 ? t('dur.hm', { h, m: two(m) }) : t('dur.h', { h });
  if (withSeconds) return m > 0 ? t('dur.ms', { m, s: two(sec) }) : t('dur.s', { s: sec });
  return t('dur.m', { m });
}

/** Target minutes as a span ("4h", "7h 30m"); minutes count on the policy's calendar. */
export const formatMinutes = (t: Translate, minutes: number): string => formatDuration(t, minutes * 60);
