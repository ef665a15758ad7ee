/**
 * Parquet catalogs in the internal schema (HALOS / GALAXIES column names, or
 * the same aliases the text importers accept). Parquet compresses, so before
 * decoding anything the row count the footer declares is checked against the
 * file size: a small file that claims a billion rows is refused, not decoded.
 */
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";

import { tableFromIPC, type Vector } from "apache-arrow";
import { ParquetFile, readParquet, readSchema } from "parquet-wasm";

import { makeTable } from "../../kind/index.ts";
import { CatalogError } from "./errors.ts";
import { checkValue, fieldsOf, resolveColumns, type CatalogTable, type Field } from "./fields.ts";
import type { Imported, ImportOptions } from "./text.ts";

/**
 * The most decoded bytes we accept per byte of file. Positions, velocities and
 * ids are close to incompressible, so real catalogs stay far below this.
 */
export const MAX_EXPANSION = 64;
const EXPANSION_FLOOR_BYTES = 1 << 20;

export const readParquetCatalog = async (
  path: string,
  table: CatalogTable,
  options: ImportOptions = {},
): Promise<Imported> => {
  const bytes = new Uint8Array(readFileSync(path));
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const fields = fieldsOf(table);

  const names = fieldNames(path, bytes);
  const index = resolveColumns(path, undefined, names, fields);
  const declaredRows = await footerRows(path, bytes);
  const decodedBytes = declaredRows * fields.length * 8;
  const allowed = MAX_EXPANSION * bytes.length + EXPANSION_FLOOR_BYTES;
  if (decodedBytes > allowed) {
    throw new CatalogError(
      path,
      {},
      `declares ${declaredRows} rows (${decodedBytes} bytes decoded) in a ${bytes.length}-byte ` +
        `file; refusing more than ${MAX_EXPANSION}x expansion`,
    );
  }

  const columnNames = Array.from(index, (i) => names[i]);
  const arrow = tableFromIPC(readParquet(bytes, { columns: columnNames }).intoIPCStream());
  if (arrow.numRows !== declaredRows) {
    const problem = `decoded ${arrow.numRows} rows, the footer says ${declaredRows}`;
    throw new CatalogError(path, {}, problem);
  }
  const columns: Record<string, BigInt64Array | Float64Array> = {};
  fields.forEach((field, k) => {
    const vector = arrow.getChild(columnNames[k]);
    if (vector === null) throw new CatalogError(path, { column: field.name }, "column not decoded");
    columns[field.name] =
      field.type === "i64" ? toInt64(path, field, vector) : toFloat64(path, field, vector);
  });
  const out = makeTable(columns);
  return { table: filterMass(out, table, options), sha256 };
};

const fieldNames = (path: string, bytes: Uint8Array): string[] => {
  try {
    return tableFromIPC(readSchema(bytes).intoIPCStream()).schema.fields.map((f) => f.name);
  } catch (cause) {
    throw new CatalogError(path, {}, `not a readable Parquet file (${String(cause)})`);
  }
};

const footerRows = async (path: string, bytes: Uint8Array): Promise<number> => {
  const file = await ParquetFile.fromFile(new Blob([bytes]));
  try {
    const rows = file.metadata().fileMetadata().numRows();
    if (!Number.isSafeInteger(rows) || rows < 0) {
      throw new CatalogError(path, {}, `the footer declares an invalid row count ${rows}`);
    }
    return rows;
  } finally {
    file.free();
  }
};

const firstNull = (vector: Vector): number => {
  for (let i = 0; i < vector.length; i++) if (!vector.isValid(i)) return i;
  return -1;
};

const rejectNulls = (path: string, field: Field, vector: Vector): void => {
  if (vector.nullCount === 0) return;
  throw new CatalogError(
    path,
    { line: firstNull(vector) + 1, unit: "row", column: field.name },
    "missing value (null)",
  );
};

const toInt64 = (path: string, field: Field, vector: Vector): BigInt64Array => {
  rejectNulls(path, field, vector);
  const values = vector.toArray() as ArrayLike<number | bigint>;
  if (values instanceof BigInt64Array) return values.slice();
  const out = new BigInt64Array(vector.length);
  for (let i = 0; i < out.length; i++) {
    const v = values[i];
    if (typeof v === "bigint") {
      out[i] = BigInt.asIntN(64, v);
      if (out[i] !== v) {
        const at = { line: i + 1, unit: "row", column: field.name };
        throw new CatalogError(path, at, `${v} overflows int64`);
      }
    } else if (Number.isSafeInteger(v)) {
      out[i] = BigInt(v);
    } else {
      throw new CatalogError(
        path,
        { line: i + 1, unit: "row", column: field.name },
        `${v} is not an integer id`,
      );
    }
  }
  return out;
};

const toFloat64 = (path: string, field: Field, vector: Vector): Float64Array => {
  rejectNulls(path, field, vector);
  const values = vector.toArray() as ArrayLike<number | bigint>;
  const out = new Float64Array(vector.length);
  for (let i = 0; i < out.length; i++) {
    const v = Number(values[i]);
    checkValue(v, field, { file: path, line: i + 1, unit: "row" });
    out[i] = v;
  }
  return out;
};

const filterMass = (
  t: ReturnType<typeof makeTable>,
  table: CatalogTable,
  options: ImportOptions,
): ReturnType<typeof makeTable> => {
  const minM200c = options.minM200c ?? 0;
  if (table !== "halos" || minM200c <= 0) return t;
  const m200c = t.columns.m200c as Float64Array;
  const keep: number[] = [];
  for (let i = 0; i < t.numRows; i++) if (m200c[i] >= minM200c) keep.push(i);
  const out: Record<string, BigInt64Array | Float64Array> = {};
  for (const [name, col] of Object.entries(t.columns)) {
    const c = col as BigInt64Array | Float64Array;
    const kept =
      c instanceof BigInt64Array ? new BigInt64Array(keep.length) : new Float64Array(keep.length);
    keep.forEach((row, j) => {
      kept[j] = c[row] as never;
    });
    out[name] = kept;
  }
  return makeTable(out);
};
