/**
 * The distant-observer projection of SCIENCE.md section 2: rotate so that the
 * line of sight is +z, place the cluster at the comoving distance of the
 * snapshot, and turn a galaxy's offset along the line of sight plus its
 * peculiar velocity into an observed velocity relative to the cluster.
 */
import {
  C_KMS,
  type Cosmology,
  comovingDistance,
  redshiftAtDistance,
} from "../universe/cosmology.ts";

/** A 3x3 rotation, row-major. */
export type Rotation = readonly [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

/**
 * The proper rotation whose third row is the unit line of sight, so that it
 * maps the line of sight onto +z; the first two rows span the sky plane.
 */
export const rotationToLos = (lx: number, ly: number, lz: number): Rotation => {
  const norm = Math.hypot(lx, ly, lz);
  if (!(norm > 0)) throw new Error("line of sight has zero length");
  const [nx, ny, nz] = [lx / norm, ly / norm, lz / norm];
  // a helper axis far from the line of sight keeps the cross product well conditioned
  const [ax, ay, az] = Math.abs(nx) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  let e1x = ay * nz - az * ny;
  let e1y = az * nx - ax * nz;
  let e1z = ax * ny - ay * nx;
  const n1 = Math.hypot(e1x, e1y, e1z);
  e1x /= n1;
  e1y /= n1;
  e1z /= n1;
  // e2 = l x e1 so that e1 x e2 = l (right-handed)
  const e2x = ny * e1z - nz * e1y;
  const e2y = nz * e1x - nx * e1z;
  const e2z = nx * e1y - ny * e1x;
  return [e1x, e1y, e1z, e2x, e2y, e2z, nx, ny, nz];
};

/** Applies a rotation to a vector. */
export const rotate = (r: Rotation, x: number, y: number, z: number): [number, number, number] => [
  r[0] * x + r[1] * y + r[2] * z,
  r[3] * x + r[4] * y + r[5] * z,
  r[6] * x + r[7] * y + r[8] * z,
];

/** Relativistic Doppler velocity of a redshift, km/s. */
export const recessionVelocity = (z: number): number => {
  const s = (1 + z) ** 2;
  return (C_KMS * (s - 1)) / (s + 1);
};

/** Relativistic addition of two collinear velocities, km/s. */
export const addVelocities = (u: number, v: number): number => (u + v) / (1 + (u * v) / C_KMS ** 2);

/**
 * Observed line-of-sight velocities around one snapshot distance: the
 * recession velocity is tabulated against the comoving offset along the line
 * of sight (it is smooth, so linear interpolation on a 0.05 Mpc/h step is
 * exact to far below 0.01 km/s).
 */
export interface LosFrame {
  /** Comoving distance of the cluster, Mpc/h. */
  readonly distance: number;
  /** Largest |offset| along the line of sight the table covers, Mpc/h. */
  readonly reach: number;
  /** Least d(recession velocity)/d(offset) over the table, km/s per Mpc/h. */
  readonly minSlope: number;
  /** Recession velocity of a point `offset` Mpc/h behind the cluster (negative: in front). */
  readonly recession: (offset: number) => number;
}

export const losFrame = (cosmo: Cosmology, z: number, reach = 200, step = 0.05): LosFrame => {
  const distance = comovingDistance(cosmo, z);
  const count = Math.ceil((2 * reach) / step) + 1;
  const table = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const chi = distance - reach + i * step;
    table[i] = recessionVelocity(redshiftAtDistance(cosmo, chi, z, distance));
  }
  let minSlope = Infinity;
  for (let i = 1; i < count; i++) minSlope = Math.min(minSlope, (table[i] - table[i - 1]) / step);
  const recession = (offset: number): number => {
    const u = (offset + reach) / step;
    if (!(u >= 0 && u <= count - 1)) throw new Error(`offset ${offset} Mpc/h is beyond ${reach}`);
    const i = Math.min(Math.floor(u), count - 2);
    const t = u - i;
    return table[i] + t * (table[i + 1] - table[i]);
  };
  return { distance, reach, minSlope, recession };
};

/**
 * The observed velocity of a galaxy relative to its cluster, km/s: each one's
 * recession velocity at its distance combined relativistically with its
 * peculiar velocity along the line of sight, then the difference.
 */
export const losVelocity = (
  frame: LosFrame,
  offset: number,
  vPecGalaxy: number,
  vPecCluster: number,
): number =>
  addVelocities(frame.recession(offset), vPecGalaxy) -
  addVelocities(frame.recession(0), vPecCluster);
