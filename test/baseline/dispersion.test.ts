import { describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import { gapperDispersion, velocityDispersion } from "../../src/nodes/baseline/index.ts";

describe("velocity dispersion", () => {
  it("is the sample standard deviation with ddof 1", () => {
    // sum of squared deviations from the mean 5 is 32 over 8 - 1 degrees of freedom
    expect(velocityDispersion([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });

  it("is undefined for a single member", () => {
    expect(velocityDispersion([350])).toBeNaN();
  });
});

describe("gapper dispersion", () => {
  it("weights the gaps of the sorted sample by i (n - i)", () => {
    // gaps 1, 1, 1 with weights 3, 4, 3: sqrt(pi) * 10 / (4 * 3)
    expect(gapperDispersion([3, 1, 4, 2])).toBeCloseTo((Math.sqrt(Math.PI) * 10) / 12, 14);
  });

  it("ignores the order of the members", () => {
    expect(gapperDispersion([500, -300, 20, 1200, -900])).toBe(
      gapperDispersion([-900, -300, 20, 500, 1200]),
    );
  });

  it("estimates the sigma of a large Gaussian sample", () => {
    const rng = new Rng("gapper");
    const v = Float64Array.from({ length: 20000 }, () => 800 * rng.normal());
    // the relative standard error of either estimator at n = 20000 is about 0.5%
    expect(Math.abs(gapperDispersion(v) / 800 - 1)).toBeLessThan(0.02);
    expect(Math.abs(velocityDispersion(v) / 800 - 1)).toBeLessThan(0.02);
  });

  it("is less pulled than the standard deviation by one far interloper", () => {
    const rng = new Rng("interloper");
    const v = Array.from({ length: 40 }, () => 600 * rng.normal());
    const withInterloper = [...v, 2400];
    const stdShift = velocityDispersion(withInterloper) / velocityDispersion(v);
    const gapperShift = gapperDispersion(withInterloper) / gapperDispersion(v);
    expect(gapperShift).toBeLessThan(stdShift);
  });
});
