/**
 * Kernels that the TensorFlow.js WASM backend lacks, or has only in a slow
 * form, for training the paper's Conv1D networks.
 *
 * - `Conv2DBackpropFilter` is missing altogether, so no convolution can be
 *   trained on WASM. Here it is an im2col written in JS onto the WASM heap,
 *   followed by the backend's own (XNNPACK) matrix product.
 * - `Conv2DBackpropInput` exists but is a naive loop (~1.7 GFLOP/s against
 *   ~20 for the forward convolution). For stride 1 it is the forward
 *   convolution of dy with the filter flipped in space and transposed in
 *   channels, so it runs through the backend's fast `Conv2D`.
 * - `BatchMatMul` with a transposed operand falls back to a naive loop, ten
 *   times slower than the plain product; every dense layer's gradient asks
 *   for one. The wrapper transposes explicitly, then multiplies plainly.
 *
 * All of these work on NHWC tensors, which is what tfjs's conv1d produces.
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type Info = tf.TensorInfo;
type KernelArgs = {
  inputs: Record<string, Info>;
  backend: BackendWasm;
  attrs?: Record<string, unknown>;
};
type Kernel = (args: KernelArgs) => Info;

const kernelOf = (name: string): Kernel => {
  const config = tf.getKernel(name, "wasm");
  if (config === undefined) throw new Error(`wasm backend has no '${name}' kernel`);
  return config.kernelFunc as unknown as Kernel;
};

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

const convInfoOf = (
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Record<string, unknown>,
): Conv2DInfo => {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== "NHWC") {
    throw new Error(`conv gradient on wasm: only NHWC is supported, got ${attrs.dataFormat}`);
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as "same" | "valid" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    false,
    "channelsLast",
  );
};

/** A reusable buffer for the channel-major copy of x (one per process). */
let scratchBuffer = new Float32Array(0);
const scratch = (n: number): Float32Array => {
  if (scratchBuffer.length < n) scratchBuffer = new Float32Array(n);
  return scratchBuffer.subarray(0, n);
};

/** A copy of `values` ([plane, channels], row-major) as [channels, plane]. */
const channelMajor = (values: Float32Array, plane: number, channels: number): Float32Array => {
  const out = scratch(plane * channels);
  for (let p = 0, src = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++, src++) out[c * plane + p] = values[src];
  }
  return out;
};

/**
 * Writes the transposed im2col matrix of x: one row per filter tap and input
 * channel (fh, fw, ci), one column per output position (b, oh, ow), zeros
 * where the tap falls in the padding. Transposed so that the product with dy
 * needs no transposition (the fast path of the backend's matmul). x is first
 * made channel-major so that both the reads and the writes of the main loop
 * run along memory.
 */
export const im2colTransposed = (x: Float32Array, info: Conv2DInfo, out: Float32Array): void => {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const plane = batchSize * inHeight * inWidth;
  const byChannel = channelMajor(x, plane, inChannels);

  const positions = batchSize * outHeight * outWidth;
  const unitStride = strideHeight === 1 && strideWidth === 1;
  const sameSize = outHeight === inHeight && outWidth === inWidth;
  for (let fh = 0; fh < filterHeight; fh++) {
    for (let fw = 0; fw < filterWidth; fw++) {
      for (let ci = 0; ci < inChannels; ci++) {
        const row = ((fh * filterWidth + fw) * inChannels + ci) * positions;
        if (unitStride && sameSize) {
          shiftedCopy(byChannel, ci * plane, out, row, info, fh - padTop, fw - padLeft);
        } else {
          gatherRow(byChannel, ci * plane, out, row, info, fh - padTop, fw - padLeft);
        }
      }
    }
  }
};

/**
 * The common case (stride 1, output as large as the input): a tap's row is
 * the input channel shifted by (dh, dw), so one block copy, then zeros
 * wherever the shift crossed an image's edge.
 */
const shiftedCopy = (
  src: Float32Array,
  srcStart: number,
  out: Float32Array,
  row: number,
  info: Conv2DInfo,
  dh: number,
  dw: number,
): void => {
  const { batchSize, inHeight: h, inWidth: w } = info;
  const n = batchSize * h * w;
  const shift = dh * w + dw;
  const lo = Math.max(0, -shift);
  const hi = Math.min(n, n - shift);
  if (lo > 0) out.fill(0, row, row + lo);
  out.set(src.subarray(srcStart + lo + shift, srcStart + hi + shift), row + lo);
  if (hi < n) out.fill(0, row + hi, row + n);
  if (dh === 0 && dw === 0) return;
  for (let b = 0; b < batchSize; b++) {
    for (let y = 0; y < h; y++) {
      const base = row + (b * h + y) * w;
      if (y + dh < 0 || y + dh >= h) {
        out.fill(0, base, base + w);
        continue;
      }
      for (let x = 0; x < -dw; x++) out[base + x] = 0;
      for (let x = w - dw; x < w; x++) out[base + x] = 0;
    }
  }
};

