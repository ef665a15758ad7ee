/**
 * Which lines of sight to observe (section 2 of the science): three
 * orthogonal views of every host for the test set, so it follows the mass
 * function; a training set flat in dn/dm, where abundant low-mass hosts are
 * subsampled and rare massive ones observed from several directions.
 */
import { i32, makeTable, type Rng, type Table } from "../../kind/index.ts";
import { chooseValidation, foldsByMassRank } from "./folds.ts";
import { takeRows } from "./select.ts";

/** The test set's lines of sight: the box axes. */
export const TEST_AXES: readonly (readonly [number, number, number])[] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/** Mock clusters kept after the cylinder cut: at least this many members. */
export const MIN_RICHNESS = 10;

/**
 * Most training views allowed in one mass bin: (dn/dm) x V x bin width,
 * rounded down. 126 for 10^-5.2 h^3 Mpc^-3 dex^-1, (1 Gpc/h)^3 and 0.02 dex.
 */
export const trainingCap = (logDndm: number, volume: number, binWidth: number): number =>
  Math.floor(10 ** logDndm * volume * binWidth + 1e-9);

/** Index of the mass bin of width `binWidth` (dex) starting at `mMin`. */
export const massBin = (m: number, mMin: number, binWidth: number): number =>
  Math.floor((m - mMin) / binWidth + 1e-9);

/**
 * Number of training views of each host. In each mass bin the `cap` views are
 * shared out as evenly as the hosts allow: with more hosts than the cap a
 * random `cap` of them get one view each; with fewer, each gets
 * floor(cap / n) and a random remainder one more, until the bin is full.
 */
export const trainingViewsPerHost = (
  m: Float64Array,
  cap: number,
  mMin: number,
  binWidth: number,
  rng: Rng,
): Int32Array => {
  const bins = new Map<number, number[]>();
  m.forEach((mass, h) => {
    const b = massBin(mass, mMin, binWidth);
    if (b < 0) return;
    const members = bins.get(b);
    if (members === undefined) bins.set(b, [h]);
    else members.push(h);
  });
  const views = new Int32Array(m.length);
  for (const b of [...bins.keys()].sort((x, y) => x - y)) {
    const hosts = bins.get(b)!;
    const base = Math.floor(cap / hosts.length);
    const extra = cap - base * hosts.length;
    const order = rng.fork(`bin/${b}`).permutation(hosts.length);
    order.forEach((k, rank) => {
      views[hosts[k]] = base + (rank < extra ? 1 : 0);
    });
  }
  return views;
};

/**
 * `n` lines of sight spread evenly over a hemisphere (a Fibonacci lattice in
 * z = cos(theta) from 1 to 0). A hemisphere, not the sphere: looking along -l
 * sees the same cylinder as along +l with v_los mirrored, a near duplicate.
 * Returns 3n numbers, unit vectors row by row.
 */
export const fibonacciHemisphere = (n: number): Float64Array => {
  const golden = Math.PI * (3 - Math.sqrt(5));
  const out = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const z = 1 - (i + 0.5) / n;
    const r = Math.sqrt(1 - z * z);
    const phi = golden * i;
    out[3 * i] = r * Math.cos(phi);
    out[3 * i + 1] = r * Math.sin(phi);
    out[3 * i + 2] = z;
  }
  return out;
};

/** A uniformly random rotation matrix (row-major 3x3), from a random unit quaternion. */
export const randomRotation = (rng: Rng): Float64Array => {
  let w = 0;
  let x = 0;
  let y = 0;
  let z = 0;
  let norm = 0;
  do {
    w = rng.normal();
    x = rng.normal();
    y = rng.normal();
    z = rng.normal();
    norm = Math.hypot(w, x, y, z);
  } while (norm < 1e-12);
  w /= norm;
  x /= norm;
  y /= norm;
  z /= norm;
  return Float64Array.of(
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  );
};

/** `n` well-separated lines of sight in a random orientation; 3n numbers. */
export const spreadDirections = (n: number, rng: Rng): Float64Array => {
  const lattice = fibonacciHemisphere(n);
  const rot = randomRotation(rng);
  const out = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      out[3 * i + a] =
        rot[3 * a] * lattice[3 * i] +
        rot[3 * a + 1] * lattice[3 * i + 1] +
        rot[3 * a + 2] * lattice[3 * i + 2];
    }
  }
  return out;
};

export interface Host {
  /** Which sub-box (input table) the host lives in. */
  readonly box: number;
  readonly id: bigint;
  /** log10 M200c, dex. */
  readonly m: number;
}

