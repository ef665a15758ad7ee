/**
 * One node's computation, the same on the main thread and in a worker: read
 * the input objects (verifying their hashes), run the kind, check and encode
 * its outputs, store them. The record is written by the scheduler, last.
 *
 * This is the executor's whole contract: a job in, output references out.
 * A batch-system backend would run exactly this on another host against a
 * shared cache.
 */
import { decodeParquet, encodeParquet, formatSchema } from "../cache/parquet.ts";
import { CorruptObjectError, Store, type OutputRef } from "../cache/store.ts";
import { checkTable, Rng, type NodeKind, type Table } from "../kind/index.ts";

export interface JobInput {
  readonly ids: readonly string[];
  readonly hashes: readonly string[];
  readonly many: boolean;
}

export interface Job {
  readonly nodeId: string;
  readonly kind: string;
  readonly key: string;
  readonly params: unknown;
  readonly inputs: Readonly<Record<string, JobInput>>;
  readonly cacheRoot: string;
}

export interface JobResult {
  readonly outputs: Readonly<Record<string, OutputRef>>;
  readonly notes: Readonly<Record<string, unknown>>;
  readonly durationMs: number;
}

/** Why a job failed, in a form that crosses a worker boundary. */
export interface JobError {
  readonly message: string;
  /** Set when an input object was found corrupt: the producer must be recomputed. */
  readonly corruptHash?: string;
}

export const toJobError = (e: unknown): JobError =>
  e instanceof CorruptObjectError
    ? { message: e.message, corruptHash: e.hash }
    : { message: e instanceof Error ? e.message : String(e) };

export const runJob = async (
  job: Job,
  kinds: ReadonlyMap<string, NodeKind>,
  onProgress: (fraction: number, message?: string) => void,
): Promise<JobResult> => {
  const kind = kinds.get(job.kind);
  if (kind === undefined) throw new Error(`unknown node kind '${job.kind}'`);
  const store = new Store(job.cacheRoot);
  const started = performance.now();

  const decoded = new Map<string, Table>();
  const read = (hash: string): Table => {
    let t = decoded.get(hash);
    if (t === undefined) {
      t = decodeParquet(store.readObject(hash)).table;
      decoded.set(hash, t);
    }
    return t;
  };
  const inputs: Record<string, Table | Table[]> = {};
  const inputIds: Record<string, string | string[]> = {};
  for (const [name, input] of Object.entries(job.inputs)) {
    const tables = input.hashes.map(read);
    inputs[name] = input.many ? tables : tables[0];
    inputIds[name] = input.many ? [...input.ids] : input.ids[0];
  }

  const notes: Record<string, unknown> = {};
  const outputs = await kind.run({
    params: job.params,
    inputs,
    inputIds,
    rng: new Rng(job.key),
    nodeId: job.nodeId,
    progress: onProgress,
    note: (k, v) => {
      notes[k] = v;
    },
  });

  const refs: Record<string, OutputRef> = {};
  for (const [name, schema] of Object.entries(kind.outputs)) {
    const table = outputs[name];
    if (table === undefined) throw new Error(`${kind.name} did not produce its output '${name}'`);
    const problems = checkTable(table, schema);
    if (problems.length > 0)
      throw new Error(`output '${name}' of ${kind.name}: ${problems.join("; ")}`);
    const { hash, bytes } = store.putObject(encodeParquet(table, schema));
    refs[name] = { hash, bytes, rows: table.numRows, schema: formatSchema(schema) };
  }
  for (const name of Object.keys(outputs)) {
    if (!Object.hasOwn(kind.outputs, name))
      throw new Error(`${kind.name} produced undeclared output '${name}'`);
  }
  return { outputs: refs, notes, durationMs: performance.now() - started };
};
