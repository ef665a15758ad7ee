/**
 * observed.members: galaxy tables in, the mocks' VIEWS and MEMBERS out, and
 * an error naming the file, line and column for every way a table can be wrong.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Schema } from "effect";
import { describe, expect, it } from "vitest";

import { encodeParquet } from "../../src/cache/parquet.ts";
import { f64, i32, i64, list, makeTable, utf8 } from "../../src/kind/index.ts";
import { kdeImages1d } from "../../src/nodes/kde/kinds.ts";
import { observedMembers } from "../../src/nodes/observed/kinds.ts";
import { C_KMS, comovingDistance, PLANCK13 } from "../../src/nodes/universe/cosmology.ts";
import { runKind } from "../catalog/run-kind.ts";

const dir = mkdtempSync(join(tmpdir(), "observed-members-"));
const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

/**
 * 14 galaxies around (180, 0) at z = 0.1: i-th at 0.01 i degrees east of the
 * centre and i x 200 km/s (rest frame) behind or in front of it, alternately.
 */
const CENTRE = { ra: 180, dec: 0, z: 0.1 };
const rowsAround = (): { ra: number; dec: number; z: number }[] =>
  Array.from({ length: 14 }, (_, i) => ({
    ra: 180 + 0.01 * i,
    dec: 0,
    z: CENTRE.z + ((i % 2 === 0 ? 1 : -1) * i * 200 * (1 + CENTRE.z)) / C_KMS,
  }));

const csvOf = (rows: { ra: number; dec: number; z: number }[]): string =>
  ["RA,Dec,z,mag", ...rows.map((r) => `${r.ra},${r.dec},${r.z},17.5`)].join("\n") + "\n";

