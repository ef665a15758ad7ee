/**
 * The loss and gradients of one training batch with the backward pass
 * written out, for the one network of model.ts: conv1, conv2, dense1, dense2
 * and the head, each a matrix product on the backend followed by bias, ReLU
 * and the dropout mask in a JavaScript loop (ops.ts).
 *
 * Why not tfjs's gradient tape: under `variableGrads` a 2D step of batch 100
 * is ~80 kernel calls and ~21 ms, of which the ten matrix products that do
 * the arithmetic take ~11 ms (docs/benchmarks.md); the rest is per-op
 * bookkeeping (tape entries, identity copies, customGrad closures, a dataSync
 * per fused op and per gradient). Written out, a step is those ten products
 * (five forward; the head, dense2 and dense1 weight and input gradients;
 * conv2's filter and input gradients; conv1's filter gradient: the image
 * needs none) and one loop per layer in each direction.
 *
 * The arithmetic is the chain rule the tape would apply, in the same float32
 * kernels; the loss and the head's gradient are computed in double. The
 * tape-built `forward` + `dataLoss` stay the reference: the tests check this
 * step's gradients against theirs for all twelve models.
 */
import * as tf from "@tensorflow/tfjs";

import { channelsOf, paramShapes, V_BINS, type Masks, type ModelSpec } from "./model.ts";
import { biasActivationBackward, biasActivationForward, onesOf } from "./ops.ts";

/** One batch: images with the input dropout applied, their targets, the hidden masks. */
export interface Batch {
  readonly rows: number;
  /** rows x (48 x C) floats, row-major. */
  readonly images: Float32Array;
  /** Scaled target masses (targets.ts scaleMass). */
  readonly y: Float32Array;
  /** Class bins (targets.ts classOf). */
  readonly classes: Int32Array;
  /** Masks of conv1, conv2, dense1 and dense2 outputs; null without dropout. */
  readonly masks: Masks | null;
}

/** Units after conv1, conv2, dense1, dense2 per row. */
const CONV1 = 24;
const CONV2 = 10;
const DENSE1 = 128;
const DENSE2 = 64;

/**
 * Data term of Table A1's loss, averaged over the rows (as targets.ts
 * dataLoss), and its gradient with respect to the raw outputs, written into
 * `grad` ([rows, units], already divided by the number of rows).
 */
export const headLoss = (
  spec: ModelSpec,
  out: Float32Array,
  y: Float32Array,
  classes: Int32Array,
  grad: Float32Array,
): number => {
  const n = y.length;
  let loss = 0;
  if (spec.head === "Point") {
    for (let i = 0; i < n; i++) {
      const d = out[i] - y[i];
      loss += 0.5 * d * d;
      grad[i] = d / n;
    }
    return loss / n;
  }
  if (spec.head === "Gauss") {
    for (let i = 0; i < n; i++) {
      const mu = out[2 * i];
      const logSigma = out[2 * i + 1];
      const r = y[i] - mu;
      const z2 = r * r * Math.exp(-2 * logSigma);
      loss += 0.5 * z2 + logSigma;
      grad[2 * i] = (-r * Math.exp(-2 * logSigma)) / n;
      grad[2 * i + 1] = (1 - z2) / n;
    }
    return loss / n;
  }
  const units = out.length / n;
  for (let i = 0; i < n; i++) {
    const row = i * units;
    let max = -Infinity;
    for (let j = 0; j < units; j++) max = Math.max(max, out[row + j]);
    let sum = 0;
    for (let j = 0; j < units; j++) sum += Math.exp(out[row + j] - max);
    const logSum = max + Math.log(sum);
    loss += logSum - out[row + classes[i]];
    for (let j = 0; j < units; j++) grad[row + j] = Math.exp(out[row + j] - logSum) / n;
    grad[row + classes[i]] -= 1 / n;
  }
  return loss / n;
};

/** Scratch arrays of one batch size, reused from step to step. */
interface Buffers {
  readonly rows: number;
  readonly a1: Float32Array;
  readonly a2: Float32Array;
  readonly a3: Float32Array;
  readonly a4: Float32Array;
  readonly out: Float32Array;
  readonly dOut: Float32Array;
  readonly dz1: Float32Array;
  readonly dz2: Float32Array;
  readonly dz3: Float32Array;
  readonly dz4: Float32Array;
}

