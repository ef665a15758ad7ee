/**
 * Table 2 for people: each model's statistics beside the paper's values and
 * their difference, as Markdown (for reading) and CSV (for plotting).
 */
import { paperRow, PAPER_TABLE2 } from "./paper-table2.ts";
import type { PaperTable2Row } from "./paper-table2.ts";
import { num, str } from "./records.ts";
import type { Row } from "./records.ts";

interface Metric {
  /** CSV column name. */
  readonly key: string;
  /** Markdown header. */
  readonly header: string;
  readonly ours: (r: Row) => number;
  readonly paper: (p: PaperTable2Row) => number;
}

/** The paper's columns, in its order; the residual range as distances from the median. */
export const METRICS: readonly Metric[] = [
  {
    key: "median_eps",
    header: "median ε (dex)",
    ours: (r) => num(r, "median_eps"),
    paper: (p) => p.medianEps,
  },
  {
    key: "eps_minus",
    header: "−Δε (dex)",
    ours: (r) => num(r, "median_eps") - num(r, "eps_p16"),
    paper: (p) => p.epsMinus,
  },
  {
    key: "eps_plus",
    header: "+Δε (dex)",
    ours: (r) => num(r, "eps_p84") - num(r, "median_eps"),
    paper: (p) => p.epsPlus,
  },
  {
    key: "sigma_eps",
    header: "σ_ε (dex)",
    ours: (r) => num(r, "sigma_eps"),
    paper: (p) => p.sigmaEps,
  },
  {
    key: "skew_eps",
    header: "γ",
    ours: (r) => num(r, "skew_eps"),
    paper: (p) => p.skewEps,
  },
  {
    key: "ex_kurt_eps",
    header: "κ",
    ours: (r) => num(r, "ex_kurt_eps"),
    paper: (p) => p.exKurtEps,
  },
  {
    key: "mean_var",
    header: "mean Var (dex²)",
    ours: (r) => num(r, "mean_var"),
    paper: (p) => p.meanVariance,
  },
  {
    key: "r_hat_50",
    header: "r̂(0.5)",
    ours: (r) => num(r, "r_hat_50"),
    paper: (p) => p.rHatMedian,
  },
  {
    key: "epr_16_84",
    header: "16-84 EPR",
    ours: (r) => num(r, "epr_16_84"),
    paper: (p) => p.epr1684,
  },
  {
    key: "epr_5_95",
    header: "5-95 EPR",
    ours: (r) => num(r, "epr_5_95"),
    paper: (p) => p.epr595,
  },
];

const fixed = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");
/** With an explicit sign; a difference that rounds to zero shows as 0.000, not -0.000. */
const signed = (x: number, digits = 3): string => {
  if (!Number.isFinite(x)) return "n/a";
  const text = Math.abs(x).toFixed(digits);
  if (Number(text) === 0) return text;
  return (x > 0 ? "+" : "-") + text;
};

/**
 * Markdown: per model a row of our values, then (for the paper's twelve
 * models) a row of the paper's and a row of ours minus the paper's.
 */
export const table2Markdown = (summary: readonly Row[]): string => {
  const header = ["model", "", "N", ...METRICS.map((m) => m.header)];
  const lines = [
    "# Table 2: descriptive statistics of model performance",
    "",
    "Test views with 14 <= m_true <= 15 dex of every fold that was run (all of them unless " +
      "`observe.runFolds` says fewer; N is per model); residual ε = E[m] − m_true. " +
      "Paper: Ho, Farahi, Rau & Trac (2021), Table 2.",
    "",
    `| ${header.join(" | ")} |`,
    `|${header.map((_, k) => (k < 2 ? "---" : "---:")).join("|")}|`,
  ];

  for (const r of summary) {
    const model = str(r, "model");
    const ours = METRICS.map((m) => m.ours(r));
    lines.push(`| ${model} | ours | ${num(r, "n")} | ${ours.map((x) => fixed(x)).join(" | ")} |`);
    const p = paperRow(model);
    if (p === undefined) continue;
    const paper = METRICS.map((m) => m.paper(p));
    lines.push(`| | paper | | ${paper.map((x) => fixed(x)).join(" | ")} |`);
    lines.push(`| | ours − paper | | ${ours.map((x, k) => signed(x - paper[k])).join(" | ")} |`);
  }

  const ran = new Set(summary.map((r) => str(r, "model")));
  const missing = PAPER_TABLE2.filter((p) => !ran.has(p.model)).map((p) => p.model);
  if (missing.length > 0) lines.push("", `Not run here: ${missing.join(", ")}.`);
  return `${lines.join("\n")}\n`;
};

const csvCell = (x: number | string): string => {
  if (typeof x === "number") return Number.isFinite(x) ? String(Number(x.toPrecision(8))) : "";
  return /[",\n]/.test(x) ? `"${x.replaceAll('"', '""')}"` : x;
};

/**
 * CSV: one row per model; for every metric our value, the paper's and the
 * difference (the last two empty for models the paper does not have).
 */
export const table2Csv = (summary: readonly Row[]): string => {
  const perMetric = METRICS.flatMap((m) => [m.key, `${m.key}_paper`, `${m.key}_diff`]);
  const header = ["model", "n", ...perMetric];
  const lines = [header.join(",")];
  for (const r of summary) {
    const p = paperRow(str(r, "model"));
    const cells: (number | string)[] = [str(r, "model"), num(r, "n")];
    for (const m of METRICS) {
      const ours = m.ours(r);
      cells.push(ours, p === undefined ? "" : m.paper(p), p === undefined ? "" : ours - m.paper(p));
    }
    lines.push(cells.map(csvCell).join(","));
  }
  return `${lines.join("\n")}\n`;
};
