/**
 * The proof that an observed cluster becomes what the mocks would have made
 * of it: a cluster of a small synthetic universe, put on the sky by an
 * observer at the origin (RA, Dec, redshift with peculiar velocities) and
 * written as CSV, read back and converted, against the mocks' functions.
 */
import { beforeAll, describe, expect, it } from "vitest";

import { readObservedGalaxies } from "../../src/nodes/observed/read.ts";
import {
  observeOnSky,
  projectSky,
  raDecOf,
  separation,
  unitVector,
} from "../../src/nodes/observed/sky.ts";
import { comovingDistance, PLANCK13 } from "../../src/nodes/universe/cosmology.ts";
import { inCylinder, makeScene, type Scene, sortedCopy, Z_SNAPSHOT } from "./scene.ts";

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const quantileOf = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

describe("sky coordinates", () => {
  it("turn a direction into (RA, Dec) and back", () => {
    const [ra, dec] = raDecOf(...unitVector(201.365, -43.019));
    expect(ra).toBeCloseTo(201.365, 12);
    expect(dec).toBeCloseTo(-43.019, 12);
  });

  it("measure one arcsecond between two points one arcsecond apart in Dec", () => {
    const angle = separation(unitVector(10, 20), unitVector(10, 20 + 1 / 3600));
    expect(angle / (Math.PI / 180 / 3600)).toBeCloseTo(1, 9);
  });
});

describe("putting a neighbourhood on the sky", () => {
  const placement = { los: [1 / 3, 2 / 3, 2 / 3] as const, ra: 30, dec: -60, z: 0.1 };
  const d = comovingDistance(PLANCK13, 0.1);
  const sky = observeOnSky(PLANCK13, placement, {
    // one galaxy 5 Mpc/h behind the cluster, one 1 Mpc/h across (along (2, -1, 0) / sqrt 5)
    dx: Float64Array.of(5 / 3, 2 / Math.sqrt(5)),
    dy: Float64Array.of(10 / 3, -1 / Math.sqrt(5)),
    dz: Float64Array.of(10 / 3, 0),
    vx: Float64Array.of(0, 0),
    vy: Float64Array.of(0, 0),
    vz: Float64Array.of(0, 0),
    cluster: [0, 0, 0],
  });

  it("puts a galaxy behind the cluster at the centre, 5 Mpc/h further", () => {
    expect(separation(unitVector(sky.ra[0], sky.dec[0]), unitVector(30, -60))).toBeLessThan(1e-12);
    expect(sky.distance[0] - d).toBeCloseTo(5, 9);
    expect(sky.z[0]).toBeGreaterThan(sky.centre.z);
  });

  it("puts a galaxy 1 Mpc/h across the line of sight at atan(1 / D_c) from the centre", () => {
    const angle = separation(unitVector(sky.ra[1], sky.dec[1]), unitVector(30, -60));
    expect(angle).toBeCloseTo(Math.atan(1 / d), 12);
  });
});

