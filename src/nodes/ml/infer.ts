/**
 * MC-dropout prediction: the Table A1 posterior of every row.
 *
 * Monte-Carlo dropout approximates the posterior predictive with T networks
 * drawn from the variational distribution q(theta): each draw keeps every
 * unit of the input and of the four hidden layers with probability 1 - p
 * (inverted dropout, kept units scaled by 1/(1-p)). Here the t-th draw is
 * one network, applied to every row of the call, as in Gal & Ghahramani
 * (2016, eq. 8): each row's posterior is still the mean over T independent
 * draws, and only rows of the same call share them. Drawing once per network
 * rather than once per row and pass lets the masks of the dense layers be
 * folded into the weights (a dropped input unit is a zero row of the next
 * kernel; a dropped ReLU output is a zero column, because scaling by m >= 0
 * commutes with ReLU), so that a pass is seven fused tfjs ops with no
 * per-row random numbers and no JavaScript between the layers.
 */
import * as tf from "@tensorflow/tfjs";

import type { Rng } from "../../kind/index.ts";
import {
  channelsOf,
  checkedWeights,
  MaskStream,
  paramShapes,
  V_BINS,
  withoutTiny,
  type ModelSpec,
  type Weight,
} from "./model.ts";
import { PosteriorAccumulator, type Posterior } from "./posterior.ts";
import type { Dataset } from "./train.ts";

export interface PredictOptions {
  /** Dropout samples T for '-d' models (the others need one pass). */
  readonly samples: number;
  readonly dropout: number;
  /** sigma_D^2 of Point models, dex^2. */
  readonly sigmaD2: number;
  readonly onSample?: (t: number) => void;
}

/** Rows per forward call: large enough to amortise the per-op cost. */
const CHUNK = 1000;

/** Hidden units per row after conv1 and conv2, flattened (position-major). */
const CONV1_UNITS = V_BINS * 24;
const CONV2_UNITS = V_BINS * 10;

/**
 * One network of the MC ensemble as tensors: the input and conv1-output
 * masks (broadcast over rows) and the dense kernels with their masks folded
 * in. `null` masks: the deterministic network.
 */
interface Network {
  /** Applied in JavaScript while a chunk is copied in: cheaper than a broadcast multiply. */
  readonly inputMask: Float32Array | null;
  readonly conv1Mask: tf.Tensor | null;
  readonly conv1: { readonly kernel: tf.Tensor4D; readonly bias: tf.Tensor1D };
  readonly conv2: { readonly kernel: tf.Tensor4D; readonly bias: tf.Tensor1D };
  readonly dense1: { readonly kernel: tf.Tensor2D; readonly bias: tf.Tensor1D };
  readonly dense2: { readonly kernel: tf.Tensor2D; readonly bias: tf.Tensor1D };
  readonly head: { readonly kernel: tf.Tensor2D; readonly bias: tf.Tensor1D };
}

/** kernel[r, c] *= rowScale[r] * colScale[c], bias[c] *= colScale[c]; new arrays. */
const foldMasks = (
  kernel: Float32Array,
  bias: Float32Array,
  rowScale: Float32Array | null,
  colScale: Float32Array | null,
): { kernel: Float32Array; bias: Float32Array } => {
  const cols = bias.length;
  const rows = kernel.length / cols;
  const k = kernel.slice();
  const b = bias.slice();
  for (let r = 0; r < rows; r++) {
    const s = rowScale === null ? 1 : rowScale[r];
    for (let c = 0; c < cols; c++) k[r * cols + c] *= s * (colScale === null ? 1 : colScale[c]);
  }
  if (colScale !== null) for (let c = 0; c < cols; c++) b[c] *= colScale[c];
  return { kernel: k, bias: b };
};

/**
 * Builds network t: draws its five masks from `stream` (input, conv1, conv2,
 * dense1, dense2 outputs; in that order) or none, and folds the last three
 * into the dense kernels.
 */
const buildNetwork = (
  spec: ModelSpec,
  w: ReadonlyMap<string, Weight>,
  rate: number,
  stream: MaskStream | null,
): Network => {
  const draw = (n: number): Float32Array | null =>
    stream === null ? null : stream.fill(new Float32Array(n), rate);
  const c = channelsOf(spec);
  const input = draw(V_BINS * c);
  const conv1Out = draw(CONV1_UNITS);
  const conv2Out = draw(CONV2_UNITS);
  const dense1Out = draw(128);
  const dense2Out = draw(64);
  const get = (name: string) => w.get(name)!;
  const dense = (name: string, rowScale: Float32Array | null, colScale: Float32Array | null) => {
    const k = get(`${name}.kernel`);
    const folded = foldMasks(k.values, get(`${name}.bias`).values, rowScale, colScale);
    return {
      kernel: tf.tensor2d(folded.kernel, k.shape as [number, number]),
      bias: tf.tensor1d(folded.bias),
    };
  };
  const conv = (name: string) => ({
    kernel: tf.tensor4d(get(`${name}.kernel`).values, get(`${name}.kernel`).shape as never),
    bias: tf.tensor1d(get(`${name}.bias`).values),
  });
  return {
    inputMask: input,
    conv1Mask: conv1Out === null ? null : tf.tensor4d(conv1Out, [1, 1, V_BINS, 24]),
    conv1: conv("conv1"),
    conv2: conv("conv2"),
    dense1: dense("dense1", conv2Out, dense1Out),
    dense2: dense("dense2", null, dense2Out),
    head: dense("head", null, null),
  };
};

