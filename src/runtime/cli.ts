/**
 * The `dag` command line. Each handler loads the spec, calls a function of
 * commands.ts and prints. A user's mistake (bad spec, unknown node id) is
 * printed without a stack trace and exits with code 2; a failed node exits
 * with code 1.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { Effect } from "effect";
import { Argument, Command, Flag } from "effect/cli";

import { kindRegistry } from "../nodes/registry.ts";
import {
  audit,
  formatBytes,
  formatLineage,
  formatPlanTable,
  formatShown,
  gc,
  lineage,
  load,
  plan,
  report,
  resolveCacheDir,
  run,
  show,
  type Context,
} from "./commands.ts";
import { SpecError, UsageError } from "./errors.ts";
import { defaultJobs } from "./executor.ts";

const displayPath = (p: string): string => path.relative(process.cwd(), p) || ".";

const out = (s: string) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
const err = (s: string) => process.stderr.write(s.endsWith("\n") ? s : `${s}\n`);

/** Runs a handler body, turning user mistakes into exit code 2 and a plain message. */
const guarded = (body: () => Promise<void> | void) =>
  Effect.promise(async () => {
    try {
      await body();
    } catch (e) {
      if (e instanceof SpecError || e instanceof UsageError) {
        err(e.message);
        process.exitCode = 2;
        return;
      }
      err(`dag: internal error: ${(e as Error).stack ?? String(e)}`);
      process.exitCode = 1;
    }
  });

const spec = Argument.String("spec").pipe(Argument.withDescription("the experiment's YAML file"));
const sets = Flag.String("set").pipe(
  Flag.atLeast(0),
  Flag.withDescription("override a parameter: --set training.epochs=20 (repeatable)"),
);
const cache = Flag.String("cache").pipe(
  Flag.optional,
  Flag.withDescription("cache directory (default: $DAG_CACHE or .dag)"),
);
const json = Flag.Boolean("json").pipe(Flag.withDefault(false), Flag.withDescription("print JSON"));

const ctxOf = (cacheFlag: { _tag: string; value?: string }): Context => ({
  kinds: kindRegistry,
  cacheDir: resolveCacheDir(cacheFlag._tag === "Some" ? cacheFlag.value : undefined),
});

const runCmd = Command.make(
  "run",
  {
    spec,
    targets: Argument.String("node-id").pipe(
      Argument.variadic(),
      Argument.withDescription("run only these nodes and what they need (default: all)"),
    ),
    sets,
    cache,
    jobs: Flag.Int("jobs").pipe(
      Flag.withDefault(defaultJobs()),
      Flag.withDescription("parallel workers"),
    ),
    verbose: Flag.Boolean("verbose").pipe(
      Flag.withDefault(false),
      Flag.withDescription("list cached nodes too"),
    ),
  },
  (a) =>
    guarded(async () => {
      const ctx = ctxOf(a.cache);
      const exp = load(ctx, a.spec, a.sets);
      if (a.jobs < 1) throw new UsageError({ reason: "--jobs must be at least 1" });
      out(
        `${exp.name}: ${exp.nodes.length} nodes, cache ${displayPath(ctx.cacheDir)}, ` +
          `${a.jobs} worker(s)`,
      );
      // Ctrl-C: stop scheduling, abandon running nodes, keep what finished and write the lock.
      const abort = new AbortController();
      const onSigint = () => {
        if (abort.signal.aborted) process.exit(130);
        err("\ninterrupting: finished nodes stay cached (Ctrl-C again to quit at once)");
        abort.abort();
      };
      process.on("SIGINT", onSigint);
      const summary = await run(ctx, exp, {
        signal: abort.signal,
        targets: a.targets,
        jobs: a.jobs,
        verbose: a.verbose,
        tty: process.stdout.isTTY === true,
        write: (s) => process.stdout.write(s),
      });
      process.off("SIGINT", onSigint);
      const { ran, cached, failed, skipped } = summary.counts;
      out(
        `${ran + cached + failed + skipped} nodes: ${ran} ran, ${cached} cached, ` +
          `${failed} failed, ${skipped} skipped in ${(summary.elapsedMs / 1000).toFixed(2)}s`,
      );
      if (summary.interrupted) {
        out(`interrupted: ${ran + cached} nodes finished and are cached; run again to resume`);
        process.exitCode = 130;
        return;
      }
      if (failed + skipped > 0) {
        for (const [id, r] of summary.results)
          if (r.status === "failed") err(`failed: ${id}: ${r.error}`);
        process.exitCode = 1;
        return;
      }
      const files = await report(ctx, exp);
      if (files.length > 0)
        out(
          `report: ${path.dirname(files[0])}/ (${files.map((f) => path.basename(f)).join(", ")})`,
        );
    }),
).pipe(Command.withDescription("run every node that is not cached, in parallel"));

const planCmd = Command.make("plan", { spec, sets, cache, json }, (a) =>
  guarded(() => {
    const ctx = ctxOf(a.cache);
    const p = plan(ctx, load(ctx, a.spec, a.sets));
    out(a.json ? JSON.stringify({ nodes: p.nodes }, null, 1) : formatPlanTable(p.nodes));
  }),
).pipe(Command.withDescription("show what would run and why, without running it"));

