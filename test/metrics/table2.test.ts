import { describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import { gatherPosteriors, summarize } from "../../src/nodes/metrics/index.ts";
import { gaussianPosteriors } from "./synthetic.ts";

describe("Table 2 row", () => {
  const rng = new Rng("table2");
  const inner = gaussianPosteriors(rng.fork("inner"), {
    n: 20_000,
    sigmaTrue: 0.17,
    sigmaClaimed: 0.18,
    bias: -0.03,
  });
  const outer = gaussianPosteriors(rng.fork("outer"), {
    n: 5_000,
    mLo: 13.5,
    mHi: 13.99,
    sigmaTrue: 0.5,
    sigmaClaimed: 0.5,
    bias: 0.4,
    fold: 1,
    firstViewId: 20_000,
  });
  const s = summarize("1DGauss", gatherPosteriors([inner, outer]));

  it("uses only the views with 14 <= m_true <= 15 of all folds", () => {
    expect(s.n).toBe(20_000);
  });

  it("measures the residual's median, 16-84 range and scatter in dex", () => {
    expect(Math.abs(s.medianEps + 0.03)).toBeLessThan(0.005);
    expect(Math.abs(s.epsP84 - s.medianEps - 0.17)).toBeLessThan(0.006);
    expect(Math.abs(s.medianEps - s.epsP16 - 0.17)).toBeLessThan(0.006);
    expect(Math.abs(s.sigmaEps - 0.17)).toBeLessThan(0.003);
  });

  it("finds a Gaussian residual's skewness and excess kurtosis near zero", () => {
    expect(Math.abs(s.skewEps)).toBeLessThan(0.06);
    expect(Math.abs(s.exKurtEps)).toBeLessThan(0.12);
  });

  it("averages the posterior variance in dex^2", () => {
    expect(s.meanVariance).toBeCloseTo(0.18 ** 2, 12);
  });

  it("reads views with the same view id in different folds as distinct views", () => {
    const again = gaussianPosteriors(new Rng("fold-2"), {
      n: 100,
      sigmaTrue: 0.1,
      sigmaClaimed: 0.1,
      fold: 2,
    });
    expect(summarize("x", gatherPosteriors([again, again])).n).toBe(200);
  });
});
