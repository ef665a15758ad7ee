import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import { initBackend } from "../../src/nodes/ml/backend.ts";
import { maxRelativeError } from "./compare.ts";

const random = (shape: number[], seed: string): Float32Array => {
  const rng = new Rng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
};

/** Runs `f` on a backend and returns its result's values. */
const on = async (backend: string, f: () => tf.Tensor): Promise<Float32Array> => {
  await tf.setBackend(backend);
  const t = f();
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
};

const filterGradient = (
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: number,
  pad: "same" | "valid",
) => {
  const xv = random(xShape, `x${xShape}`);
  const fv = random(filterShape, `f${filterShape}`);
  return () =>
    tf.tidy(() => {
      const x = tf.tensor4d(xv, xShape);
      const filter = tf.tensor4d(fv, filterShape);
      const dy = tf.conv2d(x, filter, strides, pad);
      const dyValues = tf.tensor4d(random(dy.shape, `dy${dy.shape}`), dy.shape as never);
      return tf
        .engine()
        .runKernel(
          "Conv2DBackpropFilter",
          { x, dy: dyValues },
          { strides, pad, dataFormat: "NHWC", filterShape },
        ) as tf.Tensor;
    });
};

describe("WASM training kernels", () => {
  beforeAll(async () => {
    expect((await initBackend("wasm")).name).toBe("wasm");
  });

  it("Conv2DBackpropFilter matches the CPU backend for the 2D models' first Conv1D", async () => {
    const f = filterGradient([6, 1, 48, 48], [1, 5, 48, 24], 1, "same");
    const wasm = await on("wasm", f);
    const cpu = await on("cpu", f);
    expect(wasm.length).toBe(5 * 48 * 24);
    expect(maxRelativeError(wasm, cpu)).toBeLessThan(1e-5);
  });

  it("Conv2DBackpropFilter matches the CPU backend for the second Conv1D (kernel 3)", async () => {
    const f = filterGradient([5, 1, 48, 24], [1, 3, 24, 10], 1, "same");
    expect(maxRelativeError(await on("wasm", f), await on("cpu", f))).toBeLessThan(1e-5);
  });

  it("Conv2DBackpropFilter matches the CPU backend for 1D input (one channel)", async () => {
    const f = filterGradient([7, 1, 48, 1], [1, 5, 1, 24], 1, "same");
    expect(maxRelativeError(await on("wasm", f), await on("cpu", f))).toBeLessThan(1e-5);
  });

  it("Conv2DBackpropFilter matches the CPU backend for 2D filters and strides", async () => {
    const f = filterGradient([3, 9, 11, 4], [3, 2, 4, 5], 2, "valid");
    expect(maxRelativeError(await on("wasm", f), await on("cpu", f))).toBeLessThan(1e-5);
    const g = filterGradient([3, 9, 11, 4], [3, 3, 4, 5], 1, "same");
    expect(maxRelativeError(await on("wasm", g), await on("cpu", g))).toBeLessThan(1e-5);
  });

  it("Conv2DBackpropFilter matches the CPU backend where it shifts dy (fewer outputs than inputs)", async () => {
    // 2D shifts with symmetric (3 x 3) and asymmetric (2 x 4) 'same' padding.
    for (const filter of [
      [3, 3, 5, 4],
      [2, 4, 6, 3],
    ] as [number, number, number, number][]) {
      const f = filterGradient([3, 7, 9, filter[2]], filter, 1, "same");
      expect(maxRelativeError(await on("wasm", f), await on("cpu", f)), `${filter}`).toBeLessThan(
        1e-5,
      );
    }
  });

  it("the gradient of a Conv1D loss matches the CPU backend's for input and filter", async () => {
    const xv = random([4, 48, 24], "conv1d-x");
    const wv = random([3, 24, 10], "conv1d-w");
    const grads = (part: 0 | 1) => () =>
      tf.tidy(() => {
        const g = tf.grads((x: tf.Tensor, w: tf.Tensor) =>
          tf.sum(tf.square(tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 1, "same"))),
        );
        return g([tf.tensor3d(xv, [4, 48, 24]), tf.tensor3d(wv, [3, 24, 10])])[part];
      });
    const filterWasm = await on("wasm", grads(1));
    expect(maxRelativeError(filterWasm, await on("cpu", grads(1)))).toBeLessThan(1e-5);
    const inputWasm = await on("wasm", grads(0));
    expect(maxRelativeError(inputWasm, await on("cpu", grads(0)))).toBeLessThan(1e-5);
  });

  it("Conv2DBackpropInput matches the CPU backend for 3 x 3 filters, valid and same", async () => {
    const xv = random([2, 7, 6, 3], "input-x");
    const wv = random([3, 3, 3, 4], "input-w");
    for (const pad of ["valid", "same"] as const) {
      const dx = () =>
        tf.tidy(() => {
          const g = tf.grad((x: tf.Tensor) =>
            tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, tf.tensor4d(wv, [3, 3, 3, 4]), 1, pad))),
          );
          return g(tf.tensor4d(xv, [2, 7, 6, 3]));
        });
      expect(maxRelativeError(await on("wasm", dx), await on("cpu", dx))).toBeLessThan(1e-5);
    }
  });

  it("BatchMatMul with transposed operands matches the CPU backend", async () => {
    const av = random([2, 7, 5], "mm-a");
    const bv = random([2, 7, 3], "mm-b");
    const product = () =>
      tf.tidy(() => tf.matMul(tf.tensor3d(av, [2, 7, 5]), tf.tensor3d(bv, [2, 7, 3]), true, false));
    const productWasm = await on("wasm", product);
    expect(maxRelativeError(productWasm, await on("cpu", product))).toBeLessThan(1e-6);
    const a2 = av.subarray(0, 35);
    const b2 = bv.subarray(0, 35);
    const both = () =>
      tf.tidy(() => tf.matMul(tf.tensor2d(a2, [7, 5]), tf.tensor2d(b2, [5, 7]), true, true));
    expect(maxRelativeError(await on("wasm", both), await on("cpu", both))).toBeLessThan(1e-6);
  });
});
