/**
 * Descriptive statistics of a sample, with the conventions of numpy and
 * scipy's defaults (the paper's tools): linearly interpolated percentiles,
 * the population standard deviation, and the biased (moment) estimators of
 * skewness and excess kurtosis.
 */

export type Sample = ArrayLike<number>;

const sorted = (xs: Sample): Float64Array => Float64Array.from(xs).sort();

/**
 * The q-quantile (q in [0, 1]) of an ascending sample, interpolating linearly
 * between order statistics (numpy's default, Hyndman & Fan type 7).
 */
export const quantileSorted = (ascending: Float64Array, q: number): number => {
  const n = ascending.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return ascending[lo] + (h - lo) * (ascending[hi] - ascending[lo]);
};

export const quantile = (xs: Sample, q: number): number => quantileSorted(sorted(xs), q);

/** Several quantiles of one sample, sorting it once. */
export const quantiles = (xs: Sample, qs: readonly number[]): number[] => {
  const s = sorted(xs);
  return qs.map((q) => quantileSorted(s, q));
};

export const median = (xs: Sample): number => quantile(xs, 0.5);

export const mean = (xs: Sample): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length === 0 ? Number.NaN : s / xs.length;
};

export interface Moments {
  readonly n: number;
  readonly mean: number;
  /** Population standard deviation (ddof 0). */
  readonly std: number;
  /** Biased sample skewness g1 = m3 / m2^1.5. */
  readonly skewness: number;
  /** Biased excess kurtosis g2 = m4 / m2^2 - 3 (0 for a Gaussian). */
  readonly excessKurtosis: number;
}

/** Central moments in two passes, so that a large mean costs no precision. */
export const moments = (xs: Sample): Moments => {
  const n = xs.length;
  const mu = mean(xs);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - mu;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return {
    n,
    mean: mu,
    std: Math.sqrt(m2),
    skewness: m3 / m2 ** 1.5,
    excessKurtosis: m4 / (m2 * m2) - 3,
  };
};
