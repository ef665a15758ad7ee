/** Weights-table helpers shared by the ml tests. */
import { makeTable, type Table } from "../../src/kind/index.ts";

/** A weights table (weights.ts) without the rows of one tensor, as an older writer made it. */
export const withoutTensor = (table: Table, name: string): Table => {
  const keep = (table.columns.tensor as string[]).map((t) => t !== name);
  const pick = <T>(xs: ArrayLike<T>): T[] => Array.from(xs).filter((_, i) => keep[i]);
  return makeTable({
    tensor: pick(table.columns.tensor as string[]),
    shape: pick(table.columns.shape as string[]),
    index: Int32Array.from(pick(table.columns.index as Int32Array)),
    value: Float32Array.from(pick(table.columns.value as Float32Array)),
  });
};
