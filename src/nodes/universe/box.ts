/**
 * One periodic sub-box of the synthetic universe: clustered host halos with
 * Zel'dovich positions and velocities plus coherent infall, and their NFW
 * satellite galaxies (SCIENCE.md section 1).
 */
import type { Rng } from "../../kind/index.ts";
import { buildCellList, forEachNear, minImage, wrap } from "./cellList.ts";
import {
  aH,
  type Cosmology,
  deltaVirCrit,
  growthRate,
  hubbleE,
  integrate,
  lagrangianRadius,
  r200cComoving,
  rhoMeanComoving,
  v200c,
} from "./cosmology.ts";
import { gaussianField, interpolate, smoothedDensity, zeldovichDisplacement } from "./field.ts";
import { duttonMaccioC200, evrardSigmaDm, haloModel, type HaloModel } from "./halos.ts";
import { nfwRadiusAtOverdensity, randomDirection, sampleNfwRadius } from "./nfw.ts";
import { linearPower } from "./power.ts";

export interface BoxParams {
  readonly cosmology: Cosmology;
  /** Snapshot redshift. */
  readonly z: number;
  /** Side of the sub-box, Mpc/h. */
  readonly boxSize: number;
  /** Cells per side of the density grid (a power of two). */
  readonly grid: number;
  /** Sub-box index: seeds the box's own random stream and the high bits of its ids. */
  readonly box: number;
  /** Halo mass range drawn, log10 M200c (Msun/h). */
  readonly mMin: number;
  readonly mMax: number;
  /** Width of the Poisson mass bins, dex. */
  readonly massBin: number;
  /** Gaussian smoothing of the bias field, in units of the halo's Lagrangian radius. */
  readonly biasSmoothing: number;
  /** Gaussian smoothing of the Zel'dovich displacement, Mpc/h. */
  readonly displacementSmoothing: number;
  /** Random halo velocity per axis, km/s. */
  readonly haloVelocityNoise: number;
  /** Drop halos within this multiple of a bigger halo's R_vir (0 turns exclusion off). */
  readonly exclusion: number;
  /** Amplitude A of the coherent infall (0 turns it off). */
  readonly infallAmplitude: number;
  /** Reach of an attractor's infall, Mpc/h. */
  readonly infallRadius: number;
  /** Least attractor mass, log10 M200c. */
  readonly infallMassMin: number;
  /** Satellite occupation: N = ((M - M0) / M1)^alpha above mSatMin. */
  readonly logM0: number;
  readonly logM1: number;
  readonly satAlpha: number;
  readonly mSatMin: number;
  /** Satellites are placed out to this multiple of the virial radius. */
  readonly satRadiusFactor: number;
  /** Evrard et al. (2008) dispersion normalisation (km/s) and slope. */
  readonly sigmaDm15: number;
  readonly sigmaDmSlope: number;
  /** Log-normal scatter of a halo's dispersion, dex. */
  readonly sigmaScatter: number;
  /** Per-axis log-normal factor on the dispersion (triaxiality), dex. */
  readonly axisScatter: number;
  /** log10 of the least observed stellar mass given to a satellite, Msun. */
  readonly logObsSmMin: number;
}

export const DEFAULT_BOX: Omit<BoxParams, "cosmology"> = {
  z: 0.117,
  boxSize: 250,
  grid: 128,
  box: 0,
  mMin: 11.8,
  mMax: 16,
  massBin: 0.1,
  biasSmoothing: 0.46,
  displacementSmoothing: 0.5,
  haloVelocityNoise: 150,
  exclusion: 1,
  infallAmplitude: 2,
  infallRadius: 10,
  infallMassMin: 13,
  logM0: 11.5,
  logM1: 12.45,
  satAlpha: 1,
  mSatMin: 11.8,
  satRadiusFactor: 1,
  sigmaDm15: 1082.9,
  sigmaDmSlope: 0.3361,
  sigmaScatter: 0.0185,
  axisScatter: 0.05,
  logObsSmMin: 9.5,
};

export interface HaloArrays {
  readonly id: BigInt64Array;
  readonly m200c: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly z: Float64Array;
  readonly vx: Float64Array;
  readonly vy: Float64Array;
  readonly vz: Float64Array;
}

export interface GalaxyArrays extends Omit<HaloArrays, "m200c"> {
  /** Host halo id. */
  readonly upid: BigInt64Array;
  /** Observed stellar mass, Msun. */
  readonly obsSm: Float64Array;
}

export interface Box {
  readonly halos: HaloArrays;
  readonly galaxies: GalaxyArrays;
}

/** Ids carry the box index in bits 32 and up; galaxies set bit 31 as well. */
export const haloId = (box: number, local: number): bigint => (BigInt(box) << 32n) | BigInt(local);
export const galaxyId = (box: number, local: number): bigint =>
  (BigInt(box) << 32n) | (1n << 31n) | BigInt(local);

