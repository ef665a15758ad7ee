/**
 * Background cosmology of a flat Lambda-CDM universe (radiation neglected).
 *
 * Lengths are comoving Mpc/h, masses Msun/h, velocities km/s. Defaults are
 * Planck 2013, as used by MultiDark Planck 2.
 */

/** Speed of light, km/s. */
export const C_KMS = 299792.458;
/** Critical density today, (Msun/h) / (Mpc/h)^3. */
export const RHO_CRIT0 = 2.77536627e11;
/** Newton's constant, Mpc (km/s)^2 / Msun (the same with h in both Mpc and Msun). */
export const G_NEWTON = 4.30091727e-9;

export interface Cosmology {
  readonly h: number;
  readonly omegaM: number;
  readonly omegaL: number;
  readonly omegaB: number;
  readonly sigma8: number;
  readonly ns: number;
  /** CMB temperature, K. */
  readonly tCmb: number;
}

export const PLANCK13: Cosmology = {
  h: 0.6777,
  omegaM: 0.307115,
  omegaL: 0.692885,
  omegaB: 0.048206,
  sigma8: 0.8228,
  ns: 0.96,
  tCmb: 2.725,
};

/** H(z) / H0. */
export const hubbleE = (cosmo: Cosmology, z: number): number => {
  const zp = 1 + z;
  const omegaK = 1 - cosmo.omegaM - cosmo.omegaL;
  return Math.sqrt(cosmo.omegaM * zp ** 3 + omegaK * zp ** 2 + cosmo.omegaL);
};

/** Matter density parameter at redshift z. */
export const omegaMz = (cosmo: Cosmology, z: number): number =>
  (cosmo.omegaM * (1 + z) ** 3) / hubbleE(cosmo, z) ** 2;

/** Critical density at z, (Msun/h) / (physical Mpc/h)^3. */
export const rhoCrit = (cosmo: Cosmology, z: number): number => RHO_CRIT0 * hubbleE(cosmo, z) ** 2;

/** Mean matter density, (Msun/h) / (comoving Mpc/h)^3 (constant in comoving units). */
export const rhoMeanComoving = (cosmo: Cosmology): number => RHO_CRIT0 * cosmo.omegaM;

/** a H(z) in km/s per comoving Mpc/h: turns comoving displacements into velocities. */
export const aH = (cosmo: Cosmology, z: number): number => (100 * hubbleE(cosmo, z)) / (1 + z);

/** Gauss-Legendre nodes and weights on [-1, 1], 8 points. */
const GL_X = [
  -0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498,
  0.1834346424956498, 0.525532409916329, 0.7966664774136267, 0.9602898564975363,
];
const GL_W = [
  0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362,
  0.3137066458778873, 0.2223810344533745, 0.1012285362903763,
];

/** Integral of f over [a, b] by composite 8-point Gauss-Legendre on `pieces` intervals. */
export const integrate = (f: (x: number) => number, a: number, b: number, pieces = 16): number => {
  const step = (b - a) / pieces;
  let sum = 0;
  for (let p = 0; p < pieces; p++) {
    const mid = a + (p + 0.5) * step;
    for (let i = 0; i < 8; i++) sum += GL_W[i] * f(mid + 0.5 * step * GL_X[i]);
  }
  return 0.5 * step * sum;
};

/** Comoving distance between redshifts z0 and z1, Mpc/h. */
export const comovingDistanceBetween = (cosmo: Cosmology, z0: number, z1: number): number =>
  (C_KMS / 100) *
  integrate((z) => 1 / hubbleE(cosmo, z), z0, z1, Math.max(1, Math.ceil(Math.abs(z1 - z0) * 40)));

/** Comoving distance to redshift z, Mpc/h. */
export const comovingDistance = (cosmo: Cosmology, z: number): number =>
  comovingDistanceBetween(cosmo, 0, z);

/**
 * Redshift at comoving distance `chi` (Mpc/h), found by Newton steps from a
 * nearby redshift `z0` whose distance `chi0` is known; for the few tens of
 * Mpc/h of a cylinder three steps reach machine precision.
 */
export const redshiftAtDistance = (
  cosmo: Cosmology,
  chi: number,
  z0: number,
  chi0: number,
): number => {
  let z = z0 + ((chi - chi0) * hubbleE(cosmo, z0) * 100) / C_KMS;
  for (let iter = 0; iter < 3; iter++) {
    const d = chi0 + comovingDistanceBetween(cosmo, z0, z);
    z -= ((d - chi) * hubbleE(cosmo, z) * 100) / C_KMS;
  }
  return z;
};

/** Linear growth D(z) / D(0) from the integral solution (exact for Lambda-CDM). */
export const growthFactor = (cosmo: Cosmology, z: number): number => {
  const unnormalised = (a: number): number => {
    const e = hubbleE(cosmo, 1 / a - 1);
    const integral = integrate((x) => (x > 0 ? 1 / (x * hubbleE(cosmo, 1 / x - 1)) ** 3 : 0), 0, a);
    return 2.5 * cosmo.omegaM * e * integral;
  };
  return unnormalised(1 / (1 + z)) / unnormalised(1);
};

/** Growth rate f = dlnD/dlna, approximated as Om(z)^0.55. */
export const growthRate = (cosmo: Cosmology, z: number): number => omegaMz(cosmo, z) ** 0.55;

/**
 * Bryan & Norman (1998) virial overdensity relative to the critical density at z
 * (flat universe).
 */
export const deltaVirCrit = (cosmo: Cosmology, z: number): number => {
  const x = omegaMz(cosmo, z) - 1;
  return 18 * Math.PI ** 2 + 82 * x - 39 * x * x;
};

/** Comoving R200c of a halo of mass m200c (Msun/h), Mpc/h. */
export const r200cComoving = (cosmo: Cosmology, z: number, m200c: number): number =>
  Math.cbrt((3 * m200c) / (4 * Math.PI * 200 * rhoCrit(cosmo, z))) * (1 + z);

/** Circular velocity at R200c, km/s. */
export const v200c = (cosmo: Cosmology, z: number, m200c: number): number =>
  Math.sqrt((G_NEWTON * m200c * (1 + z)) / r200cComoving(cosmo, z, m200c));

/** Lagrangian radius of a mass (Msun/h): the comoving sphere holding it at mean density. */
export const lagrangianRadius = (cosmo: Cosmology, mass: number): number =>
  Math.cbrt((3 * mass) / (4 * Math.PI * rhoMeanComoving(cosmo)));
