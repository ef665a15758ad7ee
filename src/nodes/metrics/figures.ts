/**
 * The data behind the paper's Figures 2-5 for one model: residual histograms,
 * example posteriors, posterior sigma against true mass, and empirical
 * percentile curves in three disjoint mass ranges.
 */
import { empiricalPercentileCurve, percentilesAtTruth } from "./calibration.ts";
import { posteriorPdf } from "./posterior.ts";
import { posteriorAt, rowsInMassRange } from "./rows.ts";
import type { PosteriorRows } from "./rows.ts";
import { quantiles } from "./stats.ts";
import { residuals, TABLE2_RANGE } from "./table2.ts";
import type { MassRange } from "./table2.ts";

export interface ResidualHistogram {
  /** Bin edges, dex: bin k spans [edges[k], edges[k + 1]). */
  readonly edges: Float64Array;
  readonly counts: Int32Array;
  /** counts / (all views in the mass range x bin width): integrates to the share shown. */
  readonly density: Float64Array;
  /** Views in the mass range, including those outside the plotted residuals. */
  readonly total: number;
}

/** Figure 2: histogram of eps over [-halfWidth, halfWidth] dex for views in `range`. */
export const residualHistogram = (
  rows: PosteriorRows,
  halfWidth: number,
  bins: number,
  range: MassRange = TABLE2_RANGE,
): ResidualHistogram => {
  const eps = residuals(rows, rowsInMassRange(rows, range.mMin, range.mMax));
  const width = (2 * halfWidth) / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, k) => -halfWidth + k * width);
  const counts = new Int32Array(bins);
  for (const e of eps) {
    const k = Math.floor((e + halfWidth) / width);
    if (k >= 0 && k < bins) counts[k]++;
    else if (e === halfWidth) counts[bins - 1]++;
  }
  const density = Float64Array.from(counts, (c) => (c === 0 ? 0 : c / (eps.length * width)));
  return { edges, counts, density, total: eps.length };
};

export interface SigmaBin {
  /** Bin bounds in m_true, dex. */
  readonly mLo: number;
  readonly mHi: number;
  readonly n: number;
  /** Median and 16th/84th percentiles of the posterior sigma = sqrt(variance), dex. */
  readonly sigmaMedian: number;
  readonly sigmaP16: number;
  readonly sigmaP84: number;
}

/**
 * Figure 4: posterior sigma binned in true mass, over all test views. Bins of
 * `binWidth` dex are aligned to multiples of it; empty bins are left out.
 */
export const sigmaVsMass = (rows: PosteriorRows, binWidth: number): SigmaBin[] => {
  const byBin = new Map<number, number[]>();
  for (let i = 0; i < rows.count; i++) {
    // The small offset keeps a mass on a bin edge (13.5 exactly) in the bin above it.
    const k = Math.floor(rows.mTrue[i] / binWidth + 1e-9);
    const sigmas = byBin.get(k) ?? [];
    sigmas.push(Math.sqrt(Math.max(0, rows.variance[i])));
    byBin.set(k, sigmas);
  }
  return [...byBin.keys()]
    .sort((a, b) => a - b)
    .map((k) => {
      const sigmas = byBin.get(k) ?? [];
      const [sigmaP16, sigmaMedian, sigmaP84] = quantiles(sigmas, [0.16, 0.5, 0.84]);
      // Rounded so that edges read 13.6, not 13.600000000000001.
      const edge = (j: number) => Math.round(j * binWidth * 1e9) / 1e9;
      const n = sigmas.length;
      return { mLo: edge(k), mHi: edge(k + 1), n, sigmaMedian, sigmaP16, sigmaP84 };
    });
};

export interface MassBand {
  readonly label: string;
  /** m_true bounds, dex: lo inclusive, hi exclusive. */
  readonly lo: number;
  readonly hi: number;
}

/** Figure 5's three disjoint ranges of true mass. */
export const FIGURE5_BANDS: readonly MassBand[] = [
  { label: "m < 14", lo: Number.NEGATIVE_INFINITY, hi: 14 },
  { label: "14 <= m < 15", lo: 14, hi: 15 },
  { label: "m >= 15", lo: 15, hi: Number.POSITIVE_INFINITY },
];

export interface PercentileCurve {
  readonly band: string;
  readonly n: number;
  readonly r: Float64Array;
  readonly rHat: Float64Array;
}

/** Figure 5: r_hat(r) on `points` equally spaced r in [0, 1], per mass band. */
export const percentileCurves = (
  rows: PosteriorRows,
  points: number,
  bands: readonly MassBand[] = FIGURE5_BANDS,
): PercentileCurve[] => {
  const r = Float64Array.from({ length: points }, (_, g) => g / (points - 1));
  return bands.map((band) => {
    const picked: number[] = [];
    for (let i = 0; i < rows.count; i++) {
      if (rows.mTrue[i] >= band.lo && rows.mTrue[i] < band.hi) picked.push(i);
    }
    const ri = percentilesAtTruth(rows, Int32Array.from(picked));
    return { band: band.label, n: picked.length, r, rHat: empiricalPercentileCurve(ri, r) };
  });
};

/**
 * Picks `count` views whose true masses sit nearest to equally spaced targets
 * inside the range of m_true (at fractions 1/(count+1) ... count/(count+1)),
 * ties broken by the smaller view id. Models evaluated on the same test views
 * thus pick the same clusters, so Figure 3 can set them side by side.
 */
export const pickExampleViews = (rows: PosteriorRows, count: number): number[] => {
  if (rows.count === 0) return [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const m of rows.mTrue) {
    lo = Math.min(lo, m);
    hi = Math.max(hi, m);
  }
  const picked: number[] = [];
  for (let k = 1; k <= count; k++) {
    const target = lo + ((hi - lo) * k) / (count + 1);
    let best = -1;
    for (let i = 0; i < rows.count; i++) {
      if (picked.includes(i)) continue;
      if (best < 0) {
        best = i;
        continue;
      }
      const d = Math.abs(rows.mTrue[i] - target);
      const dBest = Math.abs(rows.mTrue[best] - target);
      if (d < dBest || (d === dBest && rows.viewId[i] < rows.viewId[best])) best = i;
    }
    if (best >= 0) picked.push(best);
  }
  return picked;
};

export interface ExamplePosterior {
  readonly viewId: bigint;
  /** dex */
  readonly mTrue: number;
  /** Grid of m, dex, and the posterior density on it, per dex. */
  readonly m: Float64Array;
  readonly density: Float64Array;
}

/** Figure 3: the posteriors of the picked views on `points` masses across [lo, hi] dex. */
export const examplePosteriors = (
  rows: PosteriorRows,
  count: number,
  points: number,
  lo = 13,
  hi = 16,
): ExamplePosterior[] => {
  const m = Float64Array.from({ length: points }, (_, g) => lo + ((hi - lo) * g) / (points - 1));
  return pickExampleViews(rows, count).map((i) => {
    const posterior = posteriorAt(rows, i);
    return {
      viewId: rows.viewId[i],
      mTrue: rows.mTrue[i],
      m,
      density: Float64Array.from(m, (x) => posteriorPdf(posterior, x)),
    };
  });
};
