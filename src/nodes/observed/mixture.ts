/**
 * One posterior per cluster and model from the posteriors of its K trained
 * folds: the equal-weight mixture p(m) = (1/K) sum_k p_k(m). Each fold's
 * network saw a different 90% of the hosts, so the folds are K draws of the
 * training set; the mixture keeps their disagreement as extra width rather
 * than averaging it away (its variance is the mean of the fold variances
 * plus the variance of the fold means).
 */
import { CLASS_BINS, type Posterior, posteriorCdf, posteriorPdf } from "../metrics/posterior.ts";

export interface MixtureSummary {
  /** Mean of m = log10(M200c / (Msun/h)), dex. */
  readonly mean: number;
  /** Standard deviation, dex. */
  readonly sd: number;
  /** 16th, 50th and 84th percentiles, dex. */
  readonly p16: number;
  readonly p50: number;
  readonly p84: number;
}

/** The mean and variance of a component, dex and dex^2 (a histogram's from its bin centres). */
const momentsOf = (p: Posterior): { mean: number; variance: number } => {
  if (p.kind === "gauss") return { mean: p.mean, variance: p.variance };
  const count = p.probs.length;
  const width = (CLASS_BINS.hi - CLASS_BINS.lo) / count;
  let total = 0;
  let m1 = 0;
  let m2 = 0;
  for (let k = 0; k < count; k++) {
    const c = CLASS_BINS.lo + (k + 0.5) * width;
    total += p.probs[k];
    m1 += p.probs[k] * c;
    m2 += p.probs[k] * c * c;
  }
  m1 /= total;
  return { mean: m1, variance: Math.max(0, m2 / total - m1 * m1) };
};

export const mixtureCdf = (parts: readonly Posterior[], m: number): number => {
  let s = 0;
  for (const p of parts) s += posteriorCdf(p, m);
  return s / parts.length;
};

export const mixturePdf = (parts: readonly Posterior[], m: number): number => {
  let s = 0;
  for (const p of parts) s += posteriorPdf(p, m);
  return s / parts.length;
};

/**
 * The m where the mixture's CDF reaches q, by bisection to 1e-9 dex on a
 * bracket that holds every component's mass (histograms live on [13, 16]).
 */
export const mixtureQuantile = (parts: readonly Posterior[], q: number): number => {
  let lo: number = CLASS_BINS.lo;
  let hi: number = CLASS_BINS.hi;
  for (const p of parts) {
    const { mean, variance } = momentsOf(p);
    lo = Math.min(lo, mean - 12 * Math.sqrt(variance));
    hi = Math.max(hi, mean + 12 * Math.sqrt(variance));
  }
  while (hi - lo > 1e-9) {
    const mid = 0.5 * (lo + hi);
    if (mixtureCdf(parts, mid) < q) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
};

export const mixtureSummary = (parts: readonly Posterior[]): MixtureSummary => {
  if (parts.length === 0) throw new Error("a mixture needs at least one posterior");
  let m1 = 0;
  let m2 = 0;
  for (const p of parts) {
    const { mean, variance } = momentsOf(p);
    m1 += mean;
    m2 += variance + mean * mean;
  }
  m1 /= parts.length;
  m2 /= parts.length;
  return {
    mean: m1,
    sd: Math.sqrt(Math.max(0, m2 - m1 * m1)),
    p16: mixtureQuantile(parts, 0.16),
    p50: mixtureQuantile(parts, 0.5),
    p84: mixtureQuantile(parts, 0.84),
  };
};

/** The grid of m the posterior tables are written on, dex: lo, lo + step, ..., hi. */
export const massGrid = (lo: number, hi: number, step: number): Float64Array => {
  const count = Math.round((hi - lo) / step) + 1;
  return Float64Array.from({ length: count }, (_, i) => lo + i * step);
};
