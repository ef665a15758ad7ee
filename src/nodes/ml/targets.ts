/**
 * Targets and losses of the paper's Table A1.
 *
 * The network predicts in scaled units: m on [13, 16] dex maps linearly to
 * [-1, 1]. Everything that leaves this module (posteriors, sigma_D^2) is
 * back in dex.
 */
import * as tf from "@tensorflow/tfjs";

import { CLASS_BINS, type ModelSpec } from "./model.ts";

/** Mass range of the scaling and of the Class bins, dex. */
export const M_MIN = 13;
export const M_MAX = 16;
const M_MID = (M_MIN + M_MAX) / 2;
const M_HALF = (M_MAX - M_MIN) / 2;
/** Width of one Class bin, dex. */
export const CLASS_WIDTH = (M_MAX - M_MIN) / CLASS_BINS;

export const scaleMass = (m: number): number => (m - M_MID) / M_HALF;
export const unscaleMass = (y: number): number => M_MID + M_HALF * y;
/** A variance in scaled units squared, back in dex^2. */
export const unscaleVariance = (v: number): number => v * M_HALF * M_HALF;

/** Index of the Class bin holding m; masses outside [13, 16] go to the end bins. */
export const classOf = (m: number): number =>
  Math.min(CLASS_BINS - 1, Math.max(0, Math.floor((m - M_MIN) / CLASS_WIDTH)));

/** Centre of Class bin j, dex. */
export const classCentre = (j: number): number => M_MIN + (j + 0.5) * CLASS_WIDTH;

/**
 * Data term of the loss, averaged over the batch (the L2 term is added by
 * the optimiser, see adam.ts):
 * - Point: (1/2n) sum (y - mu)^2, as in Table A1;
 * - Gauss: the Gaussian negative log-likelihood with outputs (mu, log sigma),
 *   (1/n) sum [ (y - mu)^2 / (2 sigma^2) + log sigma ] (Table A1 prints
 *   `+ log sigma` inside the 1/2, which is not a likelihood; this is);
 * - Class: softmax cross-entropy on the bin holding m.
 * `yScaled` is [n] scaled masses; `classes` [n] int32 bin indices.
 */
export const dataLoss = (
  spec: ModelSpec,
  output: tf.Tensor2D,
  yScaled: tf.Tensor1D,
  classes: tf.Tensor1D,
): tf.Scalar => {
  const n = output.shape[0];
  if (spec.head === "Point") {
    const mu = output.reshape([n]);
    return tf.mul(0.5, tf.mean(tf.square(tf.sub(yScaled, mu)))) as tf.Scalar;
  }
  if (spec.head === "Gauss") {
    const [mu, logSigma] = tf.split(output, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const z2 = tf.mul(tf.square(tf.sub(yScaled.reshape([n, 1]), mu)), tf.exp(tf.mul(-2, logSigma)));
    return tf.mean(tf.add(tf.mul(0.5, z2), logSigma)) as tf.Scalar;
  }
  const oneHot = tf.oneHot(classes, CLASS_BINS).toFloat();
  const picked = tf.sum(tf.mul(oneHot, output), 1);
  return tf.mean(tf.sub(tf.logSumExp(output, 1), picked)) as tf.Scalar;
};
