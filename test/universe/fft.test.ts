import { describe, expect, it } from "vitest";

import { fft3d, fft1d, fftPlan } from "../../src/nodes/universe/fft.ts";

describe("FFT", () => {
  it("turns a cosine of frequency 3 into two spikes of height n/2", () => {
    const n = 16;
    const re = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 3 * i) / n));
    const im = new Float64Array(n);
    fft1d(fftPlan(n), re, im, -1);
    expect(re[3]).toBeCloseTo(8, 12);
    expect(re[13]).toBeCloseTo(8, 12);
    const others = [...re].filter((_, i) => i !== 3 && i !== 13);
    expect(Math.max(...others.map(Math.abs), ...[...im].map(Math.abs))).toBeLessThan(1e-12);
  });

  it("inverts the 3D transform", () => {
    const n = 8;
    const original = Float64Array.from({ length: n ** 3 }, (_, i) => Math.sin(i * 0.37) + i / 100);
    const re = new Float64Array(original);
    const im = new Float64Array(n ** 3);
    fft3d(n, re, im, false);
    fft3d(n, re, im, true);
    for (let i = 0; i < n ** 3; i++) {
      expect(re[i]).toBeCloseTo(original[i], 12);
      expect(im[i]).toBeCloseTo(0, 12);
    }
  });

  it("puts a plane wave along y at the y frequency of the 3D grid", () => {
    const n = 8;
    const re = new Float64Array(n ** 3);
    const im = new Float64Array(n ** 3);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        for (let k = 0; k < n; k++) re[(i * n + j) * n + k] = Math.cos((2 * Math.PI * 2 * j) / n);
      }
    }
    fft3d(n, re, im, false);
    expect(re[(0 * n + 2) * n + 0]).toBeCloseTo(n ** 3 / 2, 9);
    expect(re[(0 * n + 6) * n + 0]).toBeCloseTo(n ** 3 / 2, 9);
  });

  it("refuses a length that is not a power of two", () => {
    expect(() => fftPlan(12)).toThrow(/power of two/);
  });
});
