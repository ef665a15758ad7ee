/**
 * What the importers look for in a catalog: the columns of the internal HALOS
 * and GALAXIES tables, the spellings real catalogs use for them, and the
 * checks every value must pass.
 */
import { makeTable, type Table } from "../../kind/index.ts";
import { CatalogError } from "./errors.ts";

export type CatalogTable = "halos" | "galaxies";

export interface Field {
  /** Name in the internal schema. */
  readonly name: string;
  readonly type: "i64" | "f64";
  /** Accepted header spellings after `normalizeName`, in order of preference. */
  readonly aliases: readonly string[];
  /** Masses: a negative value is an error, not a number to keep. */
  readonly nonNegative?: boolean;
}

const coordinates: readonly Field[] = ["x", "y", "z", "vx", "vy", "vz"].map((name) => ({
  name,
  type: "f64",
  aliases: [name],
}));

/** Rockstar hlist writes `id(1)`, CosmoSim `rockstarId`; both mean the halo id. */
export const HALO_FIELDS: readonly Field[] = [
  { name: "id", type: "i64", aliases: ["id", "rockstarid", "haloid", "halo_id"] },
  { name: "upid", type: "i64", aliases: ["upid"] },
  { name: "m200c", type: "f64", aliases: ["m200c"], nonNegative: true },
  ...coordinates,
];

export const GALAXY_FIELDS: readonly Field[] = [
  { name: "id", type: "i64", aliases: ["id", "galaxyid", "galaxy_id"] },
  { name: "upid", type: "i64", aliases: ["upid"] },
  { name: "obs_sm", type: "f64", aliases: ["obs_sm", "obssm"], nonNegative: true },
  ...coordinates,
];

export const fieldsOf = (table: CatalogTable): readonly Field[] =>
  table === "halos" ? HALO_FIELDS : GALAXY_FIELDS;

/** `#id(1)`, `"rockstarId"` and ` upId ` all become `id`, `rockstarid`, `upid`. */
export const normalizeName = (raw: string): string =>
  raw
    .trim()
    .replace(/^#+/, "")
    .replace(/^"(.*)"$/, "$1")
    .replace(/\(\d+\)$/, "")
    .trim()
    .toLowerCase();

/**
 * For each field, the index of the header column that holds it. Fails naming
 * the first field that no header spelling matches.
 */
export const resolveColumns = (
  file: string,
  headerLine: number | undefined,
  header: readonly string[],
  fields: readonly Field[],
): Int32Array => {
  const normalized = header.map(normalizeName);
  const index = new Int32Array(fields.length);
  fields.forEach((field, k) => {
    const at = field.aliases.map((a) => normalized.indexOf(a)).find((i) => i >= 0);
    if (at === undefined) {
      throw new CatalogError(
        file,
        { line: headerLine, column: field.name },
        `no column for '${field.name}' in the header (looked for ${field.aliases.join(", ")})`,
      );
    }
    index[k] = at;
  });
  return index;
};

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

export interface Where {
  readonly file: string;
  readonly line: number;
  readonly unit?: string;
}

/** The value without surrounding blanks or double quotes; a no-op on plain values. */
const bare = (text: string): string => {
  const n = text.length;
  if (n === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(n - 1);
  if (first > 32 && last > 32 && first !== 34) return text;
  return text.trim().replace(/^"(.*)"$/, "$1");
};

export const parseFloat64 = (text: string, field: Field, where: Where): number => {
  const s = bare(text);
  if (!FLOAT.test(s)) {
    throw new CatalogError(
      where.file,
      { ...where, column: field.name },
      `'${s}' is not a finite number`,
    );
  }
  const v = Number(s);
  if (!Number.isFinite(v)) {
    throw new CatalogError(where.file, { ...where, column: field.name }, `'${s}' overflows`);
  }
  checkValue(v, field, where);
  return v;
};

export const parseInt64 = (text: string, field: Field, where: Where): bigint => {
  const s = bare(text);
  if (!INTEGER.test(s)) {
    const at = { ...where, column: field.name };
    throw new CatalogError(where.file, at, `'${s}' is not an integer`);
  }
  const v = BigInt(s);
  if (v < I64_MIN || v > I64_MAX) {
    throw new CatalogError(where.file, { ...where, column: field.name }, `${s} overflows int64`);
  }
  return v;
};

/** The checks a decoded number must pass whatever the format it came from. */
export const checkValue = (v: number, field: Field, where: Where): void => {
  if (!Number.isFinite(v)) {
    throw new CatalogError(where.file, { ...where, column: field.name }, `${v} is not finite`);
  }
  if (field.nonNegative === true && v < 0) {
    throw new CatalogError(
      where.file,
      { ...where, column: field.name },
      `negative mass ${v} (a mass is >= 0)`,
    );
  }
};

/**
 * Columns that grow by doubling as rows arrive. Their size is bounded by the
 * rows actually read, so it can never exceed what the file's bytes hold.
 */
export class TableBuilder {
  readonly fields: readonly Field[];
  numRows = 0;
  private columns: (Float64Array | BigInt64Array)[];

  constructor(fields: readonly Field[], capacity = 1024) {
    this.fields = fields;
    this.columns = fields.map((f) =>
      f.type === "i64" ? new BigInt64Array(capacity) : new Float64Array(capacity),
    );
  }

  /** Reserves one row and returns its index; fill it with `setFloat` / `setInt`. */
  addRow(): number {
    if (this.numRows === this.columns[0].length) this.grow();
    return this.numRows++;
  }

  setFloat(k: number, row: number, v: number): void {
    (this.columns[k] as Float64Array)[row] = v;
  }

  setInt(k: number, row: number, v: bigint): void {
    (this.columns[k] as BigInt64Array)[row] = v;
  }

  /** Drops the last row (e.g. one the caller decided not to keep). */
  dropLast(): void {
    this.numRows--;
  }

  build(): Table {
    const out: Record<string, Float64Array | BigInt64Array> = {};
    this.fields.forEach((f, k) => {
      out[f.name] = this.columns[k].slice(0, this.numRows);
    });
    return makeTable(out);
  }

  private grow(): void {
    this.columns = this.columns.map((c) => {
      const bigger =
        c instanceof BigInt64Array
          ? new BigInt64Array(c.length * 2)
          : new Float64Array(c.length * 2);
      bigger.set(c as never);
      return bigger;
    });
  }
}
