import { describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import {
  empiricalPercentile,
  empiricalPercentileCurve,
  gatherPosteriors,
  percentilesAtTruth,
  rowsInMassRange,
  summarize,
} from "../../src/nodes/metrics/index.ts";
import { calibratedClassPosteriors, gaussianPosteriors } from "./synthetic.ts";

const n = 20_000;
/**
 * Four binomial standard errors of a fraction r measured on n views: with
 * seven grid points per test, three would fail by chance about once in fifty.
 */
const tolerance = (r: number) => 4 * Math.sqrt((r * (1 - r)) / n);
const grid = [0.05, 0.16, 0.3, 0.5, 0.7, 0.84, 0.95];

describe("empirical percentiles", () => {
  it("count the share of r_i at or below r", () => {
    expect(empiricalPercentile([0.1, 0.5, 0.5, 0.9], 0.5)).toBe(0.75);
    expect(Array.from(empiricalPercentileCurve([0.1, 0.5, 0.5, 0.9], [0, 0.5, 1]))).toEqual([
      0, 0.75, 1,
    ]);
  });

  it("follow r = r_hat for a calibrated Gaussian posterior", () => {
    const rows = gatherPosteriors([
      gaussianPosteriors(new Rng("calibrated"), { n, sigmaTrue: 0.15, sigmaClaimed: 0.15 }),
    ]);
    const ri = percentilesAtTruth(rows, rowsInMassRange(rows, 14, 15));
    for (const r of grid) {
      expect(Math.abs(empiricalPercentile(ri, r) - r)).toBeLessThan(tolerance(r));
    }
  });

  it("follow r = r_hat for a calibrated class-histogram posterior", () => {
    const rows = gatherPosteriors([calibratedClassPosteriors(new Rng("class"), n)]);
    const ri = percentilesAtTruth(rows, rowsInMassRange(rows, 13, 16));
    for (const r of grid) {
      expect(Math.abs(empiricalPercentile(ri, r) - r)).toBeLessThan(tolerance(r));
    }
  });
});

describe("Table 2 calibration columns", () => {
  it("are ideal (0.5, 0.68, 0.90) for a calibrated posterior", () => {
    const t = gaussianPosteriors(new Rng("ideal"), { n, sigmaTrue: 0.15, sigmaClaimed: 0.15 });
    const s = summarize("ideal", gatherPosteriors([t]));
    expect(Math.abs(s.rHatMedian - 0.5)).toBeLessThan(tolerance(0.5));
    expect(Math.abs(s.epr1684 - 0.68)).toBeLessThan(tolerance(0.68));
    expect(Math.abs(s.epr595 - 0.9)).toBeLessThan(tolerance(0.9));
  });

  it("show a 16-84 range near 0.38 when the posterior is too narrow by 2x", () => {
    // The claimed +-1 sigma interval is the true +-0.5 sigma one: 2 Phi(0.5) - 1 = 0.383.
    const t = gaussianPosteriors(new Rng("narrow"), { n, sigmaTrue: 0.16, sigmaClaimed: 0.08 });
    const s = summarize("narrow", gatherPosteriors([t]));
    expect(Math.abs(s.epr1684 - 0.383)).toBeLessThan(tolerance(0.383));
    expect(s.epr1684).toBeLessThan(0.68 - 0.2);
  });

  it("show a 16-84 range above 0.68 when the posterior is too wide", () => {
    const t = gaussianPosteriors(new Rng("wide"), { n, sigmaTrue: 0.1, sigmaClaimed: 0.2 });
    const s = summarize("wide", gatherPosteriors([t]));
    // 2 Phi(2) - 1 = 0.954.
    expect(Math.abs(s.epr1684 - 0.954)).toBeLessThan(tolerance(0.954));
  });

  it("put r_hat(0.5) below one half when predictions are biased low", () => {
    // A shift of -0.5 sigma: Phi(-0.5) = 0.309 of true masses lie below the median.
    const t = gaussianPosteriors(new Rng("low"), {
      n,
      sigmaTrue: 0.1,
      sigmaClaimed: 0.1,
      bias: -0.05,
    });
    const s = summarize("low", gatherPosteriors([t]));
    expect(Math.abs(s.rHatMedian - 0.309)).toBeLessThan(tolerance(0.309));
  });
});