export interface ViewPlan {
  readonly mMin: number;
  readonly logDndm: number;
  readonly binWidth: number;
  /** Comoving volume of the whole catalog, (Mpc/h)^3. */
  readonly volume: number;
  readonly folds: number;
  readonly validationShare: number;
}

export interface PlannedViews {
  readonly views: Table;
  readonly cap: number;
  readonly nTest: number;
  readonly nTrain: number;
}

/**
 * The VIEWS rows (plus `box`) of a catalog: every host's three test views,
 * then the training views, with the host's fold and validation flag on each.
 */
export const planViews = (hosts: readonly Host[], plan: ViewPlan, rng: Rng): PlannedViews => {
  const m = Float64Array.from(hosts, (h) => h.m);
  const cap = trainingCap(plan.logDndm, plan.volume, plan.binWidth);
  if (cap < 1) {
    throw new Error(
      `a volume of ${plan.volume} (Mpc/h)^3 holds less than one training view per ` +
        `${plan.binWidth} dex bin at dn/dm = 10^${plan.logDndm}`,
    );
  }
  const fold = foldsByMassRank(m, plan.folds, rng.fork("folds"));
  const validation = chooseValidation(hosts.length, plan.validationShare, rng.fork("validation"));
  const perHost = trainingViewsPerHost(m, cap, plan.mMin, plan.binWidth, rng.fork("train"));
  const nTest = TEST_AXES.length * hosts.length;
  const nTrain = perHost.reduce((s, k) => s + k, 0);
  const n = nTest + nTrain;

  const hostRow = new Int32Array(n);
  const los = new Float64Array(3 * n);
  const isTest = new Uint8Array(n);
  let row = 0;
  hosts.forEach((_, h) => {
    for (const axis of TEST_AXES) {
      hostRow[row] = h;
      los.set(axis, 3 * row);
      isTest[row++] = 1;
    }
  });
  const directionsRng = rng.fork("directions");
  hosts.forEach((_, h) => {
    if (perHost[h] === 0) return;
    const dirs = spreadDirections(perHost[h], directionsRng);
    for (let k = 0; k < perHost[h]; k++) {
      hostRow[row] = h;
      los.set(dirs.subarray(3 * k, 3 * k + 3), 3 * row);
      row++;
    }
  });

  const views = makeTable({
    view_id: BigInt64Array.from({ length: n }, (_, i) => BigInt(i)),
    host_id: BigInt64Array.from(hostRow, (h) => hosts[h].id),
    m: Float64Array.from(hostRow, (h) => m[h]),
    lx: Float64Array.from({ length: n }, (_, i) => los[3 * i]),
    ly: Float64Array.from({ length: n }, (_, i) => los[3 * i + 1]),
    lz: Float64Array.from({ length: n }, (_, i) => los[3 * i + 2]),
    n_gal: new Int32Array(n),
    n_true: new Int32Array(n),
    set: Array.from(isTest, (t) => (t === 1 ? "test" : "train")),
    validation: Uint8Array.from(hostRow, (h) => validation[h]),
    fold: Int32Array.from(hostRow, (h) => fold[h]),
    box: Int32Array.from(hostRow, (h) => hosts[h].box),
  });
  return { views, cap, nTest, nTrain };
};

/** Member counts of each view from the cylinder cut. */
export interface ViewCounts {
  /** Galaxies inside the cylinder. */
  readonly nGal: Int32Array;
  /** Of those, satellites of the host itself. */
  readonly nTrue?: Int32Array;
}

/**
 * Fills `n_gal` (and `n_true`) of each view and keeps the views with at least
 * `nMin` galaxies in their cylinder; every other column is carried over.
 */
export const applyRichnessCut = (
  views: Table,
  counts: ViewCounts | Int32Array,
  nMin = MIN_RICHNESS,
): Table => {
  const nGal = counts instanceof Int32Array ? counts : counts.nGal;
  const nTrue = counts instanceof Int32Array ? undefined : counts.nTrue;
  if (nGal.length !== views.numRows || (nTrue !== undefined && nTrue.length !== views.numRows)) {
    throw new Error(`${nGal.length} counts for ${views.numRows} views`);
  }
  const filled = makeTable({
    ...views.columns,
    n_gal: nGal,
    n_true: nTrue ?? i32(views, "n_true"),
  });
  const keep: number[] = [];
  for (let i = 0; i < views.numRows; i++) if (nGal[i] >= nMin) keep.push(i);
  return takeRows(filled, keep);
};
