import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { initBackend } from "../../src/nodes/ml/backend.ts";
import { parseModelName } from "../../src/nodes/ml/model.ts";
import {
  classCentre,
  classOf,
  dataLoss,
  scaleMass,
  unscaleMass,
  unscaleVariance,
} from "../../src/nodes/ml/targets.ts";

const loss = (model: string, output: number[][], y: number[], classes: number[]): number =>
  tf.tidy(
    () =>
      dataLoss(
        parseModelName(model),
        tf.tensor2d(output),
        tf.tensor1d(y),
        tf.tensor1d(classes, "int32"),
      ).dataSync()[0],
  );

describe("targets and losses (Table A1)", () => {
  beforeAll(async () => {
    await initBackend("wasm");
  });

  it("maps 13..16 dex linearly onto -1..1 and back", () => {
    expect(scaleMass(13)).toBe(-1);
    expect(scaleMass(16)).toBe(1);
    expect(scaleMass(14.2)).toBeCloseTo(-0.2, 12);
    expect(unscaleMass(scaleMass(14.37))).toBeCloseTo(14.37, 12);
    expect(unscaleVariance(0.01)).toBeCloseTo(0.0225, 12);
  });

  it("puts masses in 50 bins of 0.06 dex, clamping outside 13..16", () => {
    expect(classOf(13.01)).toBe(0);
    expect(classOf(13.07)).toBe(1);
    expect(classOf(14.53)).toBe(25);
    expect(classOf(15.99)).toBe(49);
    expect(classOf(12.5)).toBe(0);
    expect(classOf(16.4)).toBe(49);
    expect(classCentre(0)).toBeCloseTo(13.03, 12);
    expect(classCentre(49)).toBeCloseTo(15.97, 12);
  });

  it("Point loss is (1/2n) sum (y - mu)^2", () => {
    // (0.2^2 + 0.4^2) / 4 = 0.05
    expect(loss("1DPoint", [[0.2], [-0.4]], [0, 0], [0, 0])).toBeCloseTo(0.05, 6);
  });

  it("Gauss loss is the Gaussian NLL with outputs (mu, log sigma)", () => {
    // row 1: 0.5 * (0.5 / 2)^2 + ln 2 = 0.03125 + 0.693147
    // row 2: 0.5 * (0.3 / 1)^2 + 0    = 0.045
    const l = loss(
      "2DGauss-d",
      [
        [0.5, Math.log(2)],
        [0.1, 0],
      ],
      [0, 0.4],
      [0, 0],
    );
    expect(l).toBeCloseTo((0.03125 + Math.log(2) + 0.045) / 2, 6);
  });

  it("Class loss is the softmax cross-entropy of the true bin", () => {
    const uniform = Array.from({ length: 50 }, () => 0);
    expect(loss("1DClass", [uniform], [0], [7])).toBeCloseTo(Math.log(50), 5);
    // logit 2 on the true bin: -log(e^2 / (e^2 + 49))
    const peaked = uniform.map((_, j) => (j === 7 ? 2 : 0));
    const expected = -Math.log(Math.exp(2) / (Math.exp(2) + 49));
    expect(loss("1DClass", [peaked], [0], [7])).toBeCloseTo(expected, 5);
  });
});
