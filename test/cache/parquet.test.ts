import { describe, expect, it } from "vitest";

import { decodeParquet, encodeParquet } from "../../src/cache/parquet.ts";
import { fixedList, makeTable, type TableSchema } from "../../src/kind/index.ts";

const schema: TableSchema = [
  { name: "a", type: "f64" },
  { name: "b", type: "f32" },
  { name: "i", type: "i32" },
  { name: "id", type: "i64" },
  { name: "ok", type: "bool" },
  { name: "s", type: "utf8" },
  { name: "img", type: { list: "f32", size: 3 } },
];

const sample = () =>
  makeTable({
    a: new Float64Array([1.5, -2, Math.PI]),
    b: new Float32Array([0.25, 1, 2]),
    i: new Int32Array([7, -8, 9]),
    id: new BigInt64Array([1n, 2n ** 40n, -1n]),
    ok: new Uint8Array([1, 0, 1]),
    s: ["train", "test", "train"],
    img: fixedList(3, new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9])),
  });

describe("parquet encoding", () => {
  it("round-trips every column type", () => {
    const { table, schema: read } = decodeParquet(encodeParquet(sample(), schema));
    expect(read).toEqual(schema);
    expect(table.numRows).toBe(3);
    expect(Array.from(table.columns.a as Float64Array)).toEqual([1.5, -2, Math.PI]);
    expect(Array.from(table.columns.b as Float32Array)).toEqual([0.25, 1, 2]);
    expect(Array.from(table.columns.i as Int32Array)).toEqual([7, -8, 9]);
    expect(Array.from(table.columns.id as BigInt64Array)).toEqual([1n, 2n ** 40n, -1n]);
    expect(Array.from(table.columns.ok as Uint8Array)).toEqual([1, 0, 1]);
    expect(table.columns.s).toEqual(["train", "test", "train"]);
    const img = table.columns.img as { size: number; values: Float32Array };
    expect(img.size).toBe(3);
    expect(Array.from(img.values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("gives the same bytes for the same table", () => {
    expect(Buffer.from(encodeParquet(sample(), schema))).toEqual(
      Buffer.from(encodeParquet(sample(), schema)),
    );
  });

  it("refuses a table that does not match its schema", () => {
    const bad = makeTable({ a: new Float32Array([1]) });
    expect(() => encodeParquet(bad, [{ name: "a", type: "f64" }])).toThrow(/not of type f64/);
  });

  it("round-trips an empty table", () => {
    const empty = makeTable({ a: new Float64Array(0) });
    const { table } = decodeParquet(encodeParquet(empty, [{ name: "a", type: "f64" }]));
    expect(table.numRows).toBe(0);
  });
});