/** Any stride or padding: element by element. */
const gatherRow = (
  src: Float32Array,
  srcStart: number,
  out: Float32Array,
  row: number,
  info: Conv2DInfo,
  dh: number,
  dw: number,
): void => {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  let dst = row;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const ih = oh * strideHeight + dh;
      const rowStart = srcStart + (b * inHeight + ih) * inWidth;
      for (let ow = 0; ow < outWidth; ow++, dst++) {
        const iw = ow * strideWidth + dw;
        const inside = ih >= 0 && ih < inHeight && iw >= 0 && iw < inWidth;
        out[dst] = inside ? src[rowStart + iw] : 0;
      }
    }
  }
};

/**
 * dW by shifting dy instead of x, for stride 1 and an output as large as the
 * input: dW[fh, fw, ci, co] = sum over positions of x[pos] dy[pos shifted by
 * (padTop - fh, padLeft - fw)], so with D the matrix whose row (fh, fw, co)
 * is dy's channel co shifted that way, dW (in [fh, fw, co, ci] order) is
 * D x, x read as it lies, [positions, ci]. D has taps x co rows where the
 * im2col matrix has taps x ci: fewer to write when a layer narrows (both of
 * this network's convolutions on 2D images: 48 -> 24 and 24 -> 10
 * channels), and x needs no copy at all.
 */
const filterGradientShiftingDy = (
  original: { matMul: Kernel },
  backend: BackendWasm,
  x: Info,
  dy: Info,
  info: Conv2DInfo,
): Info => {
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const plane = info.batchSize * info.inHeight * info.inWidth;
  const taps = filterHeight * filterWidth;
  const shifted = backend.makeOutput([1, taps * outChannels, plane], "float32");
  // Views into the heap are taken after the allocations, which may grow it.
  const dyByChannel = channelMajor(
    backend.typedArrayFromHeap(dy) as Float32Array,
    plane,
    outChannels,
  );
  const d = backend.typedArrayFromHeap(shifted) as Float32Array;
  for (let fh = 0; fh < filterHeight; fh++) {
    for (let fw = 0; fw < filterWidth; fw++) {
      for (let co = 0; co < outChannels; co++) {
        const row = ((fh * filterWidth + fw) * outChannels + co) * plane;
        const dh = info.padInfo.top - fh;
        const dw = info.padInfo.left - fw;
        shiftedCopy(dyByChannel, co * plane, d, row, info, dh, dw);
      }
    }
  }
  const x3: Info = { dataId: x.dataId, shape: [1, plane, inChannels], dtype: "float32" };
  const r = original.matMul({
    inputs: { a: shifted, b: x3 },
    backend,
    attrs: { transposeA: false, transposeB: false },
  });
  backend.disposeData(shifted.dataId);
  // [taps, co, ci] -> [taps, ci, co], the filter's layout.
  const dw = backend.makeOutput([filterHeight, filterWidth, inChannels, outChannels], "float32");
  const src = backend.typedArrayFromHeap(r) as Float32Array;
  const dst = backend.typedArrayFromHeap(dw) as Float32Array;
  for (let t = 0; t < taps; t++) {
    const base = t * inChannels * outChannels;
    for (let co = 0; co < outChannels; co++) {
      for (let ci = 0; ci < inChannels; ci++) {
        dst[base + ci * outChannels + co] = src[base + co * inChannels + ci];
      }
    }
  }
  backend.disposeData(r.dataId);
  return dw;
};

