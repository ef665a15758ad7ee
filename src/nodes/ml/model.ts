/**
 * The paper's twelve CNNs (Table 1) as one functional network with a
 * choice of input (1D or 2D), head (Point, Gauss, Class) and dropout.
 *
 * The forward pass is written with tfjs ops rather than tfjs-layers so that
 * dropout is under our control: '-d' models draw masks in training *and* at
 * inference (MC dropout), from a generator seeded by the node's rng, so the
 * same key gives the same weights and the same posteriors.
 *
 * Input layout: an image row of 48 x C floats, v_los-major, reshaped to NHWC
 * [batch, 1, 48, C]; C = 1 (1D) or the 48 R_proj bins (2D), so every
 * convolution slides along v_los and R_proj bins are channels.
 */
import * as tf from "@tensorflow/tfjs";

import type { Rng } from "../../kind/index.ts";
import { biasActivation } from "./ops.ts";

export type Head = "Point" | "Gauss" | "Class";

export interface ModelSpec {
  /** e.g. "2DGauss-d" */
  readonly name: string;
  readonly dim: 1 | 2;
  readonly head: Head;
  readonly dropout: boolean;
}

/** Velocity bins of every image (the convolution axis). */
export const V_BINS = 48;
/** Classification bins of the Class head, on 13 <= m <= 16 (dex). */
export const CLASS_BINS = 50;

const HEAD_UNITS: Record<Head, number> = { Point: 1, Gauss: 2, Class: CLASS_BINS };

/** The twelve models of Table 1. */
export const MODEL_NAMES = [
  "1DPoint",
  "1DPoint-d",
  "1DGauss",
  "1DGauss-d",
  "1DClass",
  "1DClass-d",
  "2DPoint",
  "2DPoint-d",
  "2DGauss",
  "2DGauss-d",
  "2DClass",
  "2DClass-d",
] as const;

export const parseModelName = (name: string): ModelSpec => {
  const match = /^([12])D(Point|Gauss|Class)(-d)?$/.exec(name);
  if (match === null) {
    throw new Error(`unknown model '${name}': expected one of ${MODEL_NAMES.join(", ")}`);
  }
  return {
    name,
    dim: match[1] === "1" ? 1 : 2,
    head: match[2] as Head,
    dropout: match[3] !== undefined,
  };
};

export const channelsOf = (spec: ModelSpec): number => (spec.dim === 1 ? 1 : 48);

/** One trainable tensor: its name, shape, and whether L2 decay applies (kernels only). */
export interface ParamShape {
  readonly name: string;
  readonly shape: readonly number[];
  readonly decay: boolean;
  /** Glorot fans, as Keras counts them (kernel taps x channels). */
  readonly fanIn: number;
  readonly fanOut: number;
}

export const paramShapes = (spec: ModelSpec): ParamShape[] => {
  const c = channelsOf(spec);
  const kernel = (name: string, shape: number[], fanIn: number, fanOut: number): ParamShape => ({
    name: `${name}.kernel`,
    shape,
    decay: true,
    fanIn,
    fanOut,
  });
  const bias = (name: string, n: number): ParamShape => ({
    name: `${name}.bias`,
    shape: [n],
    decay: false,
    fanIn: 0,
    fanOut: 0,
  });
  const out = HEAD_UNITS[spec.head];
  return [
    kernel("conv1", [1, 5, c, 24], 5 * c, 5 * 24),
    bias("conv1", 24),
    kernel("conv2", [1, 3, 24, 10], 3 * 24, 3 * 10),
    bias("conv2", 10),
    kernel("dense1", [V_BINS * 10, 128], V_BINS * 10, 128),
    bias("dense1", 128),
    kernel("dense2", [128, 64], 128, 64),
    bias("dense2", 64),
    kernel("head", [64, out], 64, out),
    bias("head", out),
  ];
};

/**
 * Magnitudes below this count as exactly 0, in images and in weights. KDE
 * images carry Gaussian tails down to float32 subnormals (2.8% of a 2D
 * image's pixels), and L2 decay drives dead units' weights into them; every
 * product with a subnormal costs an x86 core a microcode assist, which made
 * 2D inference 3.5x and 2D training ~1.9x slower (docs/benchmarks.md).
 * TensorFlow's CPU kernels flush to zero for the same reason. A pixel of
 * 1e-20 in an image that sums to 1, or a weight of 1e-20, changes no float32
 * output of this network.
 */
export const TINY = 1e-20;

/** Sets the values of `values` below TINY in magnitude to 0, in place. */
export const flushTiny = (values: Float32Array): Float32Array => {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > -TINY && v < TINY) values[i] = 0;
  }
  return values;
};

/** `values` itself when it holds no nonzero below TINY, else a flushed copy. */
export const withoutTiny = (values: Float32Array): Float32Array => {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v > -TINY && v < TINY) return flushTiny(values.slice());
  }
  return values;
};

export type Params = ReadonlyMap<string, tf.Variable>;

/** Glorot-uniform kernels and zero biases (the Keras defaults), drawn from `rng`. */
export const initialParams = (spec: ModelSpec, rng: Rng): Map<string, Float32Array> => {
  const values = new Map<string, Float32Array>();
  for (const p of paramShapes(spec)) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(size);
    if (p.decay) {
      const limit = Math.sqrt(6 / (p.fanIn + p.fanOut));
      const stream = rng.fork(p.name);
      for (let i = 0; i < size; i++) v[i] = stream.range(-limit, limit);
    }
    values.set(p.name, v);
  }
  return values;
};

