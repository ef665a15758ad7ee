/**
 * Vega-lite specifications of the paper's Figures 2-5, built from the tables
 * of the metrics stage. Each figure has one small panel per model, in the
 * order of Table 2.
 */
import { num, str } from "./records.ts";
import type { Row } from "./records.ts";

/** A vega-lite spec; its full type lives in vega-lite and is not needed here. */
export type VegaLiteSpec = Record<string, unknown>;

export const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

const config = {
  font: FONT,
  background: "white",
  axis: { labelFontSize: 10, titleFontSize: 11, grid: true, gridOpacity: 0.5 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 11 },
  title: { fontSize: 14, anchor: "start" },
  view: { stroke: "#888" },
};

const base = (title: string, values: readonly Row[]): VegaLiteSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title,
  config,
  data: { values },
});

/** Panels per row of a per-model grid. */
const COLUMNS = 4;

const modelFacet = (order: readonly string[]) => ({
  field: "model",
  type: "nominal",
  sort: order,
  title: null,
});

/** The input group of a model ("1D", "2D"), read from its name; others stand alone. */
export const inputGroup = (model: string): string => /^(\d+D)/.exec(model)?.[1] ?? model;

/** Figure 2: residual histograms over |eps| <= limit dex. */
export const residualsFigure = (
  residuals: readonly Row[],
  order: readonly string[],
  limit = 0.8,
): VegaLiteSpec => {
  const values = residuals.filter((r) => num(r, "eps_lo") >= -limit && num(r, "eps_hi") <= limit);
  return {
    ...base("Figure 2: point residuals, 14 ≤ m_true ≤ 15", values),
    facet: modelFacet(order),
    columns: COLUMNS,
    spec: {
      width: 170,
      height: 110,
      layer: [
        {
          mark: { type: "rect", color: "#4c78a8" },
          encoding: {
            x: {
              field: "eps_lo",
              type: "quantitative",
              title: "residual ε = E[m] − m_true (dex)",
              scale: { domain: [-limit, limit] },
            },
            x2: { field: "eps_hi" },
            y: { field: "density", type: "quantitative", title: "density (1/dex)" },
          },
        },
        {
          mark: { type: "rule", color: "black", strokeDash: [4, 3] },
          encoding: { x: { datum: 0 } },
        },
      ],
    },
  };
};

/**
 * The views shown in Figure 3: those that the most models picked (all of
 * them, when the models share their test views), first picked first.
 */
export const commonExampleViews = (examples: readonly Row[], count: number): number[] => {
  const models = new Map<number, Set<string>>();
  for (const r of examples) {
    const id = num(r, "view_id");
    const seen = models.get(id) ?? new Set<string>();
    seen.add(str(r, "model"));
    models.set(id, seen);
  }
  return [...models.keys()]
    .map((id, first) => ({ id, first, models: models.get(id)?.size ?? 0 }))
    .sort((a, b) => b.models - a.models || a.first - b.first)
    .slice(0, count)
    .map((v) => v.id);
};

/**
 * Figure 3: example posteriors, one column per cluster and one row per input
 * group, the true mass as a dashed line.
 */
export const examplesFigure = (
  examples: readonly Row[],
  order: readonly string[],
  clusters = 4,
): VegaLiteSpec => {
  const shown = new Set(commonExampleViews(examples, clusters));
  const label = (r: Row) => `view ${num(r, "view_id")}: m_true = ${num(r, "m_true").toFixed(2)}`;
  const posteriors: Row[] = examples
    .filter((r) => shown.has(num(r, "view_id")))
    .map((r) => ({
      ...r,
      layer: "posterior",
      cluster: label(r),
      input: inputGroup(str(r, "model")),
    }));
  const truths = new Map<string, Row>();
  for (const p of posteriors) {
    const [cluster, input] = [str(p, "cluster"), str(p, "input")];
    if (!truths.has(`${cluster}|${input}`)) {
      truths.set(`${cluster}|${input}`, { layer: "truth", cluster, input, m_true: p.m_true });
    }
  }
  return {
    ...base("Figure 3: example posteriors (dashed: true mass)", [
      ...posteriors,
      ...truths.values(),
    ]),
    facet: {
      column: { field: "cluster", type: "nominal", title: null, sort: { field: "m_true" } },
      row: { field: "input", type: "nominal", title: null },
    },
    spec: {
      width: 190,
      height: 130,
      layer: [
        {
          transform: [{ filter: "datum.layer === 'posterior'" }],
          mark: { type: "line", strokeWidth: 1.3 },
          encoding: {
            x: {
              field: "m",
              type: "quantitative",
              title: "m = log10 M200c (dex)",
              scale: { domain: [13, 16] },
            },
            y: { field: "density", type: "quantitative", title: "posterior density (1/dex)" },
            color: { field: "model", type: "nominal", sort: order, title: "model" },
          },
        },
        {
          transform: [{ filter: "datum.layer === 'truth'" }],
          mark: { type: "rule", color: "black", strokeDash: [4, 3] },
          encoding: { x: { field: "m_true", type: "quantitative" } },
        },
      ],
    },
  };
};

