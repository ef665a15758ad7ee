/**
 * The lock file: for each node of an experiment, the key and output hashes
 * of its last successful run, with the parameters and input hashes that made
 * them. Committed beside the spec, it pins a result: `dag plan` explains
 * changes against it and `dag audit` checks the cache against it.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import type { NodeRecord } from "../cache/store.ts";

export const LOCK_FORMAT = 1;

export interface LockEntry {
  readonly kind: string;
  readonly version: number;
  readonly implementation: string;
  readonly key: string;
  readonly params: unknown;
  /** Content hashes of the inputs, by input name. */
  readonly inputs: Readonly<Record<string, readonly string[]>>;
  /** Output table name -> content hash. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Fingerprints of files outside the cache, when the kind reads any. */
  readonly external?: Readonly<Record<string, string>>;
}

export interface LockFile {
  readonly format: number;
  readonly experiment: string;
  readonly nodes: Readonly<Record<string, LockEntry>>;
}

export const entryOf = (record: NodeRecord): LockEntry => ({
  kind: record.kind,
  version: record.version,
  implementation: record.implementation,
  key: record.key,
  params: record.params,
  inputs: Object.fromEntries(Object.entries(record.inputs).map(([k, v]) => [k, v.hashes])),
  outputs: Object.fromEntries(Object.entries(record.outputs).map(([k, v]) => [k, v.hash])),
  ...(record.external === undefined ? {} : { external: record.external }),
});

/** The lock file, or undefined when there is none or it cannot be read as one. */
export const readLock = (file: string): LockFile | undefined => {
  try {
    const lock = JSON.parse(fs.readFileSync(file, "utf8")) as LockFile;
    return lock.format === LOCK_FORMAT && typeof lock.nodes === "object" ? lock : undefined;
  } catch {
    return undefined;
  }
};

export const writeLock = (file: string, lock: LockFile): void => {
  const sorted = Object.fromEntries(
    Object.entries(lock.nodes).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const text = `${JSON.stringify({ ...lock, nodes: sorted }, null, 1)}\n`;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
};
