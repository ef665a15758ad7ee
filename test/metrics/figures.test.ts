import { describe, expect, it } from "vitest";

import { fixedList, makeTable, Rng } from "../../src/kind/index.ts";
import {
  examplePosteriors,
  gatherPosteriors,
  percentileCurves,
  pickExampleViews,
  residualHistogram,
  sigmaVsMass,
} from "../../src/nodes/metrics/index.ts";
import { gaussianPosteriors } from "./synthetic.ts";

/**
 * Views at given true masses with posterior sigma = 0.1 x (m - 13) dex, the
 * posterior mean `below` sigmas under the truth.
 */
const viewsAt = (masses: readonly number[], viewIds?: readonly number[], below = 0) => {
  const n = masses.length;
  return makeTable({
    view_id: BigInt64Array.from(viewIds ?? masses.map((_, i) => i), (v) => BigInt(v)),
    m_true: Float64Array.from(masses),
    fold: new Int32Array(n),
    mean: Float64Array.from(masses, (m) => m - below * 0.1 * (m - 13)),
    variance: Float64Array.from(masses, (m) => (0.1 * (m - 13)) ** 2),
    probs: fixedList(50, new Float64Array(n * 50)),
  });
};

describe("Figure 2 residual histogram", () => {
  it("integrates to one when every residual falls inside the plotted range", () => {
    const t = gaussianPosteriors(new Rng("hist"), { n: 5000, sigmaTrue: 0.15, sigmaClaimed: 0.15 });
    const h = residualHistogram(gatherPosteriors([t]), 1, 80);
    const width = h.edges[1] - h.edges[0];
    expect(h.total).toBe(5000);
    expect(h.density.reduce((s, d) => s + d * width, 0)).toBeCloseTo(1, 10);
  });

  it("peaks in the bins next to zero for an unbiased model", () => {
    const t = gaussianPosteriors(new Rng("peak"), {
      n: 20_000,
      sigmaTrue: 0.15,
      sigmaClaimed: 0.1,
    });
    const h = residualHistogram(gatherPosteriors([t]), 1, 80);
    const peak = h.counts.indexOf(Math.max(...h.counts));
    expect([39, 40]).toContain(peak);
  });
});

describe("Figure 4 sigma against true mass", () => {
  it("bins sqrt(variance) in 0.1 dex bins of m_true, leaving out empty bins", () => {
    const rows = gatherPosteriors([viewsAt([13.5, 13.52, 13.58, 14.01, 14.05])]);
    const bins = sigmaVsMass(rows, 0.1);
    expect(bins.map((b) => [b.mLo, b.n])).toEqual([
      [13.5, 3],
      [14.0, 2],
    ]);
    expect(bins[0].sigmaMedian).toBeCloseTo(0.052, 12);
    expect(bins[1].sigmaP16).toBeCloseTo(0.101 + 0.16 * 0.004, 12);
  });
});

describe("Figure 5 percentile curves", () => {
  it("split the views into m < 14, 14 <= m < 15 and m >= 15", () => {
    const rows = gatherPosteriors([viewsAt([13.6, 13.9, 14, 14.99, 15, 15.2, 15.3])]);
    const curves = percentileCurves(rows, 11);
    expect(curves.map((c) => [c.band, c.n])).toEqual([
      ["m < 14", 2],
      ["14 <= m < 15", 2],
      ["m >= 15", 3],
    ]);
  });

  it("run from 0 to 1 on a grid of r", () => {
    const rows = gatherPosteriors([viewsAt([14.2, 14.4], undefined, 0.5)]);
    const mid = percentileCurves(rows, 11)[1];
    expect(mid.r[10]).toBe(1);
    // Both true masses sit half a sigma above the mean: r_i = Phi(0.5) = 0.69.
    expect(Array.from(mid.rHat)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });
});

describe("Figure 3 example posteriors", () => {
  it("pick the same views whatever the order of the rows", () => {
    const masses = [13.5, 13.8, 14.1, 14.4, 14.7, 15.0, 15.3];
    const forward = gatherPosteriors([viewsAt(masses)]);
    const backward = gatherPosteriors([viewsAt([...masses].reverse(), [6, 5, 4, 3, 2, 1, 0])]);
    const ids = (rows: typeof forward) => pickExampleViews(rows, 4).map((i) => rows.viewId[i]);
    expect(ids(backward)).toEqual(ids(forward));
  });

  it("pick views spread over the range of true mass", () => {
    const rows = gatherPosteriors([viewsAt([13.5, 13.8, 14.1, 14.4, 14.7, 15.0, 15.3])]);
    // Targets at 1/5 ... 4/5 of 13.5..15.3: 13.86, 14.22, 14.58, 14.94.
    expect(pickExampleViews(rows, 4).map((i) => rows.mTrue[i])).toEqual([13.8, 14.1, 14.7, 15.0]);
  });

  it("draw densities that integrate to one over 13..16 dex", () => {
    const rows = gatherPosteriors([viewsAt([14.2, 14.6])]);
    const [e] = examplePosteriors(rows, 1, 301);
    const dm = e.m[1] - e.m[0];
    expect(e.density.reduce((s, d) => s + d * dm, 0)).toBeCloseTo(1, 4);
  });
});
