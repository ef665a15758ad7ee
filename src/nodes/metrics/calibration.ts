/**
 * Calibration of posteriors by empirical percentiles (the paper's Eqs. 9-10,
 * after Gneiting et al. 2007). The true mass lies below the r-quantile of a
 * view's posterior exactly when the posterior CDF at the true mass, r_i, is
 * at most r; so r_hat(r) is the empirical CDF of the r_i, and a calibrated
 * model has r_hat(r) = r.
 */
import { posteriorCdf } from "./posterior.ts";
import { posteriorAt } from "./rows.ts";
import type { PosteriorRows } from "./rows.ts";

/** r_i = CDF of view i's posterior at its true mass, for the given rows. */
export const percentilesAtTruth = (rows: PosteriorRows, indices: Int32Array): Float64Array => {
  const r = new Float64Array(indices.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    r[j] = posteriorCdf(posteriorAt(rows, i), rows.mTrue[i]);
  }
  return r;
};

/** r_hat(r): the fraction of views with r_i <= r. */
export const empiricalPercentile = (ri: ArrayLike<number>, r: number): number => {
  if (ri.length === 0) return Number.NaN;
  let below = 0;
  for (let j = 0; j < ri.length; j++) if (ri[j] <= r) below++;
  return below / ri.length;
};

/** r_hat on a grid of r, from one sort of the r_i. */
export const empiricalPercentileCurve = (
  ri: ArrayLike<number>,
  grid: ArrayLike<number>,
): Float64Array => {
  const ascending = Float64Array.from(ri).sort();
  const out = new Float64Array(grid.length);
  for (let g = 0; g < grid.length; g++) {
    const n = ascending.length;
    out[g] = n === 0 ? Number.NaN : countAtMost(ascending, grid[g]) / n;
  }
  return out;
};

/** Number of entries <= x in an ascending array (binary search). */
const countAtMost = (ascending: Float64Array, x: number): number => {
  let lo = 0;
  let hi = ascending.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ascending[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/**
 * The fraction of true masses inside the posteriors' central interval from
 * quantile `lower` to `upper`: r_hat(upper) - r_hat(lower). An ideal model
 * gives upper - lower.
 */
export const empiricalPercentileRange = (
  ri: ArrayLike<number>,
  lower: number,
  upper: number,
): number => empiricalPercentile(ri, upper) - empiricalPercentile(ri, lower);
