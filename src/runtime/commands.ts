/**
 * What each `dag` command does, as plain functions over an experiment and a
 * store; the command line (cli.ts) only parses flags and prints.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { Effect, Graph } from "effect";

import { decodeParquet } from "../cache/parquet.ts";
import { Store, sha256, type NodeRecord, type StoredFile } from "../cache/store.ts";
import { isFixedList, type NodeKind, type Table } from "../kind/index.ts";
import { UsageError } from "./errors.ts";
import { Executor, localExecutor } from "./executor.ts";
import type { Job } from "./job.ts";
import { downstreamOf, upstreamOf } from "./graph.ts";
import { readLock } from "./lock.ts";
import { makePlan, type Plan, type PlanNode } from "./plan.ts";
import { Reporter } from "./progress.ts";
import { runExperiment, type NodeResult } from "./run.ts";
import { globToRegExp, loadExperiment, suggest, type Experiment } from "./spec.ts";

export interface Context {
  readonly kinds: ReadonlyMap<string, NodeKind>;
  readonly cacheDir: string;
}

/** `--cache DIR`, else $DAG_CACHE, else `.dag` in the working directory. */
export const resolveCacheDir = (flag: string | undefined): string =>
  path.resolve(flag ?? (process.env.DAG_CACHE || ".dag"));

export const load = (ctx: Context, spec: string, sets: readonly string[]): Experiment =>
  loadExperiment(path.resolve(spec), { kinds: ctx.kinds, sets });

const nodeOrFail = (exp: Experiment, id: string) => {
  const node = exp.byId.get(id);
  if (node === undefined) {
    throw new UsageError({
      reason: `no node '${id}' in ${exp.file}${suggest(id, exp.byId.keys())}`,
    });
  }
  return node;
};

// ---------------------------------------------------------------------------
// plan

export const plan = (ctx: Context, exp: Experiment): Plan =>
  makePlan(exp, new Store(ctx.cacheDir), readLock(exp.lockFile));

export const formatPlanTable = (nodes: readonly PlanNode[]): string => {
  const idW = Math.min(48, Math.max(4, ...nodes.map((n) => n.id.length)));
  const kindW = Math.max(4, ...nodes.map((n) => n.kind.length));
  const lines = [`${"node".padEnd(idW)}  ${"kind".padEnd(kindW)}  state   key       reasons`];
  for (const n of nodes) {
    const key = n.key === null ? "-" : n.key.slice(0, 8);
    lines.push(
      [
        n.id.padEnd(idW),
        n.kind.padEnd(kindW),
        n.state.padEnd(6),
        key.padEnd(8),
        n.reasons.join("; "),
      ]
        .join("  ")
        .trimEnd(),
    );
  }
  const toRun = nodes.filter((n) => n.state === "run").length;
  lines.push(`${nodes.length} nodes: ${toRun} to run, ${nodes.length - toRun} cached`);
  return lines.join("\n");
};

// ---------------------------------------------------------------------------
// run

export interface RunSummary {
  readonly results: ReadonlyMap<string, NodeResult>;
  readonly counts: Record<"ran" | "cached" | "failed" | "skipped", number>;
  readonly elapsedMs: number;
  /** Stopped by `signal` (Ctrl-C): what finished is cached and in the lock file. */
  readonly interrupted: boolean;
}

export const run = async (
  ctx: Context,
  exp: Experiment,
  opts: {
    jobs: number;
    verbose: boolean;
    tty: boolean;
    write: (s: string) => void;
    writeLock?: boolean;
    /** Run only these nodes and everything they depend on. */
    targets?: readonly string[];
    /** Aborting it stops the run: running nodes are abandoned, the lock file is written. */
    signal?: AbortSignal;
  },
): Promise<RunSummary> => {
  const store = new Store(ctx.cacheDir);
  let only: Set<string> | undefined;
  if (opts.targets !== undefined && opts.targets.length > 0) {
    only = new Set(opts.targets.flatMap((t) => upstreamOf(exp.graph, nodeOrFail(exp, t).id)));
  }
  const reporter = new Reporter({
    total: only?.size ?? exp.nodes.length,
    jobs: opts.jobs,
    tty: opts.tty,
    verbose: opts.verbose,
    write: opts.write,
  });
  const results = new Map<string, NodeResult>();
  const program = runExperiment(exp, {
    store,
    reporter,
    lockFile: opts.writeLock === false ? undefined : exp.lockFile,
    previousLock: readLock(exp.lockFile),
    only,
    results,
  }).pipe(Effect.provide(localExecutor(opts.jobs, ctx.kinds)), Effect.scoped);
  let failure: unknown;
  try {
    await Effect.runPromise(program, { signal: opts.signal });
  } catch (e) {
    // An abort is the caller's Ctrl-C, reported through `interrupted`.
    if (opts.signal?.aborted !== true) failure = e;
  }
  const { elapsedMs, ...counts } = reporter.close();
  if (failure !== undefined) throw failure;
  return { results, counts, elapsedMs, interrupted: opts.signal?.aborted === true };
};

