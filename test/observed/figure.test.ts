import { describe, expect, it } from "vitest";

import { makeTable } from "../../src/kind/index.ts";
import { renderObserved } from "../../src/nodes/observed/figure.ts";
import { massGrid, mixturePdf, mixtureSummary } from "../../src/nodes/observed/mixture.ts";

describe("the observed clusters' figure", () => {
  it("renders each cluster's posteriors as SVG and PNG, and the summary as CSV", async () => {
    const parts = { mockA: 14.6, mockB: 14.2 };
    const grid = massGrid(12.5, 16.5, 0.01);
    const names = Object.keys(parts) as (keyof typeof parts)[];
    const posteriors = names.map((c) => [
      { kind: "gauss" as const, mean: parts[c], variance: 0.04 },
    ]);
    const s = posteriors.map(mixtureSummary);
    const summary = makeTable({
      cluster: names,
      model: names.map(() => "1DGauss-d"),
      n_gal: Int32Array.of(40, 25),
      folds: Int32Array.of(1, 1),
      mean: Float64Array.from(s, (x) => x.mean),
      sd: Float64Array.from(s, (x) => x.sd),
      p16: Float64Array.from(s, (x) => x.p16),
      p50: Float64Array.from(s, (x) => x.p50),
      p84: Float64Array.from(s, (x) => x.p84),
    });
    const posterior = makeTable({
      cluster: names.flatMap((c) => Array.from(grid, () => c)),
      model: names.flatMap(() => Array.from(grid, () => "1DGauss-d")),
      m: Float64Array.from(names.flatMap(() => [...grid])),
      density: Float64Array.from(posteriors.flatMap((p) => [...grid].map((m) => mixturePdf(p, m)))),
    });
    const files = await renderObserved(summary, posterior);
    expect(files.map((f) => f.path)).toEqual([
      "observed-masses.csv",
      "observed-posteriors.csv",
      "observed-posteriors.svg",
      "observed-posteriors.png",
    ]);
    const csv = new TextDecoder().decode(files[0].bytes).split("\n");
    expect(csv[1]).toBe("mockA,1DGauss-d,40,1,14.6000,0.2000,14.4011,14.6000,14.7989");
    const gridCsv = new TextDecoder().decode(files[1].bytes).trim().split("\n");
    expect(gridCsv[0]).toBe("cluster,model,m,density");
    expect(gridCsv).toHaveLength(1 + posterior.numRows);
    const svg = new TextDecoder().decode(files[2].bytes);
    for (const name of names) expect(svg).toContain(name);
    expect(Buffer.from(files[3].bytes.subarray(1, 4)).toString()).toBe("PNG");
  });
});
