import { describe, expect, it } from "vitest";

import { PLANCK13 } from "../../src/nodes/universe/cosmology.ts";
import {
  DELTA_C,
  duttonMaccioC200,
  evrardSigmaDm,
  haloModel,
  tinker08Params,
  tinker10Bias,
} from "../../src/nodes/universe/halos.ts";

const z = 0.117;
const model = haloModel(PLANCK13, z);

describe("Tinker (2008) mass function for M200c at z = 0.117", () => {
  it("uses Delta = 200 / Om(z) = 523.8 times the mean", () => {
    expect(model.deltaMean).toBeCloseTo(523.8, 1);
  });

  it("interpolates Table 2 to A = 0.2091, a = 1.5507, b = 1.9232, c = 1.4063", () => {
    const p = tinker08Params(model.deltaMean, z);
    expect(p.A).toBeCloseTo(0.2091, 3);
    expect(p.a).toBeCloseTo(1.5507, 2);
    expect(p.b).toBeCloseTo(1.9232, 2);
    expect(p.c).toBeCloseTo(1.4063, 3);
  });

  it("reproduces Table 2 exactly at a tabulated overdensity at z = 0", () => {
    const p = tinker08Params(400, 0);
    const table = [0.212, 1.56, 2.05, 1.34];
    expect([p.A, p.a, p.b, p.c]).toEqual(table.map((v) => expect.closeTo(v, 12)));
  });

  it.each([
    [13.0, 355e3],
    [13.5, 89.4e3],
    [14.0, 16.4e3],
    [14.5, 1.6e3],
    [15.0, 47],
  ])("counts halos above m = %d per (Gpc/h)^3 within 2% of %d", (m, count) => {
    expect(model.nAbove(m) * 1e9).toBeGreaterThan(0.98 * count);
    expect(model.nAbove(m) * 1e9).toBeLessThan(1.02 * count);
  });
});

describe("halo properties", () => {
  it("has the Tinker (2010) bias 2.4118 at Delta = 200 and nu = 2 (worked by hand)", () => {
    expect(tinker10Bias(200, DELTA_C / 2)).toBeCloseTo(2.4118132, 6);
  });

  it("has a bias rising with mass", () => {
    expect(model.bias(15)).toBeGreaterThan(model.bias(14));
    expect(model.bias(14)).toBeGreaterThan(model.bias(13));
  });

  it("has the Dutton & Maccio concentration 10^0.905 at 1e12 Msun/h and z = 0", () => {
    expect(duttonMaccioC200(1e12, 0)).toBeCloseTo(10 ** 0.905, 10);
    expect(duttonMaccioC200(1e13, 0)).toBeCloseTo(10 ** (0.905 - 0.101), 10);
  });

  it("has the Evrard dispersion 1082.9 km/s at E(z) M200c = 1e15 Msun/h", () => {
    expect(evrardSigmaDm(1, 1e15)).toBeCloseTo(1082.9, 10);
    expect(evrardSigmaDm(1, 1e14)).toBeCloseTo(1082.9 * 10 ** -0.3361, 8);
  });
});
