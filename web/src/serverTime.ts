import { useSyncExternalStore } from 'react';

/**
 * The server's clock as seen from this browser. Countdowns compare the server's instants (due
 * times) with "now"; a browser whose clock is off (or a server on a test clock) would show them
 * wrong, so the offset is measured once against `GET /api/v1/health`.
 */
let offsetMs = 0;

export function setServerOffset(ms: number): void {
  offsetMs = Number.isFinite(ms) ? ms : 0;
}

/** Milliseconds since the epoch on the server's clock. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** Measures the offset: the server's time plus half the round trip, minus the browser's time. */
export async function syncServerTime(fetchTime: () => Promise<{ time: string }>): Promise<void> {
  const sent = Date.now();
  const { time } = await fetchTime();
  const received = Date.now();
  const server = new Date(time).getTime();
  if (!Number.isNaN(server)) setServerOffset(server + (received - sent) / 2 - received);
}

interface Ticker {
  value: number;
  listeners: Set<() => void>;
  timer: number | undefined;
  subscribe(listener: () => void): () => void;
  snapshot(): number;
}
const tickers = new Map<number, Ticker>();

/** One shared timer per interval; `subscribe` and `snapshot` keep their identity (React relies on it). */
function tickerFor(intervalMs: number): Ticker {
  const existing = tickers.get(intervalMs);
  if (existing) return existing;
  const ticker: Ticker = {
    value: serverNow(),
    listeners: new Set(),
    timer: undefined,
    subscribe(listener) {
      ticker.listeners.add(listener);
      if (ticker.timer === undefined) {
        ticker.value = serverNow(); // waking up: do not show a stale "now"
        ticker.timer = window.setInterval(() => {
          ticker.value = serverNow();
          for (const l of ticker.listeners) l();
        }, intervalMs);
      }
      return () => {
        ticker.listeners.delete(listener);
        if (ticker.listeners.size === 0 && ticker.timer !== undefined) {
          window.clearInterval(ticker.timer);
          ticker.timer = undefined;
        }
      };
    },
    snapshot: () => ticker.value,
  };
  tickers.set(intervalMs, ticker);
  return ticker;
}

/** The server's "now", re-rendering every `intervalMs` (one shared timer per interval). */
export function useNow(intervalMs = 1000): number {
  const ticker = tickerFor(intervalMs);
  return useSyncExternalStore(ticker.subscribe, ticker.snapshot);
}
