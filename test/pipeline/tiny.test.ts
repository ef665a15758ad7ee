/**
 * A tiny end-to-end run of the science pipeline through every node kind of
 * experiments/quick.yaml (universe, views, cylinders, catalog, KDE 1D and 2D,
 * training and MC inference of all twelve models, the M-sigma baseline,
 * metrics, Table 2 and the report), shrunk with --set so it takes seconds.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { dag, ROOT, scratch } from "../runtime/helpers.ts";

const SETS = [
  "universe.boxSize=120",
  "universe.grid=32",
  "observe.logDndm=-3.6",
  "observe.folds=2",
  "training.epochs=1",
  "inference.samples=3",
].flatMap((s) => ["--set", s]);

describe("the science pipeline, tiny", () => {
  const dir = scratch(
    fs.readFileSync(path.join(ROOT, "experiments/quick.yaml"), "utf8"),
    "quick.yaml",
  );
  const first = dag(dir, "run", "experiments/quick.yaml", ...SETS, "--jobs", "2");

  it("runs every node, writes Table 2 and the figures", () => {
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/(\d+) nodes: \1 ran, 0 cached, 0 failed, 0 skipped/);
    const table = fs.readFileSync(path.join(dir, "results/quick/table2.md"), "utf8");
    for (const model of ["1DPoint", "1DClass-d", "2DGauss-d", "2DClass", "M-sigma"]) {
      expect(table).toMatch(new RegExp(`^\\| ${model} \\| ours \\| \\d+ \\|`, "m"));
    }
    for (const fig of ["fig2-residuals", "fig3-posteriors", "fig4-sigma", "fig5-percentiles"]) {
      const png = fs.readFileSync(path.join(dir, `results/quick/${fig}.png`));
      expect(png.subarray(1, 4).toString()).toBe("PNG");
    }
  });

  it("records the training backend and keeps MC dropout on at inference", () => {
    const trained = JSON.parse(
      dag(
        dir,
        "lineage",
        "experiments/quick.yaml",
        "train/2DGauss-d/fold-1",
        ...SETS,
        "--format",
        "json",
      ).stdout,
    );
    const train = trained.nodes.find((n: { id: string }) => n.id === "train/2DGauss-d/fold-1");
    expect(String(train.notes.backend)).toMatch(/wasm|tensorflow/);
    const shown = (id: string) =>
      JSON.parse(
        dag(dir, "show", "experiments/quick.yaml", id, ...SETS, "--json", "--rows", "5").stdout,
      );
    const withDropout = shown("infer/1DGauss-d/fold-0");
    const without = shown("infer/1DGauss/fold-0");
    expect(withDropout.rows).toBeGreaterThan(0);
    expect(withDropout.rows).toBe(without.rows);
    // Gauss-d's variance holds the spread of the T samples on top of sigma^2; both are positive.
    for (const r of withDropout.head) expect(r.variance).toBeGreaterThan(0);
  });

  it("is fully cached the second time and audits clean", () => {
    const again = dag(dir, "run", "experiments/quick.yaml", ...SETS);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/(\d+) nodes: 0 ran, \1 cached/);
    const audit = dag(dir, "audit", "experiments/quick.yaml", ...SETS, "--sample", "4");
    expect(audit.stdout).toMatch(/audit passed/);
    expect(audit.code).toBe(0);
  });
});
