import * as fs from "node:fs";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { dag, lockOf, outcomes, planJson, ran, scratch, stateOf } from "./helpers.ts";

const TOY = "experiments/toy.yaml";
const CLIPS = ["clip/a-1", "clip/a-2", "clip/a-3", "clip/a-4"];

describe("dag run and dag plan on the toy experiment", () => {
  const dir = scratch();

  it("plans every node as 'run' with reason 'never ran' on an empty cache", () => {
    const plan = planJson(dir);
    expect(plan.nodes).toHaveLength(10);
    for (const n of plan.nodes) {
      expect(n.state).toBe("run");
      expect(n.reasons).toEqual(["never ran"]);
      expect(Object.keys(n).sort()).toEqual(["id", "key", "kind", "reasons", "state"]);
    }
    expect(stateOf(plan, "source").key).toMatch(/^[0-9a-f]{64}$/);
    expect(stateOf(plan, "total").key).toBeNull(); // its inputs do not exist yet
  });

  it("runs all ten nodes, heavy ones in workers, and writes the lock file", () => {
    const r = dag(dir, "run", TOY);
    expect(r.code).toBe(0);
    expect(ran(r.stdout)).toHaveLength(10);
    expect(r.stdout).toMatch(/ran\s+square\/a-1\s+\[[0-9a-f]{8}\] [\d.]+s worker/);
    expect(r.stdout).toMatch(/ran\s+source\s+\[[0-9a-f]{8}\] [\d.]+s main/);
    expect(Object.keys(lockOf(dir).nodes)).toHaveLength(10);
  });

  it("runs nothing the second time", () => {
    const r = dag(dir, "run", TOY);
    expect(r.code).toBe(0);
    expect(ran(r.stdout)).toEqual([]);
    expect(r.stdout).toMatch(/10 nodes: 0 ran, 10 cached/);
    expect(planJson(dir).nodes.every((n) => n.state === "cached")).toBe(true);
  });

  it("names the changed parameter with its old and new value", () => {
    const plan = planJson(dir, "--set", "clip.hi=0.5");
    for (const id of CLIPS) {
      expect(stateOf(plan, id).state).toBe("run");
      expect(stateOf(plan, id).reasons).toEqual(["clip.hi: 20 -> 0.5"]);
    }
    expect(stateOf(plan, "source").state).toBe("cached");
    expect(stateOf(plan, "square/a-1").state).toBe("cached");
    expect(stateOf(plan, "total").reasons[0]).toMatch(
      /^upstream clip\/a-1, clip\/a-2 and 2 more will run$/,
    );
  });

  it("reruns only the nodes that read a changed parameter, and what their new outputs feed", () => {
    const r = dag(dir, "run", TOY, "--set", "clip.hi=0.5");
    expect(r.code).toBe(0);
    expect(ran(r.stdout)).toEqual([...CLIPS, "total"].sort());
  });

  it("keeps dependants cached when a rerun reproduces the same bytes (early cutoff)", () => {
    // hi = 20 and hi = 30 both lie above every value ((a x)^2 < 16): clip outputs are identical.
    expect(dag(dir, "run", TOY).code).toBe(0);
    const r = dag(dir, "run", TOY, "--set", "clip.hi=30");
    expect(ran(r.stdout)).toEqual(CLIPS);
    // Cached nodes are not listed without --verbose; total is among them.
    expect(outcomes(r.stdout).filter(([, id]) => id === "total")).toEqual([]);
    expect(r.stdout).toMatch(/10 nodes: 4 ran, 6 cached/);
  });

  it("reports an upstream output change as the reason", () => {
    dag(dir, "run", TOY); // back to hi = 20
    fs.writeFileSync(
      path.join(dir, TOY),
      fs.readFileSync(path.join(dir, TOY), "utf8").replace("n: 2000", "n: 2001"),
    );
    const plan = planJson(dir);
    expect(stateOf(plan, "source").reasons).toEqual(["n: 2000 -> 2001"]);
    expect(stateOf(plan, "square/a-1").reasons).toEqual(["upstream source will run"]);
    expect(dag(dir, "run", "experiments/toy.yaml").code).toBe(0);
    // Back to 2000: source and its dependants are cached again.
    fs.writeFileSync(
      path.join(dir, TOY),
      fs.readFileSync(path.join(dir, TOY), "utf8").replace("n: 2001", "n: 2000"),
    );
    const back = planJson(dir);
    expect(stateOf(back, "source").state).toBe("cached");
    expect(stateOf(back, "square/a-1").state).toBe("cached");
    expect(stateOf(back, "source").reasons).toEqual([]);
  });

  it("gives the same output bytes in another cache (same key, same bytes)", () => {
    const other = scratch();
    expect(dag(other, "run", TOY, "--jobs", "1").code).toBe(0);
    dag(dir, "run", TOY);
    expect(lockOf(other)).toEqual(lockOf(dir));
  });
});

describe("a failing node", () => {
  it("stops only what depends on it, names the node and cause, and keeps the rest", () => {
    const dir = scratch();
    const spec =
      fs.readFileSync(path.join(dir, TOY), "utf8") +
      [
        "  bad:",
        "    kind: toy.square",
        "    params: { a: 7, fail: true }",
        "    inputs: { x: source }",
        "  after_bad:",
        "    kind: toy.clip",
        "    inputs: { x: bad }",
        "",
      ].join("\n");
    fs.writeFileSync(path.join(dir, TOY), spec);
    const r = dag(dir, "run", TOY);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^failed: bad: asked to fail \(a = 7\)$/m);
    const out = Object.fromEntries(outcomes(r.stdout).map(([o, id]) => [id, o]));
    expect(out["bad"]).toBe("failed");
    expect(out["after_bad"]).toBe("skipped");
    expect(out["total"]).toBe("ran");
    expect(ran(r.stdout)).toHaveLength(10);
    // Everything that finished stays cached; the lock holds it, not the failed nodes.
    const plan = planJson(dir);
    expect(plan.nodes.filter((n) => n.state === "cached")).toHaveLength(10);
    expect(Object.keys(lockOf(dir).nodes)).not.toContain("bad");
  });
});
