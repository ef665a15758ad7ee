import { describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import {
  addVelocities,
  losFrame,
  losVelocity,
  recessionVelocity,
  rotate,
  rotationToLos,
} from "../../src/nodes/observe/project.ts";
import { PLANCK13 } from "../../src/nodes/universe/cosmology.ts";

const randomUnit = (rng: Rng): [number, number, number] => {
  const v: [number, number, number] = [rng.normal(), rng.normal(), rng.normal()];
  const n = Math.hypot(...v);
  return [v[0] / n, v[1] / n, v[2] / n];
};

describe("rotation to the line of sight", () => {
  const rng = new Rng("rotation");
  const directions = [
    ...Array.from({ length: 20 }, () => randomUnit(rng)),
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, -1],
  ] as [number, number, number][];

  it("maps the line of sight onto +z", () => {
    for (const l of directions) {
      const [x, y, z] = rotate(rotationToLos(...l), ...l);
      expect(x).toBeCloseTo(0, 12);
      expect(y).toBeCloseTo(0, 12);
      expect(z).toBeCloseTo(1, 12);
    }
  });

  it("preserves distances between points", () => {
    for (const l of directions) {
      const r = rotationToLos(...l);
      const a: [number, number, number] = [rng.normal() * 10, rng.normal() * 10, rng.normal() * 10];
      const b: [number, number, number] = [rng.normal() * 10, rng.normal() * 10, rng.normal() * 10];
      const ra = rotate(r, ...a);
      const rb = rotate(r, ...b);
      const before = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
      const after = Math.hypot(ra[0] - rb[0], ra[1] - rb[1], ra[2] - rb[2]);
      expect(after).toBeCloseTo(before, 11);
    }
  });

  it("is proper (determinant +1), so it does not mirror the sky", () => {
    for (const l of directions) {
      const r = rotationToLos(...l);
      const det =
        r[0] * (r[4] * r[8] - r[5] * r[7]) -
        r[1] * (r[3] * r[8] - r[5] * r[6]) +
        r[2] * (r[3] * r[7] - r[4] * r[6]);
      expect(det).toBeCloseTo(1, 12);
    }
  });
});

describe("observed line-of-sight velocity", () => {
  const frame = losFrame(PLANCK13, 0.117);

  it("has the relativistic Doppler velocity c((1+z)^2-1)/((1+z)^2+1) at the cluster", () => {
    // by hand: 299792.458 x 0.247689 / 2.247689
    expect(recessionVelocity(0.117)).toBeCloseTo(33036.2849, 3);
    expect(frame.recession(0)).toBeCloseTo(33036.2849, 3);
  });

  it("adds velocities relativistically", () => {
    expect(addVelocities(0.5 * 299792.458, 0.5 * 299792.458)).toBeCloseTo(0.8 * 299792.458, 6);
  });

  it("gives 987.49 km/s for a galaxy at the cluster's distance moving away at 1000 km/s", () => {
    // by hand: (u + 1000) / (1 + 1000 u / c^2) - u with u = 33036.2849 km/s
    expect(losVelocity(frame, 0, 1000, 0)).toBeCloseTo(987.4936, 3);
  });

  it("gives 1283.88 km/s for +1000 km/s against a cluster moving at -300 km/s", () => {
    expect(losVelocity(frame, 0, 1000, -300)).toBeCloseTo(1283.8833, 3);
  });

  it("turns 1 Mpc/h along the line of sight into 93.63 km/s of Hubble flow", () => {
    // by hand: dv/dchi = 400 E(z) (1+z) / ((1+z)^2 + 1)^2
    const slope = (frame.recession(1) - frame.recession(-1)) / 2;
    expect(slope).toBeCloseTo(93.632, 2);
  });
});
