import { Schema } from "effect";
import { describe, expect, it } from "vitest";

import { checkTable, Rng, type RunContext, type Table } from "../../src/kind/index.ts";
import { GALAXIES, HALOS } from "../../src/nodes/schemas.ts";
import {
  type Box,
  type BoxParams,
  coherentInfall,
  DEFAULT_BOX,
  excludeOverlaps,
  generateBox,
  meanSatellites,
  virialRadius,
} from "../../src/nodes/universe/box.ts";
import { universeBox } from "../../src/nodes/universe/boxKind.ts";
import { PLANCK13, r200cComoving } from "../../src/nodes/universe/cosmology.ts";

/** A small box: 64 Mpc/h on a 32^3 grid, a few hundred halos. */
const small: BoxParams = { ...DEFAULT_BOX, cosmology: PLANCK13, boxSize: 64, grid: 32 };
const make = (box: number, seed = "test"): Box =>
  generateBox({ ...small, box }, new Rng(seed).fork(`box-${box}`));

const boxA = make(0);

describe("universe.box generator", () => {
  it("is deterministic: the same seed and box give the same arrays", () => {
    const again = make(0);
    expect(again.halos.m200c).toEqual(boxA.halos.m200c);
    expect(again.halos.vx).toEqual(boxA.halos.vx);
    expect(again.galaxies.z).toEqual(boxA.galaxies.z);
  });

  it("draws a different universe for another box index", () => {
    const other = make(1);
    expect(other.halos.x.slice(0, 10)).not.toEqual(boxA.halos.x.slice(0, 10));
    expect(other.halos.id[0] >> 32n).toBe(1n);
    expect(boxA.halos.id[0] >> 32n).toBe(0n);
  });

  it("keeps every position inside the periodic box", () => {
    for (const a of [boxA.halos.x, boxA.halos.y, boxA.halos.z, boxA.galaxies.x]) {
      expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...a)).toBeLessThan(small.boxSize);
    }
  });

  it("gives every satellite a host among the halos and an obs_sm above 10^9.5", () => {
    const ids = new Set(boxA.halos.id);
    expect(boxA.galaxies.upid.every((u) => ids.has(u))).toBe(true);
    expect(Math.min(...boxA.galaxies.obsSm)).toBeGreaterThanOrEqual(10 ** 9.5);
  });

  it("gives halo and galaxy ids that never collide", () => {
    const all = new Set([...boxA.halos.id, ...boxA.galaxies.id]);
    expect(all.size).toBe(boxA.halos.id.length + boxA.galaxies.id.length);
  });

  it("draws as many satellites as the occupation predicts, within Poisson error", () => {
    const expected = boxA.halos.m200c.reduce((s, m) => s + meanSatellites(small, m), 0);
    expect(Math.abs(boxA.galaxies.id.length - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it("places halos between 10^11.8 and 10^16 Msun/h", () => {
    expect(Math.min(...boxA.halos.m200c)).toBeGreaterThanOrEqual(10 ** 11.8);
    expect(Math.max(...boxA.halos.m200c)).toBeLessThan(1e16);
  });
});

describe("coherent infall", () => {
  const p: BoxParams = { ...small, infallAmplitude: 1 };
  // an attractor of 1e14 Msun/h (R200 = 0.81 Mpc/h) with test halos on the x axis
  const halos = {
    m200c: Float64Array.from([1e14, 1e12, 1e12, 1e12]),
    x: Float64Array.from([10, 10.5, 12, 30]),
    y: Float64Array.from([10, 10, 10, 10]),
    z: Float64Array.from([10, 10, 10, 10]),
  };
  const [dvx, dvy] = coherentInfall(p, halos);

  it("leaves halos inside R200 and beyond the reach alone", () => {
    expect(dvx[1]).toBe(0);
    expect(dvx[3]).toBe(0);
  });

  it("pulls a halo at 2 Mpc/h toward the attractor at the capped nonlinear speed", () => {
    // r = 2 Mpc/h: dbar = 1e14 / (rho_m 4/3 pi 8) = 1e14 / (8.5235e10 x 33.51) = 35.01;
    // (1/3) f aH r dbar (1 + dbar)^-1/4 = 18.605 x 2 x 35.01 / 2.4494 = 531.8 km/s < V200 = 769
    expect(dvx[2]).toBeCloseTo(-531.83, 1);
    expect(dvy[2]).toBe(0);
  });
});

describe("halo exclusion", () => {
  // a 1e14 Msun/h halo: R_vir = 1.044 Mpc/h comoving at z = 0.117, R200c = 0.812 Mpc/h
  const rVir = virialRadius(small, 1e14);
  const halos = {
    m200c: Float64Array.from([1e12, 1e14, 1e12, 1e13]),
    x: Float64Array.from([10 + 0.9 * rVir, 10, 10 + 1.1 * rVir, 63.5]),
    y: Float64Array.from([10, 10, 10, 10]),
    z: Float64Array.from([10, 10, 10, 10]),
  };

  it("puts R_vir between R200c and 1.5 R200c", () => {
    expect(rVir / r200cComoving(PLANCK13, 0.117, 1e14)).toBeGreaterThan(1.1);
    expect(rVir / r200cComoving(PLANCK13, 0.117, 1e14)).toBeLessThan(1.5);
  });

  it("drops a smaller halo inside a bigger one's R_vir and keeps one outside", () => {
    expect([...excludeOverlaps(small, halos)]).toEqual([0, 1, 1, 1]);
  });

  it("finds overlaps across the periodic boundary", () => {
    const wrapped = { ...halos, x: Float64Array.from([0.2, 63.9, 30, 10]) };
    expect([...excludeOverlaps(small, wrapped)]).toEqual([0, 1, 1, 1]);
  });
});

describe("universe.box node kind", () => {
  it("writes HALOS and GALAXIES tables that match their schemas", async () => {
    const params = Schema.decodeUnknownSync(universeBox.params)({ boxSize: 50, grid: 32, box: 3 });
    const ctx: RunContext<typeof params> = {
      params,
      inputs: {},
      inputIds: {},
      rng: new Rng("kind"),
      nodeId: "universe/box-3",
      progress: () => {},
      note: () => {},
    };
    const out = (await universeBox.run(ctx)) as Record<string, Table>;
    expect(checkTable(out.halos, HALOS)).toEqual([]);
    expect(checkTable(out.galaxies, GALAXIES)).toEqual([]);
    expect(out.halos.numRows).toBeGreaterThan(100);
  });
});
