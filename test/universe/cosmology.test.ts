import { describe, expect, it } from "vitest";

import {
  aH,
  comovingDistance,
  deltaVirCrit,
  growthFactor,
  growthRate,
  hubbleE,
  omegaMz,
  PLANCK13,
  redshiftAtDistance,
} from "../../src/nodes/universe/cosmology.ts";

const z = 0.117;

describe("Planck 2013 background at the MDPL2 snapshot (z = 0.117)", () => {
  it("has E(z) = 1.05873 and Om(z) = 0.38185", () => {
    expect(hubbleE(PLANCK13, z)).toBeCloseTo(1.05873, 5);
    expect(omegaMz(PLANCK13, z)).toBeCloseTo(0.38185, 5);
  });

  it("has growth D(z)/D(0) = 0.9406 and f = Om(z)^0.55 = 0.589", () => {
    expect(growthFactor(PLANCK13, z)).toBeCloseTo(0.9406, 4);
    expect(growthRate(PLANCK13, z)).toBeCloseTo(0.589, 3);
  });

  it("has aH = 94.78 km/s per comoving Mpc/h", () => {
    expect(aH(PLANCK13, z)).toBeCloseTo(94.78, 2);
  });

  it("has the Bryan & Norman virial overdensity 112.1 times critical", () => {
    expect(deltaVirCrit(PLANCK13, z)).toBeCloseTo(112.1, 1);
  });

  it("has growth 1 today and less in the past", () => {
    expect(growthFactor(PLANCK13, 0)).toBeCloseTo(1, 12);
    expect(growthFactor(PLANCK13, 1)).toBeLessThan(growthFactor(PLANCK13, 0.5));
  });

  it("inverts the comoving distance back to the redshift", () => {
    const chi0 = comovingDistance(PLANCK13, z);
    for (const zz of [0.1, 0.117, 0.13]) {
      const chi = comovingDistance(PLANCK13, zz);
      expect(redshiftAtDistance(PLANCK13, chi, z, chi0)).toBeCloseTo(zz, 12);
    }
  });
});
