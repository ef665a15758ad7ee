/**
 * A Gaussian linear density field in a periodic box, and the fields derived
 * from it: Gaussian-smoothed overdensities (for the Lagrangian bias of halos)
 * and the Zel'dovich displacement. Grids are n^3, x-major, cell size L / n.
 */
import type { Rng } from "../../kind/index.ts";
import { fft3d, frequency } from "./fft.ts";

export interface LinearField {
  readonly n: number;
  /** Box side, Mpc/h. */
  readonly boxSize: number;
  /** Fourier modes of the overdensity at the snapshot (unnormalised forward FFT). */
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/**
 * Draws the field: white noise in real space, transformed and coloured by
 * sqrt(P(k) / cell volume) so that the real-space field has the power
 * spectrum `pk` ((Mpc/h)^3 at the snapshot, k in h/Mpc). The mean mode is zero.
 */
export const gaussianField = (
  n: number,
  boxSize: number,
  pk: (k: number) => number,
  rng: Rng,
): LinearField => {
  const size = n * n * n;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < size; i++) re[i] = rng.normal();
  fft3d(n, re, im, false);
  const cellVolume = (boxSize / n) ** 3;
  const kf = (2 * Math.PI) / boxSize;
  forEachMode(n, (idx, fx, fy, fz) => {
    const k = kf * Math.sqrt(fx * fx + fy * fy + fz * fz);
    const amp = k === 0 ? 0 : Math.sqrt(pk(k) / cellVolume);
    re[idx] *= amp;
    im[idx] *= amp;
  });
  return { n, boxSize, re, im };
};

/** Calls f for every Fourier mode with its index and signed integer frequencies. */
const forEachMode = (
  n: number,
  f: (idx: number, fx: number, fy: number, fz: number) => void,
): void => {
  let idx = 0;
  for (let i = 0; i < n; i++) {
    const fx = frequency(i, n);
    for (let j = 0; j < n; j++) {
      const fy = frequency(j, n);
      for (let l = 0; l < n; l++) f(idx++, fx, fy, frequency(l, n));
    }
  }
};

/** The real-space overdensity smoothed with a Gaussian of radius `radius` (Mpc/h). */
export const smoothedDensity = (field: LinearField, radius: number): Float64Array => {
  const { n, boxSize } = field;
  const re = new Float64Array(field.re);
  const im = new Float64Array(field.im);
  const kf = (2 * Math.PI) / boxSize;
  if (radius > 0) {
    forEachMode(n, (idx, fx, fy, fz) => {
      const k2 = kf * kf * (fx * fx + fy * fy + fz * fz);
      const w = Math.exp(-0.5 * k2 * radius * radius);
      re[idx] *= w;
      im[idx] *= w;
    });
  }
  fft3d(n, re, im, true);
  return re;
};

/**
 * The Zel'dovich displacement Psi (Mpc/h) with div Psi = -delta, smoothed
 * with a Gaussian of `radius`, one grid per axis. Nyquist modes are dropped
 * so that the gradient of a real field stays real.
 */
export const zeldovichDisplacement = (
  field: LinearField,
  radius: number,
): [Float32Array, Float32Array, Float32Array] => {
  const { n, boxSize } = field;
  const kf = (2 * Math.PI) / boxSize;
  const out: Float32Array[] = [];
  for (let axis = 0; axis < 3; axis++) {
    const re = new Float64Array(n * n * n);
    const im = new Float64Array(n * n * n);
    forEachMode(n, (idx, fx, fy, fz) => {
      const nyquist = n / 2;
      if (fx === -nyquist || fy === -nyquist || fz === -nyquist) return;
      const k2 = kf * kf * (fx * fx + fy * fy + fz * fz);
      if (k2 === 0) return;
      const ka = kf * (axis === 0 ? fx : axis === 1 ? fy : fz);
      const w = Math.exp(-0.5 * k2 * radius * radius) / k2;
      // Psi_k = i k delta_k / k^2
      re[idx] = -ka * field.im[idx] * w;
      im[idx] = ka * field.re[idx] * w;
    });
    fft3d(n, re, im, true);
    out.push(Float32Array.from(re));
  }
  return [out[0], out[1], out[2]];
};

/** Trilinear (cloud-in-cell) interpolation of a periodic grid at a position (Mpc/h). */
export const interpolate = (
  grid: Float32Array | Float64Array,
  n: number,
  boxSize: number,
  x: number,
  y: number,
  z: number,
): number => {
  const cell = boxSize / n;
  // grid values sit at cell corners i * cell
  const ux = x / cell;
  const uy = y / cell;
  const uz = z / cell;
  const i0 = Math.floor(ux);
  const j0 = Math.floor(uy);
  const k0 = Math.floor(uz);
  const tx = ux - i0;
  const ty = uy - j0;
  const tz = uz - k0;
  let sum = 0;
  for (let di = 0; di < 2; di++) {
    const i = (((i0 + di) % n) + n) % n;
    const wx = di === 0 ? 1 - tx : tx;
    for (let dj = 0; dj < 2; dj++) {
      const j = (((j0 + dj) % n) + n) % n;
      const wy = dj === 0 ? 1 - ty : ty;
      for (let dk = 0; dk < 2; dk++) {
        const k = (((k0 + dk) % n) + n) % n;
        const wz = dk === 0 ? 1 - tz : tz;
        sum += wx * wy * wz * grid[(i * n + j) * n + k];
      }
    }
  }
  return sum;
};
