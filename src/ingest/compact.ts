/**
 * A compact copy of a metrics accumulator for what the pipeline keeps beyond one window (the
 * localization reference, the last minute of leaves, 1-minute rollups): the 24 sum slots of
 * `metrics.ts` (every numerator and denominator, the squares) plus one slot for the number of
 * first frames slower than the 2000 ms bad line, instead of the 56-bucket histogram. Additive like
 * the accumulator it comes from; `metrics.value` reads it for every metric but `firstFrameMs`.
 */
import { type Accumulator, firstFrameCountAbove, type MetricName, type MetricValue, SLOT, value } from '../domain/telemetry/metrics.ts';

/** Slot of the slow-first-frame count (joins whose first frame took more than 2000 ms). */
export const FF_SLOW = SLOT.ffHist;
export const COMPACT_SIZE = SLOT.ffHist + 1;
export const FIRST_FRAME_BAD_MS = 2000;

export type Compact = Float64Array;

export function compactOf(acc: Accumulator): Compact {
  const out = new Float64Array(COMPACT_SIZE);
  for (let i = 0; i < SLOT.ffHist; i++) out[i] = acc[i]!;
  out[FF_SLOW] = acc[SLOT.ffCount]! > 0 ? firstFrameCountAbove(acc, FIRST_FRAME_BAD_MS) : 0;
  return out;
}

export function addCompact(target: Compact, source: Compact, factor = 1): void {
  for (let i = 0; i < COMPACT_SIZE; i++) target[i]! += factor * source[i]!;
}

export function scaleCompact(target: Compact, factor: number): void {
  for (let i = 0; i < COMPACT_SIZE; i++) target[i]! *= factor;
}

/**
 * Numerator and denominator of a metric in a compact vector, in the orientation the metric is
 * defined in (`joinSuccessRate` = ok ÷ attempts). For `firstFrameMs` the share of slow first frames.
 */
export function compactValue(c: Compact, metric: MetricName): MetricValue {
  if (metric === 'firstFrameMs') {
    const den = c[SLOT.ffCount]!;
    const num = c[FF_SLOW]!;
    return { num, den, value: den > 0 ? num / den : null };
  }
  return value(c, metric);
}

/** Observations behind one unit of a metric's denominator (for shrinkage pseudo-counts). */
export function compactSamples(c: Compact, metric: MetricName): number {
  switch (metric) {
    case 'joinSuccessRate':
    case 'join5sRate':
      return c[SLOT.joins]!;
    case 'firstFrameMs':
      return c[SLOT.ffCount]!;
    case 'abnormalLeaveRate':
      return c[SLOT.leaves]!;
    case 'videoFreezeRate':
    case 'audioFreezeRate':
    case 'networkDelayRate':
    case 'lossRate':
    case 'rttMean':
    case 'jitterMean':
    case 'avSyncBadRate':
      return c[SLOT.stats]!;
    default: {
      const never: never = metric;
      throw new Error(`unknown metric ${String(never)}`);
    }
  }
}

/** Average concurrent sessions over `spanMs` (metrics.sessions on a compact vector). */
export function compactSessions(c: Compact, spanMs: number): number {
  return c[SLOT.interval]! / spanMs + (c[SLOT.joins]! - c[SLOT.joinOk]!);
}

export function compactRecords(c: Compact): number {
  return c[SLOT.joins]! + c[SLOT.stats]! + c[SLOT.leaves]!;
}
