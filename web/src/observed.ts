import { serverNow } from './serverTime.ts';

/** When an object arrived from the server (on the server's clock), kept beside it, not in it. */
const observedAt = new WeakMap<object, number>();

export function markObserved<T extends object>(o: T): T {
  observedAt.set(o, serverNow());
  return o;
}

/** The instant the server computed this object's live values (its clocks), or now when unknown. */
export function whenObserved(o: object): number {
  return observedAt.get(o) ?? serverNow();
}
