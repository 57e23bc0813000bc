import { sql, type Kysely } from 'kysely';

// Impact-ordered postings: each posting also stores its term-frequency part of BM25F,
// t = Σ boost·tf / (1 − b + b·len/avglen) over title, tags and body, with the corpus's average
// lengths when it was written, and an index reads a term's postings best first. A search reads
// only the first postings of each long list (src/services/kb-search.ts) and scores candidates
// exactly from the stored counts, so an average that has drifted since only changes which postings
// come first, never a score. Forward-only; existing postings are filled from today's averages with
// BM25F's field weights of today (src/domain/kb/rank.ts: title 3 / b 0.5, tags 2 / 0.3, body 1 / 0.75)
// written out, so this migration means the same whatever rank.ts later becomes.
const statements = [
  sql`alter table kb_postings add column impact real not null default 0`,
  sql`update kb_postings p set impact = (
      3 * p.tf_title / (0.5 + 0.5 * p.len_title / greatest(s.len_title::float8 / greatest(s.doc_count, 1), 1e-9))
    + 2 * p.tf_tags / (0.7 + 0.3 * p.len_tags / greatest(s.len_tags::float8 / greatest(s.doc_count, 1), 1e-9))
    + 1 * p.tf_body / (0.25 + 0.75 * p.len_body / greatest(s.len_body::float8 / greatest(s.doc_count, 1), 1e-9)))::real
    from kb_stats s where s.id = 1`,
  sql`create index kb_postings_impact_idx on kb_postings (term_id, impact desc) include (doc_id, facet, tf_title, tf_tags, tf_body, len_title, len_tags, len_body)`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const s of statements) await s.execute(db);
}
