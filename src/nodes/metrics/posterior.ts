/**
 * One view's mass posterior, as the POSTERIORS table stores it: a Gaussian
 * (mean, variance) or, for Class models, a histogram over 50 equal bins on
 * 13 <= m <= 16 (dex). Its CDF at the true mass is the view's percentile r_i
 * of the paper's Eqs. 9-10; its density draws Figure 3.
 */

/** The Class models' bins in m = log10(M200c / (Msun/h)), dex. */
export const CLASS_BINS = { lo: 13, hi: 16, count: 50 } as const;

export type Posterior =
  | { readonly kind: "gauss"; readonly mean: number; readonly variance: number }
  | { readonly kind: "class"; readonly probs: ArrayLike<number> };

/**
 * The complementary error function, from the Chebyshev-fitted exponential
 * form (fractional error below 1.2e-7 for every x): ample for percentiles
 * read against sampling errors of 1e-3.
 */
const ERFC_COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

export const erfc = (x: number): number => {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let k = ERFC_COEFFICIENTS.length - 1; k >= 0; k--) poly = ERFC_COEFFICIENTS[k] + t * poly;
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
};

/** Standard normal CDF. */
export const normalCdf = (z: number): number => 0.5 * erfc(-z / Math.SQRT2);

/**
 * CDF of N(mean, variance) at m. A zero variance is a point mass: the CDF
 * steps from 0 to 1 at the mean.
 */
export const gaussianCdf = (m: number, mean: number, variance: number): number => {
  if (!(variance > 0)) return m >= mean ? 1 : 0;
  return normalCdf((m - mean) / Math.sqrt(variance));
};

/**
 * CDF at m of a histogram over `bins` (probabilities need not sum to 1 and are
 * normalised here), with the mass of each bin spread uniformly inside it, so
 * the CDF rises linearly across a bin.
 */
export const histogramCdf = (
  m: number,
  probs: ArrayLike<number>,
  bins: { readonly lo: number; readonly hi: number } = CLASS_BINS,
): number => {
  const count = probs.length;
  let total = 0;
  for (let k = 0; k < count; k++) total += probs[k];
  if (!(total > 0)) return Number.NaN;
  if (m <= bins.lo) return 0;
  if (m >= bins.hi) return 1;

  const width = (bins.hi - bins.lo) / count;
  const position = (m - bins.lo) / width;
  const inside = Math.min(count - 1, Math.floor(position));
  let below = 0;
  for (let k = 0; k < inside; k++) below += probs[k];
  return (below + probs[inside] * (position - inside)) / total;
};

/** Density of the histogram at m, per dex. */
export const histogramPdf = (
  m: number,
  probs: ArrayLike<number>,
  bins: { readonly lo: number; readonly hi: number } = CLASS_BINS,
): number => {
  if (m < bins.lo || m > bins.hi) return 0;
  const count = probs.length;
  let total = 0;
  for (let k = 0; k < count; k++) total += probs[k];
  const width = (bins.hi - bins.lo) / count;
  const inside = Math.min(count - 1, Math.floor((m - bins.lo) / width));
  return probs[inside] / total / width;
};

export const gaussianPdf = (m: number, mean: number, variance: number): number => {
  if (!(variance > 0)) return 0;
  const d = m - mean;
  return Math.exp((-0.5 * d * d) / variance) / Math.sqrt(2 * Math.PI * variance);
};

/**
 * A row is a Class posterior when any of its probabilities is non-zero; the
 * POSTERIORS schema fills `probs` with zeros for Gaussian models.
 */
export const posteriorOf = (
  mean: number,
  variance: number,
  probs: ArrayLike<number> | undefined,
): Posterior => {
  if (probs !== undefined) {
    for (let k = 0; k < probs.length; k++) {
      if (probs[k] !== 0) return { kind: "class", probs };
    }
  }
  return { kind: "gauss", mean, variance };
};

export const posteriorCdf = (p: Posterior, m: number): number =>
  p.kind === "gauss" ? gaussianCdf(m, p.mean, p.variance) : histogramCdf(m, p.probs);

export const posteriorPdf = (p: Posterior, m: number): number =>
  p.kind === "gauss" ? gaussianPdf(m, p.mean, p.variance) : histogramPdf(m, p.probs);
