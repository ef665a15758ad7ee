/**
 * Which rows of a KDE images table a node reads, shared by `train.cnn` and
 * `infer.cnn`: the fold split and the model-name parameter.
 */
import { Schema } from "effect";

import { f64, i32, list, utf8, withDefault, type Table } from "../../kind/index.ts";
import { channelsOf, flushTiny, MODEL_NAMES, V_BINS, type ModelSpec } from "./model.ts";
import type { Dataset } from "./train.ts";

/**
 * Rows of an images table that `keep` accepts, as a Dataset for `spec`: a
 * copy, every pixel multiplied by `scale` (train.cnn's `inputScale`), with
 * pixels below TINY then set to 0 (model.ts: subnormal pixels slow every
 * product with them).
 */
export const selectRows = (
  images: Table,
  spec: ModelSpec,
  keep: (row: number) => boolean,
  scale = 1,
): { data: Dataset; rows: Int32Array } => {
  const image = list(images, "image");
  const size = V_BINS * channelsOf(spec);
  if (image.size !== size) {
    throw new Error(
      `model ${spec.name} needs images of ${size} values, the table has ${image.size}`,
    );
  }
  const m = f64(images, "m");
  const picked: number[] = [];
  for (let r = 0; r < images.numRows; r++) if (keep(r)) picked.push(r);
  const rows = Int32Array.from(picked);
  const values = new Float32Array(rows.length * size);
  rows.forEach((r, i) => values.set(image.values.subarray(r * size, (r + 1) * size), i * size));
  if (scale !== 1) for (let i = 0; i < values.length; i++) values[i] *= scale;
  flushTiny(values);
  return { data: { images: values, size, m: Float64Array.from(rows, (r) => m[r]) }, rows };
};

/** A predicate keeping at most `max` of the rows `keep` accepts, evenly spaced (0: all). */
export const everyKth = (
  numRows: number,
  keep: (row: number) => boolean,
  max: number,
): ((row: number) => boolean) => {
  let total = 0;
  for (let r = 0; r < numRows; r++) if (keep(r)) total++;
  if (max <= 0 || total <= max) return keep;
  const chosen = new Set<number>();
  let seen = 0;
  for (let r = 0; r < numRows; r++) {
    if (!keep(r)) continue;
    // The i-th accepted row is taken when floor(i * max / total) advances.
    if (Math.floor(((seen + 1) * max) / total) > Math.floor((seen * max) / total)) chosen.add(r);
    seen++;
  }
  return (r) => chosen.has(r);
};

/** Which rows of an images table a fold trains on, validates on and tests on. */
export const foldRows = (images: Table, fold: number) => {
  const set = utf8(images, "set");
  const folds = i32(images, "fold");
  // VIEWS flags validation hosts; imagesSchema does not carry the flag (yet).
  const flag = images.columns.validation;
  const validation = flag instanceof Uint8Array ? flag : undefined;
  return {
    train: (r: number) => set[r] === "train" && folds[r] !== fold,
    validation:
      validation === undefined
        ? undefined
        : (r: number) => set[r] === "test" && folds[r] !== fold && validation[r] === 1,
    test: (r: number) => set[r] === "test" && folds[r] === fold,
  };
};

/**
 * A node kind's `implementation` (hashed into its keys): its own module and
 * the files of this folder it runs, by base name.
 */
export const implementationOf = (self: string, files: readonly string[]): string[] => [
  self,
  ...files.map((f) => new URL(`./${f}.ts`, import.meta.url).href),
];

/** One of the twelve names of Table 1, checked when the spec is read. */
export const modelName = Schema.Literals(MODEL_NAMES).pipe(withDefault("2DGauss-d"));
