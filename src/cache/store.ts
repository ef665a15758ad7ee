/**
 * The content-addressed store: Parquet objects named by the sha256 of their
 * bytes, and one JSON record per node key.
 *
 * Layout under the cache root:
 *   objects/ab/<sha256>.parquet   output tables
 *   records/ab/<key>.json         what a node read and wrote (written last)
 *   tmp/                          files being written; renamed into place
 *
 * Records are plain files rather than SQLite rows: a rename is atomic on
 * every local and shared filesystem, two processes never contend for a
 * database lock, a batch job on another host can write its own record, and a
 * person can read one with `cat`.
 *
 * Every write goes to tmp/, is flushed, then renamed; a record is written only
 * after all its objects are in place. A crash at any moment leaves at worst an
 * orphan in tmp/ (removed by gc) and never a record whose objects are missing.
 * Objects are immutable and named by content, so two processes writing the
 * same object or record write the same bytes and either rename wins.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Version of the record format; bump when its fields change meaning. */
export const RECORD_FORMAT = 1;

export interface OutputRef {
  readonly hash: string;
  readonly rows: number;
  readonly bytes: number;
  /** Columns and types, e.g. "x: f64, y: f64". */
  readonly schema: string;
}

export interface InputRef {
  readonly ids: readonly string[];
  readonly hashes: readonly string[];
  readonly many: boolean;
}

export interface NodeRecord {
  readonly format: number;
  readonly key: string;
  readonly keyScheme: number;
  readonly id: string;
  readonly kind: string;
  readonly version: number;
  readonly implementation: string;
  readonly params: unknown;
  readonly inputs: Readonly<Record<string, InputRef>>;
  readonly outputs: Readonly<Record<string, OutputRef>>;
  readonly external?: Readonly<Record<string, string>>;
  readonly seed: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly placement: "main" | "worker";
  readonly versions: Readonly<Record<string, string>>;
  readonly notes: Readonly<Record<string, unknown>>;
}

/** An object whose bytes no longer hash to its name. */
export class CorruptObjectError extends Error {
  readonly hash: string;
  readonly file: string;
  constructor(hash: string, file: string, detail: string) {
    super(`cache object ${hash.slice(0, 12)} is corrupt (${detail}): ${file}`);
    this.hash = hash;
    this.file = file;
  }
}

export const sha256 = (bytes: Uint8Array | string): string =>
  createHash("sha256").update(bytes).digest("hex");

const HEX64 = /^[0-9a-f]{64}$/;

export class Store {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  objectPath(hash: string): string {
    if (!HEX64.test(hash)) throw new Error(`not an object hash: ${hash}`);
    return path.join(this.root, "objects", hash.slice(0, 2), `${hash}.parquet`);
  }

  recordPath(key: string): string {
    if (!HEX64.test(key)) throw new Error(`not a node key: ${key}`);
    return path.join(this.root, "records", key.slice(0, 2), `${key}.json`);
  }

  /** Writes `bytes` to `target` atomically: temp file, flush, rename. */
  private writeAtomic(target: string, bytes: Uint8Array | string): void {
    const tmpDir = path.join(this.root, "tmp");
    fs.mkdirSync(tmpDir, { recursive: true });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = path.join(tmpDir, `${process.pid}-${randomBytes(6).toString("hex")}`);
    const fd = fs.openSync(tmp, "w");
    try {
      if (typeof bytes === "string") fs.writeSync(fd, bytes);
      else fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  }

  /** Stores bytes under their hash; a no-op when an intact copy is already there. */
  putObject(bytes: Uint8Array): { hash: string; bytes: number } {
    const hash = sha256(bytes);
    const target = this.objectPath(hash);
    const existing = fs.statSync(target, { throwIfNoEntry: false });
    if (existing === undefined || existing.size !== bytes.length) this.writeAtomic(target, bytes);
    return { hash, bytes: bytes.length };
  }

  /** Cheap presence check: the file is there with the expected size. */
  hasObject(hash: string, size?: number): boolean {
    const st = fs.statSync(this.objectPath(hash), { throwIfNoEntry: false });
    return st !== undefined && (size === undefined || st.size === size);
  }

  /** Reads an object and verifies its bytes against its name. */
  readObject(hash: string): Uint8Array {
    const file = this.objectPath(hash);
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        throw new CorruptObjectError(hash, file, "missing");
      }
      throw e;
    }
    const actual = sha256(bytes);
    if (actual !== hash)
      throw new CorruptObjectError(hash, file, `its bytes hash to ${actual.slice(0, 12)}`);
    return bytes;
  }

  /** Moves a corrupt object aside so that it is recomputed, keeping it for inspection. */
  quarantine(hash: string): void {
    const file = this.objectPath(hash);
    const dir = path.join(this.root, "quarantine");
    fs.mkdirSync(dir, { recursive: true });
    try {
      fs.renameSync(file, path.join(dir, `${hash}-${Date.now()}.parquet`));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }

  writeRecord(record: NodeRecord): void {
    this.writeAtomic(this.recordPath(record.key), `${JSON.stringify(record, null, 1)}\n`);
  }

  /** The record of a key, or undefined when absent or unreadable (then it is recomputed). */
  readRecord(key: string): NodeRecord | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.recordPath(key), "utf8");
    } catch {
      return undefined;
    }
    try {
      const record = JSON.parse(text) as NodeRecord;
      return record.format === RECORD_FORMAT && record.key === key ? record : undefined;
    } catch {
      return undefined;
    }
  }

  removeRecord(key: string): void {
    fs.rmSync(this.recordPath(key), { force: true });
  }

  /** A record whose objects are all present (by size); undefined otherwise. */
  completeRecord(key: string): NodeRecord | undefined {
    const record = this.readRecord(key);
    if (record === undefined) return undefined;
    for (const out of Object.values(record.outputs)) {
      if (!this.hasObject(out.hash, out.bytes)) return undefined;
    }
    return record;
  }

  private listDir(sub: string, suffix: string): StoredFile[] {
    const base = path.join(this.root, sub);
    const out: StoredFile[] = [];
    for (const shard of safeReaddir(base)) {
      for (const f of safeReaddir(path.join(base, shard))) {
        if (!f.endsWith(suffix)) continue;
        const file = path.join(base, shard, f);
        const st = fs.statSync(file, { throwIfNoEntry: false });
        if (st !== undefined) {
          out.push({ name: f.slice(0, -suffix.length), file, size: st.size, mtimeMs: st.mtimeMs });
        }
      }
    }
    return out;
  }

  listObjects(): StoredFile[] {
    return this.listDir("objects", ".parquet");
  }

  listRecords(): StoredFile[] {
    return this.listDir("records", ".json");
  }

  /** Temp files left by processes that died mid-write, older than `ageMs`. */
  staleTemps(ageMs: number): { file: string; size: number }[] {
    const dir = path.join(this.root, "tmp");
    const now = Date.now();
    const out: { file: string; size: number }[] = [];
    for (const f of safeReaddir(dir)) {
      const file = path.join(dir, f);
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (st !== undefined && now - st.mtimeMs > ageMs) out.push({ file, size: st.size });
    }
    return out;
  }
}

/** A file of the store: its name without the suffix, path, size and modification time. */
export interface StoredFile {
  readonly name: string;
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
}

const safeReaddir = (dir: string): string[] => {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
};
