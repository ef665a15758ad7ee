/**
 * The trained weights as a table, one row per scalar (long format):
 *
 *   tensor (utf8)  "conv1.kernel", ..., "head.bias", and "sigma_d2"
 *   shape  (utf8)  dimensions joined by "x", e.g. "1x5x48x24"
 *   index  (i32)   position in the tensor, row-major
 *   value  (f32)
 *
 * Long rather than one row per tensor because the table format has only
 * fixed-size lists, and tensors differ in size; any Parquet reader can
 * pivot it back (group by tensor, order by index). The pseudo-tensor
 * "sigma_d2" (shape "1") carries the training MSE in dex^2, the width of
 * the Point models' posteriors (NaN for the other heads); "input_scale"
 * (shape "1") the factor the network's inputs were multiplied by in training,
 * which inference must apply too (tables written before it existed lack it:
 * they read as 1).
 */
import { f32, i32, makeTable, utf8, type Table, type TableSchema } from "../../kind/index.ts";
import { paramShapes, type ModelSpec } from "./model.ts";

export const WEIGHTS: TableSchema = [
  { name: "tensor", type: "utf8", doc: "parameter name, sigma_d2 or input_scale" },
  { name: "shape", type: "utf8", doc: "dimensions joined by x" },
  { name: "index", type: "i32", doc: "row-major position in the tensor" },
  { name: "value", type: "f32" },
];

export const SIGMA_D2 = "sigma_d2";
export const INPUT_SCALE = "input_scale";

export const weightsTable = (
  spec: ModelSpec,
  weights: ReadonlyMap<string, Float32Array>,
  sigmaD2: number,
  inputScale = 1,
): Table => {
  const entries: [string, readonly number[], Float32Array][] = paramShapes(spec).map((p) => [
    p.name,
    p.shape,
    weights.get(p.name)!,
  ]);
  entries.push([SIGMA_D2, [1], Float32Array.of(sigmaD2)]);
  entries.push([INPUT_SCALE, [1], Float32Array.of(inputScale)]);
  const total = entries.reduce((a, [, , v]) => a + v.length, 0);
  const tensor: string[] = new Array(total);
  const shape: string[] = new Array(total);
  const index = new Int32Array(total);
  const value = new Float32Array(total);
  let row = 0;
  for (const [name, dims, values] of entries) {
    const joined = dims.join("x");
    for (let i = 0; i < values.length; i++, row++) {
      tensor[row] = name;
      shape[row] = joined;
      index[row] = i;
      value[row] = values[i];
    }
  }
  return makeTable({ tensor, shape, index, value });
};

export interface LoadedWeights {
  readonly weights: Map<string, Float32Array>;
  readonly sigmaD2: number;
  /** Multiply every pixel by this before the network sees it. */
  readonly inputScale: number;
}

/** Reads a weights table back, checking every tensor against the model's shapes. */
export const readWeightsTable = (spec: ModelSpec, table: Table): LoadedWeights => {
  const tensor = utf8(table, "tensor");
  const shape = utf8(table, "shape");
  const index = i32(table, "index");
  const value = f32(table, "value");
  const expected = new Map(paramShapes(spec).map((p) => [p.name, p.shape.join("x")]));
  expected.set(SIGMA_D2, "1");
  expected.set(INPUT_SCALE, "1");
  const sizes = new Map<string, number>();
  for (const [name, dims] of expected) {
    sizes.set(
      name,
      dims.split("x").reduce((a, d) => a * Number(d), 1),
    );
  }

  const weights = new Map<string, Float32Array>();
  const seen = new Map<string, number>();
  for (let row = 0; row < table.numRows; row++) {
    const name = tensor[row];
    const size = sizes.get(name);
    if (size === undefined) {
      throw new Error(`weights: tensor '${name}' is not part of ${spec.name}`);
    }
    if (shape[row] !== expected.get(name)) {
      throw new Error(
        `weights: '${name}' has shape ${shape[row]}, ${spec.name} needs ${expected.get(name)}`,
      );
    }
    let values = weights.get(name);
    if (values === undefined) {
      values = new Float32Array(size);
      weights.set(name, values);
    }
    const i = index[row];
    if (!(i >= 0 && i < size)) throw new Error(`weights: index ${i} outside '${name}' (${size})`);
    values[i] = value[row];
    seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  for (const [name, size] of sizes) {
    if (name === INPUT_SCALE && !seen.has(name)) continue; // an older table
    if (seen.get(name) !== size) {
      throw new Error(`weights: '${name}' has ${seen.get(name) ?? 0} of its ${size} values`);
    }
  }
  const sigmaD2 = weights.get(SIGMA_D2)![0];
  const inputScale = weights.get(INPUT_SCALE)?.[0] ?? 1;
  if (!(inputScale > 0 && Number.isFinite(inputScale))) {
    throw new Error(`weights: input_scale ${inputScale} is not a positive number`);
  }
  weights.delete(SIGMA_D2);
  weights.delete(INPUT_SCALE);
  return { weights, sigmaD2, inputScale };
};
