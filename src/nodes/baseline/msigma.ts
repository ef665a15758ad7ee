/**
 * The M-sigma relation, log10 sigma = slope (m - pivot) + logSigmaPivot, fit
 * by least squares of log sigma on m over training clusters and inverted to
 * estimate m from a measured dispersion: the classical dynamical mass that
 * the CNNs are compared against.
 */

/** Mass at which the relation is normalised, dex (sigma15 ~ 1000 km/s). */
export const M_SIGMA_PIVOT = 15;

export interface MSigmaFit {
  /** d log10 sigma / d m. */
  readonly slope: number;
  /** log10 of sigma (km/s) at m = pivot. */
  readonly logSigmaPivot: number;
  readonly pivot: number;
  /** Residual standard deviation of log10 sigma about the fit (ddof 2), dex. */
  readonly scatter: number;
  readonly n: number;
}

export const fitMSigma = (
  m: ArrayLike<number>,
  logSigma: ArrayLike<number>,
  pivot = M_SIGMA_PIVOT,
): MSigmaFit => {
  const n = m.length;
  if (n !== logSigma.length) throw new Error(`${n} masses for ${logSigma.length} dispersions`);
  if (n < 3) throw new Error(`an M-sigma fit needs at least 3 clusters, got ${n}`);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += m[i] - pivot;
    my += logSigma[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = m[i] - pivot - mx;
    sxx += dx * dx;
    sxy += dx * (logSigma[i] - my);
  }
  if (!(sxx > 0)) throw new Error("an M-sigma fit needs clusters of more than one mass");
  const slope = sxy / sxx;
  const logSigmaPivot = my - slope * mx;
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    ssr += (logSigma[i] - logSigmaPivot - slope * (m[i] - pivot)) ** 2;
  }
  return { slope, logSigmaPivot, pivot, scatter: Math.sqrt(ssr / (n - 2)), n };
};

/** The mass (dex) whose expected dispersion is the measured one. */
export const invertMSigma = (fit: MSigmaFit, logSigma: number): number =>
  fit.pivot + (logSigma - fit.logSigmaPivot) / fit.slope;

/** The fit's scatter in log sigma carried over to m, dex^2. */
export const massVariance = (fit: MSigmaFit): number => (fit.scatter / fit.slope) ** 2;
