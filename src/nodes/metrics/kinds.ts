/**
 * Node kinds of the metrics stage: thin wrappers that turn one model's
 * per-fold posteriors into the tables behind Table 2 and Figures 2-5, and
 * gather the models' Table 2 rows into one table.
 */
import { Schema } from "effect";

import { checkTable, defineKind, int, makeTable, many, num } from "../../kind/index.ts";
import type { Table, TableSchema } from "../../kind/index.ts";

import { examplePosteriors, percentileCurves, residualHistogram, sigmaVsMass } from "./figures.ts";
import { gatherPosteriors } from "./rows.ts";
import { SUMMARY, summarize } from "./table2.ts";
import type { Table2Row } from "./table2.ts";

const implementation = [
  import.meta.url,
  new URL("./calibration.ts", import.meta.url).href,
  new URL("./figures.ts", import.meta.url).href,
  new URL("./posterior.ts", import.meta.url).href,
  new URL("./rows.ts", import.meta.url).href,
  new URL("./stats.ts", import.meta.url).href,
  new URL("./table2.ts", import.meta.url).href,
];

export const SIGMA_VS_M: TableSchema = [
  { name: "model", type: "utf8" },
  { name: "m_lo", type: "f64", doc: "lower edge of the m_true bin, dex" },
  { name: "m_hi", type: "f64", doc: "upper edge of the m_true bin, dex" },
  { name: "n", type: "i32", doc: "test views in the bin, all folds" },
  { name: "sigma_median", type: "f64", doc: "median posterior sigma, dex" },
  { name: "sigma_p16", type: "f64", doc: "16th percentile of posterior sigma, dex" },
  { name: "sigma_p84", type: "f64", doc: "84th percentile of posterior sigma, dex" },
];

export const RHAT: TableSchema = [
  { name: "model", type: "utf8" },
  { name: "band", type: "utf8", doc: "range of m_true: m < 14 | 14 <= m < 15 | m >= 15" },
  { name: "n", type: "i32", doc: "test views in the band, all folds" },
  { name: "r", type: "f64", doc: "predictive percentile" },
  { name: "r_hat", type: "f64", doc: "empirical percentile: fraction with CDF(m_true) <= r" },
];

export const RESIDUALS: TableSchema = [
  { name: "model", type: "utf8" },
  { name: "eps_lo", type: "f64", doc: "lower edge of the residual bin, dex" },
  { name: "eps_hi", type: "f64", doc: "upper edge of the residual bin, dex" },
  { name: "count", type: "i32" },
  { name: "density", type: "f64", doc: "count / (views in the mass range x bin width), 1/dex" },
];

export const EXAMPLES: TableSchema = [
  { name: "model", type: "utf8" },
  { name: "view_id", type: "i64" },
  { name: "m_true", type: "f64", doc: "dex" },
  { name: "m", type: "f64", doc: "grid of m, dex" },
  { name: "density", type: "f64", doc: "posterior density at m, 1/dex" },
];

const repeat = (value: string, n: number): string[] => Array.from({ length: n }, () => value);

export const summaryTable = (rows: readonly Table2Row[]): Table => {
  const col = (pick: (r: Table2Row) => number) => Float64Array.from(rows, pick);
  return makeTable({
    model: rows.map((r) => r.model),
    n: Int32Array.from(rows, (r) => r.n),
    median_eps: col((r) => r.medianEps),
    eps_p16: col((r) => r.epsP16),
    eps_p84: col((r) => r.epsP84),
    sigma_eps: col((r) => r.sigmaEps),
    skew_eps: col((r) => r.skewEps),
    ex_kurt_eps: col((r) => r.exKurtEps),
    mean_var: col((r) => r.meanVariance),
    r_hat_50: col((r) => r.rHatMedian),
    epr_16_84: col((r) => r.epr1684),
    epr_5_95: col((r) => r.epr595),
  });
};

