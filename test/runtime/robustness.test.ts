import * as fs from "node:fs";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { dag, dagAsync, lockOf, planJson, ran, scratch, TOY } from "./helpers.ts";

const SPEC = "experiments/toy.yaml";
/** Squares that take a noticeable time, so a run can be interrupted mid-way. */
const SLOW = TOY.replace("work: 0", "work: 20000").replace(
  "grid: [1, 2, 3, 4]",
  "grid: [1, 2, 3, 4, 5, 6]",
);

const objectsOf = (dir: string): string[] => {
  const base = path.join(dir, ".dag", "objects");
  return fs
    .readdirSync(base)
    .flatMap((s) => fs.readdirSync(path.join(base, s)).map((f) => path.join(base, s, f)));
};

const waitFor = async (cond: () => boolean, ms: number) => {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("crashes, corruption and concurrent runs", () => {
  const reference = scratch(SLOW);
  const refRun = dag(reference, "run", SPEC);

  it("resumes after kill -9 and finishes with the same outputs", async () => {
    expect(refRun.code).toBe(0);
    const dir = scratch(SLOW);
    const first = dagAsync(dir, "run", SPEC, "--jobs", "2");
    await waitFor(() => /ran\s+square/.test(first.output()), 60_000);
    first.child.kill("SIGKILL");
    await first.done;
    const done = (first.output().match(/^ran /gm) ?? []).length;
    expect(done).toBeLessThan(14);

    const second = dag(dir, "run", SPEC);
    expect(second.code).toBe(0);
    expect(ran(second.stdout).length).toBeLessThan(14); // what finished before the kill was kept
    expect(lockOf(dir)).toEqual(lockOf(reference));
  });

  it("survives kill -9 at an arbitrary early moment", async () => {
    const dir = scratch(SLOW);
    for (const delay of [150, 400, 900]) {
      const p = dagAsync(dir, "run", SPEC);
      await new Promise((r) => setTimeout(r, delay));
      p.child.kill("SIGKILL");
      await p.done;
    }
    expect(dag(dir, "run", SPEC).code).toBe(0);
    expect(lockOf(dir)).toEqual(lockOf(reference));
  });

  it("stops on Ctrl-C, keeps what finished in the cache and the lock file, and resumes", async () => {
    const dir = scratch(SLOW);
    const p = dagAsync(dir, "run", SPEC, "--jobs", "1");
    await waitFor(() => /ran\s+square/.test(p.output()), 60_000);
    p.child.kill("SIGINT");
    const r = await p.done;
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(
      /^interrupted: \d+ nodes finished and are cached; run again to resume$/m,
    );
    const finished = Object.keys(lockOf(dir).nodes);
    expect(finished).toContain("source");
    const again = dag(dir, "run", SPEC);
    expect(again.code).toBe(0);
    expect(ran(again.stdout).some((id) => finished.includes(id))).toBe(false);
    expect(lockOf(dir)).toEqual(lockOf(reference));
  });

  it("detects a truncated output object and recomputes it", () => {
    const dir = scratch();
    expect(dag(dir, "run", SPEC).code).toBe(0);
    const before = lockOf(dir);
    const victim = path.join(
      dir,
      ".dag",
      "objects",
      before.nodes["square/a-2"].outputs.values.slice(0, 2),
      `${before.nodes["square/a-2"].outputs.values}.parquet`,
    );
    fs.truncateSync(victim, 100);
    const plan = planJson(dir);
    expect(plan.nodes.find((n) => n.id === "square/a-2")!.reasons).toEqual([
      "output missing from the cache",
    ]);
    const r = dag(dir, "run", SPEC);
    expect(r.code).toBe(0);
    expect(ran(r.stdout)).toEqual(["square/a-2"]);
    expect(lockOf(dir)).toEqual(before);
  });

  it("detects a corrupted input on read, reports it and recomputes its producer", () => {
    const dir = scratch();
    expect(dag(dir, "run", SPEC).code).toBe(0);
    const before = lockOf(dir);
    const hash = before.nodes["square/a-3"].outputs.values;
    const victim = path.join(dir, ".dag", "objects", hash.slice(0, 2), `${hash}.parquet`);
    const bytes = fs.readFileSync(victim);
    bytes[bytes.length >> 1] ^= 0xff; // same size: only the hash can tell
    fs.writeFileSync(victim, bytes);
    // Changing clip.hi makes clip/a-3 read the corrupt object.
    const r = dag(dir, "run", SPEC, "--set", "clip.hi=0.5");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`corrupt object ${hash.slice(0, 12)} \\(from square/a-3\\): recomputing`),
    );
    expect(fs.readFileSync(victim)).not.toEqual(bytes);
    expect(fs.existsSync(path.join(dir, ".dag", "quarantine"))).toBe(true);
    expect(dag(dir, "run", SPEC).code).toBe(0);
    expect(lockOf(dir)).toEqual(before);
  });

  it("lets two dag run processes share one cache and both finish correctly", async () => {
    const dir = scratch(SLOW);
    const a = dagAsync(dir, "run", SPEC, "--jobs", "1");
    const b = dagAsync(dir, "run", SPEC, "--jobs", "1");
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.code).toBe(0);
    expect(rb.code).toBe(0);
    expect(lockOf(dir)).toEqual(lockOf(reference));
    const audit = dag(dir, "audit", SPEC, "--all");
    expect(audit.code).toBe(0);
    expect(objectsOf(dir).length).toBeGreaterThan(0);
  });
});
