import { Schema } from "effect";
import { describe, expect, it } from "vitest";

import { checkTable, f64, i32, Rng, utf8 } from "../../src/kind/index.ts";
import type { NodeKind, Table } from "../../src/kind/index.ts";
import { compare, kinds, table2 } from "../../src/nodes/metrics/index.ts";
import { gaussianPosteriors } from "./synthetic.ts";

const runKind = async (
  kind: NodeKind,
  params: unknown,
  inputs: Record<string, Table | Table[]>,
): Promise<{ outputs: Record<string, Table>; notes: Record<string, unknown> }> => {
  const notes: Record<string, unknown> = {};
  const outputs = await kind.run({
    params: Schema.decodeUnknownSync(kind.params)(params),
    inputs,
    inputIds: Object.fromEntries(Object.keys(inputs).map((k) => [k, k])),
    rng: new Rng(kind.name),
    nodeId: `test/${kind.name}`,
    progress: () => {},
    note: (key, value) => {
      notes[key] = value;
    },
  });
  for (const [name, table] of Object.entries(outputs)) {
    expect(checkTable(table, kind.outputs[name]), name).toEqual([]);
  }
  return { outputs, notes };
};

const folds = (model: string, sigma: number): Table[] =>
  [0, 1, 2].map((fold) =>
    gaussianPosteriors(new Rng(`${model}/${fold}`), {
      n: 1000,
      mLo: 13.5,
      mHi: 15.3,
      sigmaTrue: sigma,
      sigmaClaimed: sigma,
      fold,
      firstViewId: 1000 * fold,
    }),
  );

describe("metrics.table2", () => {
  it("is exported in the stage's kinds", () => {
    expect(kinds.map((k) => k.name)).toEqual(["metrics.table2", "metrics.compare"]);
  });

  it("needs the model's name", () => {
    expect(() => Schema.decodeUnknownSync(table2.params)({})).toThrow();
  });

  it("writes one summary row over all folds, and tables that match their schemas", async () => {
    const { outputs, notes } = await runKind(
      table2,
      { model: "2DGauss" },
      {
        posteriors: folds("2DGauss", 0.13),
      },
    );
    expect(outputs.summary.numRows).toBe(1);
    expect(utf8(outputs.summary, "model")).toEqual(["2DGauss"]);
    expect(notes.views).toBe(3000);
    // About 1/1.8 of the views, uniform on 13.5..15.3, lie in 14..15.
    expect(i32(outputs.summary, "n")[0]).toBe(notes.viewsInTable2Range);
    expect(Math.abs(i32(outputs.summary, "n")[0] / 3000 - 1 / 1.8)).toBeLessThan(0.05);
    expect(Math.abs(f64(outputs.summary, "sigma_eps")[0] - 0.13)).toBeLessThan(0.01);
  });

  it("writes 101 points of r_hat for each of the three mass bands", async () => {
    const { outputs } = await runKind(
      table2,
      { model: "1DPoint" },
      {
        posteriors: folds("1DPoint", 0.17),
      },
    );
    expect(outputs.rhat.numRows).toBe(303);
    expect(new Set(utf8(outputs.rhat, "band")).size).toBe(3);
    expect(outputs.residuals.numRows).toBe(80);
    expect(outputs.examples.numRows).toBe(4 * 301);
  });
});

describe("metrics.compare", () => {
  it("stacks the models' summaries in the order given", async () => {
    const one = await runKind(table2, { model: "1DPoint" }, { posteriors: folds("a", 0.17) });
    const two = await runKind(table2, { model: "2DPoint" }, { posteriors: folds("b", 0.13) });
    const { outputs } = await runKind(
      compare,
      {},
      {
        summaries: [one.outputs.summary, two.outputs.summary],
      },
    );
    expect(utf8(outputs.table2, "model")).toEqual(["1DPoint", "2DPoint"]);
    expect(f64(outputs.table2, "sigma_eps")[1]).toBe(f64(two.outputs.summary, "sigma_eps")[0]);
  });

  it("refuses two summaries of the same model", async () => {
    const one = await runKind(table2, { model: "1DPoint" }, { posteriors: folds("a", 0.17) });
    await expect(
      runKind(compare, {}, { summaries: [one.outputs.summary, one.outputs.summary] }),
    ).rejects.toThrow(/1DPoint/);
  });
});
