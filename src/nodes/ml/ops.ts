/**
 * One fused op for what follows every matrix product of the network:
 * add the bias, apply ReLU (or not), multiply by a dropout mask (or not),
 * with its gradient, written as plain loops over the data.
 *
 * Why: under a gradient tape tfjs does not fuse bias and activation into the
 * convolution, so each layer costs an Add, a Relu and a Multiply forward and
 * a Multiply, a Step, a Multiply and a Sum backward. On the WASM backend
 * each of these passes over a 100 x 48 x 24 activation takes ~0.4 ms; one JS
 * loop over the same data takes a few tenths of that. The loops are
 * top-level functions on Float32Arrays so that V8 compiles them once,
 * monomorphic.
 */
import * as tf from "@tensorflow/tfjs";

/** ones, when a layer has no dropout: keeps the loops branch-free. */
let ones = new Float32Array(0);
export const onesOf = (n: number): Float32Array => {
  if (ones.length < n) ones = new Float32Array(n).fill(1);
  return ones;
};

/**
 * out = mask * act(z + bias). ReLU as (v + |v|) / 2, which is exact and has
 * no branch: activations change sign at random, and a mispredicted branch
 * per element tripled this loop's time. For v <= 0 (and v = -0) it gives
 * +0, so out > 0 exactly where the unit is active and kept, which is all
 * the gradient needs (see biasActivationBackward).
 */
export const biasActivationForward = (
  z: Float32Array,
  bias: Float32Array,
  mask: Float32Array,
  relu: boolean,
  out: Float32Array,
): void => {
  const channels = bias.length;
  const n = z.length;
  if (!relu) {
    for (let i = 0; i < n; i += channels) {
      for (let c = 0; c < channels; c++) out[i + c] = (z[i + c] + bias[c]) * mask[i + c];
    }
    return;
  }
  for (let i = 0; i < n; i += channels) {
    for (let c = 0; c < channels; c++) {
      const v = z[i + c] + bias[c];
      out[i + c] = 0.5 * (v + Math.abs(v)) * mask[i + c];
    }
  }
};

/**
 * dz = dy * mask * act'(z + bias); dbias = column sums of dz. Where the
 * mask is 0 dz is 0 whatever the ReLU did, and where it is not, the ReLU
 * passed exactly when out > 0; that test is read off out's bits without a
 * branch: a float32 with bits b is > 0 exactly when -b is negative.
 */
export const biasActivationBackward = (
  dy: Float32Array,
  out: Float32Array,
  mask: Float32Array,
  relu: boolean,
  dz: Float32Array,
  dbias: Float32Array,
): void => {
  const channels = dbias.length;
  const n = dy.length;
  // Column sums in double: a float32 running sum over 4800 rows loses digits.
  const sums = new Float64Array(channels);
  if (relu) {
    const bits = new Int32Array(out.buffer, out.byteOffset, out.length);
    for (let i = 0; i < n; i += channels) {
      for (let c = 0; c < channels; c++) {
        const d = dy[i + c] * mask[i + c] * (-bits[i + c] >>> 31);
        dz[i + c] = d;
        sums[c] += d;
      }
    }
  } else {
    for (let i = 0; i < n; i += channels) {
      for (let c = 0; c < channels; c++) {
        const d = dy[i + c] * mask[i + c];
        dz[i + c] = d;
        sums[c] += d;
      }
    }
  }
  dbias.set(sums);
};

/**
 * y = mask * act(z + bias), bias broadcast along the last axis. `mask` holds
 * 0 or 1/(1-p) per element (inverted dropout) or is null.
 */
export const biasActivation = (
  z: tf.Tensor,
  bias: tf.Tensor,
  relu: boolean,
  mask: Float32Array | null,
): tf.Tensor => {
  const op = tf.customGrad((zIn, biasIn) => {
    const shape = (zIn as tf.Tensor).shape;
    const values = (zIn as tf.Tensor).dataSync() as Float32Array;
    const b = (biasIn as tf.Tensor).dataSync() as Float32Array;
    if (mask !== null && mask.length !== values.length) {
      throw new Error(`dropout mask has ${mask.length} values, activation ${values.length}`);
    }
    const out = new Float32Array(values.length);
    biasActivationForward(values, b, mask ?? onesOf(values.length), relu, out);
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const dz = new Float32Array(out.length);
      const db = new Float32Array(b.length);
      biasActivationBackward(
        dy.dataSync() as Float32Array,
        out,
        mask ?? onesOf(out.length),
        relu,
        dz,
        db,
      );
      return [tf.tensor(dz, shape), tf.tensor(db, [b.length])];
    };
    // The CPU backend keeps the array it is given; `out` is never written again.
    return { value: tf.tensor(out, shape), gradFunc };
  });
  return op(z, bias) as tf.Tensor;
};
