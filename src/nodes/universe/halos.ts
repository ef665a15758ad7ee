/**
 * Halo statistics: the Tinker et al. (2008) mass function, the Tinker et al.
 * (2010) large-scale bias, the Dutton & Maccio (2014) concentration and the
 * Evrard et al. (2008) dark-matter velocity dispersion. Masses are M200c in
 * Msun/h, m = log10 of that.
 */
import {
  type Cosmology,
  growthFactor,
  hubbleE,
  integrate,
  lagrangianRadius,
  omegaMz,
  rhoMeanComoving,
} from "./cosmology.ts";
import { linearPower } from "./power.ts";

/** Spherical-collapse threshold. */
export const DELTA_C = 1.686;

/** Tinker et al. (2008) Table 2: fit parameters at z = 0 per overdensity (vs the mean). */
const TINKER08_DELTA = [200, 300, 400, 600, 800, 1200, 1600, 2400, 3200];
const TINKER08_A = [0.186, 0.2, 0.212, 0.218, 0.248, 0.255, 0.26, 0.26, 0.26];
const TINKER08_SMALL_A = [1.47, 1.52, 1.56, 1.61, 1.87, 2.13, 2.3, 2.53, 2.66];
const TINKER08_B = [2.57, 2.25, 2.05, 1.87, 1.59, 1.51, 1.46, 1.44, 1.41];
const TINKER08_C = [1.19, 1.27, 1.34, 1.45, 1.58, 1.8, 1.97, 2.24, 2.44];

/** Natural cubic spline through (xs, ys), evaluated at x (clamped to the table). */
export const naturalSpline = (xs: readonly number[], ys: readonly number[], x: number): number => {
  const n = xs.length;
  const h = xs.slice(1).map((v, i) => v - xs[i]);
  const mu = new Array<number>(n).fill(0);
  const zz = new Array<number>(n).fill(0);
  for (let i = 1; i < n - 1; i++) {
    const alpha = (3 / h[i]) * (ys[i + 1] - ys[i]) - (3 / h[i - 1]) * (ys[i] - ys[i - 1]);
    const l = 2 * (xs[i + 1] - xs[i - 1]) - h[i - 1] * mu[i - 1];
    mu[i] = h[i] / l;
    zz[i] = (alpha - h[i - 1] * zz[i - 1]) / l;
  }
  const c = new Array<number>(n).fill(0);
  for (let j = n - 2; j >= 0; j--) c[j] = zz[j] - mu[j] * c[j + 1];
  const xc = Math.min(Math.max(x, xs[0]), xs[n - 1]);
  let j = 0;
  while (j < n - 2 && xc > xs[j + 1]) j++;
  const t = xc - xs[j];
  const b = (ys[j + 1] - ys[j]) / h[j] - (h[j] * (c[j + 1] + 2 * c[j])) / 3;
  const d = (c[j + 1] - c[j]) / (3 * h[j]);
  return ys[j] + b * t + c[j] * t * t + d * t * t * t;
};