/** Halos sampled in Lagrangian space: cell-level positions and masses. */
interface LagrangianHalos {
  m200c: number[];
  qx: number[];
  qy: number[];
  qz: number[];
}

/**
 * Each mass bin is a Poisson process over the grid cells with weight
 * exp(b_L delta_R) (the -b_L^2 sigma_R^2 / 2 term of the SCIENCE.md weight
 * is a constant per bin and cancels in the normalisation).
 */
const sampleLagrangianHalos = (
  p: BoxParams,
  model: HaloModel,
  field: ReturnType<typeof gaussianField>,
  rng: Rng,
  progress: (f: number) => void,
): LagrangianHalos => {
  const { grid, boxSize } = p;
  const cell = boxSize / grid;
  const volume = boxSize ** 3;
  const out: LagrangianHalos = { m200c: [], qx: [], qy: [], qz: [] };
  const bins = Math.round((p.mMax - p.mMin) / p.massBin);
  let unsmoothed: Float64Array | undefined;
  const weights = new Float64Array(grid ** 3);
  for (let b = 0; b < bins; b++) {
    const lo = p.mMin + b * p.massBin;
    const hi = lo + p.massBin;
    const nLo = model.dndlogM(lo);
    const nHi = model.dndlogM(hi);
    // masses inside a bin are drawn from the power law through its edges
    const slope = Math.log10(nHi / nLo) / p.massBin;
    const expected = volume * integrate(model.dndlogM, lo, hi, 1);
    const count = rng.poisson(expected);
    progress(b / bins);
    if (count === 0) continue;

    const mid = 0.5 * (lo + hi);
    const biasL = model.bias(mid) - 1;
    const radius = p.biasSmoothing * lagrangianRadius(p.cosmology, 10 ** mid);
    let delta: Float64Array;
    if (radius < 0.5 * cell) {
      unsmoothed ??= smoothedDensity(field, 0);
      delta = unsmoothed;
    } else {
      delta = smoothedDensity(field, radius);
    }
    let maxExponent = -Infinity;
    for (let i = 0; i < delta.length; i++) maxExponent = Math.max(maxExponent, biasL * delta[i]);
    let total = 0;
    for (let i = 0; i < delta.length; i++) {
      total += Math.exp(biasL * delta[i] - maxExponent);
      weights[i] = total;
    }

    for (let h = 0; h < count; h++) {
      const target = rng.uniform() * total;
      let a = 0;
      let c = weights.length - 1;
      while (a < c) {
        const mIdx = (a + c) >> 1;
        if (weights[mIdx] > target) c = mIdx;
        else a = mIdx + 1;
      }
      const i = Math.floor(a / (grid * grid));
      const j = Math.floor(a / grid) % grid;
      const k = a % grid;
      out.qx.push(wrap((i + rng.uniform() - 0.5) * cell, boxSize));
      out.qy.push(wrap((j + rng.uniform() - 0.5) * cell, boxSize));
      out.qz.push(wrap((k + rng.uniform() - 0.5) * cell, boxSize));
      const u = rng.uniform();
      const m =
        Math.abs(slope) < 1e-9
          ? lo + u * p.massBin
          : lo + Math.log10(1 + u * (10 ** (slope * p.massBin) - 1)) / slope;
      out.m200c.push(10 ** m);
    }
  }
  return out;
};

/**
 * Nonlinear spherical infall toward every halo above `infallMassMin`: the
 * attractor's M200c counts as a point excess over the mean, so
 * dbar = M200c / (rho_m 4/3 pi r^3), and the radial speed is
 * A min((1/3) f aH r dbar (1 + dbar)^(-1/4), V200) clip(r / R200 - 1, 0, 1).
 * Returns the velocity increments, km/s (summed over attractors).
 */
export const coherentInfall = (
  p: BoxParams,
  halos: Pick<HaloArrays, "m200c" | "x" | "y" | "z">,
): [Float64Array, Float64Array, Float64Array] => {
  const n = halos.m200c.length;
  const dvx = new Float64Array(n);
  const dvy = new Float64Array(n);
  const dvz = new Float64Array(n);
  if (p.infallAmplitude === 0 || n === 0) return [dvx, dvy, dvz];
  const { boxSize, cosmology, z } = p;
  const faH = growthRate(cosmology, z) * aH(cosmology, z);
  const rhoM = rhoMeanComoving(cosmology);
  const list = buildCellList(halos.x, halos.y, halos.z, boxSize, p.infallRadius);
  const massMin = 10 ** p.infallMassMin;
  for (let a = 0; a < n; a++) {
    const mass = halos.m200c[a];
    if (mass < massMin) continue;
    const r200 = r200cComoving(cosmology, z, mass);
    const vMax = v200c(cosmology, z, mass);
    const ax = halos.x[a];
    const ay = halos.y[a];
    const az = halos.z[a];
    forEachNear(list, ax, ay, az, p.infallRadius, (i) => {
      if (i === a) return;
      const dx = minImage(halos.x[i] - ax, boxSize);
      const dy = minImage(halos.y[i] - ay, boxSize);
      const dz = minImage(halos.z[i] - az, boxSize);
      const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (r > p.infallRadius || r <= r200) return;
      const dbar = mass / (rhoM * (4 / 3) * Math.PI * r ** 3);
      const linear = (faH * r * dbar * (1 + dbar) ** -0.25) / 3;
      const speed = p.infallAmplitude * Math.min(linear, vMax) * Math.min(r / r200 - 1, 1);
      dvx[i] -= (speed * dx) / r;
      dvy[i] -= (speed * dy) / r;
      dvz[i] -= (speed * dz) / r;
    });
  }
  return [dvx, dvy, dvz];
};

