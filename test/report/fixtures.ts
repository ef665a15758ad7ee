/**
 * Metrics-stage tables of a small synthetic suite of models, made by running
 * metrics.table2 on synthetic posteriors: what the report receives.
 */
import { Schema } from "effect";

import { Rng } from "../../src/kind/index.ts";
import type { Table } from "../../src/kind/index.ts";
import { stackTables, SUMMARY, table2 } from "../../src/nodes/metrics/index.ts";
import { gaussianPosteriors } from "../metrics/synthetic.ts";

export interface SuiteTables {
  readonly table2: Table;
  readonly residuals: Table[];
  readonly examples: Table[];
  readonly sigmaVsM: Table[];
  readonly rhat: Table[];
}

/** Models named as in the paper, with Gaussian or class posteriors of the given widths (dex). */
export const suiteTables = async (
  models: readonly { name: string; sigma: number; claimed: number; class?: boolean }[],
  viewsPerFold = 400,
): Promise<SuiteTables> => {
  // Every model sees the same test views, as in the pipeline.
  const testViews = [0, 1].map((fold) => {
    const rng = new Rng(`test-views/${fold}`);
    return Float64Array.from({ length: viewsPerFold }, () => rng.range(13.5, 15.3));
  });
  const out = { summaries: [] as Table[], residuals: [] as Table[], examples: [] as Table[] };
  const figures = { sigmaVsM: [] as Table[], rhat: [] as Table[] };
  for (const m of models) {
    const folds = [0, 1].map((fold) =>
      gaussianPosteriors(new Rng(`${m.name}/${fold}`), {
        n: viewsPerFold,
        mTrue: testViews[fold],
        sigmaTrue: m.sigma,
        sigmaClaimed: m.claimed,
        bias: -0.03,
        fold,
        firstViewId: fold * viewsPerFold,
        asClass: m.class,
      }),
    );
    const tables = await table2.run({
      params: Schema.decodeUnknownSync(table2.params)({ model: m.name }),
      inputs: { posteriors: folds },
      inputIds: { posteriors: ["a", "b"] },
      rng: new Rng(m.name),
      nodeId: `metrics/${m.name}`,
      progress: () => {},
      note: () => {},
    });
    out.summaries.push(tables.summary);
    out.residuals.push(tables.residuals);
    out.examples.push(tables.examples);
    figures.sigmaVsM.push(tables.sigma_vs_m);
    figures.rhat.push(tables.rhat);
  }
  return {
    table2: stackTables(out.summaries, SUMMARY),
    residuals: out.residuals,
    examples: out.examples,
    ...figures,
  };
};

export const PAPER_LIKE_SUITE = [
  { name: "1DPoint", sigma: 0.17, claimed: 0.18 },
  { name: "1DGauss", sigma: 0.17, claimed: 0.16 },
  { name: "1DClass", sigma: 0.17, claimed: 0.17, class: true },
  { name: "2DPoint", sigma: 0.13, claimed: 0.15 },
  { name: "2DGauss-d", sigma: 0.12, claimed: 0.15 },
  { name: "M-sigma", sigma: 0.35, claimed: 0.35 },
];
