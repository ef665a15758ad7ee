import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { tableFromArrays, tableToIPC } from "apache-arrow";
import { Table as WasmTable, writeParquet } from "parquet-wasm";
import { afterAll, describe, expect, it } from "vitest";

import { readParquetCatalog } from "../../src/nodes/catalog/index.ts";

const scratch = mkdtempSync(join(tmpdir(), "catalog-parquet-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const writeTable = (name: string, columns: Parameters<typeof tableFromArrays>[0]): string => {
  const path = join(scratch, name);
  const ipc = tableToIPC(tableFromArrays(columns), "stream");
  writeFileSync(path, writeParquet(WasmTable.fromIPCStream(ipc)));
  return path;
};

const halos = {
  id: new BigInt64Array([5n, 6n, 7n]),
  upid: new BigInt64Array([-1n, 5n, -1n]),
  m200c: new Float64Array([2e14, 3e12, 5e13]),
  x: new Float64Array([1, 2, 3]),
  y: new Float64Array([4, 5, 6]),
  z: new Float64Array([7, 8, 9]),
  vx: new Float64Array([-10, 20, 30]),
  vy: new Float64Array([40, -50, 60]),
  vz: new Float64Array([70, 80, -90]),
};

describe("Parquet in the internal schema", () => {
  it("round-trips a HALOS table", async () => {
    const { table } = await readParquetCatalog(writeTable("halos.parquet", halos), "halos");
    expect(Array.from(table.columns.id as BigInt64Array)).toEqual([5n, 6n, 7n]);
    expect(Array.from(table.columns.upid as BigInt64Array)).toEqual([-1n, 5n, -1n]);
    expect(Array.from(table.columns.m200c as Float64Array)).toEqual([2e14, 3e12, 5e13]);
    expect(Array.from(table.columns.vz as Float64Array)).toEqual([70, 80, -90]);
  });

  it("widens int32 ids and float32 values", async () => {
    const path = writeTable("narrow.parquet", {
      ...halos,
      id: new Int32Array([5, 6, 7]),
      x: new Float32Array([1.5, 2.5, 3.5]),
    });
    const { table } = await readParquetCatalog(path, "halos");
    expect(Array.from(table.columns.id as BigInt64Array)).toEqual([5n, 6n, 7n]);
    expect(Array.from(table.columns.x as Float64Array)).toEqual([1.5, 2.5, 3.5]);
  });

  it("names the row and column of a negative mass", async () => {
    const path = writeTable("neg.parquet", { ...halos, m200c: new Float64Array([2e14, -3, 1]) });
    await expect(readParquetCatalog(path, "halos")).rejects.toThrow(
      `${path}, row 2, column 'm200c': negative mass -3`,
    );
  });

  it("names the row and column of a NaN", async () => {
    const path = writeTable("nan.parquet", { ...halos, vy: new Float64Array([1, 2, Number.NaN]) });
    await expect(readParquetCatalog(path, "halos")).rejects.toThrow(`${path}, row 3, column 'vy'`);
  });

  it("names a missing column", async () => {
    const { vz: _, ...noVz } = halos;
    const path = writeTable("novz.parquet", noVz);
    await expect(readParquetCatalog(path, "halos")).rejects.toThrow(
      `${path}, column 'vz': no column for 'vz'`,
    );
  });

  it("refuses a small file that declares far more rows than its size can hold", async () => {
    const rows = 300_000;
    const path = writeTable("bomb.parquet", {
      id: new BigInt64Array(rows),
      upid: new BigInt64Array(rows),
      m200c: new Float64Array(rows),
      x: new Float64Array(rows),
      y: new Float64Array(rows),
      z: new Float64Array(rows),
      vx: new Float64Array(rows),
      vy: new Float64Array(rows),
      vz: new Float64Array(rows),
    });
    await expect(readParquetCatalog(path, "halos")).rejects.toThrow(
      /declares 300000 rows .* refusing more than 64x expansion/,
    );
  });

  it("rejects a file that is not Parquet", async () => {
    const path = join(scratch, "text.parquet");
    writeFileSync(path, "id,upid\n1,2\n");
    await expect(readParquetCatalog(path, "halos")).rejects.toThrow(
      `${path}: not a readable Parquet`,
    );
  });
});
