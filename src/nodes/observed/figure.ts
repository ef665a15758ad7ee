/**
 * The figure of the observed clusters: one panel per cluster, each model's
 * fold-mixture posterior of m as a line, its 16-84th percentile band shaded,
 * and the summary as CSV beside it. Pure: returns the files' bytes, for a
 * reporter (`observedReporter`) or a test to write.
 */
import { f64, i32, type Table, utf8 } from "../../kind/index.ts";
import type { Reporter, ReportFile } from "../../pipelines/report.ts";
import { type FontChoice, findFont, pngFromSvg, svgFromVegaLite } from "../../report/render.ts";

type Row = Record<string, string | number>;

const rowsOf = (t: Table, columns: readonly string[]): Row[] =>
  Array.from({ length: t.numRows }, (_, r) => {
    const row: Row = {};
    for (const name of columns) {
      const c = t.columns[name];
      if (Array.isArray(c)) row[name] = utf8(t, name)[r];
      else row[name] = c instanceof Int32Array ? i32(t, name)[r] : f64(t, name)[r];
    }
    return row;
  });

/** The vega-lite spec: posterior density against m, a column per cluster, a colour per model. */
export const observedFigureSpec = (summary: Table, posterior: Table): Record<string, unknown> => {
  const curves = rowsOf(posterior, ["cluster", "model", "m", "density"])
    // the grid runs far into the tails; draw where the density is visible
    .filter((r) => (r.density as number) > 1e-4)
    .map((r) => ({ ...r, layer: "posterior" }));
  const bands = rowsOf(summary, ["cluster", "model", "p16", "p84", "p50"]).map((r) => ({
    ...r,
    layer: "band",
  }));
  const colour = { field: "model", type: "nominal", title: "model" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Observed clusters: posterior of m = log10 M200c (shaded: 16-84th percentiles)",
    config: { font: "DejaVu Sans, Helvetica, Arial, sans-serif", background: "white" },
    data: { values: [...curves, ...bands] },
    facet: { column: { field: "cluster", type: "nominal", title: null } },
    spec: {
      width: 220,
      height: 160,
      layer: [
        {
          transform: [{ filter: "datum.layer === 'band'" }],
          mark: { type: "rect", opacity: 0.15 },
          encoding: {
            x: { field: "p16", type: "quantitative" },
            x2: { field: "p84" },
            color: colour,
          },
        },
        {
          transform: [{ filter: "datum.layer === 'posterior'" }],
          mark: { type: "line", strokeWidth: 1.5 },
          encoding: {
            x: { field: "m", type: "quantitative", title: "m (dex)", scale: { zero: false } },
            y: { field: "density", type: "quantitative", title: "posterior density (1/dex)" },
            color: colour,
          },
        },
      ],
    },
  };
};

const csvOf = (table: Table, columns: readonly string[], digits = 4): string => {
  const cell = (v: string | number): string =>
    typeof v === "number" && !Number.isInteger(v) ? v.toFixed(digits) : String(v);
  const rows = rowsOf(table, columns).map((r) => columns.map((c) => cell(r[c])).join(","));
  return `${[columns.join(","), ...rows].join("\n")}\n`;
};

const SUMMARY_COLUMNS = ["cluster", "model", "n_gal", "folds", "mean", "sd", "p16", "p50", "p84"];
const POSTERIOR_COLUMNS = ["cluster", "model", "m", "density"];

/** observed-masses.csv, observed-posteriors.csv, and observed-posteriors.svg and .png. */
export const renderObserved = async (
  summary: Table,
  posterior: Table,
  font: FontChoice = findFont(),
): Promise<ReportFile[]> => {
  const svg = await svgFromVegaLite(observedFigureSpec(summary, posterior));
  const text = new TextEncoder();
  return [
    { path: "observed-masses.csv", bytes: text.encode(csvOf(summary, SUMMARY_COLUMNS)) },
    // The full posterior of every cluster and model on the m grid.
    { path: "observed-posteriors.csv", bytes: text.encode(csvOf(posterior, POSTERIOR_COLUMNS, 6)) },
    { path: "observed-posteriors.svg", bytes: text.encode(svg) },
    { path: "observed-posteriors.png", bytes: pngFromSvg(svg, font) },
  ];
};

/** Renders the report of every `observed.combine` node of an experiment (the first one). */
export const observedReporter: Reporter = {
  name: "observed",
  applies: (nodes) => nodes.some((n) => n.kind === "observed.combine"),
  render: async (nodes, read) => {
    const node = nodes.find((n) => n.kind === "observed.combine")!;
    const summary = read(node.id, "summary");
    const posterior = read(node.id, "posterior");
    if (summary === undefined || posterior === undefined) return [];
    return renderObserved(summary, posterior);
  },
};
