/**
 * The Navarro-Frenk-White profile: enclosed mass, the radius of another
 * overdensity, and sampling of radii. Radii are in units of the scale radius
 * r_s unless said otherwise.
 */
import type { Rng } from "../../kind/index.ts";

/** mu(x) = ln(1 + x) - x / (1 + x): enclosed mass in units of 4 pi rho_s r_s^3. */
export const nfwMu = (x: number): number => Math.log1p(x) - x / (1 + x);

/**
 * Concentration for another overdensity: the x = r / r_s at which the mean
 * density inside is `deltaRatio` times that inside R200 (e.g. Delta_vir / 200).
 */
export const nfwRadiusAtOverdensity = (c200: number, deltaRatio: number): number => {
  const target = (deltaRatio * nfwMu(c200)) / c200 ** 3;
  // mean density mu(x)/x^3 falls monotonically with x
  let lo = 1e-3;
  let hi = 100 * c200;
  for (let iter = 0; iter < 80; iter++) {
    const mid = Math.sqrt(lo * hi);
    if (nfwMu(mid) / mid ** 3 > target) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
};

/** The x at which mu(x) = target, for target < mu(xMax); Newton from a bracket. */
const invertMu = (target: number, xMax: number): number => {
  let lo = 0;
  let hi = xMax;
  let x = 0.5 * xMax;
  for (let iter = 0; iter < 60; iter++) {
    const f = nfwMu(x) - target;
    if (Math.abs(f) < 1e-13) break;
    if (f > 0) hi = x;
    else lo = x;
    // dmu/dx = x / (1 + x)^2
    const next = x - f / (x / (1 + x) ** 2);
    x = next > lo && next < hi ? next : 0.5 * (lo + hi);
  }
  return x;
};

/** A radius x = r / r_s drawn from the NFW mass profile truncated at xMax. */
export const sampleNfwRadius = (rng: Rng, xMax: number): number =>
  invertMu(rng.uniform() * nfwMu(xMax), xMax);

/** A unit vector drawn isotropically. */
export const randomDirection = (rng: Rng): [number, number, number] => {
  const cosT = 2 * rng.uniform() - 1;
  const sinT = Math.sqrt(1 - cosT * cosT);
  const phi = 2 * Math.PI * rng.uniform();
  return [sinT * Math.cos(phi), sinT * Math.sin(phi), cosT];
};
