/**
 * Small synthetic POSTERIORS tables whose calibration is known by
 * construction: true masses drawn from the claimed posterior (calibrated),
 * or posteriors that claim a different width or centre than the truth.
 */
import { fixedList, makeTable, Rng } from "../../src/kind/index.ts";
import type { Table } from "../../src/kind/index.ts";
import { CLASS_BINS } from "../../src/nodes/metrics/index.ts";

export interface GaussianViews {
  readonly n: number;
  readonly fold?: number;
  /** True masses uniform in [mLo, mHi], dex. */
  readonly mLo?: number;
  readonly mHi?: number;
  /** Scatter of the posterior mean around the truth, dex. */
  readonly sigmaTrue: number;
  /** Posterior sigma the model claims, dex. */
  readonly sigmaClaimed: number;
  /** Shift of the posterior mean, dex. */
  readonly bias?: number;
  readonly firstViewId?: number;
  /** True masses to use instead of drawing them, so that models share views. */
  readonly mTrue?: Float64Array;
  /** Store the posterior as a Class histogram: the Gaussian binned on 13..16 dex. */
  readonly asClass?: boolean;
}

export const gaussianPosteriors = (rng: Rng, v: GaussianViews): Table => {
  const { n, mLo = 14, mHi = 15, bias = 0, fold = 0, firstViewId = 0 } = v;
  const mTrue = v.mTrue ?? Float64Array.from({ length: n }, () => rng.range(mLo, mHi));
  const mean = Float64Array.from(mTrue, (m) => m + bias + v.sigmaTrue * rng.normal());
  const variance = new Float64Array(n).fill(v.sigmaClaimed ** 2);
  const probs = new Float64Array(n * CLASS_BINS.count);
  if (v.asClass === true) {
    for (let i = 0; i < n; i++) {
      const row = probs.subarray(i * CLASS_BINS.count, (i + 1) * CLASS_BINS.count);
      [mean[i], variance[i]] = binnedGaussian(row, mean[i], v.sigmaClaimed);
    }
  }
  return makeTable({
    view_id: BigInt64Array.from({ length: n }, (_, i) => BigInt(firstViewId + i)),
    m_true: mTrue,
    fold: new Int32Array(n).fill(fold),
    mean,
    variance,
    probs: fixedList(CLASS_BINS.count, probs),
  });
};

/**
 * Fills `row` with N(centre, sigma^2) evaluated at the bin centres and
 * normalised; returns the histogram's mean and variance (dex, dex^2).
 */
const binnedGaussian = (row: Float64Array, centre: number, sigma: number): [number, number] => {
  const width = (CLASS_BINS.hi - CLASS_BINS.lo) / CLASS_BINS.count;
  const mid = (k: number) => CLASS_BINS.lo + (k + 0.5) * width;
  let total = 0;
  for (let k = 0; k < row.length; k++) {
    row[k] = Math.exp(-0.5 * ((mid(k) - centre) / sigma) ** 2);
    total += row[k];
  }
  let m1 = 0;
  let m2 = 0;
  for (let k = 0; k < row.length; k++) {
    row[k] /= total;
    m1 += row[k] * mid(k);
    m2 += row[k] * mid(k) ** 2;
  }
  return [m1, m2 - m1 * m1];
};

/**
 * Class posteriors: each view gets a random histogram (a binned Gaussian of
 * random centre and width) and its true mass is drawn from that histogram,
 * uniformly inside the drawn bin: a perfectly calibrated Class model.
 */
export const calibratedClassPosteriors = (rng: Rng, n: number): Table => {
  const bins = CLASS_BINS.count;
  const width = (CLASS_BINS.hi - CLASS_BINS.lo) / bins;
  const probs = new Float64Array(n * bins);
  const mTrue = new Float64Array(n);
  const mean = new Float64Array(n);
  const variance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = probs.subarray(i * bins, (i + 1) * bins);
    [mean[i], variance[i]] = binnedGaussian(row, rng.range(14, 15), rng.range(0.08, 0.25));

    let u = rng.uniform();
    let k = 0;
    while (k < bins - 1 && u >= row[k]) u -= row[k++];
    mTrue[i] = CLASS_BINS.lo + (k + rng.uniform()) * width;
  }
  return makeTable({
    view_id: BigInt64Array.from({ length: n }, (_, i) => BigInt(i)),
    m_true: mTrue,
    fold: new Int32Array(n),
    mean,
    variance,
    probs: fixedList(bins, probs),
  });
};