describe("an observed cluster against the mocks (box 100 Mpc/h, grid 32, z = 0.117)", () => {
  let scene: Scene;
  let converted: ReturnType<typeof projectSky>;
  beforeAll(async () => {
    scene = await makeScene(0);
    converted = projectSky(PLANCK13, scene.sky.centre, readObservedGalaxies(scene.csv));
  });

  it("the mock path: observe.cylinders' members are the distant-observer values per galaxy", () => {
    const perGalaxy = inCylinder(scene.distant);
    expect(scene.cylinder.vLos.length).toBe(perGalaxy.length);
    const vMock = sortedCopy(scene.cylinder.vLos);
    const vMine = sortedCopy(Float64Array.from(perGalaxy, (i) => scene.distant.vLos[i]));
    // two tables of the recession velocity on different 0.05 Mpc/h nodes: measured 4e-6 km/s
    expect(maxAbs(vMock, vMine)).toBeLessThan(1e-4);
  });

  it("reads back from the CSV the (v_los, R_proj) of the mocks' functions in the exact geometry", () => {
    expect(converted.vLos.length).toBe(scene.sky.ra.length);
    // measured 6e-6 km/s: project.ts interpolates the recession velocity linearly on a
    // 0.05 Mpc/h table, the conversion computes it from the redshift directly
    expect(maxAbs(converted.vLos, scene.exact.vLos)).toBeLessThan(1e-4);
    // measured 2e-13 Mpc/h: double-precision round-off through RA/Dec in decimal text
    expect(maxAbs(converted.rProj, scene.exact.rProj)).toBeLessThan(1e-9);
    expect(converted.distance).toBeCloseTo(comovingDistance(PLANCK13, Z_SNAPSHOT), 9);
  });

  it("keeps exactly the galaxies the exact-geometry mock keeps in the cylinder", () => {
    expect(inCylinder(converted)).toEqual(inCylinder(scene.exact));
    expect(inCylinder(converted).length).toBe(146);
  });

  it("differs from the distant-observer mock by a few km/s and up to 8% in R_proj", () => {
    const distant = inCylinder(scene.distant);
    const exact = inCylinder(scene.exact);
    const union = [...new Set([...distant, ...exact])];
    const dv = union.map((i) => Math.abs(scene.distant.vLos[i] - scene.exact.vLos[i]));
    const dr = union.map(
      (i) => Math.abs(scene.distant.rProj[i] - scene.exact.rProj[i]) / scene.distant.rProj[i],
    );
    // measured on this cluster: |dv| median 0.77, max 6.8 km/s; |dR|/R median 0.09%, max 7.6%
    // (R scales by d_c / (d_c + offset along the line of sight): interlopers tens of Mpc/h
    // in front or behind; v_los by the peculiar velocity's projection on each galaxy's own
    // line of sight instead of the cluster's)
    expect(quantileOf(dv, 0.5)).toBeLessThan(1);
    expect(Math.max(...dv)).toBeLessThan(10);
    expect(quantileOf(dr, 0.5)).toBeLessThan(0.002);
    expect(Math.max(...dr)).toBeLessThan(0.08);
    expect(Math.max(...dr)).toBeGreaterThan(0.05);
    expect(union.length - Math.min(distant.length, exact.length)).toBeLessThanOrEqual(1);
  });

  it("with the rest-frame convention c dz / (1 + z_cl) gives velocities 0.8-1.7% larger", () => {
    const rest = projectSky(
      PLANCK13,
      scene.sky.centre,
      readObservedGalaxies(scene.csv),
      "restframe",
    );
    const members = inCylinder(converted);
    const ratio = (i: number): number => rest.vLos[i] / converted.vLos[i];
    // near the cluster the ratio is ((1+z)^2 + 1)^2 / (4 (1+z)^2) = 1.01230 at z = 0.117;
    // V(z) curves, so it runs from 1.0077 to 1.0174 over +-2500 km/s (measured)
    for (const i of members.filter((j) => Math.abs(converted.vLos[j]) < 100)) {
      expect(ratio(i)).toBeCloseTo(1.0123, 3);
    }
    for (const i of members) {
      expect(ratio(i)).toBeGreaterThan(1.0076);
      expect(ratio(i)).toBeLessThan(1.0175);
    }
  });
});

describe("a cluster with its own peculiar velocity", () => {
  it("has its R_proj scaled by d_c(z_observed) / d_c(z_cosmological): 1.7% at 539 km/s", async () => {
    const scene = await makeScene(0, false);
    const converted = projectSky(PLANCK13, scene.sky.centre, readObservedGalaxies(scene.csv));
    const expected = converted.distance / comovingDistance(PLANCK13, Z_SNAPSHOT);
    const members = inCylinder(scene.exact);
    for (const i of members) {
      expect(converted.rProj[i] / scene.exact.rProj[i]).toBeCloseTo(expected, 9);
    }
    // velocities stay relative to the cluster's observed redshift, as in the mocks
    expect(
      maxAbs(
        members.map((i) => converted.vLos[i]),
        members.map((i) => scene.exact.vLos[i]),
      ),
    ).toBeLessThan(1e-4);
    // this host moves at 539 km/s along the line of sight: 5.7 Mpc/h of Hubble flow
    expect(scene.around.cluster[2]).toBeCloseTo(539.5, 2);
    expect(expected).toBeCloseTo(1.0167, 4);
  });
});