export const table2 = defineKind({
  name: "metrics.table2",
  version: 1,
  weight: "light",
  implementation,
  doc: "Table 2 row and Figures 2-5 data of one model, over the test views of all its folds.",
  params: Schema.Struct({
    model: Schema.String,
    /** Mass range of Table 2 and Figure 2, dex, both bounds inclusive. */
    mMin: num(14),
    mMax: num(15),
    /** Width of the m_true bins of Figure 4, dex. */
    sigmaBinWidth: num(0.1),
    /** Points of the r grid on [0, 1] for Figure 5. */
    percentilePoints: int(101),
    /** Residual histogram of Figure 2 over [-residualHalfWidth, +residualHalfWidth] dex. */
    residualHalfWidth: num(1),
    residualBins: int(80),
    /** Example views of Figure 3, and the points of m on [13, 16] dex where each is drawn. */
    examples: int(4),
    examplePoints: int(301),
  }),
  inputs: { posteriors: { many: true, doc: "POSTERIORS of one model, one table per fold" } },
  outputs: {
    summary: SUMMARY,
    sigma_vs_m: SIGMA_VS_M,
    rhat: RHAT,
    residuals: RESIDUALS,
    examples: EXAMPLES,
  },
  run: (ctx) => {
    const p = ctx.params;
    const rows = gatherPosteriors(many(ctx, "posteriors"));
    const range = { mMin: p.mMin, mMax: p.mMax };

    const summary = summarize(p.model, rows, range);
    ctx.note("views", rows.count);
    ctx.note("viewsInTable2Range", summary.n);

    const bins = sigmaVsMass(rows, p.sigmaBinWidth);
    const curves = percentileCurves(rows, p.percentilePoints);
    const hist = residualHistogram(rows, p.residualHalfWidth, p.residualBins, range);
    const examples = examplePosteriors(rows, p.examples, p.examplePoints);

    const rhatRows = curves.flatMap((c) =>
      Array.from(c.r, (r, g) => ({ band: c.band, n: c.n, r, rHat: c.rHat[g] })),
    );
    const exampleRows = examples.flatMap((e) =>
      Array.from(e.m, (m, g) => ({ viewId: e.viewId, mTrue: e.mTrue, m, density: e.density[g] })),
    );

    return {
      summary: summaryTable([summary]),
      sigma_vs_m: makeTable({
        model: repeat(p.model, bins.length),
        m_lo: Float64Array.from(bins, (b) => b.mLo),
        m_hi: Float64Array.from(bins, (b) => b.mHi),
        n: Int32Array.from(bins, (b) => b.n),
        sigma_median: Float64Array.from(bins, (b) => b.sigmaMedian),
        sigma_p16: Float64Array.from(bins, (b) => b.sigmaP16),
        sigma_p84: Float64Array.from(bins, (b) => b.sigmaP84),
      }),
      rhat: makeTable({
        model: repeat(p.model, rhatRows.length),
        band: rhatRows.map((r) => r.band),
        n: Int32Array.from(rhatRows, (r) => r.n),
        r: Float64Array.from(rhatRows, (r) => r.r),
        r_hat: Float64Array.from(rhatRows, (r) => r.rHat),
      }),
      residuals: makeTable({
        model: repeat(p.model, p.residualBins),
        eps_lo: hist.edges.slice(0, -1),
        eps_hi: hist.edges.slice(1),
        count: hist.counts,
        density: hist.density,
      }),
      examples: makeTable({
        model: repeat(p.model, exampleRows.length),
        view_id: BigInt64Array.from(exampleRows, (r) => r.viewId),
        m_true: Float64Array.from(exampleRows, (r) => r.mTrue),
        m: Float64Array.from(exampleRows, (r) => r.m),
        density: Float64Array.from(exampleRows, (r) => r.density),
      }),
    };
  },
});

/**
 * Stacks tables of one schema in the order given; used to gather the models'
 * rows. Every input must conform to `schema`.
 */
export const stackTables = (tables: readonly Table[], schema: TableSchema): Table => {
  tables.forEach((t, k) => {
    const problems = checkTable(t, schema);
    if (problems.length > 0) throw new Error(`table ${k}: ${problems.join("; ")}`);
  });
  const columns: Record<string, Table["columns"][string]> = {};
  for (const spec of schema) {
    const parts = tables.map((t) => t.columns[spec.name]);
    switch (spec.type) {
      case "utf8":
        columns[spec.name] = parts.flatMap((c) => c as readonly string[]);
        break;
      case "i32":
        columns[spec.name] = Int32Array.from(parts.flatMap((c) => Array.from(c as Int32Array)));
        break;
      case "i64":
        columns[spec.name] = BigInt64Array.from(
          parts.flatMap((c) => Array.from(c as BigInt64Array)),
        );
        break;
      case "f64":
        columns[spec.name] = Float64Array.from(parts.flatMap((c) => Array.from(c as Float64Array)));
        break;
      default:
        throw new Error(`stackTables: column type of '${spec.name}' is not supported`);
    }
  }
  return { numRows: tables.reduce((n, t) => n + t.numRows, 0), columns };
};

export const compare = defineKind({
  name: "metrics.compare",
  version: 1,
  weight: "light",
  implementation,
  doc: "Gathers the Table 2 rows of several models (the M-sigma baseline among them) into one.",
  params: Schema.Struct({}),
  inputs: { summaries: { many: true, doc: "`summary` tables, one row per model" } },
  outputs: { table2: SUMMARY },
  run: (ctx) => {
    const table = stackTables(many(ctx, "summaries"), SUMMARY);
    const models = table.columns.model as readonly string[];
    const seen = new Set<string>();
    for (const m of models) {
      if (seen.has(m)) throw new Error(`model '${m}' appears in more than one summary`);
      seen.add(m);
    }
    return { table2: table };
  },
});
