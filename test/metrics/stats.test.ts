import { describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import { median, moments, quantile, quantiles } from "../../src/nodes/metrics/index.ts";

describe("quantiles", () => {
  it("interpolate linearly between order statistics, as numpy does", () => {
    // h = (4 - 1) x 0.16 = 0.48: 1 + 0.48 x (2 - 1).
    expect(quantile([4, 1, 3, 2], 0.16)).toBeCloseTo(1.48, 12);
    expect(quantile([4, 1, 3, 2], 0.84)).toBeCloseTo(3.52, 12);
  });

  it("give the middle value, or the mean of the two middle values, as the median", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([5, 1, 3, 2])).toBe(2.5);
  });

  it("return the extremes at q = 0 and q = 1", () => {
    expect(quantiles([3, -2, 7], [0, 1])).toEqual([-2, 7]);
  });
});

describe("moments", () => {
  it("match a hand computation of population moments on [1, 2, 3, 4, 10]", () => {
    // mean 4; central moments m2 = 10, m3 = 36, m4 = 278.8.
    const s = moments([1, 2, 3, 4, 10]);
    expect(s.mean).toBe(4);
    expect(s.std).toBeCloseTo(Math.sqrt(10), 12);
    expect(s.skewness).toBeCloseTo(36 / 10 ** 1.5, 12);
    expect(s.excessKurtosis).toBeCloseTo(278.8 / 100 - 3, 12);
  });

  it("give skewness 0 and excess kurtosis -1.2 for a uniform sample", () => {
    const rng = new Rng("uniform");
    const s = moments(Float64Array.from({ length: 200_000 }, () => rng.uniform()));
    expect(s.skewness).toBeCloseTo(0, 1);
    expect(Math.abs(s.excessKurtosis + 1.2)).toBeLessThan(0.02);
  });

  it("give skewness 2 and excess kurtosis 6 for an exponential sample", () => {
    const rng = new Rng("exponential");
    const s = moments(Float64Array.from({ length: 200_000 }, () => -Math.log(1 - rng.uniform())));
    expect(Math.abs(s.skewness - 2)).toBeLessThan(0.1);
    expect(Math.abs(s.excessKurtosis - 6)).toBeLessThan(1);
  });

  it("give zero skewness and excess kurtosis for a Gaussian sample", () => {
    const rng = new Rng("gauss");
    const s = moments(Float64Array.from({ length: 200_000 }, () => 0.17 * rng.normal()));
    expect(Math.abs(s.std - 0.17)).toBeLessThan(0.002);
    expect(Math.abs(s.skewness)).toBeLessThan(0.03);
    expect(Math.abs(s.excessKurtosis)).toBeLessThan(0.05);
  });
});
