// Offline evaluation of knowledge-base search against labeled queries (test/fixtures/kb): the
// regression floor for the in-memory ranker, and the yardstick for the database implementation,
// which only has to supply a `search` function returning article ids best first.
//
// Rule: an article and its translation are the same answer. Returned ids are mapped to their
// translation group, repeated groups are dropped (first occurrence wins), and a query is answered
// at rank r when the r-th group contains one of its expected ids.

import type { Lang } from './analyze.ts';

export interface LabeledQuery {
  readonly id: string;
  readonly q: string;
  readonly lang: Lang;
  /** Ids (slugs) of articles that answer the query; any one of them is right. */
  readonly expected: readonly string[];
}

export interface QueryOutcome {
  readonly id: string;
  readonly q: string;
  /** 1-based rank of the first right group, or null when not within `depth`. */
  readonly rank: number | null;
  /** The top groups, each named by the first id returned for it. */
  readonly top: readonly string[];
}

export interface Evaluation {
  readonly queries: number;
  readonly k: number;
  readonly recallAtK: number;
  /** Mean reciprocal rank over the first `depth` groups. */
  readonly mrr: number;
  readonly outcomes: readonly QueryOutcome[];
}

/** Translation groups: every id mapped to a key shared with its translations. */
export function translationGroups(articles: readonly { slug: string; translationOf?: string }[]): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while ((parent.get(r) ?? r) !== r) r = parent.get(r) as string;
    return r;
  };
  for (const a of articles) if (!parent.has(a.slug)) parent.set(a.slug, a.slug);
  for (const a of articles) {
    if (a.translationOf === undefined) continue;
    if (!parent.has(a.translationOf)) parent.set(a.translationOf, a.translationOf);
    const [x, y] = [find(a.slug), find(a.translationOf)];
    if (x !== y) parent.set(x < y ? y : x, x < y ? x : y);
  }
  return new Map([...parent.keys()].map((k) => [k, find(k)]));
}

export function evaluate(args: {
  queries: readonly LabeledQuery[];
  /** Ids best first. */
  search: (query: LabeledQuery) => readonly string[];
  groups: ReadonlyMap<string, string>;
  k?: number;
  depth?: number;
}): Evaluation {
  const k = args.k ?? 3;
  const depth = args.depth ?? 10;
  const groupOf = (id: string): string => args.groups.get(id) ?? id;
  const outcomes: QueryOutcome[] = [];
  let found = 0;
  let rr = 0;
  for (const query of args.queries) {
    const expected = new Set(query.expected.map(groupOf));
    const seen = new Set<string>();
    const top: string[] = [];
    let rank: number | null = null;
    for (const id of args.search(query)) {
      const g = groupOf(id);
      if (seen.has(g)) continue;
      seen.add(g);
      top.push(id);
      if (rank === null && expected.has(g)) rank = top.length;
      if (top.length >= depth) break;
    }
    if (rank !== null && rank <= k) found++;
    if (rank !== null) rr += 1 / rank;
    outcomes.push({ id: query.id, q: query.q, rank, top });
  }
  const n = Math.max(1, args.queries.length);
  return { queries: args.queries.length, k, recallAtK: found / n, mrr: rr / n, outcomes };
}
