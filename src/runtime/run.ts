/**
 * Running an experiment: every node is a fiber that waits for its upstream
 * nodes, derives its key from their output hashes, and either finds a
 * complete record in the cache or hands a job to the executor. A failure
 * skips only what depends on it; everything else finishes and stays cached.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";

import { Deferred, Effect } from "effect";

import { RECORD_FORMAT, type NodeRecord, type Store } from "../cache/store.ts";
import { Executor } from "./executor.ts";
import type { Job, JobError } from "./job.ts";
import { KEY_SCHEME, nodeKey } from "./key.ts";
import { entryOf, writeLock, type LockEntry, type LockFile } from "./lock.ts";
import { keyPartsOf } from "./plan.ts";
import type { Reporter } from "./progress.ts";
import type { Experiment, NodeInstance } from "./spec.ts";

export type NodeResult =
  | { readonly status: "ran" | "cached"; readonly record: NodeRecord }
  | { readonly status: "failed"; readonly error: string }
  | { readonly status: "skipped"; readonly cause: string };

export interface RunOptions {
  readonly store: Store;
  readonly reporter: Reporter;
  /** Where to write the lock file; undefined to leave it alone. */
  readonly lockFile: string | undefined;
  readonly previousLock: LockFile | undefined;
  /** Only these nodes (and what they need); all when undefined. */
  readonly only?: ReadonlySet<string>;
  /** Filled with each node's result as it settles, so a caller sees them even if interrupted. */
  readonly results?: Map<string, NodeResult>;
}

const require = createRequire(import.meta.url);
const versionOf = (pkg: string): string => {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return "unknown";
  }
};

let versionsMemo: Record<string, string> | undefined;
/** Versions of the runtime and the libraries that shape the bytes of an output. */
export const runtimeVersions = (): Record<string, string> =>
  (versionsMemo ??= {
    node: process.versions.node,
    dag: (
      JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
        version: string;
      }
    ).version,
    effect: versionOf("effect"),
    "parquet-wasm": versionOf("parquet-wasm"),
    "apache-arrow": versionOf("apache-arrow"),
  });

const MAX_RECOVERIES = 3;

