/**
 * Training and MC-dropout prediction for the twelve models, on whichever
 * tfjs backend is active (see backend.ts).
 */
import * as tf from "@tensorflow/tfjs";

import type { Rng } from "../../kind/index.ts";
import { Adam } from "./adam.ts";
import {
  MaskStream,
  applyDropout,
  forward,
  initialParams,
  paramShapes,
  toVariables,
  withoutTiny,
  type Masks,
  type ModelSpec,
  type Params,
} from "./model.ts";
import { Backprop } from "./step.ts";
import { classOf, dataLoss, scaleMass, unscaleVariance } from "./targets.ts";

export interface Dataset {
  /** n images of `size` floats each, row-major. */
  readonly images: Float32Array;
  readonly size: number;
  /** Target log10 M200c per image, dex. */
  readonly m: Float64Array;
}

export const rowsOf = (d: Dataset): number => d.m.length;

export interface TrainOptions {
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly l2: number;
  /** Dropout rate p_d of the '-d' models. */
  readonly dropout: number;
  readonly onEpoch?: (epoch: number, loss: number) => void;
}

export interface TrainResult {
  readonly weights: Map<string, Float32Array>;
  /** Mean loss (data + L2) over the batches of each epoch. */
  readonly loss: Float64Array;
  /** Data loss on the validation set after each epoch, dropout off; NaN without one. */
  readonly valLoss: Float64Array;
  /** Training MSE of the output without dropout, dex^2: sigma_D^2 of the Point models. */
  readonly trainingMse: number;
  /** Training throughput, samples per second, over all epochs. */
  readonly samplesPerSecond: number;
}

const gatherRows = (d: Dataset, order: Int32Array, from: number, to: number): Float32Array => {
  const out = new Float32Array((to - from) * d.size);
  for (let i = from; i < to; i++) {
    const r = order[i];
    out.set(d.images.subarray(r * d.size, (r + 1) * d.size), (i - from) * d.size);
  }
  return out;
};

/**
 * One model being trained: its weights (held in JS, the source of truth),
 * their tfjs variables, Adam's state and the random streams. Randomness
 * (initial weights, shuffling, dropout masks) comes from three forks of the
 * rng, so the same rng gives the same weights on the same backend.
 */
export class Trainer {
  readonly spec: ModelSpec;
  private readonly data: Dataset;
  private readonly options: TrainOptions;
  private readonly weights: Map<string, Float32Array>;
  private readonly params: Params;
  private readonly shuffle: Rng;
  private readonly masks: MaskStream;
  private readonly adam: Adam;
  private readonly yAll: Float32Array;
  private readonly classAll: Int32Array;
  private readonly backprop: Backprop;
  /** The previous batch's masks, refilled for the next batch. */
  private lastMasks: Masks | null = null;
  /** Whether the weights moved since the variables were last assigned. */
  private variablesStale = false;

  constructor(spec: ModelSpec, data: Dataset, options: TrainOptions, rng: Rng) {
    if (rowsOf(data) === 0) throw new Error("no training rows");
    this.spec = spec;
    // Subnormal pixels cost x86 a microcode assist per product (model.ts
    // TINY); images from selectRows are flushed already and not copied.
    this.data = { ...data, images: withoutTiny(data.images) };
    this.options = options;
    this.weights = initialParams(spec, rng.fork("init"));
    this.params = toVariables(spec, this.weights);
    this.shuffle = rng.fork("shuffle");
    this.masks = new MaskStream(rng.fork("dropout"));
    this.adam = new Adam({ lr: options.lr });
    this.backprop = new Backprop(spec);
    this.yAll = Float32Array.from(data.m, scaleMass);
    this.classAll = Int32Array.from(data.m, classOf);
  }

  /** One Adam step on rows order[from..to); returns the batch's loss (data + L2). */
  step(order: Int32Array, from: number, to: number): number {
    const { spec, data, options, weights } = this;
    const rows = order.subarray(from, to);
    const images = gatherRows(data, order, from, to);
    const masks = applyDropout(spec, images, options.dropout, this.masks, this.lastMasks);
    this.lastMasks = masks;
    const { loss, grads } = this.backprop.step(weights, {
      rows: to - from,
      images,
      y: Float32Array.from(rows, (r) => this.yAll[r]),
      classes: Int32Array.from(rows, (r) => this.classAll[r]),
      masks,
    });
    let cost = loss;
    this.adam.nextStep();
    for (const p of paramShapes(spec)) {
      cost += this.adam.update(
        p.name,
        weights.get(p.name)!,
        grads.get(p.name)!,
        p.decay ? options.l2 : 0,
      );
    }
    this.variablesStale = true;
    return cost;
  }

