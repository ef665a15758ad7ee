import { describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import { fitMSigma, invertMSigma, massVariance } from "../../src/nodes/baseline/index.ts";

/** log10 sigma = 0.33 (m - 15) + log10(1000 km/s), as the Evrard et al. relation roughly is. */
const logSigmaOf = (m: number) => 0.33 * (m - 15) + 3;

describe("M-sigma fit", () => {
  it("recovers an exact power law", () => {
    const m = [13.6, 13.9, 14.2, 14.8, 15.1];
    const fit = fitMSigma(m, m.map(logSigmaOf));
    expect(fit.slope).toBeCloseTo(0.33, 12);
    expect(fit.logSigmaPivot).toBeCloseTo(3, 12);
    expect(fit.scatter).toBeLessThan(1e-12);
  });

  it("recovers slope, normalisation and scatter of a noisy power law", () => {
    const rng = new Rng("msigma");
    const m = Float64Array.from({ length: 4000 }, () => rng.range(13.5, 15.3));
    const logSigma = Float64Array.from(m, (mi) => logSigmaOf(mi) + 0.08 * rng.normal());
    const fit = fitMSigma(m, logSigma);
    // standard errors: slope 0.08 / (sqrt(4000) * 0.52 dex) = 0.0024; scatter 0.08 / sqrt(8000)
    expect(Math.abs(fit.slope - 0.33)).toBeLessThan(4 * 0.0024);
    expect(Math.abs(fit.scatter - 0.08)).toBeLessThan(4 * 0.0009);
  });

  it("inverts to the mass whose expected dispersion was measured", () => {
    const fit = fitMSigma([13.6, 14.0, 14.5, 15.0], [13.6, 14.0, 14.5, 15.0].map(logSigmaOf));
    expect(invertMSigma(fit, logSigmaOf(14.37))).toBeCloseTo(14.37, 12);
  });

  it("maps the scatter in log sigma to a variance in m through the slope", () => {
    const fit = { slope: 0.25, logSigmaPivot: 3, pivot: 15, scatter: 0.1, n: 100 };
    expect(massVariance(fit)).toBeCloseTo(0.16, 14);
  });

  it("refuses clusters all of one mass", () => {
    expect(() => fitMSigma([14, 14, 14], [2.9, 3.0, 3.1])).toThrow("more than one mass");
  });
});
