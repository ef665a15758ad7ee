/**
 * Gaussian kernel density images of a cluster's members (SCIENCE.md 3).
 *
 * The kernel covariance is bandwidth^2 times the cluster's own sample
 * covariance (ddof 1) of v_los (1D) or (v_los, R_proj) (2D, correlation
 * included): scipy's gaussian_kde with a scalar bw_method. The density is
 * evaluated at bin centres, with no reflection at R = 0, and each image is
 * divided by its sum, so normalisation constants of the kernel drop out.
 *
 * Speed: a member's kernel is exactly zero in double precision (exp
 * underflows) beyond q = (d^T C^-1 d) > 1490, so each member visits only
 * the grid cells inside that ellipse, found in closed form; along R the
 * kernel is evaluated by a recurrence with three exps per row (see
 * `addRow`). The result agrees with summing exp over every cell to ~1e-13.
 */

export interface KdeGrid {
  /** Number of bins per axis. */
  readonly bins: number;
  /** Velocity half-range: bins span [-vCut, vCut], km/s. */
  readonly vCut: number;
  /** Projected-radius range: bins span [0, rMax], Mpc/h. */
  readonly rMax: number;
  /** scipy's scalar bw_method: the kernel's standard deviation in units of the sample's. */
  readonly bandwidth: number;
}

export const PAPER_GRID: KdeGrid = { bins: 48, vCut: 2500, rMax: 1.6, bandwidth: 0.25 };

/** Beyond this Mahalanobis distance squared, exp(-q/2) is 0 in double precision. */
const Q_MAX = 1490;

export const binCentres = (lo: number, hi: number, bins: number): Float64Array => {
  const width = (hi - lo) / bins;
  return Float64Array.from({ length: bins }, (_, i) => lo + (i + 0.5) * width);
};

const mean = (x: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
};

/** Sample covariance with divisor n - 1; NaN for fewer than two points. */
export const covariance = (x: ArrayLike<number>, y: ArrayLike<number>): number => {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const mx = mean(x);
  const my = mean(y);
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i] - mx) * (y[i] - my);
  return s / (n - 1);
};

const normalise = (image: Float32Array, sums: Float64Array): Float32Array => {
  let total = 0;
  for (let i = 0; i < sums.length; i++) total += sums[i];
  if (total > 0) for (let i = 0; i < sums.length; i++) image[i] = sums[i] / total;
  return image;
};

/**
 * A kernel variance, falling back to one bin width squared when the sample
 * has no spread (fewer than two members, or all equal): scipy would fail on
 * the singular covariance; a narrow kernel keeps the image where the
 * members are.
 */
const kernelVariance = (sampleVariance: number, bandwidth: number, binWidth: number): number => {
  const v = bandwidth * bandwidth * sampleVariance;
  return v > 0 && Number.isFinite(v) ? v : binWidth * binWidth;
};

/** 1D image: `bins` values over v_los, summing to 1. */
export const kde1d = (
  vLos: ArrayLike<number>,
  grid: KdeGrid,
  out = new Float32Array(grid.bins),
): Float32Array => {
  const centres = binCentres(-grid.vCut, grid.vCut, grid.bins);
  const width = (2 * grid.vCut) / grid.bins;
  const variance = kernelVariance(covariance(vLos, vLos), grid.bandwidth, width);
  const reach = Math.sqrt(Q_MAX * variance);
  const sums = new Float64Array(grid.bins);
  for (let i = 0; i < vLos.length; i++) {
    const v = vLos[i];
    const lo = Math.max(0, Math.ceil((v - reach + grid.vCut) / width - 0.5));
    const hi = Math.min(grid.bins - 1, Math.floor((v + reach + grid.vCut) / width - 0.5));
    for (let j = lo; j <= hi; j++) {
      const d = centres[j] - v;
      sums[j] += Math.exp((-0.5 * d * d) / variance);
    }
  }
  return normalise(out, sums);
};

/**
 * 2D image: bins x bins values, v_los-major (index = iV * bins + iR), so a
 * row of the image is the R_proj profile at one velocity and the R_proj
 * bins become the channels of the network. Sums to 1.
 */
