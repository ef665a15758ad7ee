/**
 * Linear matter power spectrum: Eisenstein & Hu (1998) transfer function
 * without baryon wiggles, P(k) ~ k^ns T(k)^2, normalised to sigma8 with a
 * top-hat window. Wavenumbers in h/Mpc, P in (Mpc/h)^3, at z = 0 unless scaled
 * by the growth factor squared.
 */
import { type Cosmology, integrate } from "./cosmology.ts";

/** The no-wiggle transfer function T(k), k in h/Mpc (EH98 eqs. 26-31). */
export const transferNoWiggle = (cosmo: Cosmology, k: number): number => {
  const { h, omegaM, omegaB, tCmb } = cosmo;
  const theta = tCmb / 2.7;
  const omh2 = omegaM * h * h;
  const obh2 = omegaB * h * h;
  const fb = omegaB / omegaM;
  // sound horizon, Mpc (not Mpc/h): EH98 eq. 26
  const s = (44.5 * Math.log(9.83 / omh2)) / Math.sqrt(1 + 10 * obh2 ** 0.75);
  const alphaGamma = 1 - 0.328 * Math.log(431 * omh2) * fb + 0.38 * Math.log(22.3 * omh2) * fb * fb;
  const ks = k * h * s;
  const gammaEff = omegaM * h * (alphaGamma + (1 - alphaGamma) / (1 + (0.43 * ks) ** 4));
  const q = (k * theta * theta) / gammaEff;
  const l0 = Math.log(2 * Math.E + 1.8 * q);
  const c0 = 14.2 + 731 / (1 + 62.5 * q);
  return l0 / (l0 + c0 * q * q);
};

/** Fourier transform of the top-hat sphere, W(x) with x = kR. */
export const topHatWindow = (x: number): number => {
  if (x < 1e-3) return 1 - (x * x) / 10;
  return (3 * (Math.sin(x) - x * Math.cos(x))) / (x * x * x);
};

/** Integrates k^3 P(k) W(kR)^2 / (2 pi^2) over ln k: sigma^2 of the field smoothed at R. */
const sigmaSquared = (pk: (k: number) => number, radius: number): number =>
  integrate(
    (lnk) => {
      const k = Math.exp(lnk);
      const w = topHatWindow(k * radius);
      return (k * k * k * pk(k) * w * w) / (2 * Math.PI * Math.PI);
    },
    Math.log(1e-5),
    Math.log(Math.max(1e2, 200 / radius)),
    128,
  );

export interface LinearPower {
  /** P(k) at z = 0, (Mpc/h)^3, k in h/Mpc. */
  readonly pk: (k: number) => number;
  /** rms linear overdensity in a top-hat of comoving radius R (Mpc/h), z = 0. */
  readonly sigmaR: (radius: number) => number;
  /** The amplitude A of P = A k^ns T^2. */
  readonly amplitude: number;
}

/** The z = 0 linear power spectrum normalised so that sigma(8 Mpc/h) = sigma8. */
export const linearPower = (cosmo: Cosmology): LinearPower => {
  const shape = (k: number): number => k ** cosmo.ns * transferNoWiggle(cosmo, k) ** 2;
  const amplitude = cosmo.sigma8 ** 2 / sigmaSquared(shape, 8);
  const pk = (k: number): number => amplitude * shape(k);
  return { pk, amplitude, sigmaR: (radius) => Math.sqrt(sigmaSquared(pk, radius)) };
};
