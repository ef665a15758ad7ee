import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { readCsv, readHlist } from "../../src/nodes/catalog/index.ts";

const fixture = (name: string): string =>
  new URL(`../fixtures/catalog/${name}`, import.meta.url).pathname;

const scratch = mkdtempSync(join(tmpdir(), "catalog-text-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

const HLIST_IDS = [10000001n, 10000002n, 10000003n];

const HLIST_HEADER = "#id(0) upid(1) M200c(2) x(3) y(4) z(5) vx(6) vy(7) vz(8)\n";

describe("Rockstar hlist", () => {
  it("reads the columns it needs by their header names, skipping the others", () => {
    const { table } = readHlist(fixture("hlist_small.list"), "halos");
    expect(table.numRows).toBe(3);
    expect(Array.from(table.columns.id as BigInt64Array)).toEqual(HLIST_IDS);
    expect(Array.from(table.columns.upid as BigInt64Array)).toEqual([-1n, 10000001n, -1n]);
    expect(Array.from(table.columns.m200c as Float64Array)).toEqual([3.15e14, 1.9e12, 4.75e13]);
    expect(Array.from(table.columns.z as Float64Array)).toEqual([999.875, 999.5, 745.25]);
    expect(Array.from(table.columns.vz as Float64Array)).toEqual([140, 55.3, 30.25]);
  });

  it("records the sha256 of the file's bytes", () => {
    const a = write("a.list", `${HLIST_HEADER}1 -1 1e14 1 2 3 4 5 6\n`);
    const b = write("b.list", `${HLIST_HEADER}1 -1 1e14 1 2 3 4 5 7\n`);
    expect(readHlist(a, "halos").sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readHlist(a, "halos").sha256).not.toBe(readHlist(b, "halos").sha256);
  });

  it("drops halos below minM200c when asked", () => {
    const { table } = readHlist(fixture("hlist_small.list"), "halos", { minM200c: 1e13 });
    expect(Array.from(table.columns.id as BigInt64Array)).toEqual([10000001n, 10000003n]);
  });

  it("reads a file longer than one read chunk, with CRLF line ends and no final newline", () => {
    const rows = Array.from({ length: 30000 }, (_, i) => `${i} -1 ${1e13 + i} 1.5 2.5 3.5 4 5 6`);
    const path = write("long.list", HLIST_HEADER + rows.join("\r\n"));
    const { table } = readHlist(path, "halos");
    expect(table.numRows).toBe(30000);
    expect((table.columns.id as BigInt64Array)[29999]).toBe(29999n);
    expect((table.columns.m200c as Float64Array)[29999]).toBe(1e13 + 29999);
  });

  it("names the file, line and column of a non-numeric value", () => {
    const rows = "1 -1 1e14 1 2 3 4 5 6\n2 -1 1e14 1 abc 3 4 5 6\n";
    const path = write("bad.list", HLIST_HEADER + rows);
    expect(() => readHlist(path, "halos")).toThrow(`${path}, line 3, column 'y': 'abc' is not`);
  });

  it("rejects NaN", () => {
    const path = write("nan.list", `${HLIST_HEADER}1 -1 nan 1 2 3 4 5 6\n`);
    expect(() => readHlist(path, "halos")).toThrow(`${path}, line 2, column 'm200c'`);
  });

  it("rejects a negative mass", () => {
    const path = write("neg.list", `${HLIST_HEADER}1 -1 -3e13 1 2 3 4 5 6\n`);
    expect(() => readHlist(path, "halos")).toThrow(
      `${path}, line 2, column 'm200c': negative mass -30000000000000`,
    );
  });

  it("rejects a row with a missing value", () => {
    const path = write("short.list", `${HLIST_HEADER}1 -1 1e14 1 2 3 4 5\n`);
    expect(() => readHlist(path, "halos")).toThrow(
      `${path}, line 2: 8 values, the header names 9 columns`,
    );
  });

  it("rejects a header without a needed column", () => {
    const header = "#id(0) upid(1) mvir(2) x y z vx vy vz\n";
    const path = write("nomass.list", `${header}1 -1 1 1 2 3 4 5 6\n`);
    expect(() => readHlist(path, "halos")).toThrow(
      `${path}, line 1, column 'm200c': no column for 'm200c'`,
    );
  });

  it("rejects a fractional id", () => {
    const path = write("fracid.list", `${HLIST_HEADER}1.5 -1 1e14 1 2 3 4 5 6\n`);
    expect(() => readHlist(path, "halos")).toThrow(
      `${path}, line 2, column 'id': '1.5' is not an integer`,
    );
  });

  it("refuses a binary file with no line breaks instead of buffering it", () => {
    const path = write("blob.list", `${HLIST_HEADER}${"7".repeat(3 << 20)}`);
    expect(() => readHlist(path, "halos")).toThrow(`${path}, line 2: line is longer than`);
  });
});

describe("CSV", () => {
  it("reads CosmoSim spellings (quoted rockstarId, upId)", () => {
    const { table } = readCsv(fixture("cosmosim_rockstar.csv"), "halos");
    expect(Array.from(table.columns.id as BigInt64Array)).toEqual(HLIST_IDS);
    expect(Array.from(table.columns.upid as BigInt64Array)).toEqual([-1n, 10000001n, -1n]);
    expect(Array.from(table.columns.m200c as Float64Array)).toEqual([3.15e14, 1.9e12, 4.75e13]);
  });

  it("reads galaxies in the internal schema", () => {
    const { table } = readCsv(fixture("galaxies_internal.csv"), "galaxies");
    expect(Array.from(table.columns.obs_sm as Float64Array)).toEqual([3.2e10, 1.1e9, 8e10]);
    expect(Array.from(table.columns.vy as Float64Array)).toEqual([300.25, -20, -20.5]);
  });

  it("names the line and column of an empty field", () => {
    const path = write("empty.csv", "id,upid,obs_sm,x,y,z,vx,vy,vz\n1,-1,1e10,1,2,3,4,,6\n");
    expect(() => readCsv(path, "galaxies")).toThrow(`${path}, line 2, column 'vy': '' is not`);
  });

  it("rejects an empty file", () => {
    const path = write("nothing.csv", "");
    expect(() => readCsv(path, "galaxies")).toThrow(`${path}: no header line`);
  });
});