// ---------------------------------------------------------------------------
// lineage

export interface LineageNode {
  readonly id: string;
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, readonly string[]>>;
  readonly key: string | null;
  readonly state: "cached" | "run";
  readonly outputs: Readonly<Record<string, string>>;
  /** What the kind noted when it ran (backend, counts...), and how long it took. */
  readonly notes?: Readonly<Record<string, unknown>>;
  readonly durationMs?: number;
}

export const lineage = (
  ctx: Context,
  exp: Experiment,
  id: string,
  down: boolean,
): LineageNode[] => {
  nodeOrFail(exp, id);
  const ids = down ? downstreamOf(exp.graph, id) : upstreamOf(exp.graph, id);
  const p = plan(ctx, exp);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  return ids.map((nid) => {
    const node = exp.byId.get(nid)!;
    const record = p.cached.get(nid);
    return {
      id: nid,
      kind: node.kind.name,
      params: node.params,
      inputs: Object.fromEntries(Object.entries(node.inputs).map(([k, r]) => [k, r.ids])),
      key: byId.get(nid)!.key,
      state: byId.get(nid)!.state,
      outputs: Object.fromEntries(
        Object.entries(record?.outputs ?? {}).map(([k, o]) => [k, o.hash]),
      ),
      ...(record === undefined ? {} : { notes: record.notes, durationMs: record.durationMs }),
    };
  });
};

const short = (h: string | null): string => (h === null ? "(not yet known)" : h.slice(0, 12));

