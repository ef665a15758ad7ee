/**
 * Reads a table of observed galaxies: CSV or Parquet with columns `ra` and
 * `dec` (degrees) and `z` (redshift) or `cz` (km/s); names are matched
 * without regard to case, other columns are ignored. Every error names the
 * file, the line (CSV, counting the header) or row (Parquet, from 1) and
 * the column, as the catalog importers do.
 */
import { existsSync, readFileSync } from "node:fs";
import { extname } from "node:path";

import { tableFromIPC, type Vector } from "apache-arrow";
import { readParquet, readSchema } from "parquet-wasm";

import { CatalogError } from "../catalog/errors.ts";
import { LineReader } from "../catalog/lines.ts";
import { C_KMS } from "../universe/cosmology.ts";
import type { SkyGalaxies } from "./sky.ts";

export interface ObservedTable extends SkyGalaxies {
  readonly file: string;
  /** Where each galaxy is in the file, for error messages: CSV line or Parquet row. */
  readonly at: Int32Array;
  readonly unit: "line" | "row";
}

/** The column that holds the redshift, and how to turn its values into z. */
const redshiftColumn = (
  file: string,
  names: readonly string[],
  line: number | undefined,
): { index: number; name: "z" | "cz" } => {
  const z = names.indexOf("z");
  if (z >= 0) return { index: z, name: "z" };
  const cz = names.indexOf("cz");
  if (cz >= 0) return { index: cz, name: "cz" };
  throw new CatalogError(file, { line }, "no redshift column: need 'z' (redshift) or 'cz' (km/s)");
};

const requireColumn = (
  file: string,
  names: readonly string[],
  name: string,
  line: number | undefined,
): number => {
  const i = names.indexOf(name);
  if (i < 0) throw new CatalogError(file, { line }, `no column '${name}' (degrees) in the header`);
  return i;
};

/** Checks one value where it was read, and turns cz (km/s) into z. */
const checked = (
  file: string,
  where: { line: number; unit: "line" | "row" },
  column: string,
  v: number,
): number => {
  const fail = (problem: string): never => {
    throw new CatalogError(file, { ...where, column }, problem);
  };
  if (!Number.isFinite(v)) fail(`${v} is not a finite number`);
  if (column === "dec" && Math.abs(v) > 90) fail(`declination ${v} is outside [-90, 90] degrees`);
  if (column === "ra" && (v < -360 || v > 720)) fail(`right ascension ${v} is not in degrees`);
  const z = column === "cz" ? v / C_KMS : v;
  if ((column === "z" || column === "cz") && !(z > -1)) fail(`redshift ${z} is not above -1`);
  return z;
};

const normalise = (name: string): string =>
  name
    .trim()
    .replace(/^"(.*)"$/, "$1")
    .trim()
    .toLowerCase();

/** Splits a CSV line on commas outside double quotes. */
export const splitCsv = (line: string): string[] => {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === "," && !quoted) {
      out.push(field);
      field = "";
    } else field += c;
  }
  out.push(field);
  return out;
};

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const readCsvGalaxies = (file: string): ObservedTable => {
  const reader = new LineReader(file);
  try {
    let header: { index: number[]; names: string[]; redshift: "z" | "cz"; width: number } | null =
      null;
    const ra: number[] = [];
    const dec: number[] = [];
    const z: number[] = [];
    const at: number[] = [];
    for (let line = reader.next(); line !== undefined; line = reader.next()) {
      if (line.trim() === "" || line.startsWith("#")) continue;
      const fields = splitCsv(line);
      if (header === null) {
        const names = fields.map(normalise);
        const redshift = redshiftColumn(file, names, reader.lineNumber);
        const index = [
          requireColumn(file, names, "ra", reader.lineNumber),
          requireColumn(file, names, "dec", reader.lineNumber),
          redshift.index,
        ];
        header = {
          index,
          names: ["ra", "dec", redshift.name],
          redshift: redshift.name,
          width: names.length,
        };
        continue;
      }
      const where = { line: reader.lineNumber, unit: "line" as const };
      if (fields.length !== header.width) {
        throw new CatalogError(
          file,
          where,
          `${fields.length} values, the header names ${header.width}`,
        );
      }
      const values = header.index.map((column, k) => {
        const text = fields[column].trim();
        if (!FLOAT.test(text)) {
          throw new CatalogError(
            file,
            { ...where, column: header!.names[k] },
            `'${text}' is not a number`,
          );
        }
        return checked(file, where, header!.names[k], Number(text));
      });
      ra.push(values[0]);
      dec.push(values[1]);
      z.push(values[2]);
      at.push(reader.lineNumber);
    }
    if (header === null) throw new CatalogError(file, {}, "no header line: empty file?");
    return {
      file,
      ra: Float64Array.from(ra),
      dec: Float64Array.from(dec),
      z: Float64Array.from(z),
      at: Int32Array.from(at),
      unit: "line",
    };
  } finally {
    reader.close();
  }
};

const readParquetGalaxies = (file: string): ObservedTable => {
  const bytes = new Uint8Array(readFileSync(file));
  let stored: string[];
  try {
    stored = tableFromIPC(readSchema(bytes).intoIPCStream()).schema.fields.map((f) => f.name);
  } catch (cause) {
    throw new CatalogError(file, {}, `not a readable Parquet file (${String(cause)})`);
  }
  const names = stored.map(normalise);
  const redshift = redshiftColumn(file, names, undefined);
  const picked = [
    requireColumn(file, names, "ra", undefined),
    requireColumn(file, names, "dec", undefined),
    redshift.index,
  ];
  const columnNames = picked.map((i) => stored[i]);
  const arrow = tableFromIPC(readParquet(bytes, { columns: columnNames }).intoIPCStream());
  const read = (k: number, name: string): Float64Array => {
    const vector: Vector | null = arrow.getChild(columnNames[k]);
    if (vector === null) throw new CatalogError(file, { column: name }, "column not decoded");
    const out = new Float64Array(vector.length);
    for (let i = 0; i < vector.length; i++) {
      const where = { line: i + 1, unit: "row" as const };
      const raw: unknown = vector.get(i);
      if (raw === null || raw === undefined) {
        throw new CatalogError(file, { ...where, column: name }, "missing value (null)");
      }
      if (typeof raw !== "number" && typeof raw !== "bigint") {
        throw new CatalogError(
          file,
          { ...where, column: name },
          `'${String(raw)}' is not a number`,
        );
      }
      out[i] = checked(file, where, name, Number(raw));
    }
    return out;
  };
  return {
    file,
    ra: read(0, "ra"),
    dec: read(1, "dec"),
    z: read(2, redshift.name),
    at: Int32Array.from({ length: arrow.numRows }, (_, i) => i + 1),
    unit: "row",
  };
};

/** Reads a CSV or Parquet (by extension: .parquet, .pq) table of observed galaxies. */
export const readObservedGalaxies = (file: string): ObservedTable => {
  if (!existsSync(file)) throw new CatalogError(file, {}, "no such file");
  const ext = extname(file).toLowerCase();
  return ext === ".parquet" || ext === ".pq" ? readParquetGalaxies(file) : readCsvGalaxies(file);
};