/**
 * Figure 4: median and 16-84 range of posterior sigma in bins of true mass;
 * dashed, the model's residual scatter sigma_eps from Table 2.
 */
export const sigmaFigure = (
  sigmaVsM: readonly Row[],
  summary: readonly Row[],
  order: readonly string[],
): VegaLiteSpec => {
  const bins: Row[] = sigmaVsM.map((r) => ({
    ...r,
    layer: "bins",
    m_mid: (num(r, "m_lo") + num(r, "m_hi")) / 2,
  }));
  const scatter = summary.map((r) => ({
    layer: "sigma_eps",
    model: str(r, "model"),
    sigma_eps: num(r, "sigma_eps"),
  }));
  const shown = new Set(bins.map((b) => str(b, "model")));
  return {
    ...base("Figure 4: posterior σ against true mass (dashed: σ_ε)", [
      ...bins,
      ...scatter.filter((s) => shown.has(s.model)),
    ]),
    facet: modelFacet(order),
    columns: COLUMNS,
    spec: {
      width: 170,
      height: 110,
      layer: [
        {
          transform: [{ filter: "datum.layer === 'bins'" }],
          mark: { type: "area", opacity: 0.3, color: "#4c78a8" },
          encoding: {
            x: {
              field: "m_mid",
              type: "quantitative",
              title: "m_true (dex)",
              scale: { zero: false },
            },
            y: { field: "sigma_p16", type: "quantitative", title: "posterior σ (dex)" },
            y2: { field: "sigma_p84" },
          },
        },
        {
          transform: [{ filter: "datum.layer === 'bins'" }],
          mark: { type: "line", color: "#4c78a8", point: { size: 12 } },
          encoding: {
            x: { field: "m_mid", type: "quantitative" },
            y: { field: "sigma_median", type: "quantitative" },
          },
        },
        {
          transform: [{ filter: "datum.layer === 'sigma_eps'" }],
          mark: { type: "rule", color: "black", strokeDash: [4, 3] },
          encoding: { y: { field: "sigma_eps", type: "quantitative" } },
        },
      ],
    },
  };
};

/** Figure 5: empirical against predictive percentile in three mass bands; dashed, r_hat = r. */
export const percentilesFigure = (rhat: readonly Row[], order: readonly string[]): VegaLiteSpec => {
  const curves = rhat.filter((r) => num(r, "n") > 0).map((r) => ({ ...r, layer: "curve" }));
  const models = [...new Set(curves.map((c) => str(c, "model")))];
  const ideal = models.flatMap((model) => [
    { layer: "ideal", model, r: 0, r_hat: 0 },
    { layer: "ideal", model, r: 1, r_hat: 1 },
  ]);
  return {
    ...base("Figure 5: empirical percentiles r̂(r)", [...curves, ...ideal]),
    facet: modelFacet(order),
    columns: COLUMNS,
    spec: {
      width: 140,
      height: 140,
      layer: [
        {
          transform: [{ filter: "datum.layer === 'ideal'" }],
          mark: { type: "line", color: "#999", strokeDash: [4, 3] },
          encoding: {
            x: { field: "r", type: "quantitative" },
            y: { field: "r_hat", type: "quantitative" },
          },
        },
        {
          transform: [{ filter: "datum.layer === 'curve'" }],
          mark: { type: "line", strokeWidth: 1.5 },
          encoding: {
            x: {
              field: "r",
              type: "quantitative",
              title: "predictive percentile r",
              scale: { domain: [0, 1] },
            },
            y: {
              field: "r_hat",
              type: "quantitative",
              title: "empirical percentile r̂(r)",
              scale: { domain: [0, 1] },
            },
            color: {
              field: "band",
              type: "nominal",
              title: "true mass (dex)",
              sort: ["m < 14", "14 <= m < 15", "m >= 15"],
              legend: { labelExpr: "replace(replace(datum.label, '<=', '≤'), '>=', '≥')" },
            },
          },
        },
      ],
    },
  };
};