export const formatLineage = (
  nodes: readonly LineageNode[],
  format: "text" | "json" | "mermaid" | "dot",
): string => {
  if (format === "json") return JSON.stringify({ nodes }, null, 2);
  if (format === "text") {
    return nodes
      .map((n) => {
        const lines = [`${n.id}  (${n.kind}, ${n.state})`, `  key     ${short(n.key)}`];
        const params = Object.entries(n.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
        if (params.length > 0) lines.push(`  params  ${params.join(" ")}`);
        for (const [k, ids] of Object.entries(n.inputs))
          lines.push(`  input   ${k} <- ${ids.join(", ")}`);
        for (const [k, h] of Object.entries(n.outputs)) lines.push(`  output  ${k} ${short(h)}`);
        for (const [k, v] of Object.entries(n.notes ?? {})) {
          lines.push(`  note    ${k}=${JSON.stringify(v).slice(0, 100)}`);
        }
        return lines.join("\n");
      })
      .join("\n\n");
  }
  // Mermaid and DOT through effect's Graph renderers, on the lineage subgraph.
  const index = new Map<string, number>();
  const g = Graph.directed<LineageNode, string>((m) => {
    for (const n of nodes) index.set(n.id, Graph.addNode(m, n));
    for (const n of nodes) {
      for (const [input, ids] of Object.entries(n.inputs)) {
        for (const up of ids) {
          const from = index.get(up);
          if (from !== undefined) Graph.addEdge(m, from, index.get(n.id)!, input);
        }
      }
    }
  });
  const label = (n: LineageNode) => `${n.id}\\n${n.kind}\\n${short(n.key)}`;
  return format === "mermaid"
    ? Graph.toMermaid(g, {
        nodeLabel: (n) => label(n).replaceAll("\\n", "<br/>"),
        edgeLabel: (e) => e,
      })
    : Graph.toGraphViz(g, { nodeLabel: label, edgeLabel: (e) => e });
};

// ---------------------------------------------------------------------------
// show

export interface ShownTable {
  readonly id: string;
  readonly table: string;
  readonly hash: string;
  readonly rows: number;
  readonly schema: readonly { name: string; type: string }[];
  readonly head: readonly Record<string, unknown>[];
}

const cellOf = (t: Table, name: string, row: number): unknown => {
  const c = t.columns[name];
  if (isFixedList(c)) {
    const vals = Array.from(c.values.subarray(row * c.size, row * c.size + Math.min(c.size, 4)));
    return c.size > 4 ? [...vals, `... (${c.size})`] : vals;
  }
  const v = (c as ArrayLike<unknown>)[row];
  return typeof v === "bigint" ? v.toString() : v;
};

export const show = (
  ctx: Context,
  exp: Experiment,
  id: string,
  table: string | undefined,
  rows: number,
): ShownTable => {
  const node = nodeOrFail(exp, id);
  const record = plan(ctx, exp).cached.get(id);
  if (record === undefined)
    throw new UsageError({ reason: `${id} has not run with its current inputs: run it first` });
  const name = table ?? Object.keys(node.kind.outputs)[0];
  const out = record.outputs[name];
  if (out === undefined) {
    throw new UsageError({
      reason: `${id} has no output '${name}'; it has ${Object.keys(record.outputs).join(", ")}`,
    });
  }
  const decoded = decodeParquet(new Store(ctx.cacheDir).readObject(out.hash));
  const head: Record<string, unknown>[] = [];
  for (let r = 0; r < Math.min(rows, decoded.table.numRows); r++) {
    head.push(
      Object.fromEntries(decoded.schema.map((c) => [c.name, cellOf(decoded.table, c.name, r)])),
    );
  }
  return {
    id,
    table: name,
    hash: out.hash,
    rows: decoded.table.numRows,
    schema: decoded.schema.map((c) => ({
      name: c.name,
      type: typeof c.type === "object" ? `${c.type.list}[${c.type.size}]` : c.type,
    })),
    head,
  };
};

export const formatShown = (s: ShownTable): string => {
  const lines = [
    `${s.id}:${s.table}  ${s.rows} rows  object ${s.hash.slice(0, 12)}`,
    `schema: ${s.schema.map((c) => `${c.name}: ${c.type}`).join(", ")}`,
  ];
  const cols = s.schema.map((c) => c.name);
  const cells = s.head.map((r) => cols.map((c) => fmtCell(r[c])));
  const widths = cols.map((c, i) =>
    Math.min(30, Math.max(c.length, ...cells.map((r) => r[i].length))),
  );
  lines.push(cols.map((c, i) => c.padEnd(widths[i])).join("  "));
  for (const r of cells) lines.push(r.map((v, i) => v.slice(0, 30).padEnd(widths[i])).join("  "));
  return lines.join("\n");
};

const fmtCell = (v: unknown): string =>
  typeof v === "number"
    ? Number.isInteger(v)
      ? String(v)
      : v.toPrecision(6)
    : Array.isArray(v)
      ? `[${v.map(fmtCell).join(", ")}]`
      : String(v);

// ---------------------------------------------------------------------------
// audit

export interface AuditReport {
  readonly ok: boolean;
  readonly objects: { checked: number; corrupt: string[] };
  readonly lock: { checked: number; problems: string[] };
  readonly reexecuted: { id: string; ok: boolean; detail: string }[];
}

/**
 * Re-executes nodes in a scratch cache from their recorded inputs and
 * compares output hashes; verifies every stored object; checks the cache
 * and the current spec against the lock file.
 */
export const audit = async (
  ctx: Context,
  exp: Experiment,
  opts: {
    sample: number | "all";
    /** Ids or globs of nodes to re-execute besides the sample; each must match a cached node. */
    nodes?: readonly string[];
    jobs: number;
    seed?: string;
    onProgress?: (s: string) => void;
  },
): Promise<AuditReport> => {
  const store = new Store(ctx.cacheDir);

  const corrupt: string[] = [];
  const objects = store.listObjects();
  for (const o of objects) {
    if (sha256(fs.readFileSync(o.file)) !== o.name) corrupt.push(o.name);
  }

  const lockProblems: string[] = [];
  const lock = readLock(exp.lockFile);
  const p = plan(ctx, exp);
  if (lock === undefined)
    lockProblems.push(
      `no lock file at ${path.relative(process.cwd(), exp.lockFile)}: run the experiment first`,
    );
  for (const n of p.nodes) {
    const entry = lock?.nodes[n.id];
    if (lock === undefined) break;
    if (entry === undefined) {
      lockProblems.push(`${n.id}: not in the lock file`);
      continue;
    }
    if (n.key !== entry.key) {
      lockProblems.push(
        `${n.id}: the spec gives key ${short(n.key)}, the lock ${short(entry.key)} ` +
          `(${n.reasons.join("; ")})`,
      );
      continue;
    }
    const record = store.readRecord(entry.key);
    if (record === undefined) {
      lockProblems.push(`${n.id}: no record for key ${short(entry.key)} in the cache`);
      continue;
    }
    for (const [t, h] of Object.entries(entry.outputs)) {
      if (record.outputs[t]?.hash !== h)
        lockProblems.push(
          `${n.id}: output ${t} is ${short(record.outputs[t]?.hash ?? null)} in the cache, ` +
            `${short(h)} in the lock`,
        );
    }
  }

  // Choose the nodes to re-execute among those with a record.
  const candidates = p.nodes.filter((n) => p.cached.has(n.id)).map((n) => n.id);
  const named = new Set<string>();
  for (const pattern of opts.nodes ?? []) {
    const re = globToRegExp(pattern);
    const hits = candidates.filter((id) => (pattern.includes("*") ? re.test(id) : id === pattern));
    if (hits.length === 0) {
      const known = p.nodes.some((n) => (pattern.includes("*") ? re.test(n.id) : n.id === pattern));
      throw new UsageError({
        reason: known
          ? `--node ${pattern}: not in the cache yet, so there is nothing to re-execute: run the experiment first`
          : `--node ${pattern}: no node of ${exp.file} has this id${suggest(pattern, exp.byId.keys())}`,
      });
    }
    for (const id of hits) named.add(id);
  }
  const sampled =
    opts.sample === "all" ? candidates : sampleIds(candidates, opts.sample, opts.seed ?? "audit");
  const chosen = [...named, ...sampled.filter((id) => !named.has(id))];
  const scratchRoot = fs.mkdtempSync(path.join(os.tmpdir(), "dag-audit-"));
  const scratch = new Store(scratchRoot);
  let reexecuted: AuditReport["reexecuted"];
  try {
    // One executor for the whole audit: heavy nodes reuse its workers.
    reexecuted = await Effect.runPromise(
      Effect.gen(function* () {
        const executor = yield* Executor;
        const out: AuditReport["reexecuted"] = [];
        for (const id of chosen) {
          opts.onProgress?.(`re-executing ${id}`);
          out.push(yield* reexecute(ctx, executor, store, scratch, p.cached.get(id)!));
        }
        return out;
      }).pipe(Effect.provide(localExecutor(opts.jobs, ctx.kinds)), Effect.scoped),
    );
  } finally {
    fs.rmSync(scratchRoot, { recursive: true, force: true });
  }

  const ok = corrupt.length === 0 && lockProblems.length === 0 && reexecuted.every((r) => r.ok);
  return {
    ok,
    objects: { checked: objects.length, corrupt },
    lock: { checked: lock === undefined ? 0 : p.nodes.length, problems: lockProblems },
    reexecuted,
  };
};

/** A deterministic sample, so that an audit can be repeated exactly. */
const sampleIds = (ids: readonly string[], n: number, seed: string): string[] =>
  [...ids]
    .map((id) => ({ id, h: sha256(`${seed}:${id}`) }))
    .sort((a, b) => (a.h < b.h ? -1 : 1))
    .slice(0, n)
    .map((x) => x.id);

const reexecute = (
  ctx: Context,
  executor: Executor["Service"],
  store: Store,
  scratch: Store,
  record: NodeRecord,
) =>
  Effect.gen(function* () {
    const id = record.id;
    const kind = ctx.kinds.get(record.kind);
    if (kind === undefined) return { id, ok: false, detail: `kind ${record.kind} is unknown` };
    // Inputs come from the main cache, verified, copied into the scratch cache.
    const copied = yield* Effect.try({
      try: () => {
        for (const input of Object.values(record.inputs)) {
          for (const h of input.hashes) scratch.putObject(store.readObject(h));
        }
      },
      catch: (e) => (e as Error).message,
    }).pipe(Effect.result);
    if (copied._tag === "Failure")
      return { id, ok: false, detail: `input unreadable: ${copied.failure}` };

    const job: Job = {
      nodeId: id,
      kind: record.kind,
      key: record.key,
      params: record.params,
      inputs: record.inputs,
      cacheRoot: scratch.root,
    };
    const ran = yield* executor.run(job, kind, () => {}).pipe(Effect.result);
    if (ran._tag === "Failure")
      return { id, ok: false, detail: `re-execution failed: ${ran.failure.message}` };
    const diffs: string[] = [];
    for (const [t, out] of Object.entries(record.outputs)) {
      const again = ran.success.result.outputs[t]?.hash;
      if (again !== out.hash)
        diffs.push(`${t}: recorded ${short(out.hash)}, re-executed ${short(again ?? null)}`);
    }
    return diffs.length === 0
      ? { id, ok: true, detail: `reproduced ${Object.keys(record.outputs).length} output(s)` }
      : { id, ok: false, detail: diffs.join("; ") };
  });

// ---------------------------------------------------------------------------
// gc

export interface GcReport {
  readonly records: number;
  readonly objects: number;
  readonly temps: number;
  readonly bytes: number;
  readonly kept: { records: number; objects: number };
}

/**
 * Removes records, objects and temp files that no lock file and no current
 * plan of the given specs reaches and that are older than `minAgeMs`. The
 * age guard keeps what a `dag run` still in progress on the same cache has
 * written but not yet put in its lock file: a run writes the lock at its
 * end, so pass at least the age of the oldest run in progress (default one
 * hour).
 */
export const gc = (
  ctx: Context,
  experiments: readonly Experiment[],
  dryRun: boolean,
  minAgeMs = 3_600_000,
): GcReport => {
  const store = new Store(ctx.cacheDir);
  const keys = new Set<string>();
  for (const exp of experiments) {
    for (const e of Object.values(readLock(exp.lockFile)?.nodes ?? {})) keys.add(e.key);
    for (const r of plan(ctx, exp).cached.values()) keys.add(r.key);
  }
  const objects = new Set<string>();
  for (const key of keys) {
    const r = store.readRecord(key);
    if (r === undefined) continue;
    for (const o of Object.values(r.outputs)) objects.add(o.hash);
    // Inputs of a kept record stay too, so that it can still be audited.
    for (const i of Object.values(r.inputs)) for (const h of i.hashes) objects.add(h);
  }

  let bytes = 0;
  let nRecords = 0;
  let nObjects = 0;
  const remove = (file: string, size: number) => {
    bytes += size;
    if (!dryRun) fs.rmSync(file, { force: true });
  };
  const now = Date.now();
  const old = (f: StoredFile) => now - f.mtimeMs >= minAgeMs;
  const records = store.listRecords();
  for (const r of records) if (!keys.has(r.name) && old(r)) (nRecords++, remove(r.file, r.size));
  const objs = store.listObjects();
  for (const o of objs) if (!objects.has(o.name) && old(o)) (nObjects++, remove(o.file, o.size));
  const temps = store.staleTemps(minAgeMs);
  for (const t of temps) remove(t.file, t.size);
  return {
    records: nRecords,
    objects: nObjects,
    temps: temps.length,
    bytes,
    kept: { records: records.length - nRecords, objects: objs.length - nObjects },
  };
};

export const formatBytes = (n: number): string =>
  n < 1024
    ? `${n} B`
    : n < 1 << 20
      ? `${(n / 1024).toFixed(1)} KiB`
      : n < 1 << 30
        ? `${(n / 2 ** 20).toFixed(1)} MiB`
        : `${(n / 2 ** 30).toFixed(2)} GiB`;

// ---------------------------------------------------------------------------
// report

/**
 * Writes the experiment's report under `results/<experiment>/` from the
 * outputs of nodes that are cached with their current inputs. Returns the
 * files written (relative to the working directory).
 */
export const report = async (
  ctx: Context,
  exp: Experiment,
  outRoot = "results",
): Promise<string[]> => {
  const { reporters } = await import("../pipelines/report.ts");
  const nodes = exp.nodes.map((n) => ({ id: n.id, kind: n.kind.name }));
  const chosen = reporters.filter((r) => r.applies(nodes));
  if (chosen.length === 0) return [];
  const store = new Store(ctx.cacheDir);
  const cached = plan(ctx, exp).cached;
  const read = (id: string, table: string) => {
    const out = cached.get(id)?.outputs[table];
    return out === undefined ? undefined : decodeParquet(store.readObject(out.hash)).table;
  };
  // The experiment name passed the spec's name pattern: no '/', no '..'.
  const dir = path.join(outRoot, exp.name);
  const written: string[] = [];
  for (const r of chosen) {
    for (const f of await r.render(nodes, read)) {
      const target = path.join(dir, f.path);
      if (path.relative(dir, target).startsWith(".."))
        throw new Error(`report file ${f.path} leaves ${dir}`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, f.bytes);
      fs.renameSync(tmp, target);
      written.push(target);
    }
  }
  return written;
};