/** A model tensor's values with its shape. */
export interface Weight {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/** `values` checked against the model's tensors: every one present, each of its size. */
export const checkedWeights = (
  spec: ModelSpec,
  values: ReadonlyMap<string, Float32Array>,
): Map<string, Weight> => {
  const out = new Map<string, Weight>();
  for (const p of paramShapes(spec)) {
    const v = values.get(p.name);
    if (v === undefined) throw new Error(`weights lack tensor '${p.name}' of model ${spec.name}`);
    const size = p.shape.reduce((a, b) => a * b, 1);
    if (v.length !== size) {
      throw new Error(
        `tensor '${p.name}' has ${v.length} values, model ${spec.name} needs ${size}`,
      );
    }
    out.set(p.name, { values: v, shape: p.shape });
  }
  return out;
};

export const toVariables = (spec: ModelSpec, values: ReadonlyMap<string, Float32Array>): Params => {
  const vars = new Map<string, tf.Variable>();
  for (const [name, w] of checkedWeights(spec, values)) {
    // A copy: the CPU backend keeps the array it is given, and callers update theirs.
    const initial = tf.tensor(w.values.slice(), [...w.shape]);
    vars.set(name, tf.variable(initial, true));
    initial.dispose();
  }
  return vars;
};

/**
 * Bernoulli keep-masks scaled by 1/(1-p) (inverted dropout), from a
 * xorshift128 stream seeded by an Rng: the masks are the bulk of the random
 * numbers in training (~400k per 2D batch), too many for the Rng's
 * per-call cost, and still fixed by the node's key. Each 32-bit draw makes
 * two decisions from its 16-bit halves, so p is rounded to a multiple of
 * 1/65536 (0.1 becomes 0.1000061).
 */
export class MaskStream {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(rng: Rng) {
    // Signed int32 state keeps V8 on small integers.
    this.a = rng.nextUint32() | 1;
    this.b = rng.nextUint32() | 0;
    this.c = rng.nextUint32() | 0;
    this.d = rng.nextUint32() | 0;
  }

  /** Multiplies `values` in place by a fresh mask (the same draws `fill` would make). */
  drop(values: Float32Array, rate: number): Float32Array {
    const threshold = Math.round(rate * 65536);
    const keep = 1 / (1 - rate);
    const n = values.length;
    let { a, b, c, d } = this;
    for (let i = 0; i < n; i += 2) {
      const t = a ^ (a << 11);
      a = b;
      b = c;
      c = d;
      d = (d ^ (d >>> 19) ^ t ^ (t >>> 8)) | 0;
      values[i] *= (d & 0xffff) < threshold ? 0 : keep;
      if (i + 1 < n) values[i + 1] *= d >>> 16 < threshold ? 0 : keep;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return values;
  }

  /** A fresh mask (0 or 1/(1-rate)) written into `out`: `drop` applied to ones. */
  fill(out: Float32Array, rate: number): Float32Array {
    return this.drop(out.fill(1), rate);
  }
}

/** Dropout masks of one batch for the outputs of conv1, conv2, dense1 and dense2. */
export interface Masks {
  readonly hidden: readonly Float32Array[];
}

/** Sizes of the hidden masks per batch row: conv1, conv2, dense1, dense2. */
const HIDDEN_UNITS = [V_BINS * 24, V_BINS * 10, 128, 64];

/**
 * Dropout for one batch: drops input pixels of `images` (row-major, in
 * place, before they become a tensor) and draws the hidden layers' masks.
 * Returns null, touching nothing, when the model has no dropout or `rate`
 * is 0. `reuse`, the masks of an earlier batch of the same size that are no
 * longer needed, is refilled rather than reallocated.
 */
export const applyDropout = (
  spec: ModelSpec,
  images: Float32Array,
  rate: number,
  stream: MaskStream,
  reuse?: Masks | null,
): Masks | null => {
  if (!spec.dropout || rate === 0) return null;
  const batch = images.length / (V_BINS * channelsOf(spec));
  stream.drop(images, rate);
  const fits = reuse != null && reuse.hidden[0].length === batch * HIDDEN_UNITS[0];
  const hidden = HIDDEN_UNITS.map((units, i) =>
    stream.fill(fits ? reuse.hidden[i] : new Float32Array(batch * units), rate),
  );
  return { hidden };
};

/**
 * The network's raw output [batch, units]: mu (Point), (mu, log sigma)
 * (Gauss) or 50 logits (Class), in the scaled target units. `images` must
 * already carry the input dropout (`applyDropout`); `masks` null for the
 * deterministic pass.
 */
export const forward = (
  spec: ModelSpec,
  params: Params,
  images: tf.Tensor,
  masks: Masks | null,
): tf.Tensor2D => {
  const p = (name: string): tf.Variable => params.get(name)!;
  const hidden = (i: number): Float32Array | null => (masks === null ? null : masks.hidden[i]);
  const batch = images.shape[0];

  const conv = (x: tf.Tensor, name: string, i: number): tf.Tensor4D => {
    const z = tf.conv2d(x as tf.Tensor4D, p(`${name}.kernel`) as tf.Tensor4D, 1, "same");
    return biasActivation(z, p(`${name}.bias`), true, hidden(i)) as tf.Tensor4D;
  };
  const dense = (x: tf.Tensor, name: string, relu: boolean, mask: Float32Array | null) => {
    const z = tf.matMul(x as tf.Tensor2D, p(`${name}.kernel`) as tf.Tensor2D);
    return biasActivation(z, p(`${name}.bias`), relu, mask) as tf.Tensor2D;
  };

  let x: tf.Tensor = images.reshape([batch, 1, V_BINS, channelsOf(spec)]);
  x = conv(x, "conv1", 0);
  x = conv(x, "conv2", 1);
  x = x.reshape([batch, V_BINS * 10]);
  x = dense(x, "dense1", true, hidden(2));
  x = dense(x, "dense2", true, hidden(3));
  return dense(x, "head", false, null);
};