export const kde2d = (
  vLos: ArrayLike<number>,
  rProj: ArrayLike<number>,
  grid: KdeGrid,
  out = new Float32Array(grid.bins * grid.bins),
): Float32Array => {
  const n = grid.bins;
  const vCentres = binCentres(-grid.vCut, grid.vCut, n);
  const rCentres = binCentres(0, grid.rMax, n);
  const vWidth = (2 * grid.vCut) / n;
  const rWidth = grid.rMax / n;
  const bw2 = grid.bandwidth * grid.bandwidth;

  let cvv = kernelVariance(covariance(vLos, vLos), grid.bandwidth, vWidth);
  let crr = kernelVariance(covariance(rProj, rProj), grid.bandwidth, rWidth);
  let cvr = bw2 * covariance(vLos, rProj);
  let det = cvv * crr - cvr * cvr;
  // Perfectly correlated (or degenerate) samples: drop the correlation.
  if (!(det > 1e-12 * cvv * crr) || !Number.isFinite(cvr)) {
    cvr = 0;
    det = cvv * crr;
  }
  // Inverse covariance: q = ivv dv^2 + 2 ivr dv dr + irr dr^2.
  const ivv = crr / det;
  const irr = cvv / det;
  const ivr = -cvr / det;
  // Largest |dv| with some dr inside the ellipse: q_min(dv) = dv^2 / cvv.
  const vReach = Math.sqrt(Q_MAX * cvv);

  // Ratio of successive ratios of the kernel along R: constant, exp(-irr w^2).
  const rStep = Math.exp(-irr * rWidth * rWidth);
  const sums = new Float64Array(n * n);
  for (let i = 0; i < vLos.length; i++) {
    const v = vLos[i];
    const r = rProj[i];
    const jLo = Math.max(0, Math.ceil((v - vReach + grid.vCut) / vWidth - 0.5));
    const jHi = Math.min(n - 1, Math.floor((v + vReach + grid.vCut) / vWidth - 0.5));
    for (let j = jLo; j <= jHi; j++) {
      const dv = vCentres[j] - v;
      // Over dr, q is a parabola with its minimum at dr* = -ivr dv / irr.
      const qMin = (dv * dv) / cvv;
      if (qMin > Q_MAX) continue;
      const centre = r - (ivr * dv) / irr;
      const half = Math.sqrt((Q_MAX - qMin) / irr);
      const kLo = Math.max(0, Math.ceil((centre - half) / rWidth - 0.5));
      const kHi = Math.min(n - 1, Math.floor((centre + half) / rWidth - 0.5));
      const qv = ivv * dv * dv;
      const cross = 2 * ivr * dv;
      addRow(sums, j * n, qv, cross, irr, r, rWidth, kLo, kHi, centre, rStep);
    }
  }
  return normalise(out, sums);
};

/**
 * Adds one member's kernel along one velocity row, over R bins kLo..kHi.
 * Along R the exponent q(k) is a parabola in k, so the kernel obeys
 * E(k+1) = E(k) rho(k) with rho(k+1) = rho(k) exp(-irr w^2): three exps per
 * row instead of 48. The walk starts at the bin nearest the parabola's
 * minimum and goes outward, so the values only shrink and an underflow to
 * zero ends a walk only where every later value is zero too.
 */
const addRow = (
  sums: Float64Array,
  row: number,
  qv: number,
  cross: number,
  irr: number,
  r: number,
  w: number,
  kLo: number,
  kHi: number,
  centre: number,
  step: number,
): void => {
  if (kLo > kHi) return;
  const kPeak = Math.min(kHi, Math.max(kLo, Math.round(centre / w - 0.5)));
  const dr = (kPeak + 0.5) * w - r;
  const ePeak = Math.exp(-0.5 * (qv + dr * (cross + irr * dr)));
  sums[row + kPeak] += ePeak;

  // q(k +- 1) - q(k) = w (+-cross + irr (+-2 dr + w))
  let e = ePeak;
  let ratio = Math.exp(-0.5 * w * (cross + irr * (2 * dr + w)));
  for (let k = kPeak + 1; k <= kHi; k++) {
    e *= ratio;
    if (e === 0) break;
    sums[row + k] += e;
    ratio *= step;
  }
  e = ePeak;
  ratio = Math.exp(-0.5 * w * (-cross + irr * (w - 2 * dr)));
  for (let k = kPeak - 1; k >= kLo; k--) {
    e *= ratio;
    if (e === 0) break;
    sums[row + k] += e;
    ratio *= step;
  }
};
