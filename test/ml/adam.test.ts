import { describe, expect, it } from "vitest";

import { Adam } from "../../src/nodes/ml/adam.ts";

describe("Adam with L2 decay", () => {
  it("moves each weight by about lr against the sign of its gradient on the first step", () => {
    // t = 1: m = 0.1 g, v = 0.001 g^2, rate = lr sqrt(0.001) / 0.1, so the step is
    // lr g / (|g| + 1e-7 / sqrt(0.001)): lr times the sign of g, to 1e-5.
    const adam = new Adam({ lr: 1e-3 });
    const w = Float32Array.of(1, -2);
    adam.nextStep();
    adam.update("w", w, Float32Array.of(0.5, -0.1), 0);
    expect(w[0]).toBeCloseTo(1 - 1e-3, 6);
    expect(w[1]).toBeCloseTo(-2 + 1e-3, 6);
  });

  it("adds 2 lambda w to the gradient and returns lambda ||w||^2 before the step", () => {
    const adam = new Adam({ lr: 1e-3 });
    const w = Float32Array.of(3, -4);
    adam.nextStep();
    // A zero data gradient: the decay alone, 2 * 0.01 * w, pulls w toward 0.
    const penalty = adam.update("w", w, Float32Array.of(0, 0), 0.01);
    expect(penalty).toBeCloseTo(0.01 * 25, 12);
    expect(w[0]).toBeCloseTo(3 - 1e-3, 6);
    expect(w[1]).toBeCloseTo(-4 + 1e-3, 6);
  });

  it("follows the bias-corrected moments on later steps", () => {
    // A constant gradient keeps m_hat = g and v_hat = g^2, so every step is lr sign(g).
    const adam = new Adam({ lr: 0.01 });
    const w = Float32Array.of(0);
    for (let t = 0; t < 5; t++) {
      adam.nextStep();
      adam.update("w", w, Float32Array.of(2), 0);
    }
    expect(w[0]).toBeCloseTo(-0.05, 5);
  });

  it("decays a weight without data gradient to exactly 0, never through subnormal floats", () => {
    // A dead unit's weight under L2: Adam's normalised steps shrink it geometrically once
    // 2 lambda |w| falls below epsilon; without the flush it ends among float32 subnormals.
    const adam = new Adam({ lr: 1e-3 });
    const w = Float32Array.of(2e-3, -5e-4, 0.3);
    const smallestNormal = 1.1754944e-38;
    const subnormal = (x: number) => x !== 0 && Math.abs(x) < smallestNormal;
    for (let t = 0; t < 3000; t++) {
      adam.nextStep();
      adam.update("w", w, Float32Array.of(0, 0, 0), 1e-4);
      expect(w.some(subnormal)).toBe(false);
    }
    expect(w[0]).toBe(0);
    expect(w[1]).toBe(0);
    expect(w[2]).toBe(0);
  });
});