const conv2DBackpropFilter = (original: { matMul: Kernel; reshape: Kernel }): Kernel => {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    const filterShape = attrs!.filterShape as [number, number, number, number];
    const info = convInfoOf(x.shape, filterShape, attrs!);
    const sameSize = info.outHeight === info.inHeight && info.outWidth === info.inWidth;
    const unitStride = info.strideHeight === 1 && info.strideWidth === 1;
    if (sameSize && unitStride && info.outChannels < info.inChannels) {
      return filterGradientShiftingDy(original, backend, x, dy, info);
    }
    const taps = info.filterHeight * info.filterWidth * info.inChannels;
    const positions = info.batchSize * info.outHeight * info.outWidth;

    const cols = backend.makeOutput([1, taps, positions], "float32");
    // Views into the heap are taken after the allocation, which may grow it.
    const xValues = backend.typedArrayFromHeap(x) as Float32Array;
    im2colTransposed(xValues, info, backend.typedArrayFromHeap(cols) as Float32Array);

    const dy3: Info = {
      dataId: dy.dataId,
      shape: [1, positions, info.outChannels],
      dtype: "float32",
    };
    const product = original.matMul({
      inputs: { a: cols, b: dy3 },
      backend,
      attrs: { transposeA: false, transposeB: false },
    });
    backend.disposeData(cols.dataId);
    const dw = original.reshape({ inputs: { x: product }, backend, attrs: { shape: filterShape } });
    backend.disposeData(product.dataId);
    return dw;
  };
};

const conv2DBackpropInput = (original: { conv2d: Kernel; backpropInput: Kernel }): Kernel => {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs;
    const inputShape = attrs!.inputShape as [number, number, number, number];
    const info = convInfoOf(inputShape, filter.shape, attrs!);
    if (info.strideHeight !== 1 || info.strideWidth !== 1) return original.backpropInput(args);
    const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = info;

    // flipped[kh-1-i, kw-1-j, o, c] = filter[i, j, c, o]
    const flipped = backend.makeOutput([kh, kw, co, ci], "float32");
    const w = backend.typedArrayFromHeap(filter) as Float32Array;
    const f = backend.typedArrayFromHeap(flipped) as Float32Array;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const src = (i * kw + j) * ci * co;
        const dst = ((kh - 1 - i) * kw + (kw - 1 - j)) * co * ci;
        for (let c = 0; c < ci; c++) {
          for (let o = 0; o < co; o++) f[dst + o * ci + c] = w[src + c * co + o];
        }
      }
    }

    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const bottom = info.inHeight - info.outHeight - top + kh - 1;
    const right = info.inWidth - info.outWidth - left + kw - 1;
    const dx = original.conv2d({
      inputs: { x: dy, filter: flipped },
      backend,
      attrs: {
        strides: 1,
        dilations: 1,
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dataFormat: "NHWC",
      },
    });
    backend.disposeData(flipped.dataId);
    return dx;
  };
};

/** Product of the last two axes with optional transposes, all through the fast path. */
const batchMatMul = (original: { matMul: Kernel; transpose: Kernel }): Kernel => {
  return ({ inputs, backend, attrs }) => {
    const transposeA = attrs!.transposeA === true;
    const transposeB = attrs!.transposeB === true;
    if (!transposeA && !transposeB) return original.matMul({ inputs, backend, attrs });
    const swapLast = (t: Info): Info => {
      const perm = t.shape.map((_, i) => i);
      const r = perm.length;
      [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
      return original.transpose({ inputs: { x: t }, backend, attrs: { perm } });
    };
    const a = transposeA ? swapLast(inputs.a) : inputs.a;
    const b = transposeB ? swapLast(inputs.b) : inputs.b;
    const out = original.matMul({
      inputs: { a, b },
      backend,
      attrs: { transposeA: false, transposeB: false },
    });
    if (transposeA) backend.disposeData(a.dataId);
    if (transposeB) backend.disposeData(b.dataId);
    return out;
  };
};

let installed = false;

/**
 * Registers the missing kernel and swaps in the fast ones. Call once the
 * wasm backend is initialised (the originals' setup must have run).
 */
export const installWasmKernels = (): void => {
  if (installed) return;
  const original = {
    matMul: kernelOf("BatchMatMul"),
    reshape: kernelOf("Reshape"),
    transpose: kernelOf("Transpose"),
    conv2d: kernelOf("Conv2D"),
    backpropInput: kernelOf("Conv2DBackpropInput"),
  };
  const replace = (kernelName: string, kernelFunc: Kernel): void => {
    if (tf.getKernel(kernelName, "wasm") !== undefined) tf.unregisterKernel(kernelName, "wasm");
    tf.registerKernel({
      kernelName,
      backendName: "wasm",
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    });
  };
  replace("Conv2DBackpropFilter", conv2DBackpropFilter(original));
  replace("Conv2DBackpropInput", conv2DBackpropInput(original));
  replace("BatchMatMul", batchMatMul(original));
  installed = true;
};
