/**
 * The posteriors of one model over all folds, gathered from its per-fold
 * POSTERIORS tables into flat arrays.
 */
import { f64, i32, i64, list, listRow } from "../../kind/index.ts";
import type { Table } from "../../kind/index.ts";

import { CLASS_BINS, posteriorOf } from "./posterior.ts";
import type { Posterior } from "./posterior.ts";

export interface PosteriorRows {
  readonly count: number;
  readonly viewId: BigInt64Array;
  /** True mass, dex. */
  readonly mTrue: Float64Array;
  readonly fold: Int32Array;
  /** Posterior mean of m, dex. */
  readonly mean: Float64Array;
  /** Posterior variance of m, dex^2. */
  readonly variance: Float64Array;
  /** Class probabilities, CLASS_BINS.count per row; all zero for Gaussian models. */
  readonly probs: Float64Array;
}

/** Concatenates POSTERIORS tables (one per fold) in the order given. */
export const gatherPosteriors = (tables: readonly Table[]): PosteriorRows => {
  const count = tables.reduce((n, t) => n + t.numRows, 0);
  const bins = CLASS_BINS.count;
  const rows = {
    count,
    viewId: new BigInt64Array(count),
    mTrue: new Float64Array(count),
    fold: new Int32Array(count),
    mean: new Float64Array(count),
    variance: new Float64Array(count),
    probs: new Float64Array(count * bins),
  };

  let at = 0;
  for (const t of tables) {
    const probs = list(t, "probs");
    if (probs.size !== bins) {
      throw new Error(`posteriors have ${probs.size} class bins, expected ${bins}`);
    }
    rows.viewId.set(i64(t, "view_id"), at);
    rows.mTrue.set(f64(t, "m_true"), at);
    rows.fold.set(i32(t, "fold"), at);
    rows.mean.set(f64(t, "mean"), at);
    rows.variance.set(f64(t, "variance"), at);
    rows.probs.set(probs.values, at * bins);
    at += t.numRows;
  }
  return rows;
};

export const posteriorAt = (rows: PosteriorRows, i: number): Posterior =>
  posteriorOf(
    rows.mean[i],
    rows.variance[i],
    listRow({ size: CLASS_BINS.count, values: rows.probs }, i),
  );

/** Indices of the rows whose true mass lies in [lo, hi] (both inclusive). */
export const rowsInMassRange = (rows: PosteriorRows, lo: number, hi: number): Int32Array => {
  const picked: number[] = [];
  for (let i = 0; i < rows.count; i++) {
    if (rows.mTrue[i] >= lo && rows.mTrue[i] <= hi) picked.push(i);
  }
  return Int32Array.from(picked);
};
