/**
 * Tables to Parquet bytes and back, through Apache Arrow and parquet-wasm.
 *
 * Zstd compression; dictionary encoding only on string columns (it bloats
 * float columns); arrays as fixed-size lists so that DuckDB, pyarrow and
 * Polars read them as such. The bytes are a deterministic function of the
 * table: the writer's "created by" string is fixed here so that a library
 * upgrade alone does not change every content hash.
 */
import {
  Bool,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  Int64,
  RecordBatch,
  Schema as ArrowSchema,
  Struct,
  Table as ArrowTable,
  Utf8,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  DataType,
  Precision,
  type Vector,
} from "apache-arrow";
import * as parquet from "parquet-wasm";

import {
  checkTable,
  describeType,
  type Column,
  type ColumnType,
  type Table,
  type TableSchema,
} from "../kind/index.ts";

const CREATED_BY = "dag (parquet-wasm)";

const arrowType = (t: ColumnType): DataType => {
  if (typeof t === "object") {
    const item = t.list === "f32" ? new Float32() : new Float64();
    return new FixedSizeList(t.size, new Field("item", item, false));
  }
  switch (t) {
    case "f64":
      return new Float64();
    case "f32":
      return new Float32();
    case "i32":
      return new Int32();
    case "i64":
      return new Int64();
    case "bool":
      return new Bool();
    case "utf8":
      return new Utf8();
  }
};

const boolBitmap = (bytes: Uint8Array): Uint8Array => {
  const out = new Uint8Array(Math.ceil(bytes.length / 8));
  for (let i = 0; i < bytes.length; i++) if (bytes[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
};

const toVector = (col: Column, t: ColumnType, numRows: number): Vector => {
  const type = arrowType(t);
  if (typeof t === "object") {
    const list = col as { size: number; values: Float32Array | Float64Array };
    const itemType = t.list === "f32" ? new Float32() : new Float64();
    const child = makeData({ type: itemType, length: list.values.length, data: list.values });
    return makeVector(
      makeData({ type: type as FixedSizeList, length: numRows, nullCount: 0, child }),
    );
  }
  if (t === "utf8") return vectorFromArray(col as string[], new Utf8());
  if (t === "bool") {
    const data = boolBitmap(col as Uint8Array);
    return makeVector(makeData({ type: new Bool(), length: numRows, nullCount: 0, data }));
  }
  // Numeric columns: the typed array is the Arrow buffer as it is.
  return makeVector(
    makeData({ type: type as any, length: numRows, nullCount: 0, data: col as any }),
  );
};

/** Encodes a table as Parquet bytes; the table must match its schema. */
export const encodeParquet = (table: Table, schema: TableSchema): Uint8Array => {
  const problems = checkTable(table, schema);
  if (problems.length > 0)
    throw new Error(`table does not match its schema: ${problems.join("; ")}`);

  const fields = schema.map((c) => new Field(c.name, arrowType(c.type), false));
  const children = schema.map(
    (c) => toVector(table.columns[c.name], c.type, table.numRows).data[0],
  );
  const struct = makeData({
    type: new Struct(fields),
    length: table.numRows,
    nullCount: 0,
    children,
  });
  const arrow = new ArrowTable([new RecordBatch(new ArrowSchema(fields), struct)]);

  const wasmTable = parquet.Table.fromIPCStream(tableToIPC(arrow, "stream"));
  let props = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.ZSTD)
    .setDictionaryEnabled(false)
    .setCreatedBy(CREATED_BY);
  for (const c of schema)
    if (c.type === "utf8") props = props.setColumnDictionaryEnabled(c.name, true);
  return parquet.writeParquet(wasmTable, props.build());
};

const fromVector = (v: Vector, t: ColumnType): Column => {
  if (typeof t === "object") {
    const n = v.length * t.size;
    const values = t.list === "f32" ? new Float32Array(n) : new Float64Array(n);
    let offset = 0;
    for (const chunk of v.data) {
      const child = chunk.children[0];
      const first = chunk.offset * t.size + child.offset;
      const src = (child.values as Float32Array | Float64Array).subarray(
        first,
        first + chunk.length * t.size,
      );
      values.set(src, offset);
      offset += src.length;
    }
    return { size: t.size, values };
  }
  switch (t) {
    case "utf8":
      return Array.from(v.toArray() as Iterable<string>);
    case "bool": {
      const out = new Uint8Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = v.get(i) ? 1 : 0;
      return out;
    }
    case "f64":
      return Float64Array.from(v.toArray() as Float64Array);
    case "f32":
      return Float32Array.from(v.toArray() as Float32Array);
    case "i32":
      return Int32Array.from(v.toArray() as Int32Array);
    case "i64":
      return BigInt64Array.from(v.toArray() as BigInt64Array);
  }
};

// Types read back from IPC are the generic classes (Int_, Float), so match on
// their properties, not on the concrete subclasses used for writing.
const typeOfArrow = (type: DataType): ColumnType | undefined => {
  if (DataType.isFixedSizeList(type)) {
    const item = typeOfArrow(type.children[0].type);
    if (item === "f32" || item === "f64") return { list: item, size: type.listSize };
    return undefined;
  }
  if (DataType.isFloat(type)) {
    if (type.precision === Precision.DOUBLE) return "f64";
    if (type.precision === Precision.SINGLE) return "f32";
    return undefined;
  }
  if (DataType.isInt(type) && type.isSigned) {
    if (type.bitWidth === 32) return "i32";
    if (type.bitWidth === 64) return "i64";
    return undefined;
  }
  if (DataType.isBool(type)) return "bool";
  if (DataType.isUtf8(type)) return "utf8";
  return undefined;
};

/** Reads the declared schema back out of Parquet bytes. */
export const schemaOf = (arrow: ArrowTable): TableSchema =>
  arrow.schema.fields.map((f) => {
    const type = typeOfArrow(f.type);
    if (type === undefined) {
      throw new Error(`column '${f.name}' has unsupported type ${String(f.type)}`);
    }
    return { name: f.name, type };
  });

/** Decodes Parquet bytes into a table (and its schema, as read from the file). */
export const decodeParquet = (bytes: Uint8Array): { table: Table; schema: TableSchema } => {
  const wasmTable = parquet.readParquet(bytes);
  const arrow = tableFromIPC(wasmTable.intoIPCStream());
  const schema = schemaOf(arrow);
  const columns: Record<string, Column> = {};
  for (const c of schema) columns[c.name] = fromVector(arrow.getChild(c.name)!, c.type);
  return { table: { numRows: arrow.numRows, columns }, schema };
};

/** Human-readable schema line, e.g. `view_id: i64, image: f32[48]`. */
export const formatSchema = (schema: TableSchema): string =>
  schema.map((c) => `${c.name}: ${describeType(c.type)}`).join(", ");
