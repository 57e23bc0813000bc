import { z } from 'zod';

/** Most rows in one request (leaves of the cube). */
export const MAX_ROWS = 50_000;
/** Most dimensions in one row, and in the whole request. */
export const MAX_DIMS = 12;
/** Largest accepted body (bytes): 50,000 rows of a few dimensions. */
export const RCA_BODY_LIMIT = 16 * 1024 * 1024;

// Counts and sums: finite, not negative, not absurd (JSON numbers past 1e308 parse as Infinity).
const amount = z.number().min(0).max(1e15);

const Dims = z
  .record(z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'a dimension name is letters, digits, _ . : -'), z.string().max(200))
  .refine((d) => Object.keys(d).length >= 1, 'a row fixes at least one dimension')
  .refine((d) => Object.keys(d).length <= MAX_DIMS, `at most ${MAX_DIMS} dimensions`);

const Row = z.strictObject({
  dims: Dims,
  real: amount,
  expected: amount,
  realTotal: amount.optional().describe('ratio only: the observed denominator (the value is real ÷ realTotal)'),
  expectedTotal: amount.optional().describe('ratio only: the denominator the expectation was made for'),
});

export const LocalizeIn = z
  .strictObject({
    measure: z.enum(['additive', 'ratio']),
    rows: z.array(Row).min(1).max(MAX_ROWS),
  })
  .superRefine((b, ctx) => {
    const names = new Set<string>();
    for (const [i, r] of b.rows.entries()) {
      for (const k of Object.keys(r.dims)) names.add(k);
      if (b.measure === 'ratio') {
        if (r.realTotal === undefined) ctx.addIssue({ code: 'custom', path: ['rows', i, 'realTotal'], message: 'required for a ratio measure' });
        if (r.expectedTotal === undefined) ctx.addIssue({ code: 'custom', path: ['rows', i, 'expectedTotal'], message: 'required for a ratio measure' });
        if (r.realTotal === 0 && r.real > 0) ctx.addIssue({ code: 'custom', path: ['rows', i, 'realTotal'], message: 'a positive numerator needs a positive denominator' });
        if (r.expectedTotal === 0 && r.expected > 0) ctx.addIssue({ code: 'custom', path: ['rows', i, 'expectedTotal'], message: 'a positive expectation needs a positive denominator' });
      } else {
        if (r.realTotal !== undefined) ctx.addIssue({ code: 'custom', path: ['rows', i, 'realTotal'], message: 'only for a ratio measure' });
        if (r.expectedTotal !== undefined) ctx.addIssue({ code: 'custom', path: ['rows', i, 'expectedTotal'], message: 'only for a ratio measure' });
      }
    }
    if (names.size > MAX_DIMS) ctx.addIssue({ code: 'custom', path: ['rows'], message: `the rows use ${names.size} dimensions; at most ${MAX_DIMS}` });
  });

const Combination = z.record(z.string(), z.string());

export const LocalizeOut = z.object({
  rootCause: z.array(Combination).describe('the smallest set of dimension combinations that explains the change, best first; empty when nothing changed'),
  candidates: z.array(z.object({ dims: Combination, score: z.number().min(0).max(1) })).describe('the root cause and the next best single combinations, best first'),
});
