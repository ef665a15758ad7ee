/**
 * The convolution kernels of one 2D training step, each alone on the WASM
 * backend (one thread, warm, inputs reused), to compare with their time
 * inside a step (`bench/train.ts` profiles a whole step).
 *
 *   node bench/kernels.ts
 *
 * Shapes: a batch of 100 2D images, conv1 48 -> 24 channels over 5 taps,
 * conv2 24 -> 10 over 3, 48 velocity positions.
 */
import * as tf from "@tensorflow/tfjs";

import { initBackend } from "../src/nodes/ml/backend.ts";

const backend = await initBackend("wasm", 1);
console.log(backend.detail);

const time = (label: string, flop: number, f: () => tf.Tensor): void => {
  for (let i = 0; i < 5; i++) f().dispose();
  const n = 40;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const r = f();
    r.dataSync();
    r.dispose();
  }
  const ms = (performance.now() - start) / n;
  console.log(
    `${label.padEnd(48)} ${ms.toFixed(2).padStart(6)} ms ${(flop / ms / 1e6).toFixed(1).padStart(5)} GFLOP/s`,
  );
};

const positions = 100 * 48;
const conv = (ci: number, co: number, taps: number) => ({
  x: tf.randomUniform([100, 1, 48, ci]) as tf.Tensor4D,
  dy: tf.randomUniform([100, 1, 48, co]) as tf.Tensor4D,
  k: tf.randomUniform([1, taps, ci, co]) as tf.Tensor4D,
  flop: 2 * taps * ci * co * positions,
  attrs: {
    strides: [1, 1],
    pad: "same",
    dataFormat: "NHWC",
    dilations: [1, 1],
    filterShape: [1, taps, ci, co],
  },
});
for (const [name, c] of [
  ["conv1", conv(48, 24, 5)],
  ["conv2", conv(24, 10, 3)],
] as const) {
  time(`${name} Conv2D (forward)`, c.flop, () => tf.conv2d(c.x, c.k, 1, "same"));
  time(
    `${name} Conv2DBackpropFilter (registered here)`,
    c.flop,
    () =>
      tf
        .engine()
        .runKernel("Conv2DBackpropFilter", { x: c.x, dy: c.dy }, c.attrs as never) as tf.Tensor,
  );
}
// The product inside conv1's filter gradient: shifted dy (taps x co rows) times x.
const d = tf.randomUniform([5 * 24, positions]);
const x = tf.randomUniform([positions, 48]);
time("matMul [120 x 4800] x [4800 x 48] (inside conv1's)", 2 * 120 * positions * 48, () =>
  tf.matMul(d, x),
);
