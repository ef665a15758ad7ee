/**
 * `baseline.msigma`: M-sigma mass estimates for the test views of every fold,
 * in the POSTERIORS shape so they sit beside the CNNs in the metrics. Fold f
 * is fit on the training views of the hosts of the other folds, validation
 * hosts left out as they are for the CNNs.
 */
import { Schema } from "effect";

import {
  defineKind,
  f64,
  fixedList,
  i32,
  i64,
  makeTable,
  num,
  one,
  utf8,
  withDefault,
  type Table,
} from "../../kind/index.ts";
import { POSTERIORS } from "../schemas.ts";
import { dispersion, type DispersionEstimator } from "./dispersion.ts";
import { fitMSigma, invertMSigma, M_SIGMA_PIVOT, massVariance, type MSigmaFit } from "./msigma.ts";

/** Bins of the class posteriors in POSTERIORS, left at zero here. */
const PROB_BINS = 50;

export interface ViewDispersions {
  /** log10 of the dispersion (km/s) of each view's members; NaN where undefined. */
  readonly logSigma: Float64Array;
  /** Members whose view is not in the table (e.g. removed by the richness cut). */
  readonly orphanMembers: number;
}

/** The velocity dispersion of every view, from the members of its cylinder. */
export const viewLogSigma = (
  views: Table,
  members: Table,
  estimator: DispersionEstimator,
): ViewDispersions => {
  const row = new Map<bigint, number>();
  i64(views, "view_id").forEach((id, i) => row.set(id, i));
  const memberView = i64(members, "view_id");
  const vLos = f64(members, "v_los");
  const owner = new Int32Array(members.numRows);
  const offsets = new Int32Array(views.numRows + 1);
  let orphanMembers = 0;
  for (let k = 0; k < members.numRows; k++) {
    const i = row.get(memberView[k]);
    owner[k] = i ?? -1;
    if (i === undefined) orphanMembers++;
    else offsets[i + 1]++;
  }
  for (let i = 0; i < views.numRows; i++) offsets[i + 1] += offsets[i];
  const next = offsets.slice(0, views.numRows);
  const grouped = new Float64Array(offsets[views.numRows]);
  for (let k = 0; k < members.numRows; k++) {
    if (owner[k] >= 0) grouped[next[owner[k]]++] = vLos[k];
  }
  const logSigma = new Float64Array(views.numRows);
  for (let i = 0; i < views.numRows; i++) {
    const sigma = dispersion(grouped.subarray(offsets[i], offsets[i + 1]), estimator);
    logSigma[i] = sigma > 0 ? Math.log10(sigma) : Number.NaN;
  }
  return { logSigma, orphanMembers };
};

const boolColumn = (t: Table, name: string): Uint8Array => {
  const c = t.columns[name];
  if (!(c instanceof Uint8Array)) throw new Error(`column '${name}' is not bool`);
  return c;
};

export interface FoldEstimate {
  readonly fold: number;
  readonly fit: MSigmaFit;
  /** Rows of the views table that were estimated. */
  readonly rows: number[];
  readonly mean: number[];
}

/** Fits and inverts the relation fold by fold. */
export const msigmaByFold = (
  views: Table,
  logSigma: Float64Array,
  pivot: number,
): FoldEstimate[] => {
  const set = utf8(views, "set");
  const fold = i32(views, "fold");
  const validation = boolColumn(views, "validation");
  const m = f64(views, "m");
  const folds = [...new Set(fold)].sort((a, b) => a - b);
  return folds.map((f) => {
    const train: number[] = [];
    for (let i = 0; i < views.numRows; i++) {
      const usable = set[i] === "train" && fold[i] !== f && validation[i] === 0;
      if (usable && Number.isFinite(logSigma[i])) train.push(i);
    }
    let fit: MSigmaFit;
    try {
      fit = fitMSigma(
        train.map((i) => m[i]),
        train.map((i) => logSigma[i]),
        pivot,
      );
    } catch (cause) {
      throw new Error(`fold ${f}: ${(cause as Error).message}`);
    }
    const rows: number[] = [];
    const mean: number[] = [];
    for (let i = 0; i < views.numRows; i++) {
      if (set[i] !== "test" || fold[i] !== f || !Number.isFinite(logSigma[i])) continue;
      rows.push(i);
      mean.push(invertMSigma(fit, logSigma[i]));
    }
    return { fold: f, fit, rows, mean };
  });
};

export const baselineMSigma = defineKind({
  name: "baseline.msigma",
  version: 1,
  weight: "light",
  doc: "M-sigma baseline: log sigma on m fit over training views, inverted for test views",
  implementation: [
    import.meta.url,
    new URL("./dispersion.ts", import.meta.url).href,
    new URL("./msigma.ts", import.meta.url).href,
  ],
  params: Schema.Struct({
    estimator: Schema.Literals(["std", "gapper"]).pipe(withDefault("std")),
    /** Mass at which the relation is normalised, dex. */
    pivot: num(M_SIGMA_PIVOT),
  }),
  inputs: { views: {}, members: {} },
  outputs: { posteriors: POSTERIORS },
  run: (ctx) => {
    const views = one(ctx, "views");
    const { logSigma, orphanMembers } = viewLogSigma(
      views,
      one(ctx, "members"),
      ctx.params.estimator,
    );
    ctx.note("membersOfOtherViews", orphanMembers);
    const estimates = msigmaByFold(views, logSigma, ctx.params.pivot);
    const rows = estimates.flatMap((e) => e.rows);
    const variance = estimates.flatMap((e) => e.rows.map(() => massVariance(e.fit)));
    ctx.note(
      "fits",
      estimates.map((e) => ({
        fold: e.fold,
        slope: e.fit.slope,
        logSigmaPivot: e.fit.logSigmaPivot,
        scatter: e.fit.scatter,
        nTrain: e.fit.n,
        nTest: e.rows.length,
      })),
    );
    const testViews = utf8(views, "set").filter((s) => s === "test").length;
    ctx.note("testViewsWithoutDispersion", testViews - rows.length);
    const viewId = i64(views, "view_id");
    const m = f64(views, "m");
    const fold = i32(views, "fold");
    return {
      posteriors: makeTable({
        view_id: BigInt64Array.from(rows, (i) => viewId[i]),
        m_true: Float64Array.from(rows, (i) => m[i]),
        fold: Int32Array.from(rows, (i) => fold[i]),
        mean: Float64Array.from(estimates.flatMap((e) => e.mean)),
        variance: Float64Array.from(variance),
        probs: fixedList(PROB_BINS, new Float64Array(rows.length * PROB_BINS)),
      }),
    };
  },
});
