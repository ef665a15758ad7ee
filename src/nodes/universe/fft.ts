/**
 * Complex fast Fourier transforms, iterative radix-2, on separate real and
 * imaginary arrays. Forward is unnormalised (sum f e^{-ikx}); inverse divides
 * by the number of points, so inverse(forward(f)) = f.
 */

/** Precomputed bit reversal and twiddles for one length. */
export interface FftPlan {
  readonly n: number;
  readonly reverse: Uint32Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}

export const fftPlan = (n: number): FftPlan => {
  if (n < 1 || (n & (n - 1)) !== 0) throw new Error(`FFT length ${n} is not a power of two`);
  const bits = Math.round(Math.log2(n));
  const reverse = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    reverse[i] = r;
  }
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let i = 0; i < n / 2; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = Math.sin((2 * Math.PI * i) / n);
  }
  return { n, reverse, cos, sin };
};

/** In-place 1D transform of (re, im); `sign` -1 forward, +1 inverse (unnormalised). */
export const fft1d = (plan: FftPlan, re: Float64Array, im: Float64Array, sign: number): void => {
  const { n, reverse, cos, sin } = plan;
  for (let i = 0; i < n; i++) {
    const j = reverse[i];
    if (j > i) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const stride = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * stride];
        const wi = sign * sin[k * stride];
        const a = start + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
};

/**
 * In-place transform of `batch` interleaved sequences at once: element t of
 * sequence b sits at offset + t * stride + b. Running the butterflies over
 * whole contiguous rows keeps the memory access sequential, which is what
 * makes the transforms along the slow axes of a 3D grid fast.
 */
const fftBatched = (
  plan: FftPlan,
  re: Float64Array,
  im: Float64Array,
  offset: number,
  stride: number,
  batch: number,
  sign: number,
): void => {
  const { n, reverse, cos, sin } = plan;
  for (let i = 0; i < n; i++) {
    const j = reverse[i];
    if (j <= i) continue;
    const a = offset + i * stride;
    const c = offset + j * stride;
    for (let b = 0; b < batch; b++) {
      let t = re[a + b];
      re[a + b] = re[c + b];
      re[c + b] = t;
      t = im[a + b];
      im[a + b] = im[c + b];
      im[c + b] = t;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sign * sin[k * step];
        const a = offset + (start + k) * stride;
        const c = a + half * stride;
        for (let b = 0; b < batch; b++) {
          const xr = re[c + b] * wr - im[c + b] * wi;
          const xi = re[c + b] * wi + im[c + b] * wr;
          re[c + b] = re[a + b] - xr;
          im[c + b] = im[a + b] - xi;
          re[a + b] += xr;
          im[a + b] += xi;
        }
      }
    }
  }
};

/**
 * In-place 3D transform of an n^3 grid stored x-major (index (i n + j) n + k).
 * `inverse` divides by n^3.
 */
export const fft3d = (n: number, re: Float64Array, im: Float64Array, inverse: boolean): void => {
  const plan = fftPlan(n);
  const sign = inverse ? 1 : -1;
  const plane = n * n;
  // along k: contiguous lines
  for (let base = 0; base < n * plane; base += n) {
    fft1d(plan, re.subarray(base, base + n), im.subarray(base, base + n), sign);
  }
  // along j: for each i, n sequences of stride n interleaved in one plane
  for (let i = 0; i < n; i++) fftBatched(plan, re, im, i * plane, n, n, sign);
  // along i: for each j, n sequences of stride n^2
  for (let j = 0; j < n; j++) fftBatched(plan, re, im, j * n, plane, n, sign);
  if (inverse) {
    const scale = 1 / (n * plane);
    for (let i = 0; i < re.length; i++) {
      re[i] *= scale;
      im[i] *= scale;
    }
  }
};

/** The signed integer frequency of FFT index i on a grid of n points. */
export const frequency = (i: number, n: number): number => (i < n / 2 ? i : i - n);
