/**
 * Where the time of a finished run went: reads an experiment's lock file and
 * the cache's node records, and prints per group of nodes (fold, box and
 * test-set numbers folded together) how many ran, their time range, their
 * summed time, and the throughput they noted (samples/s of training,
 * forward passes/s of inference). Then the run's wall span: from the first
 * node's start to the last node's end, as the records give them.
 *
 *   node bench/run-times.ts experiments/paper.lock.json [cache=.dag]
 *
 * A node that came from the cache of an earlier run counts with the time it
 * took then; the span covers every run that made the lock's nodes.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { readLock } from "../src/runtime/lock.ts";

const lockFile = process.argv[2];
const cache = process.argv[3] ?? process.env.DAG_CACHE ?? ".dag";
if (lockFile === undefined) {
  console.error("usage: node bench/run-times.ts <experiment.lock.json> [cache]");
  process.exit(2);
}
const lock = readLock(lockFile);
if (lock === undefined) {
  console.error(`${lockFile}: not a dag lock file`);
  process.exit(2);
}

interface Record {
  readonly id: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly placement?: string;
  readonly notes?: { readonly [key: string]: unknown };
}

const records: Record[] = [];
const missing: string[] = [];
for (const [id, entry] of Object.entries(lock.nodes)) {
  const file = path.join(cache, "records", entry.key.slice(0, 2), `${entry.key}.json`);
  if (!fs.existsSync(file)) {
    missing.push(id);
    continue;
  }
  records.push(JSON.parse(fs.readFileSync(file, "utf8")) as Record);
}

const groupOf = (id: string): string =>
  id.replace(/fold-\d+/, "fold-*").replace(/box-\d+/, "box-*");
const groups = new Map<string, Record[]>();
for (const r of records) {
  const g = groupOf(r.id);
  groups.set(g, [...(groups.get(g) ?? []), r]);
}

const rate = (r: Record): number | undefined => {
  const v = r.notes?.samples_per_second ?? r.notes?.forward_passes_per_second;
  return typeof v === "number" ? v : undefined;
};
const range = (xs: number[], digits: number): string =>
  `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}`;

console.log(`${lock.experiment}: ${records.length} nodes with records in ${cache}`);
console.log(`${"group".padEnd(36)} nodes       seconds each   sum (s)   throughput`);
let worker = 0;
let main = 0;
for (const [g, rs] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const seconds = rs.map((r) => r.durationMs / 1000);
  const sum = seconds.reduce((a, b) => a + b, 0);
  for (const r of rs) {
    if (r.placement === "worker") worker += r.durationMs / 1000;
    else main += r.durationMs / 1000;
  }
  const rates = rs.map(rate).filter((x): x is number => x !== undefined);
  const unit = rs.some((r) => r.notes?.samples_per_second !== undefined) ? "samples/s" : "passes/s";
  console.log(
    `${g.padEnd(36)} ${String(rs.length).padStart(5)} ${range(seconds, 1).padStart(18)} ${sum
      .toFixed(0)
      .padStart(9)}   ${rates.length > 0 ? `${range(rates, 0)} ${unit}` : ""}`,
  );
}
const starts = records.map((r) => Date.parse(r.startedAt));
const ends = records.map((r) => Date.parse(r.startedAt) + r.durationMs);
const span = (Math.max(...ends) - Math.min(...starts)) / 1000;
console.log(
  `\nnode time: ${worker.toFixed(0)} s in workers, ${main.toFixed(0)} s on the main thread; ` +
    `span ${(span / 60).toFixed(1)} min (${new Date(Math.min(...starts)).toISOString()} to ` +
    `${new Date(Math.max(...ends)).toISOString()})`,
);
if (missing.length > 0) console.log(`${missing.length} nodes of the lock have no record here`);
