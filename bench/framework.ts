/**
 * Framework benchmark: planning and running generated graphs of 1,000 and
 * 10,000 nodes (wall time and peak memory), and the parallel speed-up of
 * CPU-bound nodes with 1 vs 2 workers.
 *
 *   node bench/framework.ts            # all
 *   node bench/framework.ts 1000       # one graph size
 *
 * Each measurement runs in a fresh child process so that peak RSS belongs to
 * that measurement alone.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { kindRegistry } from "../src/nodes/registry.ts";
import { plan, run } from "../src/runtime/commands.ts";
import { loadExperiment } from "../src/runtime/spec.ts";

const graphSpec = (n: number): string =>
  [
    `experiment: bench-${n}`,
    "params:",
    `  i: [${Array.from({ length: n - 2 }, (_, i) => i).join(", ")}]`,
    "nodes:",
    "  source:",
    "    kind: toy.source",
    "    params: { n: 10 }",
    "  clip:",
    "    kind: toy.clip",
    "    foreach: { i: $i }",
    "    params: { lo: $i }",
    "    inputs: { x: source }",
    "  total:",
    "    kind: toy.sum",
    '    inputs: { xs: "clip/*" }',
    "",
  ].join("\n");

const cpuSpec = (nodes: number, work: number): string =>
  [
    "experiment: cpu",
    "params:",
    `  a: [${Array.from({ length: nodes }, (_, i) => i + 1).join(", ")}]`,
    "nodes:",
    "  source:",
    "    kind: toy.source",
    "    params: { n: 2000 }",
    "  square:",
    "    kind: toy.square",
    "    foreach: { a: $a }",
    `    params: { a: $a, work: ${work} }`,
    "    inputs: { x: source }",
    "",
  ].join("\n");

/** Child mode: one measurement, printed as JSON. */
const child = async (mode: string, spec: string, cacheDir: string, jobs: number) => {
  const t0 = performance.now();
  const exp = loadExperiment(spec, { kinds: kindRegistry });
  const loaded = performance.now();
  const ctx = { kinds: kindRegistry, cacheDir };
  if (mode === "plan") {
    const p = plan(ctx, exp);
    const t1 = performance.now();
    return {
      loadMs: loaded - t0,
      planMs: t1 - loaded,
      toRun: p.nodes.filter((x) => x.state === "run").length,
    };
  }
  const s = await run(ctx, exp, { jobs, verbose: false, tty: false, write: () => {} });
  const t1 = performance.now();
  return { loadMs: loaded - t0, runMs: t1 - loaded, counts: s.counts };
};

const measure = (mode: string, spec: string, cacheDir: string, jobs = 2) => {
  const started = performance.now();
  const r = spawnSync(
    process.execPath,
    [import.meta.filename, "--child", mode, spec, cacheDir, String(jobs)],
    {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    },
  );
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(r.stderr);
  const lines = r.stdout.trim().split("\n");
  return { ...JSON.parse(lines[lines.length - 1]), processWallMs: Math.round(wallMs) };
};

const ms = (x: number): string => `${x.toFixed(0)} ms`;

const main = async () => {
  if (process.argv[2] === "--child") {
    const [, , , mode, spec, cacheDir, jobs] = process.argv;
    const out = await child(mode, spec, cacheDir, Number(jobs));
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(JSON.stringify({ ...out, peakRssMiB }));
    return;
  }
  const sizes = process.argv[2] ? [Number(process.argv[2])] : [1000, 10000];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dag-bench-"));
  console.log(
    `node ${process.version}, ${os.availableParallelism()} cores, ${os.cpus()[0]?.model}`,
  );
  for (const n of sizes) {
    const spec = path.join(dir, `graph-${n}.yaml`);
    fs.writeFileSync(spec, graphSpec(n));
    const cache = path.join(dir, `cache-${n}`);
    const planEmpty = measure("plan", spec, cache);
    const first = measure("run", spec, cache);
    const planCached = measure("plan", spec, cache);
    const cached = measure("run", spec, cache);
    const perNodeUs = (x: number) => ((x * 1000) / n).toFixed(0);
    console.log(`\n${n} nodes`);
    console.log(
      `  plan, empty cache : load ${ms(planEmpty.loadMs)} + plan ${ms(planEmpty.planMs)}, ` +
        `peak ${planEmpty.peakRssMiB} MiB`,
    );
    console.log(
      `  run, empty cache  : ${ms(first.runMs)} (${perNodeUs(first.runMs)} us/node incl. ` +
        `Parquet writes), peak ${first.peakRssMiB} MiB`,
    );
    console.log(
      `  plan, all cached  : load ${ms(planCached.loadMs)} + plan ${ms(planCached.planMs)}, ` +
        `peak ${planCached.peakRssMiB} MiB`,
    );
    console.log(
      `  run, all cached   : ${ms(cached.runMs)} after start-up (${perNodeUs(cached.runMs)} ` +
        `us/node), whole process ${cached.processWallMs} ms, peak ${cached.peakRssMiB} MiB`,
    );
  }

  if (process.argv[2] === undefined) {
    const spec = path.join(dir, "cpu.yaml");
    fs.writeFileSync(spec, cpuSpec(8, 60000));
    const one = measure("run", spec, path.join(dir, "cpu-1"), 1);
    const two = measure("run", spec, path.join(dir, "cpu-2"), 2);
    console.log(`\n8 CPU-bound toy.square nodes`);
    console.log(`  --jobs 1: ${one.runMs.toFixed(0)} ms`);
    console.log(
      `  --jobs 2: ${two.runMs.toFixed(0)} ms  (speed-up ${(one.runMs / two.runMs).toFixed(2)}x)`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
};

await main();
