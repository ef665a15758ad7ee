/**
 * Reports: what an experiment's finished outputs become for people, under
 * `results/<experiment>/`. A reporter looks at the kinds in the experiment and
 * reads the outputs it needs through `read`; the runtime writes the files.
 */
import type { Table } from "../kind/index.ts";
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

const present = (tables: (Table | undefined)[]): Table[] => tables.filter((t): t is Table => t !== undefined);

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

export const reporters: readonly Reporter[] = [paperReport];
