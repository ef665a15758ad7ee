/**
 * The in-memory table that node kinds read and write.
 *
 * Science code works on plain typed arrays; the cache turns these into Arrow
 * and Parquet (and back) so that no node kind needs to know either format.
 */

/** The type of one column, as stored in Parquet. */
export type ColumnType =
  | "f64"
  | "f32"
  | "i32"
  | "i64"
  | "bool"
  | "utf8"
  | { readonly list: "f32" | "f64"; readonly size: number };

/** A fixed-size list column: `values` holds `size` numbers per row, row-major. */
export interface FixedList {
  readonly size: number;
  readonly values: Float32Array | Float64Array;
}

export type Column =
  | Float64Array
  | Float32Array
  | Int32Array
  | BigInt64Array
  | Uint8Array // bool, 0 or 1
  | readonly string[]
  | FixedList;

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  /** Free text: what it is and its unit, e.g. "line-of-sight velocity, km/s". */
  readonly doc?: string;
}

/** The declared shape of an output table: its columns, in order. */
export type TableSchema = readonly ColumnSpec[];

export interface Table {
  readonly numRows: number;
  readonly columns: Readonly<Record<string, Column>>;
}

export const isFixedList = (c: Column): c is FixedList =>
  typeof c === "object" && c !== null && "size" in c && "values" in c && !Array.isArray(c);

export const columnLength = (c: Column): number =>
  isFixedList(c) ? c.values.length / c.size : c.length;

const matchesType = (c: Column, t: ColumnType): boolean => {
  if (typeof t === "object") {
    if (!isFixedList(c) || c.size !== t.size) return false;
    return t.list === "f32" ? c.values instanceof Float32Array : c.values instanceof Float64Array;
  }
  switch (t) {
    case "f64":
      return c instanceof Float64Array;
    case "f32":
      return c instanceof Float32Array;
    case "i32":
      return c instanceof Int32Array;
    case "i64":
      return c instanceof BigInt64Array;
    case "bool":
      return c instanceof Uint8Array;
    case "utf8":
      return Array.isArray(c);
  }
};

export const describeType = (t: ColumnType): string =>
  typeof t === "object" ? `${t.list}[${t.size}]` : t;

/**
 * Checks a table against its declared schema and returns a list of problems
 * (empty when it conforms). Extra columns are problems too: an output table
 * holds exactly what its kind declares.
 */
export const checkTable = (table: Table, schema: TableSchema): string[] => {
  const problems: string[] = [];
  const declared = new Set(schema.map((c) => c.name));
  for (const spec of schema) {
    const col = table.columns[spec.name];
    if (col === undefined) {
      problems.push(`column '${spec.name}' is missing`);
      continue;
    }
    if (!matchesType(col, spec.type)) {
      problems.push(`column '${spec.name}' is not of type ${describeType(spec.type)}`);
      continue;
    }
    const n = columnLength(col);
    if (n !== table.numRows) {
      problems.push(`column '${spec.name}' has ${n} rows, the table ${table.numRows}`);
    }
  }
  for (const name of Object.keys(table.columns)) {
    if (!declared.has(name)) problems.push(`column '${name}' is not declared`);
  }
  return problems;
};

/** Builds a table, taking the row count from the first column. */
export const makeTable = (columns: Record<string, Column>): Table => {
  const first = Object.values(columns)[0];
  return { numRows: first === undefined ? 0 : columnLength(first), columns };
};

/** A fixed-size list column from a flat array. */
export const fixedList = (size: number, values: Float32Array | Float64Array): FixedList => ({
  size,
  values,
});

/** Reads one row of a fixed-size list column as a view (no copy). */
export const listRow = (c: FixedList, row: number): Float32Array | Float64Array =>
  c.values.subarray(row * c.size, (row + 1) * c.size);

/** Typed accessor that fails loudly when a column is absent or of another type. */
export const f64 = (t: Table, name: string): Float64Array => {
  const c = t.columns[name];
  if (!(c instanceof Float64Array)) throw new Error(`column '${name}' is not f64`);
  return c;
};

export const f32 = (t: Table, name: string): Float32Array => {
  const c = t.columns[name];
  if (!(c instanceof Float32Array)) throw new Error(`column '${name}' is not f32`);
  return c;
};

export const i32 = (t: Table, name: string): Int32Array => {
  const c = t.columns[name];
  if (!(c instanceof Int32Array)) throw new Error(`column '${name}' is not i32`);
  return c;
};

export const i64 = (t: Table, name: string): BigInt64Array => {
  const c = t.columns[name];
  if (!(c instanceof BigInt64Array)) throw new Error(`column '${name}' is not i64`);
  return c;
};

export const utf8 = (t: Table, name: string): readonly string[] => {
  const c = t.columns[name];
  if (!Array.isArray(c)) throw new Error(`column '${name}' is not utf8`);
  return c as readonly string[];
};

export const list = (t: Table, name: string): FixedList => {
  const c = t.columns[name];
  if (c === undefined || !isFixedList(c)) throw new Error(`column '${name}' is not a fixed list`);
  return c;
};