  /** The tfjs variables (used by the evaluation passes) brought up to the JS weights. */
  private currentParams(): Params {
    if (this.variablesStale) {
      for (const [name, variable] of this.params)
        variable.assign(tf.tensor(this.weights.get(name)!.slice(), variable.shape));
      this.variablesStale = false;
    }
    return this.params;
  }

  /** One pass over the shuffled rows; returns the mean batch loss. */
  epoch(): number {
    const n = rowsOf(this.data);
    const order = this.shuffle.permutation(n);
    let sum = 0;
    let batches = 0;
    for (let from = 0; from < n; from += this.options.batch) {
      sum += this.step(order, from, Math.min(n, from + this.options.batch));
      batches++;
    }
    return sum / batches;
  }

  /**
   * Mean data loss (no L2) over `data` with dropout off, as Keras reports a
   * validation loss; NaN for an empty set.
   */
  loss(data: Dataset): number {
    const n = rowsOf(data);
    if (n === 0) return Number.NaN;
    const raw = outputs(this.spec, this.currentParams(), data, 0, null);
    const units = raw.length / n;
    return tf.tidy(() => {
      const output = tf.tensor2d(raw, [n, units]);
      const y = tf.tensor1d(Float32Array.from(data.m, scaleMass));
      const cls = tf.tensor1d(Int32Array.from(data.m, classOf), "int32");
      return dataLoss(this.spec, output, y, cls).dataSync()[0];
    });
  }

  /** sigma_D^2 of the Point models, dex^2 (NaN for the other heads). */
  trainingMse(): number {
    return meanSquaredError(this.spec, this.currentParams(), this.data);
  }

  currentWeights(): Map<string, Float32Array> {
    return new Map([...this.weights].map(([name, w]) => [name, w.slice()]));
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}

/** Trains one model with Adam on shuffled mini-batches for `options.epochs` epochs. */
export const train = (
  spec: ModelSpec,
  data: Dataset,
  options: TrainOptions,
  rng: Rng,
  validation?: Dataset,
): TrainResult => {
  const trainer = new Trainer(spec, data, options, rng);
  try {
    const loss = new Float64Array(options.epochs);
    const valLoss = new Float64Array(options.epochs).fill(Number.NaN);
    let validating = 0;
    const started = performance.now();
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      loss[epoch] = trainer.epoch();
      if (validation !== undefined) {
        const t = performance.now();
        valLoss[epoch] = trainer.loss(validation);
        validating += performance.now() - t;
      }
      options.onEpoch?.(epoch, loss[epoch]);
    }
    const seconds = (performance.now() - started - validating) / 1000;
    return {
      weights: trainer.currentWeights(),
      loss,
      valLoss,
      trainingMse: trainer.trainingMse(),
      samplesPerSecond: (rowsOf(data) * options.epochs) / seconds,
    };
  } finally {
    trainer.dispose();
  }
};

/** Rows per forward call of `outputs`: large enough to amortise per-op cost. */
const PREDICT_CHUNK = 1000;

/**
 * Raw network outputs for all rows, in chunks; one deterministic pass or one
 * with fresh masks per call.
 */
export const outputs = (
  spec: ModelSpec,
  params: Params,
  data: Dataset,
  dropout: number,
  masks: MaskStream | null,
): Float32Array => {
  const n = rowsOf(data);
  const chunks: Float32Array[] = [];
  let previous: Masks | null = null;
  for (let from = 0; from < n; from += PREDICT_CHUNK) {
    const to = Math.min(n, from + PREDICT_CHUNK);
    // The tensor, not its values, leaves tidy: tidy walks a returned typed
    // array element by element.
    const y = tf.tidy(() => {
      const images = data.images.slice(from * data.size, to * data.size);
      const m = masks === null ? null : applyDropout(spec, images, dropout, masks, previous);
      previous = m;
      return forward(spec, params, tf.tensor2d(images, [to - from, data.size]), m);
    });
    chunks.push(y.dataSync() as Float32Array);
    y.dispose();
  }
  const total = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    total.set(c, offset);
    offset += c.length;
  }
  return total;
};

/**
 * sigma_D^2 = (1/n) sum (m_i - mu(x_i))^2 over the training set, dex^2, from
 * the deterministic pass (dropout off, as Keras evaluates). NaN for the
 * Gauss and Class heads, whose posteriors carry their own width.
 */
const meanSquaredError = (spec: ModelSpec, params: Params, data: Dataset): number => {
  if (spec.head !== "Point") return Number.NaN;
  const mu = outputs(spec, params, data, 0, null);
  let s = 0;
  for (let i = 0; i < mu.length; i++) s += (scaleMass(data.m[i]) - mu[i]) ** 2;
  return unscaleVariance(s / mu.length);
};
