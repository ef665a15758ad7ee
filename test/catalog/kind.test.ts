import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { afterAll, describe, expect, it } from "vitest";

import {
  catalogImport,
  fileFingerprint,
  guessFormat,
  readCatalog,
} from "../../src/nodes/catalog/index.ts";
import { runKind } from "./run-kind.ts";

const fixture = (name: string): string =>
  new URL(`../fixtures/catalog/${name}`, import.meta.url).pathname;

const scratch = mkdtempSync(join(tmpdir(), "catalog-kind-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("catalog.import", () => {
  it("outputs HALOS and GALAXIES tables from an hlist and a CSV", async () => {
    const { outputs } = await runKind(catalogImport, {
      halos: fixture("hlist_small.list"),
      galaxies: fixture("galaxies_internal.csv"),
    });
    expect(outputs.halos.numRows).toBe(3);
    expect(outputs.galaxies.numRows).toBe(3);
    expect(Array.from(outputs.galaxies.columns.upid as BigInt64Array)).toEqual([
      10000001n,
      10000001n,
      -1n,
    ]);
  });

  it("notes the sha256 of both files, the same as fileFingerprint", async () => {
    const halos = fixture("cosmosim_rockstar.csv");
    const galaxies = fixture("galaxies_internal.csv");
    const { notes } = await runKind(catalogImport, { halos, galaxies });
    expect(`sha256:${(notes.halos as { sha256: string }).sha256}`).toBe(fileFingerprint(halos));
    expect(`sha256:${(notes.galaxies as { sha256: string }).sha256}`).toBe(
      fileFingerprint(galaxies),
    );
  });

  it("guesses the format from the file name", () => {
    const names = ["a.parquet", "b.csv", "sfr_catalog_0.895100.bin", "hlist_0.89510.list"];
    expect(names.map(guessFormat)).toEqual(["parquet", "csv", "um", "hlist"]);
  });

  it("refuses a UniverseMachine binary as the halo file", async () => {
    await expect(
      runKind(catalogImport, {
        halos: fixture("hlist_small.list"),
        halosFormat: "um",
        galaxies: fixture("galaxies_internal.csv"),
      }),
    ).rejects.toThrow("UniverseMachine binaries hold galaxies, not halos");
  });

  it("rejects an unknown format in the params", async () => {
    await expect(
      runKind(catalogImport, {
        halos: fixture("hlist_small.list"),
        halosFormat: "hdf5",
        galaxies: fixture("galaxies_internal.csv"),
      }),
    ).rejects.toThrow();
  });

  it("says a gzip-compressed hlist must be decompressed first", async () => {
    const path = join(scratch, "hlist_0.89510.list.gz");
    writeFileSync(path, gzipSync(readFileSync(fixture("hlist_small.list"))));
    await expect(readCatalog(path, "halos", "hlist")).rejects.toThrow(
      `${path}: the file is gzip-compressed; decompress it first`,
    );
  });
});