/** Mean satellite count of a halo of mass M200c (Msun/h). */
export const meanSatellites = (p: BoxParams, m200c: number): number => {
  if (m200c <= 10 ** p.mSatMin) return 0;
  const excess = m200c - 10 ** p.logM0;
  return excess > 0 ? (excess / 10 ** p.logM1) ** p.satAlpha : 0;
};

/** NFW satellites with Evrard velocities around every halo. */
const placeSatellites = (p: BoxParams, halos: HaloArrays, rng: Rng): Box["galaxies"] => {
  const { cosmology, z, boxSize } = p;
  const eZ = hubbleE(cosmology, z);
  const virRatio = deltaVirCrit(cosmology, z) / 200;
  const cols = {
    upid: [] as bigint[],
    obsSm: [] as number[],
    x: [] as number[],
    y: [] as number[],
    z: [] as number[],
    vx: [] as number[],
    vy: [] as number[],
    vz: [] as number[],
  };
  for (let h = 0; h < halos.m200c.length; h++) {
    const mass = halos.m200c[h];
    const count = rng.poisson(meanSatellites(p, mass));
    if (count === 0) continue;
    const c200 = duttonMaccioC200(mass, z);
    const rs = r200cComoving(cosmology, z, mass) / c200;
    const xMax = nfwRadiusAtOverdensity(c200, virRatio) * p.satRadiusFactor;
    const sigma =
      evrardSigmaDm(eZ, mass, p.sigmaDm15, p.sigmaDmSlope) * 10 ** (p.sigmaScatter * rng.normal());
    const sx = sigma * 10 ** (p.axisScatter * rng.normal());
    const sy = sigma * 10 ** (p.axisScatter * rng.normal());
    const sz = sigma * 10 ** (p.axisScatter * rng.normal());
    for (let s = 0; s < count; s++) {
      const r = rs * sampleNfwRadius(rng, xMax);
      const [ux, uy, uz] = randomDirection(rng);
      cols.upid.push(halos.id[h]);
      cols.x.push(wrap(halos.x[h] + r * ux, boxSize));
      cols.y.push(wrap(halos.y[h] + r * uy, boxSize));
      cols.z.push(wrap(halos.z[h] + r * uz, boxSize));
      cols.vx.push(halos.vx[h] + sx * rng.normal());
      cols.vy.push(halos.vy[h] + sy * rng.normal());
      cols.vz.push(halos.vz[h] + sz * rng.normal());
      // every generated satellite passes the obs_sm cut; the spread above it is cosmetic
      cols.obsSm.push(10 ** (p.logObsSmMin + 1e-3 - 0.4 * Math.log(1 - rng.uniform())));
    }
  }
  const id = new BigInt64Array(cols.upid.length);
  for (let i = 0; i < id.length; i++) id[i] = galaxyId(p.box, i);
  return {
    id,
    upid: BigInt64Array.from(cols.upid),
    obsSm: Float64Array.from(cols.obsSm),
    x: Float64Array.from(cols.x),
    y: Float64Array.from(cols.y),
    z: Float64Array.from(cols.z),
    vx: Float64Array.from(cols.vx),
    vy: Float64Array.from(cols.vy),
    vz: Float64Array.from(cols.vz),
  };
};

