/**
 * Reports: what an experiment's finished outputs become for people, under
 * `results/<experiment>/`. A reporter looks at the kinds in the experiment and
 * reads the outputs it needs through `read`; the runtime writes the files.
 */
import type { Table } from "../kind/index.ts";
import { observedReporter } from "../nodes/observed/figure.ts";
import { renderReport } from "../report/index.ts";

export interface ReportNode {
  readonly id: string;
  readonly kind: string;
}

/** Reads output `table` of node `id`; undefined when that node has not run. */
export type ReadOutput = (id: string, table: string) => Table | undefined;

export interface ReportFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface Reporter {
  readonly name: string;
  readonly applies: (nodes: readonly ReportNode[]) => boolean;
  readonly render: (nodes: readonly ReportNode[], read: ReadOutput) => Promise<ReportFile[]>;
}

const present = (tables: (Table | undefined)[]): Table[] =>
  tables.filter((t): t is Table => t !== undefined);

/** The paper's Table 2 and Figures 2-5 from the metrics nodes. */
const paperReport: Reporter = {
  name: "paper",
  applies: (nodes) => nodes.some((n) => n.kind === "metrics.compare"),
  render: async (nodes, read) => {
    const compare = nodes.find((n) => n.kind === "metrics.compare")!;
    const table2 = read(compare.id, "table2");
    if (table2 === undefined) return [];
    const perModel = nodes.filter((n) => n.kind === "metrics.table2");
    const all = (t: string) => present(perModel.map((n) => read(n.id, t)));
    const { files } = await renderReport({
      table2,
      residuals: all("residuals"),
      examples: all("examples"),
      sigmaVsM: all("sigma_vs_m"),
      rhat: all("rhat"),
    });
    return files;
  },
};

const fmt = (v: number): string =>
  !Number.isFinite(v)
    ? Number.isNaN(v)
      ? ""
      : v > 0
        ? "inf"
        : "-inf"
    : Math.abs(v) >= 100
      ? v.toFixed(0)
      : v.toPrecision(4);

/** The universe's calibration table (observe.calibration) as Markdown and CSV. */
const calibrationReport: Reporter = {
  name: "calibration",
  applies: (nodes) => nodes.some((n) => n.kind === "observe.calibration"),
  render: async (nodes, read) => {
    const node = nodes.find((n) => n.kind === "observe.calibration")!;
    const t = read(node.id, "calibration");
    if (t === undefined) return [];
    const col = (name: string) => t.columns[name] as ArrayLike<number | string>;
    const rows = Array.from({ length: t.numRows }, (_, i) => ({
      metric: String(col("metric")[i]),
      mLo: fmt(Number(col("m_lo")[i])),
      mHi: fmt(Number(col("m_hi")[i])),
      value: fmt(Number(col("value")[i])),
      reference: fmt(Number(col("reference")[i])),
      n: String(col("n")[i]),
    }));
    const md = [
      "# Calibration of the universe",
      "",
      "Measured on this experiment's universe (`observe.calibration`); references are the",
      "Tinker (2008) prediction for halo counts and the targets of SCIENCE.md otherwise.",
      "",
      "| metric | m from | m to | value | reference | n |",
      "|---|---:|---:|---:|---:|---:|",
      ...rows.map(
        (r) => `| ${r.metric} | ${r.mLo} | ${r.mHi} | ${r.value} | ${r.reference} | ${r.n} |`,
      ),
      "",
    ].join("\n");
    const csv = [
      "metric,m_lo,m_hi,value,reference,n",
      ...rows.map((r) => [r.metric, r.mLo, r.mHi, r.value, r.reference, r.n].join(",")),
      "",
    ].join("\n");
    const enc = new TextEncoder();
    return [
      { path: "calibration.md", bytes: enc.encode(md) },
      { path: "calibration.csv", bytes: enc.encode(csv) },
    ];
  },
};

export const reporters: readonly Reporter[] = [paperReport, calibrationReport, observedReporter];