const lineageCmd = Command.make(
  "lineage",
  {
    spec,
    node: Argument.String("node-id"),
    sets,
    cache,
    down: Flag.Boolean("down").pipe(
      Flag.withDefault(false),
      Flag.withDescription("downstream instead"),
    ),
    format: Flag.Literals("format", ["text", "json", "mermaid", "dot"]).pipe(
      Flag.withDefault("text" as const),
    ),
  },
  (a) =>
    guarded(() => {
      const ctx = ctxOf(a.cache);
      const exp = load(ctx, a.spec, a.sets);
      out(formatLineage(lineage(ctx, exp, a.node, a.down), a.format));
    }),
).pipe(Command.withDescription("where a node's output came from (or where it goes, with --down)"));

const showCmd = Command.make(
  "show",
  {
    spec,
    node: Argument.String("node-id"),
    sets,
    cache,
    json,
    rows: Flag.Int("rows").pipe(Flag.withDefault(10)),
    table: Flag.String("table").pipe(Flag.optional, Flag.withDescription("which output table")),
  },
  (a) =>
    guarded(() => {
      const ctx = ctxOf(a.cache);
      const exp = load(ctx, a.spec, a.sets);
      const s = show(ctx, exp, a.node, a.table._tag === "Some" ? a.table.value : undefined, a.rows);
      out(a.json ? JSON.stringify(s, null, 1) : formatShown(s));
    }),
).pipe(Command.withDescription("an output's schema, row count and first rows"));

const auditCmd = Command.make(
  "audit",
  {
    spec,
    sets,
    cache,
    json,
    sample: Flag.Int("sample").pipe(
      Flag.withDefault(5),
      Flag.withDescription("nodes to re-execute"),
    ),
    all: Flag.Boolean("all").pipe(
      Flag.withDefault(false),
      Flag.withDescription("re-execute every node"),
    ),
    nodes: Flag.String("node").pipe(
      Flag.atLeast(0),
      Flag.withDescription(
        "re-execute this node too: an id or a glob such as 'infer/*/fold-0' (repeatable)",
      ),
    ),
  },
  (a) =>
    guarded(async () => {
      const ctx = ctxOf(a.cache);
      const exp = load(ctx, a.spec, a.sets);
      const r = await audit(ctx, exp, {
        sample: a.all ? "all" : a.sample,
        nodes: a.nodes,
        jobs: 1,
        onProgress: a.json ? undefined : (s) => err(s),
      });
      if (a.json) out(JSON.stringify(r, null, 1));
      else {
        out(`objects: ${r.objects.checked} checked, ${r.objects.corrupt.length} corrupt`);
        for (const h of r.objects.corrupt) out(`  corrupt object ${h}`);
        out(`lock file: ${r.lock.checked} nodes checked, ${r.lock.problems.length} problems`);
        for (const p of r.lock.problems) out(`  ${p}`);
        out(
          `re-executed: ${r.reexecuted.length}, ` +
            `${r.reexecuted.filter((x) => !x.ok).length} did not reproduce`,
        );
        for (const x of r.reexecuted) out(`  ${x.ok ? "ok  " : "FAIL"} ${x.id}: ${x.detail}`);
        out(r.ok ? "audit passed" : "audit FAILED");
      }
      if (!r.ok) process.exitCode = 1;
    }),
).pipe(
  Command.withDescription("re-execute nodes in a scratch cache and verify the cache and lock file"),
);

const gcCmd = Command.make(
  "gc",
  {
    specs: Argument.String("spec").pipe(Argument.variadic()),
    cache,
    dryRun: Flag.Boolean("dry-run").pipe(Flag.withDefault(false)),
    minAge: Flag.Int("min-age").pipe(
      Flag.withDescription(
        "keep unreachable entries younger than this many minutes: a run in progress has not " +
          "written its lock file yet (default 60)",
      ),
      Flag.withDefault(60),
    ),
  },
  (a) =>
    guarded(() => {
      if (a.minAge < 0) {
        throw new UsageError({ reason: `--min-age must be at least 0 minutes, got ${a.minAge}` });
      }
      const ctx = ctxOf(a.cache);
      const files =
        a.specs.length > 0
          ? a.specs
          : fs.existsSync("experiments")
            ? fs
                .readdirSync("experiments")
                .filter((f) => /\.ya?ml$/.test(f))
                .map((f) => path.join("experiments", f))
            : [];
      const exps = files.map((f) => load(ctx, f, []));
      const r = gc(ctx, exps, a.dryRun, a.minAge * 60_000);
      const verb = a.dryRun ? "would free" : "freed";
      out(
        `${verb} ${formatBytes(r.bytes)}: ${r.records} records, ${r.objects} objects, ` +
          `${r.temps} temp files; kept ${r.kept.records} records, ${r.kept.objects} objects ` +
          `(reached from ${files.length} spec(s))`,
      );
    }),
).pipe(Command.withDescription("remove cache entries that no spec or lock file reaches"));

const reportCmd = Command.make("report", { spec, sets, cache }, (a) =>
  guarded(async () => {
    const ctx = ctxOf(a.cache);
    const files = await report(ctx, load(ctx, a.spec, a.sets));
    if (files.length === 0) out("nothing to report: no finished metrics nodes in this experiment");
    for (const f of files) out(f);
  }),
).pipe(Command.withDescription("write the paper's table and figures under results/<experiment>/"));

export const dag = Command.make("dag").pipe(
  Command.withDescription("declarative, cached, parallel dataflow for experiments"),
  Command.withSubcommands([runCmd, planCmd, lineageCmd, showCmd, auditCmd, gcCmd, reportCmd]),
);

export const runCli = Command.run(dag, { version: "0.1.0" });
