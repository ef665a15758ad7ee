import { describe, expect, it } from "vitest";

import {
  CLASS_BINS,
  gaussianCdf,
  histogramCdf,
  histogramPdf,
  normalCdf,
  posteriorOf,
} from "../../src/nodes/metrics/index.ts";

/** Class probabilities with the given mass in the given bins. */
const classProbs = (entries: Record<number, number>): Float64Array => {
  const p = new Float64Array(CLASS_BINS.count);
  for (const [k, v] of Object.entries(entries)) p[Number(k)] = v;
  return p;
};

describe("Gaussian CDF", () => {
  it("matches tabulated values of the standard normal", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.8413447461, 6);
    expect(normalCdf(-1.959963985)).toBeCloseTo(0.025, 6);
    expect(normalCdf(3)).toBeCloseTo(0.998650102, 6);
  });

  it("scales by the posterior's mean and variance", () => {
    // One sigma (0.2 dex) above a mean of 14.3 dex.
    expect(gaussianCdf(14.5, 14.3, 0.04)).toBeCloseTo(0.8413447461, 6);
  });

  it("steps at the mean when the variance is zero", () => {
    expect(gaussianCdf(14.29, 14.3, 0)).toBe(0);
    expect(gaussianCdf(14.3, 14.3, 0)).toBe(1);
  });
});

describe("class-histogram CDF (50 bins of 0.06 dex on 13..16)", () => {
  // Bin 10 spans [13.60, 13.66), bin 20 spans [14.20, 14.26).
  const probs = classProbs({ 10: 0.25, 20: 0.75 });

  it("rises linearly across an occupied bin", () => {
    expect(histogramCdf(13.6, probs)).toBeCloseTo(0, 12);
    expect(histogramCdf(13.63, probs)).toBeCloseTo(0.125, 12);
    expect(histogramCdf(14.21, probs)).toBeCloseTo(0.25 + 0.75 / 6, 12);
  });

  it("is flat across empty bins", () => {
    expect(histogramCdf(13.7, probs)).toBeCloseTo(0.25, 12);
    expect(histogramCdf(14.19, probs)).toBeCloseTo(0.25, 12);
  });

  it("is 0 below 13 dex and 1 above 16 dex", () => {
    expect(histogramCdf(12.5, probs)).toBe(0);
    expect(histogramCdf(16.2, probs)).toBe(1);
  });

  it("normalises probabilities that do not sum to one", () => {
    expect(histogramCdf(13.7, classProbs({ 10: 1, 20: 3 }))).toBeCloseTo(0.25, 12);
  });

  it("has a density of p / 0.06 per dex inside a bin", () => {
    expect(histogramPdf(14.23, probs)).toBeCloseTo(0.75 / 0.06, 10);
    expect(histogramPdf(14.5, probs)).toBe(0);
  });
});

describe("posterior kind", () => {
  it("is Gaussian when all class probabilities are zero", () => {
    expect(posteriorOf(14.2, 0.03, new Float64Array(50)).kind).toBe("gauss");
  });

  it("is a class histogram when any probability is non-zero", () => {
    expect(posteriorOf(14.2, 0.03, classProbs({ 3: 1e-9 })).kind).toBe("class");
  });
});
