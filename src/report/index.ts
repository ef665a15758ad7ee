/**
 * The report for people: Table 2 beside the paper's, and Figures 2-5, from
 * the tables of the metrics stage. Pure: it returns the files' bytes and
 * relative paths; the runtime writes them under results/<experiment>/.
 */
import type { Table } from "../kind/index.ts";

import { examplesFigure, percentilesFigure, residualsFigure, sigmaFigure } from "./figures.ts";
import type { VegaLiteSpec } from "./figures.ts";
import { str, toRecords } from "./records.ts";
import { findFont, pngFromSvg, svgFromVegaLite } from "./render.ts";
import type { FontChoice } from "./render.ts";
import { table2Csv, table2Markdown } from "./table2.ts";

export { PAPER_TABLE2, paperRow } from "./paper-table2.ts";
export type { PaperTable2Row } from "./paper-table2.ts";
export { findFont, pngFromSvg, resvgOptions, svgFromVegaLite } from "./render.ts";
export type { FontChoice } from "./render.ts";
export { table2Csv, table2Markdown } from "./table2.ts";

type Tables = Table | readonly Table[];

export interface ReportInput {
  /** metrics.compare's `table2`, or the models' `summary` tables. */
  readonly table2: Tables;
  /** The other outputs of metrics.table2, one table per model (or stacked). */
  readonly residuals?: Tables;
  readonly examples?: Tables;
  readonly sigmaVsM?: Tables;
  readonly rhat?: Tables;
  /** Font for the PNGs; found on the system when left out. */
  readonly font?: FontChoice;
}

export interface ReportFile {
  /** Relative to the report's folder, e.g. `fig2-residuals.svg`. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * Table 2 as `table2.md` and `table2.csv`, and each figure whose table is
 * given and not empty as `figN-name.svg` and `.png`.
 */
export const renderReport = async (input: ReportInput): Promise<{ files: ReportFile[] }> => {
  const summary = toRecords(input.table2);
  const order = summary.map((r) => str(r, "model"));
  const files: ReportFile[] = [
    { path: "table2.md", bytes: utf8(table2Markdown(summary)) },
    { path: "table2.csv", bytes: utf8(table2Csv(summary)) },
  ];

  const figures: [string, VegaLiteSpec][] = [];
  const residuals = toRecords(input.residuals);
  if (residuals.length > 0) figures.push(["fig2-residuals", residualsFigure(residuals, order)]);
  const examples = toRecords(input.examples);
  if (examples.length > 0) figures.push(["fig3-posteriors", examplesFigure(examples, order)]);
  const sigmaVsM = toRecords(input.sigmaVsM);
  if (sigmaVsM.length > 0) figures.push(["fig4-sigma", sigmaFigure(sigmaVsM, summary, order)]);
  const rhat = toRecords(input.rhat);
  if (rhat.length > 0) figures.push(["fig5-percentiles", percentilesFigure(rhat, order)]);

  const font = input.font ?? findFont();
  for (const [name, spec] of figures) {
    const svg = await svgFromVegaLite(spec);
    files.push({ path: `${name}.svg`, bytes: utf8(svg) });
    files.push({ path: `${name}.png`, bytes: pngFromSvg(svg, font) });
  }
  return { files };
};
