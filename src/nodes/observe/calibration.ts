/**
 * Calibration statistics of a generated catalog against SCIENCE.md's
 * targets: halo counts vs Tinker, mean richness, interloper fraction per mass
 * bin, and the contaminated and pure M-sigma relations.
 */
import type { HaloModel } from "../universe/halos.ts";

export interface CalibrationRow {
  readonly metric: string;
  /** Mass range of the row, dex (NaN where it does not apply). */
  readonly mLo: number;
  readonly mHi: number;
  readonly value: number;
  /** The theory or target value where there is one, else NaN. */
  readonly reference: number;
  /** Halos or views behind the number. */
  readonly n: number;
}

/** Per-view counts and the members of those views. */
export interface CalibrationViews {
  readonly viewId: BigInt64Array;
  readonly m: Float64Array;
  readonly nGal: Int32Array;
  readonly nTrue: Int32Array;
}

export interface CalibrationMembers {
  readonly viewId: BigInt64Array;
  readonly vLos: Float64Array;
  readonly trueMember: Uint8Array;
}

export interface MSigmaFit {
  /** Dispersion at m = 15, km/s. */
  readonly sigma15: number;
  /** d log10 sigma / dm. */
  readonly slope: number;
  /** rms residual in log10 sigma, dex. */
  readonly scatter: number;
  readonly n: number;
}

/** Least-squares fit of log10 sigma = slope (m - 15) + log10 sigma15. */
export const fitMSigma = (m: ArrayLike<number>, sigma: ArrayLike<number>): MSigmaFit => {
  const n = m.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += m[i] - 15;
    sy += Math.log10(sigma[i]);
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = m[i] - 15 - mx;
    sxx += dx * dx;
    sxy += dx * (Math.log10(sigma[i]) - my);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const r = Math.log10(sigma[i]) - (intercept + slope * (m[i] - 15));
    ss += r * r;
  }
  return { sigma15: 10 ** intercept, slope, scatter: Math.sqrt(ss / (n - 2)), n };
};

/** Sample standard deviation (ddof 1) of each view's members: all, and true ones only. */
export const viewDispersions = (
  views: CalibrationViews,
  members: CalibrationMembers,
): { all: Float64Array; pure: Float64Array; nPure: Int32Array } => {
  const index = new Map<bigint, number>();
  for (let v = 0; v < views.viewId.length; v++) index.set(views.viewId[v], v);
  const nv = views.viewId.length;
  const acc = { n: new Float64Array(nv), s: new Float64Array(nv), ss: new Float64Array(nv) };
  const pure = { n: new Float64Array(nv), s: new Float64Array(nv), ss: new Float64Array(nv) };
  for (let i = 0; i < members.viewId.length; i++) {
    const v = index.get(members.viewId[i]);
    if (v === undefined) continue;
    const x = members.vLos[i];
    acc.n[v]++;
    acc.s[v] += x;
    acc.ss[v] += x * x;
    if (members.trueMember[i] === 1) {
      pure.n[v]++;
      pure.s[v] += x;
      pure.ss[v] += x * x;
    }
  }
  const std = (a: typeof acc, v: number): number => {
    if (a.n[v] < 2) return NaN;
    const sumSquares = a.ss[v] - (a.s[v] * a.s[v]) / a.n[v];
    return Math.sqrt(Math.max(0, sumSquares / (a.n[v] - 1)));
  };
  return {
    all: Float64Array.from({ length: nv }, (_, v) => std(acc, v)),
    pure: Float64Array.from({ length: nv }, (_, v) => std(pure, v)),
    nPure: Int32Array.from(pure.n),
  };
};

export interface CalibrationInput {
  /** M200c of every halo of the boxes, Msun/h. */
  readonly haloMasses: Float64Array;
  /** Total comoving volume of the boxes, (Mpc/h)^3. */
  readonly volume: number;
  readonly model: HaloModel;
  readonly views: CalibrationViews;
  readonly members: CalibrationMembers;
  /** Richness cut on N_gal. */
  readonly nMin: number;
}

const COUNT_THRESHOLDS = [13, 13.5, 14, 14.5, 15];
/** M-sigma fits over all hosts and over the paper's metric range. */
const FIT_RANGES: readonly [number, number][] = [
  [13.5, 16],
  [14, 15],
];
const INTERLOPER_BINS: readonly [number, number][] = [
  [13.5, 14],
  [14, 14.5],
  [14.5, 15],
  [15, 16],
];

/** All calibration numbers, one row each. */
export const calibrate = (input: CalibrationInput): CalibrationRow[] => {
  const rows: CalibrationRow[] = [];
  for (const mLo of COUNT_THRESHOLDS) {
    let count = 0;
    for (const mass of input.haloMasses) if (mass >= 10 ** mLo) count++;
    const reference = input.model.nAbove(mLo) * input.volume;
    rows.push({ metric: "halo_count", mLo, mHi: Infinity, value: count, reference, n: count });
  }

  const { views, members, nMin } = input;
  const rich: number[] = [];
  for (let v = 0; v < views.viewId.length; v++) if (views.nGal[v] >= nMin) rich.push(v);
  rows.push({
    metric: "rich_fraction",
    mLo: NaN,
    mHi: NaN,
    value: rich.length / views.viewId.length,
    reference: NaN,
    n: views.viewId.length,
  });
  const meanRichness = rich.reduce((s, v) => s + views.nGal[v], 0) / rich.length;
  rows.push({
    metric: "mean_richness",
    mLo: NaN,
    mHi: NaN,
    value: meanRichness,
    reference: 37.6,
    n: rich.length,
  });

  for (const [mLo, mHi] of INTERLOPER_BINS) {
    let gal = 0;
    let tru = 0;
    let n = 0;
    for (const v of rich) {
      if (views.m[v] < mLo || views.m[v] >= mHi) continue;
      gal += views.nGal[v];
      tru += views.nTrue[v];
      n++;
    }
    rows.push({ metric: "interloper_fraction", mLo, mHi, value: 1 - tru / gal, reference: NaN, n });
    rows.push({ metric: "mean_richness_bin", mLo, mHi, value: gal / n, reference: NaN, n });
  }

  const { all, pure, nPure } = viewDispersions(views, members);
  const fitRows = (name: string, mLo: number, mHi: number, fit: MSigmaFit, ref: number[]): void => {
    const parts: [string, number][] = [
      ["sigma15", fit.sigma15],
      ["slope", fit.slope],
      ["scatter", fit.scatter],
    ];
    parts.forEach(([what, value], i) =>
      rows.push({ metric: `${name}_${what}`, mLo, mHi, value, reference: ref[i], n: fit.n }),
    );
  };
  for (const [mLo, mHi] of FIT_RANGES) {
    const inRange = rich.filter((v) => views.m[v] >= mLo && views.m[v] < mHi);
    const contaminated = fitMSigma(
      inRange.map((v) => views.m[v]),
      inRange.map((v) => all[v]),
    );
    const pureViews = inRange.filter((v) => nPure[v] >= 2 && pure[v] > 0);
    const pureFit = fitMSigma(
      pureViews.map((v) => views.m[v]),
      pureViews.map((v) => pure[v]),
    );
    fitRows("msigma_contaminated", mLo, mHi, contaminated, [1000, 0.24, 0.1]);
    fitRows("msigma_pure", mLo, mHi, pureFit, [1087, 0.366, 0.069]);
  }
  return rows;
};
