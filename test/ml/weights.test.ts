import { describe, expect, it } from "vitest";

import { checkTable, makeTable, Rng } from "../../src/kind/index.ts";
import { initialParams, parseModelName } from "../../src/nodes/ml/model.ts";
import { readWeightsTable, WEIGHTS, weightsTable } from "../../src/nodes/ml/weights.ts";
import { withoutTensor } from "./tables.ts";

describe("weights table", () => {
  const spec = parseModelName("2DClass-d");
  const weights = initialParams(spec, new Rng("weights"));

  it("holds one row per scalar plus sigma_d2 and input_scale, in the declared schema", () => {
    const table = weightsTable(spec, weights, 0.0312);
    expect(checkTable(table, WEIGHTS)).toEqual([]);
    const scalars = [...weights.values()].reduce((a, w) => a + w.length, 0);
    expect(table.numRows).toBe(scalars + 2); // sigma_d2 and input_scale
    expect(table.columns.shape).toContain("1x5x48x24");
  });

  it("reads back exactly what was written", () => {
    const back = readWeightsTable(spec, weightsTable(spec, weights, 0.0312));
    expect(back.sigmaD2).toBeCloseTo(0.0312, 7);
    for (const [name, values] of weights) expect(back.weights.get(name)).toEqual(values);
  });

  it("carries the input scale, and reads a table written without one as scale 1", () => {
    const table = weightsTable(spec, weights, 0.0312, 100);
    expect(readWeightsTable(spec, table).inputScale).toBe(100);
    const older = withoutTensor(table, "input_scale");
    expect(older.numRows).toBe(table.numRows - 1);
    const back = readWeightsTable(spec, older);
    expect(back.inputScale).toBe(1);
    expect(back.weights.has("input_scale")).toBe(false);
  });

  it("refuses weights of another model", () => {
    const other = parseModelName("1DClass-d");
    const table = weightsTable(spec, weights, 0);
    expect(() => readWeightsTable(other, table)).toThrow(/shape 1x5x48x24/);
  });

  it("refuses a table with a tensor cut short", () => {
    const t = weightsTable(spec, weights, 0);
    const keep = t.numRows - 10;
    const cut = makeTable({
      tensor: (t.columns.tensor as string[]).slice(0, keep),
      shape: (t.columns.shape as string[]).slice(0, keep),
      index: (t.columns.index as Int32Array).slice(0, keep),
      value: (t.columns.value as Float32Array).slice(0, keep),
    });
    expect(() => readWeightsTable(spec, cut)).toThrow(/of its/);
  });
});
