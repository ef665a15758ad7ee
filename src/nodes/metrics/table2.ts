/**
 * The columns of the paper's Table 2 for one model: point residuals
 * eps = E[m] - m_true (Eq. 7) and calibration, over the test views of all
 * folds with true mass in the reliable inner range (14 <= m_true <= 15 dex).
 */
import type { TableSchema } from "../../kind/index.ts";

import {
  empiricalPercentile,
  empiricalPercentileRange,
  percentilesAtTruth,
} from "./calibration.ts";
import { rowsInMassRange } from "./rows.ts";
import type { PosteriorRows } from "./rows.ts";
import { mean, moments, quantiles } from "./stats.ts";

export interface Table2Row {
  readonly model: string;
  /** Views that entered the statistics. */
  readonly n: number;
  /** Median residual, dex. */
  readonly medianEps: number;
  /** 16th and 84th percentiles of the residual, dex. */
  readonly epsP16: number;
  readonly epsP84: number;
  /** Standard deviation of the residual, dex. */
  readonly sigmaEps: number;
  readonly skewEps: number;
  readonly exKurtEps: number;
  /** Mean posterior variance, dex^2. */
  readonly meanVariance: number;
  /** r_hat(0.5). */
  readonly rHatMedian: number;
  /** r_hat(0.84) - r_hat(0.16). */
  readonly epr1684: number;
  /** r_hat(0.95) - r_hat(0.05). */
  readonly epr595: number;
}

/** The `summary` table: one row per model, the columns of Table 2. */
export const SUMMARY: TableSchema = [
  { name: "model", type: "utf8" },
  { name: "n", type: "i32", doc: "test views with mMin <= m_true <= mMax, all folds" },
  { name: "median_eps", type: "f64", doc: "median residual E[m] - m_true, dex" },
  { name: "eps_p16", type: "f64", doc: "16th percentile of the residual, dex" },
  { name: "eps_p84", type: "f64", doc: "84th percentile of the residual, dex" },
  { name: "sigma_eps", type: "f64", doc: "standard deviation of the residual (ddof 0), dex" },
  { name: "skew_eps", type: "f64", doc: "skewness of the residual (biased, g1)" },
  { name: "ex_kurt_eps", type: "f64", doc: "excess kurtosis of the residual (biased, g2)" },
  { name: "mean_var", type: "f64", doc: "mean posterior variance, dex^2" },
  { name: "r_hat_50", type: "f64", doc: "empirical percentile r_hat(0.5)" },
  { name: "epr_16_84", type: "f64", doc: "r_hat(0.84) - r_hat(0.16)" },
  { name: "epr_5_95", type: "f64", doc: "r_hat(0.95) - r_hat(0.05)" },
];

export interface MassRange {
  /** Bounds on m_true, dex, both inclusive. */
  readonly mMin: number;
  readonly mMax: number;
}

export const TABLE2_RANGE: MassRange = { mMin: 14, mMax: 15 };

/** Residuals E[m] - m_true (dex) of the given rows. */
export const residuals = (rows: PosteriorRows, indices: Int32Array): Float64Array => {
  const eps = new Float64Array(indices.length);
  for (let j = 0; j < indices.length; j++) eps[j] = rows.mean[indices[j]] - rows.mTrue[indices[j]];
  return eps;
};

export const summarize = (
  model: string,
  rows: PosteriorRows,
  range: MassRange = TABLE2_RANGE,
): Table2Row => {
  const picked = rowsInMassRange(rows, range.mMin, range.mMax);
  const eps = residuals(rows, picked);
  const [epsP16, medianEps, epsP84] = quantiles(eps, [0.16, 0.5, 0.84]);
  const shape = moments(eps);
  const variances = Float64Array.from(picked, (i) => rows.variance[i]);
  const ri = percentilesAtTruth(rows, picked);

  return {
    model,
    n: picked.length,
    medianEps,
    epsP16,
    epsP84,
    sigmaEps: shape.std,
    skewEps: shape.skewness,
    exKurtEps: shape.excessKurtosis,
    meanVariance: mean(variances),
    rHatMedian: empiricalPercentile(ri, 0.5),
    epr1684: empiricalPercentileRange(ri, 0.16, 0.84),
    epr595: empiricalPercentileRange(ri, 0.05, 0.95),
  };
};