const run = (clusters: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
  runKind(observedMembers, { clusters, ...extra });

const one = (file: string, more: Record<string, unknown> = {}) => ({
  name: "A2029",
  file,
  ...CENTRE,
  ...more,
});

describe("observed.members", () => {
  it("makes one observed view with every galaxy inside the cylinder as a member", async () => {
    const file = write("good.csv", csvOf(rowsAround()));
    const { outputs } = await run([one(file)]);
    // all within 0.13 degrees (0.66 Mpc/h at d_c(0.1) = 292 Mpc/h); the last, at 2600 km/s
    // (2568 km/s in the mocks' convention), is outside the 2500 km/s cut
    expect(outputs.views.numRows).toBe(1);
    expect(utf8(outputs.views, "set")).toEqual(["observed"]);
    expect(i32(outputs.views, "fold")[0]).toBe(-1);
    expect(Number.isNaN(f64(outputs.views, "m")[0])).toBe(true);
    expect(i32(outputs.views, "n_gal")[0]).toBe(13);
    expect(outputs.members.numRows).toBe(13);
    const rProj = f64(outputs.members, "r_proj");
    const d = comovingDistance(PLANCK13, 0.1);
    expect(rProj[12]).toBeCloseTo(d * 0.12 * (Math.PI / 180), 9);
    expect(f64(outputs.clusters, "distance")[0]).toBeCloseTo(d, 9);
    expect(utf8(outputs.clusters, "cluster")).toEqual(["A2029"]);
  });

  it("gives the KDE kinds tables they turn into images unchanged", async () => {
    const file = write("kde.csv", csvOf(rowsAround()));
    const { outputs } = await run([one(file)]);
    const kde = await runKind(
      kdeImages1d,
      {},
      {
        views: outputs.views,
        members: outputs.members,
      },
    );
    const image = list(kde.outputs.images, "image").values;
    expect(image.length).toBe(48);
    expect(Array.from(image).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(i64(kde.outputs.images, "view_id")[0]).toBe(0n);
  });

  it("reads Parquet with cz in km/s the same as CSV with z", async () => {
    const rows = rowsAround();
    const csv = write("z.csv", csvOf(rows));
    const table = makeTable({
      ra: Float64Array.from(rows, (r) => r.ra),
      dec: Float64Array.from(rows, (r) => r.dec),
      cz: Float64Array.from(rows, (r) => r.z * C_KMS),
    });
    const parquet = join(dir, "cz.parquet");
    writeFileSync(
      parquet,
      encodeParquet(table, [
        { name: "ra", type: "f64" },
        { name: "dec", type: "f64" },
        { name: "cz", type: "f64" },
      ]),
    );
    const a = await run([one(csv)]);
    const b = await run([one(parquet)]);
    const va = f64(a.outputs.members, "v_los");
    const vb = f64(b.outputs.members, "v_los");
    for (let i = 0; i < va.length; i++) expect(vb[i]).toBeCloseTo(va[i], 6);
  });

  it("keys the node on the bytes of every galaxy file", () => {
    const file = write("fp.csv", csvOf(rowsAround()));
    const params = Schema.decodeUnknownSync(observedMembers.params)({ clusters: [one(file)] });
    const before = observedMembers.fingerprint!(params);
    write("fp.csv", csvOf(rowsAround().slice(1)));
    expect(observedMembers.fingerprint!(params)).not.toEqual(before);
    expect(Object.keys(before)).toEqual([`file:${file}`]);
  });
});

describe("observed.members refuses", () => {
  const expectError = async (clusters: Record<string, unknown>[], message: RegExp) =>
    expect(run(clusters)).rejects.toThrow(message);

  it("a table without a dec column, naming the file and the header line", async () => {
    const file = write("nodec.csv", "ra,z\n180,0.1\n");
    await expectError([one(file)], new RegExp(`${file}, line 1: no column 'dec'`));
  });

  it("a table without z or cz", async () => {
    const file = write("noz.csv", "ra,dec,redshift\n180,0,0.1\n");
    await expectError([one(file)], /line 1: no redshift column: need 'z' \(redshift\) or 'cz'/);
  });

  it("a value that is not a number, naming line and column", async () => {
    const rows = csvOf(rowsAround()).split("\n");
    rows[3] = "180.02,0,abc,17";
    const file = write("nan.csv", rows.join("\n"));
    await expectError(
      [one(file)],
      new RegExp(`${file}, line 4, column 'z': 'abc' is not a number`),
    );
  });

  it("a Parquet column of text, naming the row", async () => {
    const table = makeTable({
      ra: Float64Array.of(180, 180.01),
      dec: ["0", "north"],
      z: Float64Array.of(0.1, 0.1),
    });
    const file = join(dir, "text.parquet");
    writeFileSync(
      file,
      encodeParquet(table, [
        { name: "ra", type: "f64" },
        { name: "dec", type: "utf8" },
        { name: "z", type: "f64" },
      ]),
    );
    await expectError([one(file)], new RegExp(`${file}, row 1, column 'dec': '0' is not a number`));
  });

  it("a declination outside [-90, 90]", async () => {
    const file = write("dec.csv", "ra,dec,z\n180,95,0.1\n");
    await expectError([one(file)], /line 2, column 'dec': declination 95 is outside/);
  });

  it("a line with a missing value", async () => {
    const file = write("short.csv", "ra,dec,z\n180,0\n");
    await expectError([one(file)], /short\.csv, line 2: 2 values, the header names 3/);
  });

  it("a cluster with fewer than nMin members after the cuts", async () => {
    const file = write("poor.csv", csvOf(rowsAround().slice(0, 9)));
    await expectError(
      [one(file)],
      /cluster 'A2029' .*: 9 members after the cuts .* fewer than nMin = 10/,
    );
  });

  it("counts only galaxies inside the velocity cut as members", async () => {
    const file = write("fast.csv", csvOf(rowsAround()));
    // 14 galaxies at up to 2600 km/s: those beyond 1000 km/s are cut, 5 + 1 remain
    await expect(run([one(file)], { vCut: 1000 })).rejects.toThrow(
      /6 members after the cuts \(\|v_los\| <= 1000 km\/s, R_proj <= 1.6 Mpc\/h; 14 in the/,
    );
  });

  it("a centre with no galaxy within the aperture", async () => {
    const file = write("far.csv", csvOf(rowsAround()));
    await expectError([one(file, { ra: 190 })], /no galaxy within 1.6 Mpc\/h of the centre/);
  });

  it("a missing file", async () => {
    await expectError([one(join(dir, "absent.csv"))], /absent\.csv: no such file/);
  });

  it("a cluster name with a space, when the spec is read", () => {
    expect(() =>
      Schema.decodeUnknownSync(observedMembers.params)({
        clusters: [one("x.csv", { name: "A 2029" })],
      }),
    ).toThrow(/letters, digits/);
  });

  it("two clusters of the same name", async () => {
    const file = write("twice.csv", csvOf(rowsAround()));
    await expectError([one(file), one(file)], /two clusters are named 'A2029'/);
  });
});
