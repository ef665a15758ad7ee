/**
 * `catalog.import`: halos and galaxies from real simulation catalogs.
 *
 * The one kind that reads files, because the file is its input. Its
 * `fingerprint` puts the sha256 of both files in the node's key; the kind
 * also notes the sha256 of the bytes it actually parsed.
 */
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { extname } from "node:path";

import { Schema } from "effect";

import { defineKind, num, withDefault, type Table } from "../../kind/index.ts";
import { GALAXIES, HALOS } from "../schemas.ts";
import { CatalogError } from "./errors.ts";
import { fileFingerprint } from "./fingerprint.ts";
import type { CatalogTable } from "./fields.ts";
import { readParquetCatalog } from "./parquet.ts";
import { readCsv, readHlist, type Imported, type ImportOptions } from "./text.ts";
import { readUniverseMachine } from "./universemachine.ts";

const fingerprintOrMissing = (file: string): string =>
  existsSync(file) ? fileFingerprint(file) : "missing";

export const CATALOG_FORMATS = ["auto", "hlist", "csv", "um", "parquet"] as const;
export type CatalogFormat = (typeof CATALOG_FORMATS)[number];

/** Format from the file name when the spec says `auto`. */
export const guessFormat = (path: string): Exclude<CatalogFormat, "auto"> => {
  const ext = extname(path).toLowerCase();
  if (ext === ".parquet" || ext === ".pq") return "parquet";
  if (ext === ".csv") return "csv";
  if (ext === ".bin") return "um";
  return "hlist";
};

const isGzip = (path: string): boolean => {
  const magic = Buffer.alloc(2);
  const fd = openSync(path, "r");
  try {
    return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
};

/** Reads one catalog file into the internal HALOS or GALAXIES table. */
export const readCatalog = async (
  path: string,
  table: CatalogTable,
  format: CatalogFormat = "auto",
  options: ImportOptions = {},
): Promise<Imported> => {
  const resolved = format === "auto" ? guessFormat(path) : format;
  if (resolved !== "parquet" && isGzip(path)) {
    throw new CatalogError(path, {}, "the file is gzip-compressed; decompress it first");
  }
  switch (resolved) {
    case "hlist":
      return readHlist(path, table, options);
    case "csv":
      return readCsv(path, table, options);
    case "parquet":
      return readParquetCatalog(path, table, options);
    case "um":
      if (table !== "galaxies") {
        throw new CatalogError(path, {}, "UniverseMachine binaries hold galaxies, not halos");
      }
      return readUniverseMachine(path, options);
  }
};

const formatParam = Schema.Literals(CATALOG_FORMATS).pipe(withDefault("auto"));

export const catalogImport = defineKind({
  name: "catalog.import",
  version: 1,
  weight: "heavy",
  doc: "Rockstar hlist / CosmoSim CSV / UniverseMachine binary / internal CSV or Parquet",
  // The files are the real inputs: their bytes go into the key. A missing file
  // fingerprints as "missing" and the run then fails with the file's name.
  fingerprint: (p) => ({
    halos: fingerprintOrMissing(p.halos),
    galaxies: fingerprintOrMissing(p.galaxies),
  }),
  implementation: [
    import.meta.url,
    new URL("./errors.ts", import.meta.url).href,
    new URL("./fields.ts", import.meta.url).href,
    new URL("./lines.ts", import.meta.url).href,
    new URL("./text.ts", import.meta.url).href,
    new URL("./parquet.ts", import.meta.url).href,
    new URL("./universemachine.ts", import.meta.url).href,
  ],
  params: Schema.Struct({
    halos: Schema.String,
    halosFormat: formatParam,
    galaxies: Schema.String,
    galaxiesFormat: formatParam,
    /** Halos below this M200c (Msun/h) are dropped on reading; 0 keeps all. */
    minM200c: num(0),
  }),
  inputs: {},
  outputs: { halos: HALOS, galaxies: GALAXIES },
  run: async (ctx): Promise<Record<string, Table>> => {
    const { params } = ctx;
    const halos = await readCatalog(params.halos, "halos", params.halosFormat, {
      minM200c: params.minM200c,
      progress: (f) => ctx.progress(0.5 * f, "reading halos"),
    });
    ctx.progress(0.5, "halos read");
    ctx.note("halos", { path: params.halos, sha256: halos.sha256, rows: halos.table.numRows });
    const galaxies = await readCatalog(params.galaxies, "galaxies", params.galaxiesFormat, {
      progress: (f) => ctx.progress(0.5 + 0.5 * f, "reading galaxies"),
    });
    ctx.note("galaxies", {
      path: params.galaxies,
      sha256: galaxies.sha256,
      rows: galaxies.table.numRows,
    });
    ctx.progress(1);
    return { halos: halos.table, galaxies: galaxies.table };
  },
});
