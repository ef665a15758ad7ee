/**
 * UniverseMachine `sfr_catalog_*.bin` galaxies: packed little-endian records
 * of 128 bytes, no header. The record count comes from the file size, which
 * must be a whole number of records; galaxies flagged as ignored (flags & 16)
 * are dropped, as UniverseMachine's own readers do.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { createHash } from "node:crypto";

import { makeTable } from "../../kind/index.ts";
import { CatalogError } from "./errors.ts";
import { checkValue, GALAXY_FIELDS, type Field } from "./fields.ts";
import type { Imported, ImportOptions } from "./text.ts";

export const UM_RECORD_BYTES = 128;

/** Byte offsets inside one record (int64 id, descid, upid; int32 flags; float32 after). */
export const UM_OFFSETS = {
  id: 0,
  descid: 8,
  upid: 16,
  flags: 24,
  uparent_dist: 28,
  x: 32,
  y: 36,
  z: 40,
  vx: 44,
  vy: 48,
  vz: 52,
  vmp: 56,
  lvmp: 60,
  mp: 64,
  m: 68,
  v: 72,
  r: 76,
  rank1: 80,
  rank2: 84,
  ra: 88,
  rarank: 92,
  A_UV: 96,
  sm: 100,
  icl: 104,
  sfr: 108,
  obs_sm: 112,
  obs_sfr: 116,
  obs_uv: 120,
} as const;

/** UniverseMachine marks halos it ignores (e.g. below its resolution) with this bit. */
export const UM_IGNORE_FLAG = 16;

const RECORDS_PER_CHUNK = 8192;

const FLOAT_FIELDS: readonly Field[] = GALAXY_FIELDS.filter((f) => f.type === "f64");
const FLOAT_OFFSETS = FLOAT_FIELDS.map((f) => UM_OFFSETS[f.name as keyof typeof UM_OFFSETS]);

export const readUniverseMachine = (path: string, options: ImportOptions = {}): Imported => {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size % UM_RECORD_BYTES !== 0) {
      const whole = Math.floor(size / UM_RECORD_BYTES);
      throw new CatalogError(
        path,
        { line: whole + 1, unit: "record" },
        `truncated: ${size} bytes is not a whole number of ${UM_RECORD_BYTES}-byte records ` +
          `(the last one has ${size % UM_RECORD_BYTES} bytes)`,
      );
    }
    const count = size / UM_RECORD_BYTES;
    const id = new BigInt64Array(count);
    const upid = new BigInt64Array(count);
    const floats = FLOAT_FIELDS.map(() => new Float64Array(count));
    const hash = createHash("sha256");
    const chunk = Buffer.allocUnsafe(RECORDS_PER_CHUNK * UM_RECORD_BYTES);
    let kept = 0;
    for (let first = 0; first < count; first += RECORDS_PER_CHUNK) {
      const n = Math.min(RECORDS_PER_CHUNK, count - first);
      const bytes = n * UM_RECORD_BYTES;
      const got = readSync(fd, chunk, 0, bytes, first * UM_RECORD_BYTES);
      if (got !== bytes) {
        throw new CatalogError(
          path,
          { line: first + Math.floor(got / UM_RECORD_BYTES) + 1, unit: "record" },
          `the file ended early (it changed while being read?)`,
        );
      }
      hash.update(chunk.subarray(0, bytes));
      options.progress?.(first / count);
      for (let r = 0; r < n; r++) {
        const base = r * UM_RECORD_BYTES;
        if ((chunk.readInt32LE(base + UM_OFFSETS.flags) & UM_IGNORE_FLAG) !== 0) continue;
        const where = { file: path, line: first + r + 1, unit: "record" };
        id[kept] = chunk.readBigInt64LE(base + UM_OFFSETS.id);
        upid[kept] = chunk.readBigInt64LE(base + UM_OFFSETS.upid);
        for (let k = 0; k < FLOAT_FIELDS.length; k++) {
          const v = chunk.readFloatLE(base + FLOAT_OFFSETS[k]);
          checkValue(v, FLOAT_FIELDS[k], where);
          floats[k][kept] = v;
        }
        kept++;
      }
    }
    const columns: Record<string, BigInt64Array | Float64Array> = {
      id: id.slice(0, kept),
      upid: upid.slice(0, kept),
    };
    FLOAT_FIELDS.forEach((field, k) => {
      columns[field.name] = floats[k].slice(0, kept);
    });
    const ordered: Record<string, BigInt64Array | Float64Array> = {};
    for (const f of GALAXY_FIELDS) ordered[f.name] = columns[f.name];
    return { table: makeTable(ordered), sha256: hash.digest("hex") };
  } finally {
    closeSync(fd);
  }
};