export const runExperiment = (exp: Experiment, opts: RunOptions) =>
  Effect.gen(function* () {
    const executor = yield* Executor;
    const { store, reporter } = opts;
    const order = exp.graph.order.filter((id) => opts.only === undefined || opts.only.has(id));
    const results = new Map<string, Deferred.Deferred<NodeResult>>();
    for (const id of order) results.set(id, Deferred.makeUnsafe<NodeResult>());
    const records = new Map<string, NodeRecord>();
    const outcome = opts.results ?? new Map<string, NodeResult>();
    const lookup = (id: string, table: string) => records.get(id)?.outputs[table]?.hash;

    /** Runs the node's job and writes its record; a corrupt input is recomputed first. */
    const compute = (
      node: NodeInstance,
      key: string,
      depth: number,
    ): Effect.Effect<NodeRecord, JobError> =>
      Effect.gen(function* () {
        const parts = keyPartsOf(node, lookup)!;
        const job: Job = {
          nodeId: node.id,
          kind: node.kind.name,
          key,
          params: node.params,
          inputs: Object.fromEntries(
            Object.entries(node.inputs).map(([name, ref]) => [
              name,
              { ids: ref.ids, hashes: parts.inputs[name], many: ref.many },
            ]),
          ),
          cacheRoot: store.root,
        };
        const startedAt = new Date().toISOString();
        const attempt = yield* executor
          .run(job, node.kind, (f) => reporter.progress(node.id, f))
          .pipe(Effect.result);
        if (attempt._tag === "Failure") {
          const err = attempt.failure;
          if (err.corruptHash === undefined || depth >= MAX_RECOVERIES)
            return yield* Effect.fail(err);
          yield* recover(node, err.corruptHash, depth);
          return yield* compute(node, key, depth + 1);
        }
        const { result, placement } = attempt.success;
        const record: NodeRecord = {
          format: RECORD_FORMAT,
          key,
          keyScheme: KEY_SCHEME,
          id: node.id,
          kind: node.kind.name,
          version: node.kind.version,
          implementation: parts.implementation,
          params: node.params,
          inputs: job.inputs,
          outputs: result.outputs,
          ...(parts.external === undefined ? {} : { external: parts.external }),
          seed: key,
          startedAt,
          durationMs: Math.round(result.durationMs),
          placement,
          versions: runtimeVersions(),
          notes: result.notes,
        };
        store.writeRecord(record);
        return record;
      });

    /** An input object was corrupt: set it aside and recompute the node that made it. */
    const recover = (node: NodeInstance, hash: string, depth: number) =>
      Effect.gen(function* () {
        store.quarantine(hash);
        const producers = Object.values(node.inputs)
          .flatMap((r) => r.ids)
          .filter((id) =>
            Object.values(records.get(id)?.outputs ?? {}).some((o) => o.hash === hash),
          );
        reporter.note(
          `corrupt object ${hash.slice(0, 12)} (from ${producers.join(", ")}): recomputing`,
        );
        for (const id of new Set(producers)) {
          const up = exp.byId.get(id)!;
          const key = records.get(id)!.key;
          store.removeRecord(key);
          records.set(id, yield* compute(up, key, depth + 1));
        }
      });

    const runNode = (id: string) =>
      Effect.gen(function* () {
        const node = exp.byId.get(id)!;
        const upIds = [...new Set(Object.values(node.inputs).flatMap((r) => r.ids))];
        const ups = yield* Effect.forEach(upIds, (u) => Deferred.await(results.get(u)!));
        const blocked = upIds.find(
          (_, i) => ups[i].status === "failed" || ups[i].status === "skipped",
        );
        const settle = (r: NodeResult) =>
          Effect.suspend(() => {
            outcome.set(id, r);
            return Deferred.succeed(results.get(id)!, r);
          });

        if (blocked !== undefined) {
          reporter.finished(id, "skipped", `(upstream ${blocked} did not finish)`);
          return yield* settle({ status: "skipped", cause: blocked });
        }

        const parts = keyPartsOf(node, lookup)!;
        const key = nodeKey(parts);
        const hit = store.completeRecord(key);
        if (hit !== undefined) {
          records.set(id, hit);
          reporter.finished(id, "cached", `[${key.slice(0, 8)}]`);
          return yield* settle({ status: "cached", record: hit });
        }

        const done = yield* compute(node, key, 0).pipe(Effect.result);
        if (done._tag === "Failure") {
          reporter.finished(id, "failed", `[${key.slice(0, 8)}] ${done.failure.message}`);
          return yield* settle({ status: "failed", error: done.failure.message });
        }
        records.set(id, done.success);
        const secs = (done.success.durationMs / 1000).toFixed(2);
        reporter.finished(id, "ran", `[${key.slice(0, 8)}] ${secs}s ${done.success.placement}`);
        return yield* settle({ status: "ran", record: done.success });
      });

    const writeLockNow = Effect.sync(() => {
      if (opts.lockFile === undefined) return;
      const nodes: Record<string, LockEntry> = {};
      // Nodes outside this run keep their entries; nodes that ran or were found replace theirs.
      for (const [id, entry] of Object.entries(opts.previousLock?.nodes ?? {})) {
        if (exp.byId.has(id) && !results.has(id)) nodes[id] = entry;
      }
      for (const [id, record] of records) nodes[id] = entryOf(record);
      writeLock(opts.lockFile, { format: 1, experiment: exp.name, nodes });
    });

    yield* Effect.forEach(order, runNode, { concurrency: "unbounded", discard: true }).pipe(
      Effect.ensuring(writeLockNow),
    );

    return outcome;
  });
