import { describe, expect, it } from "vitest";

import { parseModelName } from "../../src/nodes/ml/model.ts";
import { PosteriorAccumulator } from "../../src/nodes/ml/posterior.ts";

const combine = (model: string, samples: number[][], sigmaD2 = 0) => {
  const n = 1;
  const acc = new PosteriorAccumulator(parseModelName(model), n, sigmaD2);
  for (const s of samples) acc.add(Float32Array.from(s));
  return acc.finish();
};

describe("posteriors (Table A1), in dex", () => {
  it("Point: N(mu, sigma_D^2)", () => {
    const p = combine("1DPoint", [[0.2]], 0.03);
    expect(p.mean[0]).toBeCloseTo(14.8, 6); // 14.5 + 1.5 * 0.2
    expect(p.variance[0]).toBeCloseTo(0.03, 12);
  });

  it("Point-d: N(mean mu_t, sigma_D^2 + Var mu_t)", () => {
    // mu_t = 0, 0.2: mean 0.1 -> 14.65 dex; Var = 0.01 -> 0.0225 dex^2
    const p = combine("2DPoint-d", [[0], [0.2]], 0.03);
    expect(p.mean[0]).toBeCloseTo(14.65, 6);
    expect(p.variance[0]).toBeCloseTo(0.03 + 0.0225, 6);
  });

  it("Gauss: N(mu, sigma^2)", () => {
    const p = combine("1DGauss", [[-0.2, Math.log(0.1)]]);
    expect(p.mean[0]).toBeCloseTo(14.2, 6);
    expect(p.variance[0]).toBeCloseTo(0.01 * 2.25, 6);
  });

  it("Gauss-d: N(mean mu_t, mean sigma_t^2 + Var mu_t)", () => {
    // sigma_t^2 = 0.01, 0.09 -> 0.05; Var mu = 0.01; total 0.06 scaled = 0.135 dex^2
    const p = combine("2DGauss-d", [
      [0, Math.log(0.1)],
      [0.2, Math.log(0.3)],
    ]);
    expect(p.mean[0]).toBeCloseTo(14.65, 6);
    expect(p.variance[0]).toBeCloseTo(0.135, 6);
  });

  it("Class: softmax of the logits, moments at the bin centres", () => {
    const logits = Array.from({ length: 50 }, (_, j) => (j < 2 ? 30 : 0));
    const p = combine("1DClass", [logits]);
    // half the mass at 13.03, half at 13.09 (the rest is e^-30 small)
    expect(p.probs[0]).toBeCloseTo(0.5, 9);
    expect(p.probs[1]).toBeCloseTo(0.5, 9);
    expect(p.mean[0]).toBeCloseTo(13.06, 9);
    expect(p.variance[0]).toBeCloseTo(0.0009, 9);
  });

  it("Class-d: softmax of the mean logits, not the mean of the softmaxes", () => {
    const a = Array.from({ length: 50 }, (_, j) => (j === 0 ? 10 : 0));
    const b = Array.from({ length: 50 }, (_, j) => (j === 1 ? 10 : 0));
    const p = combine("2DClass-d", [a, b]);
    // mean logits: 5 on bins 0 and 1, 0 elsewhere
    const z = 2 * Math.exp(5) + 48;
    expect(p.probs[0]).toBeCloseTo(Math.exp(5) / z, 9);
    expect(p.probs[2]).toBeCloseTo(1 / z, 9);
    let total = 0;
    for (let j = 0; j < 50; j++) total += p.probs[j];
    expect(total).toBeCloseTo(1, 12);
  });

  it("rejects an output of the wrong width", () => {
    const acc = new PosteriorAccumulator(parseModelName("1DGauss"), 3);
    expect(() => acc.add(new Float32Array(3))).toThrow(/3 x 2/);
  });
});
