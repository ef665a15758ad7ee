/**
 * Table 2 of Ho, Farahi, Rau & Trac (2021, ApJ 908, 204): descriptive
 * statistics of the twelve models over the test views of all folds with
 * 14 <= m_true <= 15. Residuals are in dex, variances in dex^2.
 */

export interface PaperTable2Row {
  readonly model: string;
  /** Median residual E[m] - m_true, dex. */
  readonly medianEps: number;
  /** Distance from the median down to the 16th percentile, and up to the 84th, dex. */
  readonly epsMinus: number;
  readonly epsPlus: number;
  /** Residual standard deviation, dex; skewness; excess kurtosis. */
  readonly sigmaEps: number;
  readonly skewEps: number;
  readonly exKurtEps: number;
  /** Mean posterior variance, dex^2. */
  readonly meanVariance: number;
  readonly rHatMedian: number;
  readonly epr1684: number;
  readonly epr595: number;
}

const row = (model: string, v: readonly number[]): PaperTable2Row => {
  if (v.length !== 10) throw new Error(`paper row ${model} has ${v.length} values, not 10`);
  return {
    model,
    medianEps: v[0],
    epsMinus: v[1],
    epsPlus: v[2],
    sigmaEps: v[3],
    skewEps: v[4],
    exKurtEps: v[5],
    meanVariance: v[6],
    rHatMedian: v[7],
    epr1684: v[8],
    epr595: v[9],
  };
};

/** In the paper's order: median, -range, +range, sigma, skew, kurt, mean var, r(0.5), EPRs. */
export const PAPER_TABLE2: readonly PaperTable2Row[] = [
  row("1DPoint", [-0.032, 0.167, 0.168, 0.172, 0.427, 0.758, 0.032, 0.425, 0.697, 0.919]),
  row("1DPoint-d", [-0.036, 0.156, 0.17, 0.17, 0.469, 0.911, 0.035, 0.415, 0.725, 0.931]),
  row("1DGauss", [-0.033, 0.162, 0.173, 0.173, 0.382, 0.774, 0.026, 0.425, 0.682, 0.891]),
  row("1DGauss-d", [-0.03, 0.157, 0.167, 0.169, 0.497, 1.033, 0.036, 0.427, 0.773, 0.945]),
  row("1DClass", [-0.034, 0.169, 0.178, 0.178, 0.429, 0.873, 0.03, 0.463, 0.673, 0.904]),
  row("1DClass-d", [-0.045, 0.16, 0.181, 0.178, 0.581, 1.203, 0.033, 0.43, 0.715, 0.929]),
  row("2DPoint", [-0.024, 0.129, 0.129, 0.138, 0.362, 1.385, 0.024, 0.422, 0.752, 0.935]),
  row("2DPoint-d", [-0.03, 0.126, 0.127, 0.134, 0.353, 1.372, 0.027, 0.406, 0.776, 0.949]),
  row("2DGauss", [-0.011, 0.125, 0.119, 0.132, 0.193, 1.535, 0.018, 0.46, 0.708, 0.915]),
  row("2DGauss-d", [-0.003, 0.113, 0.11, 0.123, 0.333, 1.886, 0.023, 0.488, 0.778, 0.947]),
  row("2DClass", [-0.03, 0.131, 0.128, 0.14, 0.289, 1.762, 0.02, 0.433, 0.68, 0.904]),
  row("2DClass-d", [-0.026, 0.127, 0.125, 0.136, 0.34, 2.015, 0.021, 0.446, 0.711, 0.925]),
];

export const paperRow = (model: string): PaperTable2Row | undefined =>
  PAPER_TABLE2.find((r) => r.model === model);