const disposeNetwork = (net: Network): void => {
  const tensors = [
    net.conv1Mask,
    ...[net.conv1, net.conv2, net.dense1, net.dense2, net.head].flatMap((l) => [l.kernel, l.bias]),
  ];
  for (const t of tensors) t?.dispose();
};

/** The network's raw output [rows, units] for images [rows, 1, 48, C], input mask applied. */
const evaluate = (net: Network, images: tf.Tensor4D): tf.Tensor2D => {
  const rows = images.shape[0];
  let x = tf.fused.conv2d({
    x: images,
    filter: net.conv1.kernel,
    strides: 1,
    pad: "same",
    bias: net.conv1.bias,
    activation: "relu",
  });
  if (net.conv1Mask !== null) x = tf.mul(x, net.conv1Mask);
  x = tf.fused.conv2d({
    x,
    filter: net.conv2.kernel,
    strides: 1,
    pad: "same",
    bias: net.conv2.bias,
    activation: "relu",
  });
  let h: tf.Tensor2D = x.reshape([rows, CONV2_UNITS]);
  h = tf.fused.matMul({
    a: h,
    b: net.dense1.kernel,
    bias: net.dense1.bias,
    activation: "relu",
  }) as tf.Tensor2D;
  h = tf.fused.matMul({
    a: h,
    b: net.dense2.kernel,
    bias: net.dense2.bias,
    activation: "relu",
  }) as tf.Tensor2D;
  return tf.fused.matMul({ a: h, b: net.head.kernel, bias: net.head.bias }) as tf.Tensor2D;
};

/** dst = the rows of src, each multiplied elementwise by `mask` (one row long). */
const maskRows = (src: Float32Array, mask: Float32Array, dst: Float32Array): Float32Array => {
  const size = mask.length;
  for (let i = 0; i < src.length; i += size) {
    for (let j = 0; j < size; j++) dst[i + j] = src[i + j] * mask[j];
  }
  return dst;
};

/** Raw outputs of one network for every row, in chunks. */
const outputsOf = (spec: ModelSpec, net: Network, data: Dataset): Float32Array => {
  const n = data.m.length;
  const units = paramShapes(spec).at(-1)!.shape[0];
  const out = new Float32Array(n * units);
  const c = channelsOf(spec);
  const buffer = net.inputMask === null ? null : new Float32Array(Math.min(n, CHUNK) * data.size);
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK);
    const rows = data.images.subarray(from * data.size, to * data.size);
    const input =
      buffer === null ? rows : maskRows(rows, net.inputMask!, buffer.subarray(0, rows.length));
    // The tensor, not its values, leaves tidy: tidy walks a returned typed
    // array element by element (that walk was 42% of a Class-d pass).
    const y = tf.tidy(() => evaluate(net, tf.tensor4d(input, [to - from, 1, V_BINS, c])));
    out.set(y.dataSync(), from * units);
    y.dispose();
  }
  return out;
};

/**
 * The Table A1 posterior of every row: one deterministic pass, or for the
 * '-d' models the combination of T = `samples` networks drawn from the rng.
 */
export const predict = (
  spec: ModelSpec,
  weights: ReadonlyMap<string, Float32Array>,
  data: Dataset,
  options: PredictOptions,
  rng: Rng,
): Posterior => {
  if (data.size !== V_BINS * channelsOf(spec)) {
    throw new Error(`model ${spec.name} needs images of ${V_BINS * channelsOf(spec)} values`);
  }
  const w = checkedWeights(spec, weights);
  // Subnormal pixels cost x86 a microcode assist per product (model.ts TINY);
  // images from selectRows are flushed already and are not copied again.
  const input: Dataset = { ...data, images: withoutTiny(data.images) };
  const acc = new PosteriorAccumulator(spec, data.m.length, options.sigmaD2);
  const mc = spec.dropout && options.dropout > 0;
  const stream = mc ? new MaskStream(rng.fork("mc-dropout")) : null;
  const t = mc ? options.samples : 1;
  for (let i = 0; i < t; i++) {
    const net = buildNetwork(spec, w, options.dropout, stream);
    try {
      acc.add(outputsOf(spec, net, input));
    } finally {
      disposeNetwork(net);
    }
    options.onSample?.(i);
  }
  return acc.finish();
};
