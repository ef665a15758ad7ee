import { describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import { nfwMu, nfwRadiusAtOverdensity, sampleNfwRadius } from "../../src/nodes/universe/nfw.ts";

describe("NFW profile", () => {
  it("samples radii whose enclosed fraction follows mu(x) / mu(xMax)", () => {
    const rng = new Rng("nfw");
    const xMax = 5;
    const count = 20000;
    const radii = Array.from({ length: count }, () => sampleNfwRadius(rng, xMax));
    for (const x of [0.3, 1, 2, 4]) {
      const expected = nfwMu(x) / nfwMu(xMax);
      const measured = radii.filter((r) => r <= x).length / count;
      // binomial standard error is below 0.0036; allow four of them
      expect(Math.abs(measured - expected)).toBeLessThan(4 * Math.sqrt(expected / count));
    }
    expect(Math.max(...radii)).toBeLessThanOrEqual(xMax);
  });

  it("finds the radius where the mean density is Delta_vir / 200 of that inside R200", () => {
    const c200 = 5;
    const ratio = 112.1 / 200;
    const x = nfwRadiusAtOverdensity(c200, ratio);
    expect(x).toBeGreaterThan(c200);
    const meanDensity = (r: number) => nfwMu(r) / r ** 3;
    expect(meanDensity(x) / meanDensity(c200)).toBeCloseTo(ratio, 10);
  });
});
