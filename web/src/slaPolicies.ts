import { useEffect, useState } from 'react';
import { api } from './api.ts';
import { DEFAULT_WARN_SHARE } from './sla.ts';
import type { SlaPolicyRow } from './types.ts';

/** The policy grid, read once per page load (and again after an admin saves it). */
let cache: Promise<SlaPolicyRow[]> | null = null;
const listeners = new Set<() => void>();

function load(): Promise<SlaPolicyRow[]> {
  cache ??= api.slaPolicies().then(
    (r) => r.items,
    () => [],
  );
  return cache;
}

/** After a save: every screen reads the new warning shares. */
export function forgetSlaPolicies(): void {
  cache = null;
  for (const l of listeners) l();
}

export type WarnShareOf = (tier: string | undefined, priority: string) => number;

/** The warning share of a tier × priority (what "at risk" means for that ticket); 80 % until known. */
export function useWarnShare(): WarnShareOf {
  const [rows, setRows] = useState<SlaPolicyRow[]>([]);
  useEffect(() => {
    let live = true;
    const read = () => void load().then((r) => live && setRows(r));
    read();
    listeners.add(read);
    return () => {
      live = false;
      listeners.delete(read);
    };
  }, []);
  return (tier, priority) => rows.find((r) => r.tier === tier && r.priority === priority)?.warnShare ?? DEFAULT_WARN_SHARE;
}
