import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { Store } from "../../src/cache/store.ts";
import { Rng } from "../../src/kind/index.ts";
import { kindRegistry } from "../../src/nodes/registry.ts";
import { run } from "../../src/runtime/commands.ts";
import { canonical, nodeKey } from "../../src/runtime/key.ts";
import { readLock } from "../../src/runtime/lock.ts";
import { makePlan } from "../../src/runtime/plan.ts";
import { Reporter } from "../../src/runtime/progress.ts";
import { loadExperiment } from "../../src/runtime/spec.ts";
import { scratch } from "./helpers.ts";

describe("keys", () => {
  it("encode objects canonically: key order and -0 do not matter", () => {
    expect(canonical({ b: 1, a: [1, -0, { d: 2, c: 3 }] })).toBe('{"a":[1,0,{"c":3,"d":2}],"b":1}');
    expect(canonical({ a: 1, b: undefined })).toBe(canonical({ a: 1 }));
  });

  it("refuse non-finite numbers", () => {
    expect(() => canonical({ x: Number.NaN })).toThrow(/non-finite/);
  });

  it("change with every part of what determines an output", () => {
    const base = {
      kind: "k",
      version: 1,
      implementation: "i",
      params: { a: 1 },
      inputs: { x: ["h"] },
    };
    const k = nodeKey(base);
    expect(nodeKey({ ...base })).toBe(k);
    expect(nodeKey({ ...base, version: 2 })).not.toBe(k);
    expect(nodeKey({ ...base, implementation: "j" })).not.toBe(k);
    expect(nodeKey({ ...base, params: { a: 2 } })).not.toBe(k);
    expect(nodeKey({ ...base, inputs: { x: ["g"] } })).not.toBe(k);
  });
});

describe("the seeded generator", () => {
  it("gives the same stream for the same seed and another for another seed", () => {
    const a = Array.from({ length: 5 }, () => new Rng("k").uniform());
    const r1 = new Rng("k");
    const r2 = new Rng("k");
    const s1 = Array.from({ length: 100 }, () => r1.uniform());
    expect(Array.from({ length: 100 }, () => r2.uniform())).toEqual(s1);
    expect(new Rng("k2").uniform()).not.toBe(a[0]);
    expect(new Rng("k").fork("box-1").uniform()).not.toBe(new Rng("k").fork("box-2").uniform());
  });

  it("draws normals and Poisson deviates with the right moments", () => {
    const r = new Rng("moments");
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
    for (const mean of [0.5, 3, 40, 1000]) {
      let m = 0;
      let v = 0;
      const k = 50_000;
      const xs = Array.from({ length: k }, () => r.poisson(mean));
      for (const x of xs) m += x / k;
      for (const x of xs) v += (x - m) ** 2 / (k - 1);
      expect(Math.abs(m - mean) / Math.sqrt(mean / k)).toBeLessThan(5);
      expect(Math.abs(v / mean - 1)).toBeLessThan(0.05);
    }
  });
});

describe("plan reasons", () => {
  it("name a change in a kind's code version", async () => {
    const dir = scratch();
    const spec = path.join(dir, "experiments/toy.yaml");
    const exp = loadExperiment(spec, { kinds: kindRegistry });
    const cacheDir = path.join(dir, ".dag");
    await run({ kinds: kindRegistry, cacheDir }, exp, {
      jobs: 1,
      verbose: false,
      tty: false,
      write: () => {},
    });

    const bumped = new Map(kindRegistry);
    bumped.set("toy.clip", { ...kindRegistry.get("toy.clip")!, version: 2 });
    const again = loadExperiment(spec, { kinds: bumped });
    const plan = makePlan(again, new Store(cacheDir), readLock(again.lockFile));
    const clip = plan.nodes.find((n) => n.id === "clip/a-1")!;
    expect(clip.state).toBe("run");
    expect(clip.reasons).toEqual(["toy.clip version 1 -> 2"]);
    expect(plan.nodes.find((n) => n.id === "square/a-1")!.state).toBe("cached");
  });
});

describe("progress", () => {
  it("prints plain outcome lines and a periodic status line off a terminal", () => {
    let out = "";
    const r = new Reporter({
      total: 3,
      jobs: 2,
      tty: false,
      verbose: false,
      write: (s) => (out += s),
      plainEveryMs: 0,
    });
    r.nodeStarted("a");
    r.progress("a", 0.5);
    r.finished("a", "ran", "[12345678] 0.10s worker");
    r.finished("b", "cached", "[abcdef01]");
    const counts = r.close();
    expect(out).toMatch(/^progress \[0\/3\] \d+ms \| running a 50%$/m);
    expect(out).toMatch(/^ran {5}a {2}\[12345678\] 0\.10s worker$/m);
    expect(out).not.toMatch(/cached/); // cached nodes only with verbose
    expect(out).toMatch(/^progress \[2\/3\] \d+ms, ~\d+ms left$/m);
    expect(counts).toMatchObject({ ran: 1, cached: 1, failed: 0, skipped: 0 });
  });

  it("redraws one status line in place on a terminal", () => {
    let out = "";
    const r = new Reporter({
      total: 2,
      jobs: 1,
      tty: true,
      verbose: true,
      write: (s) => (out += s),
    });
    r.nodeStarted("x");
    r.finished("x", "ran", "ok");
    r.close();
    expect(out).toContain("\r\x1b[K");
    expect(out).toMatch(/ran {5}x {2}ok\n/);
    expect(out).toMatch(/\[1\/2\]/);
  });
});

describe("the store", () => {
  it("writes objects under their hash and never leaves a temp file behind", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "dag-store-"));
    const store = new Store(root);
    const { hash } = store.putObject(new Uint8Array([1, 2, 3]));
    expect(Array.from(store.readObject(hash))).toEqual([1, 2, 3]);
    expect(fs.readdirSync(path.join(root, "tmp"))).toEqual([]);
  });

  it("reports a corrupt object with its hash and file", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "dag-store-"));
    const store = new Store(root);
    const { hash } = store.putObject(new Uint8Array([1, 2, 3]));
    fs.writeFileSync(store.objectPath(hash), new Uint8Array([1, 2, 4]));
    expect(() => store.readObject(hash)).toThrow(
      new RegExp(`cache object ${hash.slice(0, 12)} is corrupt`),
    );
  });
});

describe("spec merge keys", () => {
  it("copy an anchored mapping with `<<: *name`, the mapping's own keys overriding", () => {
    const spec = path.join(import.meta.dirname, "../../experiments/paper.yaml");
    const exp = loadExperiment(spec, {
      kinds: kindRegistry,
      sets: ["training.inputScale2d=100", "training.epochs=7"],
    });
    const oneD = exp.byId.get("train/1DClass/fold-0")!.params;
    const twoD = exp.byId.get("train/2DClass/fold-0")!.params;
    expect(oneD.inputScale).toBe(1);
    expect(twoD.inputScale).toBe(100);
    expect(twoD.epochs).toBe(7); // from the anchored mapping
    expect(twoD.model).toBe("2DClass"); // its $model resolved per instance
    expect({ ...twoD, inputScale: 1, model: "1DClass" }).toEqual(oneD);
  });
});
