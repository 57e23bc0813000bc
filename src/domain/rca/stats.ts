/** Numeric helpers shared by the localizer and the baseline. */

/**
 * Poisson deviance of observing `v` where `p` was expected: 2·(v·ln(v/p) − v + p).
 * It is also the log-likelihood-ratio gain of letting a whole slice scale by its own factor, which
 * is why aggregated sums are enough to score a combination.
 */
export function poissonDeviance(v: number, p: number): number {
  const q = p > 1e-300 ? p : 1e-300;
  if (v <= 0) return 2 * q;
  return 2 * (v * Math.log(v / q) - v + q);
}

/** k-th smallest value (0-based) of `values`, which is reordered in place. */
export function quickSelect(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i += 1;
      while ((values[j] as number) > pivot) j -= 1;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k] as number;
}

/** Median of the first `count` entries of `values` (reordered in place); 0 when empty. */
export function median(values: Float64Array, count = values.length): number {
  if (count <= 0) return 0;
  const view = count === values.length ? values : values.subarray(0, count);
  const mid = count >> 1;
  const upper = quickSelect(view, mid);
  if (count % 2 === 1) return upper;
  let lower = -Infinity;
  for (let i = 0; i < mid; i += 1) if ((view[i] as number) > lower) lower = view[i] as number;
  return (lower + upper) / 2;
}

/** All subsets of {0..n-1} with `size` members, each ascending, in lexicographic order. */
export function subsetsOfSize(n: number, size: number): number[][] {
  const out: number[][] = [];
  if (size <= 0 || size > n) return out;
  const cur: number[] = [];
  const rec = (start: number): void => {
    if (cur.length === size) {
      out.push(cur.slice());
      return;
    }
    for (let i = start; i <= n - (size - cur.length); i += 1) {
      cur.push(i);
      rec(i + 1);
      cur.pop();
    }
  };
  rec(0);
  return out;
}
