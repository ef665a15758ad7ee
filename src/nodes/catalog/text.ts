/**
 * Text catalogs: Rockstar hlist ASCII (whitespace-separated, names in the
 * first '#' line) and CSV (CosmoSim exports or the internal schema, names in
 * the first line). Both stream line by line and stop at the first bad value.
 */
import type { Table } from "../../kind/index.ts";
import { CatalogError } from "./errors.ts";
import {
  fieldsOf,
  parseFloat64,
  parseInt64,
  resolveColumns,
  TableBuilder,
  type CatalogTable,
  type Field,
} from "./fields.ts";
import { LineReader } from "./lines.ts";

export interface ImportOptions {
  /** Keep only rows whose `m200c` (Msun/h) reaches this; halos only. */
  readonly minM200c?: number;
  /** Called now and then with the fraction of the file read. */
  readonly progress?: (fraction: number) => void;
}

export interface Imported {
  readonly table: Table;
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string;
}

/**
 * Copies into `out[k]` the value of field k of the line, where `slot[c]` is the
 * field that header column c feeds (-1 for columns nobody reads), and returns
 * the number of values on the line. Only the needed values become strings:
 * an hlist line has ~60 columns of which we read 9.
 */
type Pick = (line: string, slot: Int32Array, out: string[]) => number;

const isBlank = (c: number): boolean => c === 32 || c === 9;

const pickWhitespace: Pick = (line, slot, out) => {
  let count = 0;
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isBlank(line.charCodeAt(i))) i++;
    const k = count < slot.length ? slot[count] : -1;
    if (k >= 0) out[k] = line.slice(start, i);
    count++;
  }
  return count;
};

const pickComma: Pick = (line, slot, out) => {
  let count = 0;
  let start = 0;
  for (;;) {
    const end = line.indexOf(",", start);
    const k = count < slot.length ? slot[count] : -1;
    if (k >= 0) out[k] = line.slice(start, end < 0 ? line.length : end);
    count++;
    if (end < 0) return count;
    start = end + 1;
  }
};

const splitWhitespace = (line: string): string[] => line.trim().split(/\s+/);
const splitComma = (line: string): string[] => line.split(",");

/** A Rockstar hlist (or out_*.list) catalog. */
export const readHlist = (
  path: string,
  table: CatalogTable,
  options: ImportOptions = {},
): Imported =>
  readText(path, table, options, {
    isHeader: (line) => line.startsWith("#"),
    headerNames: (line) => splitWhitespace(line.replace(/^#+/, "")),
    isComment: (line) => line.startsWith("#"),
    pick: pickWhitespace,
  });

/** A CSV catalog: CosmoSim spellings (rockstarId, upId) or the internal column names. */
export const readCsv = (path: string, table: CatalogTable, options: ImportOptions = {}): Imported =>
  readText(path, table, options, {
    isHeader: (line) => !line.startsWith("#"),
    headerNames: splitComma,
    isComment: (line) => line.startsWith("#"),
    pick: pickComma,
  });

interface Dialect {
  readonly isHeader: (line: string) => boolean;
  readonly headerNames: (line: string) => string[];
  readonly isComment: (line: string) => boolean;
  readonly pick: Pick;
}

const readText = (
  path: string,
  table: CatalogTable,
  options: ImportOptions,
  dialect: Dialect,
): Imported => {
  const fields = fieldsOf(table);
  const minM200c = table === "halos" ? (options.minM200c ?? 0) : 0;
  const massField = fields.findIndex((f) => f.name === "m200c");
  const reader = new LineReader(path);
  try {
    let header: { names: string[]; line: number } | undefined;
    let slot = new Int32Array(0);
    const values: string[] = fields.map(() => "");
    const builder = new TableBuilder(fields);
    for (let line = reader.next(); line !== undefined; line = reader.next()) {
      if (line.trim() === "") continue;
      if (header === undefined) {
        if (!dialect.isHeader(line)) {
          throw new CatalogError(path, { line: reader.lineNumber }, "data before the header line");
        }
        header = { names: dialect.headerNames(line), line: reader.lineNumber };
        const index = resolveColumns(path, header.line, header.names, fields);
        slot = new Int32Array(header.names.length).fill(-1);
        index.forEach((column, k) => {
          slot[column] = k;
        });
        continue;
      }
      if (dialect.isComment(line)) continue;
      if (options.progress !== undefined && (reader.lineNumber & 0xffff) === 0) {
        options.progress(reader.bytesRead / Math.max(1, reader.size));
      }
      const count = dialect.pick(line, slot, values);
      if (count !== header.names.length) {
        throw new CatalogError(
          path,
          { line: reader.lineNumber },
          `${count} values, the header names ${header.names.length} columns`,
        );
      }
      const row = builder.addRow();
      const where = { file: path, line: reader.lineNumber };
      for (let k = 0; k < fields.length; k++) {
        const v = storeValue(builder, fields[k], k, row, values[k], where);
        if (k === massField && (v as number) < minM200c) builder.dropLast();
      }
    }
    if (header === undefined) throw new CatalogError(path, {}, "no header line: empty file?");
    return { table: builder.build(), sha256: reader.digest() };
  } finally {
    reader.close();
  }
};

const storeValue = (
  builder: TableBuilder,
  field: Field,
  k: number,
  row: number,
  text: string,
  where: { file: string; line: number },
): number | bigint => {
  if (field.type === "i64") {
    const v = parseInt64(text, field, where);
    builder.setInt(k, row, v);
    return v;
  }
  const v = parseFloat64(text, field, where);
  builder.setFloat(k, row, v);
  return v;
};