/** Generates one sub-box; `rng` should already be the box's own stream. */
export const generateBox = (
  p: BoxParams,
  rng: Rng,
  progress: (fraction: number, message?: string) => void = () => {},
): Box => {
  const { cosmology, z, grid, boxSize } = p;
  const model = haloModel(cosmology, z);
  const power = linearPower(cosmology);
  const growth2 = model.growth ** 2;
  const field = gaussianField(grid, boxSize, (k) => power.pk(k) * growth2, rng.fork("field"));
  progress(0.05, "density field");

  const lagrangian = sampleLagrangianHalos(p, model, field, rng.fork("halos"), (f) =>
    progress(0.05 + 0.6 * f, "halos"),
  );
  const psi = zeldovichDisplacement(field, p.displacementSmoothing);
  progress(0.75, "displacements");

  const n = lagrangian.m200c.length;
  const faH = growthRate(cosmology, z) * aH(cosmology, z);
  const noise = rng.fork("velocities");
  const halos: HaloArrays = {
    id: new BigInt64Array(n),
    m200c: Float64Array.from(lagrangian.m200c),
    x: new Float64Array(n),
    y: new Float64Array(n),
    z: new Float64Array(n),
    vx: new Float64Array(n),
    vy: new Float64Array(n),
    vz: new Float64Array(n),
  };
  const position = [halos.x, halos.y, halos.z];
  const velocity = [halos.vx, halos.vy, halos.vz];
  for (let i = 0; i < n; i++) {
    halos.id[i] = haloId(p.box, i);
    const q = [lagrangian.qx[i], lagrangian.qy[i], lagrangian.qz[i]];
    for (let axis = 0; axis < 3; axis++) {
      const d = interpolate(psi[axis], grid, boxSize, q[0], q[1], q[2]);
      position[axis][i] = wrap(q[axis] + d, boxSize);
      velocity[axis][i] = faH * d + p.haloVelocityNoise * noise.normal();
    }
  }
  const kept = p.exclusion > 0 ? keepRows(halos, excludeOverlaps(p, halos), p.box) : halos;
  const infall = coherentInfall(p, kept);
  const keptVelocity = [kept.vx, kept.vy, kept.vz];
  for (let axis = 0; axis < 3; axis++) {
    for (let i = 0; i < kept.m200c.length; i++) keptVelocity[axis][i] += infall[axis][i];
  }
  progress(0.85, "satellites");

  const galaxies = placeSatellites(p, kept, rng.fork("satellites"));
  progress(1);
  return { halos: kept, galaxies };
};

/** Comoving virial radius (Bryan & Norman) of an NFW halo of mass m200c, Mpc/h. */
export const virialRadius = (p: BoxParams, m200c: number): number => {
  const c200 = duttonMaccioC200(m200c, p.z);
  const ratio = deltaVirCrit(p.cosmology, p.z) / 200;
  return (nfwRadiusAtOverdensity(c200, ratio) * r200cComoving(p.cosmology, p.z, m200c)) / c200;
};

/**
 * Halo exclusion: a halo whose centre lies within `exclusion` x R_vir of a
 * more massive halo would be a subhalo of it in a Rockstar catalog (upid set),
 * and the occupation already counts such galaxies as the big halo's
 * satellites, so it is dropped. Returns a keep flag per halo.
 */
export const excludeOverlaps = (
  p: BoxParams,
  halos: Pick<HaloArrays, "m200c" | "x" | "y" | "z">,
): Uint8Array => {
  const n = halos.m200c.length;
  const keep = new Uint8Array(n).fill(1);
  if (n === 0) return keep;
  const { boxSize } = p;
  let mMax = 0;
  for (const m of halos.m200c) mMax = Math.max(mMax, m);
  const reachMax = p.exclusion * virialRadius(p, mMax);
  const list = buildCellList(halos.x, halos.y, halos.z, boxSize, Math.max(reachMax, boxSize / 128));
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => halos.m200c[b] - halos.m200c[a] || a - b,
  );
  for (const a of order) {
    if (keep[a] === 0) continue;
    const reach = p.exclusion * virialRadius(p, halos.m200c[a]);
    forEachNear(list, halos.x[a], halos.y[a], halos.z[a], reach, (i) => {
      if (i === a || keep[i] === 0 || halos.m200c[i] > halos.m200c[a]) return;
      if (halos.m200c[i] === halos.m200c[a] && i < a) return;
      const dx = minImage(halos.x[i] - halos.x[a], boxSize);
      const dy = minImage(halos.y[i] - halos.y[a], boxSize);
      const dz = minImage(halos.z[i] - halos.z[a], boxSize);
      if (dx * dx + dy * dy + dz * dz < reach * reach) keep[i] = 0;
    });
  }
  return keep;
};

/** The kept halos, with ids renumbered so that they stay consecutive. */
const keepRows = (halos: HaloArrays, keep: Uint8Array, box: number): HaloArrays => {
  const rows: number[] = [];
  for (let i = 0; i < keep.length; i++) if (keep[i] === 1) rows.push(i);
  const pick = (a: Float64Array) => Float64Array.from(rows, (r) => a[r]);
  return {
    id: BigInt64Array.from(rows, (_, i) => haloId(box, i)),
    m200c: pick(halos.m200c),
    x: pick(halos.x),
    y: pick(halos.y),
    z: pick(halos.z),
    vx: pick(halos.vx),
    vy: pick(halos.vy),
    vz: pick(halos.vz),
  };
};