const buffersFor = (rows: number, units: number): Buffers => ({
  rows,
  a1: new Float32Array(rows * V_BINS * CONV1),
  a2: new Float32Array(rows * V_BINS * CONV2),
  a3: new Float32Array(rows * DENSE1),
  a4: new Float32Array(rows * DENSE2),
  out: new Float32Array(rows * units),
  dOut: new Float32Array(rows * units),
  dz1: new Float32Array(rows * V_BINS * CONV1),
  dz2: new Float32Array(rows * V_BINS * CONV2),
  dz3: new Float32Array(rows * DENSE1),
  dz4: new Float32Array(rows * DENSE2),
});

const conv2dFilterGradient = (
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly number[],
): tf.Tensor =>
  tf
    .engine()
    .runKernel(
      "Conv2DBackpropFilter",
      { x, dy },
      { strides: 1, pad: "same", dataFormat: "NHWC", filterShape },
    ) as tf.Tensor;

const conv2dInputGradient = (
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: readonly number[],
): tf.Tensor =>
  tf
    .engine()
    .runKernel(
      "Conv2DBackpropInput",
      { dy, filter },
      { strides: 1, pad: "same", dataFormat: "NHWC", inputShape },
    ) as tf.Tensor;

/**
 * Loss and gradients of one model, batch after batch. The weights are read
 * from `weights` at every call (the caller updates them in place between
 * calls); gradients come back as fresh arrays keyed like the weights.
 */
export class Backprop {
  private readonly spec: ModelSpec;
  private readonly units: number;
  private buffers: Buffers | undefined;

  constructor(spec: ModelSpec) {
    this.spec = spec;
    this.units = paramShapes(spec).at(-1)!.shape[0];
  }

  private buffersOf(rows: number): Buffers {
    // The last batch of an epoch may be smaller: views into the full-size arrays.
    if (this.buffers === undefined || this.buffers.rows < rows) {
      this.buffers = buffersFor(rows, this.units);
    }
    const b = this.buffers;
    if (b.rows === rows) return b;
    const view = (a: Float32Array): Float32Array => a.subarray(0, (a.length / b.rows) * rows);
    return {
      rows,
      a1: view(b.a1),
      a2: view(b.a2),
      a3: view(b.a3),
      a4: view(b.a4),
      out: view(b.out),
      dOut: view(b.dOut),
      dz1: view(b.dz1),
      dz2: view(b.dz2),
      dz3: view(b.dz3),
      dz4: view(b.dz4),
    };
  }