export interface TinkerParams {
  readonly A: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

/**
 * Tinker (2008) f(sigma) parameters for an overdensity `deltaMean` relative to
 * the mean density, at redshift z: a natural cubic spline of Table 2 in
 * log10(Delta), then the paper's redshift evolution (eqs. 5-8).
 */
export const tinker08Params = (deltaMean: number, z: number): TinkerParams => {
  const logDeltas = TINKER08_DELTA.map(Math.log10);
  const x = Math.log10(deltaMean);
  const alpha = 10 ** -((0.75 / Math.log10(deltaMean / 75)) ** 1.2);
  return {
    A: naturalSpline(logDeltas, TINKER08_A, x) * (1 + z) ** -0.14,
    a: naturalSpline(logDeltas, TINKER08_SMALL_A, x) * (1 + z) ** -0.06,
    b: naturalSpline(logDeltas, TINKER08_B, x) * (1 + z) ** -alpha,
    c: naturalSpline(logDeltas, TINKER08_C, x),
  };
};

/** Tinker (2008) multiplicity function f(sigma). */
export const tinker08F = (p: TinkerParams, sigma: number): number =>
  p.A * ((sigma / p.b) ** -p.a + 1) * Math.exp(-p.c / (sigma * sigma));

/** Tinker et al. (2010) eq. 6 bias with Table 2 parameters, Delta vs the mean density. */
export const tinker10Bias = (deltaMean: number, sigma: number): number => {
  const y = Math.log10(deltaMean);
  const nu = DELTA_C / sigma;
  const bigA = 1 + 0.24 * y * Math.exp(-((4 / y) ** 4));
  const a = 0.44 * y - 0.88;
  const bigB = 0.183;
  const b = 1.5;
  const bigC = 0.019 + 0.107 * y + 0.19 * Math.exp(-((4 / y) ** 4));
  const c = 2.4;
  return 1 - (bigA * nu ** a) / (nu ** a + DELTA_C ** a) + bigB * nu ** b + bigC * nu ** c;
};

/** Dutton & Maccio (2014) c200c(M, z), mass in Msun/h. */
export const duttonMaccioC200 = (m200c: number, z: number): number => {
  const b = -0.101 + 0.026 * z;
  const a = 0.52 + (0.905 - 0.52) * Math.exp(-0.617 * z ** 1.21);
  return 10 ** (a + b * Math.log10(m200c / 1e12));
};

/**
 * Evrard et al. (2008) one-dimensional dark-matter velocity dispersion, km/s:
 * sigma15 (E(z) M200c / 1e15)^alpha with M200c in Msun/h.
 */
export const evrardSigmaDm = (
  eZ: number,
  m200c: number,
  sigma15 = 1082.9,
  alpha = 0.3361,
): number => sigma15 * ((eZ * m200c) / 1e15) ** alpha;

/** Everything the generator needs about halos at one redshift, tabulated once. */
export interface HaloModel {
  readonly z: number;
  /** Overdensity of 200c relative to the mean at z. */
  readonly deltaMean: number;
  readonly tinker: TinkerParams;
  /** rms linear overdensity at z in the Lagrangian sphere of mass M (Msun/h). */
  readonly sigmaM: (m200c: number) => number;
  /** dn/dlog10 M, (Mpc/h)^-3 per dex. */
  readonly dndlogM: (m: number) => number;
  /** Number density above m, (Mpc/h)^-3. */
  readonly nAbove: (m: number) => number;
  /** Tinker (2010) Eulerian bias of halos of mass 10^m. */
  readonly bias: (m: number) => number;
  readonly growth: number;
  readonly eZ: number;
}

/**
 * Tabulates sigma(M) on a fine grid in m (the power spectrum integral is the
 * cost) and builds the mass function and bias on it.
 */
export const haloModel = (cosmo: Cosmology, z: number): HaloModel => {
  const power = linearPower(cosmo);
  const growth = growthFactor(cosmo, z);
  const deltaMean = 200 / omegaMz(cosmo, z);
  const tinker = tinker08Params(deltaMean, z);
  const rhoM = rhoMeanComoving(cosmo);
  const mLo = 9;
  const step = 0.01;
  const count = 801;
  const lnSigma = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const mass = 10 ** (mLo + i * step);
    lnSigma[i] = Math.log(power.sigmaR(lagrangianRadius(cosmo, mass)) * growth);
  }
  const lookup = (m: number): { ls: number; slope: number } => {
    const u = Math.min(Math.max((m - mLo) / step, 0), count - 1.000001);
    const i = Math.floor(u);
    const t = u - i;
    const slope = (lnSigma[i + 1] - lnSigma[i]) / step;
    return { ls: lnSigma[i] + t * (lnSigma[i + 1] - lnSigma[i]), slope };
  };
  const sigmaOfM = (m: number): number => Math.exp(lookup(m).ls);
  const dndlogM = (m: number): number => {
    const { ls, slope } = lookup(m);
    const sigma = Math.exp(ls);
    // dn/dlnM = f(sigma) rho/M dln(1/sigma)/dlnM; per dex multiply by ln 10
    const dlnInvSigmaDlnM = -slope / Math.LN10;
    return ((tinker08F(tinker, sigma) * rhoM) / 10 ** m) * dlnInvSigmaDlnM * Math.LN10;
  };
  const nAbove = (m: number): number => integrate(dndlogM, m, 16.5, Math.ceil((16.5 - m) * 20));
  return {
    z,
    deltaMean,
    tinker,
    sigmaM: (m200c) => sigmaOfM(Math.log10(m200c)),
    dndlogM,
    nAbove,
    bias: (m) => tinker10Bias(deltaMean, sigmaOfM(m)),
    growth,
    eZ: hubbleE(cosmo, z),
  };
};
