import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import { initBackend } from "../../src/nodes/ml/backend.ts";
import {
  MODEL_NAMES,
  MaskStream,
  applyDropout,
  channelsOf,
  forward,
  initialParams,
  parseModelName,
  toVariables,
  type ModelSpec,
} from "../../src/nodes/ml/model.ts";
import { Backprop, headLoss } from "../../src/nodes/ml/step.ts";
import { classOf, dataLoss, scaleMass } from "../../src/nodes/ml/targets.ts";
import { maxRelativeError } from "./compare.ts";

/** A batch of random images (input dropout applied for '-d'), its targets and masks. */
const batchOf = (spec: ModelSpec, rows: number, seed: string) => {
  const rng = new Rng(seed);
  const size = 48 * channelsOf(spec);
  const images = Float32Array.from({ length: rows * size }, () => (rng.uniform() * 4) / size);
  const m = Float64Array.from({ length: rows }, () => rng.range(13.2, 15.8));
  const masks = applyDropout(spec, images, 0.1, new MaskStream(rng.fork("masks")));
  return {
    rows,
    images,
    y: Float32Array.from(m, scaleMass),
    classes: Int32Array.from(m, classOf),
    masks,
  };
};

/** Loss and gradients from tfjs's tape through model.ts forward and targets.ts dataLoss. */
const tapeGradients = (
  spec: ModelSpec,
  weights: Map<string, Float32Array>,
  batch: ReturnType<typeof batchOf>,
) => {
  const params = toVariables(spec, weights);
  let result: { loss: number; grads: Map<string, Float32Array> } | undefined;
  try {
    tf.tidy(() => {
      const x = tf.tensor2d(batch.images, [batch.rows, batch.images.length / batch.rows]);
      const { value, grads } = tf.variableGrads(
        () =>
          dataLoss(
            spec,
            forward(spec, params, x, batch.masks),
            tf.tensor1d(batch.y),
            tf.tensor1d(batch.classes, "int32"),
          ),
        [...params.values()],
      );
      const out = new Map<string, Float32Array>();
      for (const [name, v] of params) out.set(name, grads[v.name].dataSync() as Float32Array);
      result = { loss: value.dataSync()[0], grads: out };
    });
  } finally {
    params.forEach((v) => v.dispose());
  }
  return result!;
};

describe("the written-out training step", () => {
  beforeAll(async () => {
    await initBackend("wasm");
  });

  it.each(MODEL_NAMES)("gives %s the loss and gradients of the tape", (name) => {
    const spec = parseModelName(name);
    const weights = initialParams(spec, new Rng(`w-${name}`));
    // Biases away from 0, so their gradients are exercised.
    for (const [key, v] of weights) {
      if (key.endsWith(".bias")) v.forEach((_, i) => (v[i] = 0.05 * Math.sin(i + 1)));
    }
    const batch = batchOf(spec, 37, `b-${name}`);
    const tape = tapeGradients(spec, weights, batch);
    const direct = new Backprop(spec).step(weights, batch);
    expect(direct.loss).toBeCloseTo(tape.loss, 5);
    expect([...direct.grads.keys()].sort()).toEqual([...tape.grads.keys()].sort());
    for (const [key, g] of tape.grads) {
      const mine = direct.grads.get(key)!;
      expect(mine.length, key).toBe(g.length);
      expect(maxRelativeError(mine, g), key).toBeLessThan(2e-5);
      // Not all zero: a gradient that vanished would compare equal too easily.
      expect(
        g.some((v) => v !== 0),
        key,
      ).toBe(true);
    }
  });

  it("takes a last batch smaller than the first with the same results as a fresh one", () => {
    const spec = parseModelName("2DClass-d");
    const weights = initialParams(spec, new Rng("sizes"));
    const big = batchOf(spec, 40, "big");
    const small = batchOf(spec, 13, "small");
    const reused = new Backprop(spec);
    reused.step(weights, big);
    const a = reused.step(weights, small);
    const b = new Backprop(spec).step(weights, small);
    expect(a.loss).toBe(b.loss);
    for (const [key, g] of b.grads) expect(a.grads.get(key)).toEqual(g);
  });

  it("computes the head losses of Table A1 and their gradients by hand", () => {
    const y = Float32Array.of(0.5, -0.25);
    const grad = new Float32Array(4);
    // Point: (1/2n) sum (y - mu)^2; gradient (mu - y) / n.
    const point = headLoss(
      parseModelName("1DPoint"),
      Float32Array.of(0.25, 0.25),
      y,
      new Int32Array(2),
      grad,
    );
    expect(point).toBeCloseTo((0.25 ** 2 + 0.5 ** 2) / 4, 7);
    expect(grad[0]).toBeCloseTo(-0.125, 7);
    expect(grad[1]).toBeCloseTo(0.25, 7);
    // Gauss at log sigma = 0: (1/n) sum [(y - mu)^2 / 2 + 0]; d/dlogsigma = (1 - (y - mu)^2) / n.
    const gauss = headLoss(
      parseModelName("1DGauss"),
      Float32Array.of(0, 0, 0, Math.log(2)),
      y,
      new Int32Array(2),
      grad,
    );
    expect(gauss).toBeCloseTo((0.125 + (0.0625 / 4 / 2 + Math.log(2))) / 2, 6);
    expect(grad[1]).toBeCloseTo((1 - 0.25) / 2, 6);
    expect(grad[2]).toBeCloseTo(0.25 / 4 / 2, 6);
    // Class with equal logits: loss log K, gradient (1/K - onehot) / n.
    const logits = new Float32Array(2 * 50);
    const g = new Float32Array(100);
    const cls = headLoss(parseModelName("1DClass"), logits, y, Int32Array.of(3, 7), g);
    expect(cls).toBeCloseTo(Math.log(50), 6);
    expect(g[3]).toBeCloseTo((1 / 50 - 1) / 2, 7);
    expect(g[4]).toBeCloseTo(1 / 50 / 2, 7);
    expect(g[50 + 7]).toBeCloseTo((1 / 50 - 1) / 2, 7);
  });
});
