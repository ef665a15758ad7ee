import { describe, expect, it } from "vitest";

import { calibrate, fitMSigma, viewDispersions } from "../../src/nodes/observe/calibration.ts";
import { PLANCK13 } from "../../src/nodes/universe/cosmology.ts";
import { haloModel } from "../../src/nodes/universe/halos.ts";

describe("M-sigma fit", () => {
  it("recovers sigma15, slope and zero scatter from points on the line", () => {
    const m = [13.5, 14, 14.5, 15.2];
    const sigma = m.map((x) => 1000 * 10 ** (0.33 * (x - 15)));
    const fit = fitMSigma(m, sigma);
    expect(fit.sigma15).toBeCloseTo(1000, 8);
    expect(fit.slope).toBeCloseTo(0.33, 10);
    expect(fit.scatter).toBeCloseTo(0, 10);
  });

  it("measures the scatter as the rms residual in log sigma with n - 2 dof", () => {
    // residuals +0.1, -0.1, +0.1, -0.1 dex around a flat line at m = 14 and 15 pairs
    const fit = fitMSigma([14, 14, 15, 15], [10 ** 2.1, 10 ** 1.9, 10 ** 2.1, 10 ** 1.9]);
    expect(fit.slope).toBeCloseTo(0, 12);
    expect(fit.scatter).toBeCloseTo(Math.sqrt((4 * 0.01) / 2), 12);
  });
});

describe("calibration numbers", () => {
  const views = {
    viewId: BigInt64Array.from([1n, 2n, 3n]),
    m: Float64Array.from([13.7, 14.2, 13.6]),
    nGal: Int32Array.from([10, 12, 4]),
    nTrue: Int32Array.from([6, 12, 4]),
  };
  const members = {
    viewId: BigInt64Array.from([...Array(10).fill(1n), ...Array(12).fill(2n), 3n, 3n, 3n, 3n]),
    vLos: Float64Array.from({ length: 26 }, (_, i) => 100 * ((i % 5) - 2)),
    trueMember: Uint8Array.from({ length: 26 }, (_, i) => (i < 4 || i >= 10 ? 1 : 0)),
  };

  it("takes the sample standard deviation (ddof 1) of all and of true members", () => {
    const { all, pure } = viewDispersions(views, members);
    // view 1: v = -200, -100, 0, 100, 200 twice: sum of squares 200000 over 9
    expect(all[0]).toBeCloseTo(Math.sqrt(200000 / 9), 10);
    // its true members are the first four: -200, -100, 0, 100
    expect(pure[0]).toBeCloseTo(Math.sqrt(50000 / 3), 10);
  });

  it("counts interlopers only in views that pass the richness cut", () => {
    const rows = calibrate({
      haloMasses: Float64Array.from([1e13, 3e13, 2e14]),
      volume: 1e6,
      model: haloModel(PLANCK13, 0.117),
      views,
      members,
      nMin: 10,
    });
    const pick = (metric: string, mLo: number) =>
      rows.find((r) => r.metric === metric && (Number.isNaN(mLo) || r.mLo === mLo));
    expect(pick("interloper_fraction", 13.5)?.value).toBeCloseTo(0.4, 12);
    expect(pick("interloper_fraction", 14)?.value).toBeCloseTo(0, 12);
    expect(pick("mean_richness", NaN)?.value).toBe(11);
    expect(pick("rich_fraction", NaN)?.value).toBeCloseTo(2 / 3, 12);
    expect(pick("halo_count", 13.5)?.value).toBe(1);
  });
});