  /** The batch's data loss (no L2) and the gradient of that loss for every tensor. */
  step(
    weights: ReadonlyMap<string, Float32Array>,
    batch: Batch,
  ): { loss: number; grads: Map<string, Float32Array> } {
    const { spec, units } = this;
    const n = batch.rows;
    const c = channelsOf(spec);
    if (batch.images.length !== n * V_BINS * c) {
      throw new Error(`batch of ${n} rows needs ${n * V_BINS * c} image values`);
    }
    const buf = this.buffersOf(n);
    const w = (name: string): Float32Array => weights.get(name)!;
    const mask = (i: number, size: number): Float32Array =>
      batch.masks === null ? onesOf(size) : batch.masks.hidden[i];
    const grads = new Map<string, Float32Array>();
    // Weight gradients leave the backend as copies; bias gradients are summed in the loops.
    const keep = (name: string, t: tf.Tensor): void => {
      grads.set(name, Float32Array.from(t.dataSync() as Float32Array));
    };
    const bias = (name: string, size: number): Float32Array => {
      const g = new Float32Array(size);
      grads.set(name, g);
      return g;
    };

    const loss = tf.tidy(() => {
      // Forward: product on the backend, bias + ReLU + mask in JS.
      const x = tf.tensor4d(batch.images, [n, 1, V_BINS, c]);
      const k1 = tf.tensor4d(w("conv1.kernel"), [1, 5, c, CONV1]);
      const z1 = tf.conv2d(x, k1, 1, "same").dataSync() as Float32Array;
      biasActivationForward(z1, w("conv1.bias"), mask(0, buf.a1.length), true, buf.a1);
      const a1 = tf.tensor4d(buf.a1, [n, 1, V_BINS, CONV1]);

      const k2 = tf.tensor4d(w("conv2.kernel"), [1, 3, CONV1, CONV2]);
      const z2 = tf.conv2d(a1, k2, 1, "same").dataSync() as Float32Array;
      biasActivationForward(z2, w("conv2.bias"), mask(1, buf.a2.length), true, buf.a2);
      const a2 = tf.tensor2d(buf.a2, [n, V_BINS * CONV2]);

      const k3 = tf.tensor2d(w("dense1.kernel"), [V_BINS * CONV2, DENSE1]);
      const z3 = tf.matMul(a2, k3).dataSync() as Float32Array;
      biasActivationForward(z3, w("dense1.bias"), mask(2, buf.a3.length), true, buf.a3);
      const a3 = tf.tensor2d(buf.a3, [n, DENSE1]);

      const k4 = tf.tensor2d(w("dense2.kernel"), [DENSE1, DENSE2]);
      const z4 = tf.matMul(a3, k4).dataSync() as Float32Array;
      biasActivationForward(z4, w("dense2.bias"), mask(3, buf.a4.length), true, buf.a4);
      const a4 = tf.tensor2d(buf.a4, [n, DENSE2]);

      const k5 = tf.tensor2d(w("head.kernel"), [DENSE2, units]);
      const z5 = tf.matMul(a4, k5).dataSync() as Float32Array;
      biasActivationForward(z5, w("head.bias"), onesOf(buf.out.length), false, buf.out);
      const value = headLoss(spec, buf.out, batch.y, batch.classes, buf.dOut);

      // Backward, layer by layer: dW = a^T dz, da = dz W^T, dz = da * mask * relu'.
      const dHead = buf.dOut;
      const dbHead = bias("head.bias", units);
      for (let i = 0; i < dHead.length; i += units) {
        for (let j = 0; j < units; j++) dbHead[j] += dHead[i + j];
      }
      const d5 = tf.tensor2d(dHead, [n, units]);
      keep("head.kernel", tf.matMul(a4, d5, true, false));
      const da4 = tf.matMul(d5, k5, false, true).dataSync() as Float32Array;

      const db4 = bias("dense2.bias", DENSE2);
      biasActivationBackward(da4, buf.a4, mask(3, buf.a4.length), true, buf.dz4, db4);
      const d4 = tf.tensor2d(buf.dz4, [n, DENSE2]);
      keep("dense2.kernel", tf.matMul(a3, d4, true, false));
      const da3 = tf.matMul(d4, k4, false, true).dataSync() as Float32Array;

      const db3 = bias("dense1.bias", DENSE1);
      biasActivationBackward(da3, buf.a3, mask(2, buf.a3.length), true, buf.dz3, db3);
      const d3 = tf.tensor2d(buf.dz3, [n, DENSE1]);
      keep("dense1.kernel", tf.matMul(a2, d3, true, false));
      const da2 = tf.matMul(d3, k3, false, true).dataSync() as Float32Array;

      const db2 = bias("conv2.bias", CONV2);
      biasActivationBackward(da2, buf.a2, mask(1, buf.a2.length), true, buf.dz2, db2);
      const d2 = tf.tensor4d(buf.dz2, [n, 1, V_BINS, CONV2]);
      keep("conv2.kernel", conv2dFilterGradient(a1, d2, k2.shape));
      const da1 = conv2dInputGradient(d2, k2, a1.shape).dataSync() as Float32Array;

      const db1 = bias("conv1.bias", CONV1);
      biasActivationBackward(da1, buf.a1, mask(0, buf.a1.length), true, buf.dz1, db1);
      const d1 = tf.tensor4d(buf.dz1, [n, 1, V_BINS, CONV1]);
      keep("conv1.kernel", conv2dFilterGradient(x, d1, k1.shape));
      return value;
    });
    return { loss, grads };
  }
}
