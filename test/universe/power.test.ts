import { describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import { PLANCK13 } from "../../src/nodes/universe/cosmology.ts";
import { gaussianField, smoothedDensity } from "../../src/nodes/universe/field.ts";
import { linearPower, topHatWindow, transferNoWiggle } from "../../src/nodes/universe/power.ts";

describe("Eisenstein & Hu no-wiggle power spectrum", () => {
  it("has a transfer function of 1 on large scales, falling on small ones", () => {
    expect(transferNoWiggle(PLANCK13, 1e-5)).toBeCloseTo(1, 4);
    expect(transferNoWiggle(PLANCK13, 1)).toBeLessThan(0.02);
  });

  it("is normalised to sigma8 = 0.8228 in a top-hat of 8 Mpc/h", () => {
    const power = linearPower(PLANCK13);
    // an independent trapezoid in k (not ln k) over the same integrand
    let sum = 0;
    const dk = 1e-4;
    for (let k = dk; k < 50; k += dk) {
      const w = topHatWindow(k * 8);
      sum += k * k * power.pk(k) * w * w * dk;
    }
    expect(Math.sqrt(sum / (2 * Math.PI ** 2))).toBeCloseTo(0.8228, 3);
  });

  it("gives a grid field whose variance is the sum of P(k)/V over the grid's modes", () => {
    const n = 32;
    const boxSize = 64;
    const power = linearPower(PLANCK13);
    const kf = (2 * Math.PI) / boxSize;
    let expected = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        for (let l = 0; l < n; l++) {
          const f = [i, j, l].map((q) => (q < n / 2 ? q : q - n));
          const k = kf * Math.hypot(f[0], f[1], f[2]);
          if (k > 0) expected += power.pk(k) / boxSize ** 3;
        }
      }
    }
    let variance = 0;
    const seeds = 4;
    for (let s = 0; s < seeds; s++) {
      const field = gaussianField(n, boxSize, power.pk, new Rng(`field-${s}`));
      const delta = smoothedDensity(field, 0);
      variance += delta.reduce((a, d) => a + d * d, 0) / delta.length / seeds;
    }
    // 4 x 32^3 cells: the variance is known to about 1%
    expect(variance / expected).toBeGreaterThan(0.97);
    expect(variance / expected).toBeLessThan(1.03);
  });
});
