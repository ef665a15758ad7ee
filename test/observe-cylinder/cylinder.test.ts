import { describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import {
  axisViews,
  type CylinderOptions,
  type HostArrays,
  projectCylinders,
  richEnough,
  type SatelliteArrays,
} from "../../src/nodes/observe/cylinder.ts";
import { losFrame, losVelocity, rotationToLos } from "../../src/nodes/observe/project.ts";
import { PLANCK13 } from "../../src/nodes/universe/cosmology.ts";

const options = (boxSize: number): CylinderOptions => ({
  cosmology: PLANCK13,
  z: 0.117,
  boxSize,
  vCut: 2500,
  rAperture: 1.6,
});

const hostsAt = (positions: number[][], velocities?: number[][]): HostArrays => {
  const col = (a: number[][] | undefined, i: number) =>
    Float64Array.from(positions, (_, h) => (a ? a[h][i] : 0));
  return {
    id: BigInt64Array.from(positions, (_, h) => BigInt(h + 1)),
    m200c: new Float64Array(positions.length).fill(1e14),
    x: col(positions, 0),
    y: col(positions, 1),
    z: col(positions, 2),
    vx: col(velocities, 0),
    vy: col(velocities, 1),
    vz: col(velocities, 2),
  };
};

const galaxiesAt = (rows: { p: number[]; v?: number[]; host: number }[]): SatelliteArrays => ({
  upid: BigInt64Array.from(rows, (r) => BigInt(r.host)),
  x: Float64Array.from(rows, (r) => r.p[0]),
  y: Float64Array.from(rows, (r) => r.p[1]),
  z: Float64Array.from(rows, (r) => r.p[2]),
  vx: Float64Array.from(rows, (r) => r.v?.[0] ?? 0),
  vy: Float64Array.from(rows, (r) => r.v?.[1] ?? 0),
  vz: Float64Array.from(rows, (r) => r.v?.[2] ?? 0),
});

const oneView = (l: number[]) => ({
  viewId: BigInt64Array.from([7n]),
  hostId: BigInt64Array.from([1n]),
  lx: Float64Array.from([l[0]]),
  ly: Float64Array.from([l[1]]),
  lz: Float64Array.from([l[2]]),
});

describe("cylinder cut", () => {
  // host 1 at x = 1 Mpc/h, near a face of a 100 Mpc/h box; line of sight +x
  const hosts = hostsAt([[1, 50, 50]]);
  const galaxies = galaxiesAt([
    { p: [1.5, 50, 50.5], host: 1 }, // 0: a true member
    { p: [99.5, 50, 50], host: 9 }, // 1: across the face, 1.5 Mpc/h in front
    { p: [1, 51.59, 50], host: 9 }, // 2: R_proj 1.59, inside
    { p: [1, 51.61, 50], host: 9 }, // 3: R_proj 1.61, outside
    { p: [31, 50, 50], host: 9 }, // 4: 30 Mpc/h behind: ~2800 km/s, outside
    { p: [31, 50, 50], v: [-1000, 0, 0], host: 9 }, // 5: brought inside by -1000 km/s
    { p: [21, 50, 50], v: [1000, 0, 0], host: 9 }, // 6: pushed outside by +1000 km/s
  ]);
  const result = projectCylinders(hosts, galaxies, oneView([1, 0, 0]), options(100));

  it("keeps the galaxies inside R_proj <= 1.6 Mpc/h and |v_los| <= 2500 km/s", () => {
    expect(result.counts.nGal[0]).toBe(4);
    const rProj = [...result.members.rProj].sort((a, b) => a - b);
    expect(rProj[0]).toBeCloseTo(0, 12);
    expect(rProj[1]).toBeCloseTo(0, 12);
    expect(rProj[2]).toBeCloseTo(0.5, 12);
    expect(rProj[3]).toBeCloseTo(1.59, 12);
  });

  it("sees a neighbour across the periodic face, in front of the cluster", () => {
    const frame = losFrame(PLANCK13, 0.117);
    const vAcross = losVelocity(frame, -1.5, 0, 0);
    expect(vAcross).toBeLessThan(-130);
    expect(result.members.vLos.some((v) => Math.abs(v - vAcross) < 1e-9)).toBe(true);
  });

  it("flags only satellites of the host as true members", () => {
    expect(result.counts.nTrue[0]).toBe(1);
    expect(result.members.trueMember.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("writes every member under the view's id and reports the host's m", () => {
    expect([...result.members.viewId]).toEqual([7n, 7n, 7n, 7n]);
    expect(result.counts.m[0]).toBeCloseTo(14, 12);
  });

  it("sees each periodic image once when the cylinder is longer than the box", () => {
    // box of 20 Mpc/h: images at +5, -15 and +25 Mpc/h are within 2500 km/s
    const r = projectCylinders(
      hostsAt([[10, 10, 10]]),
      galaxiesAt([{ p: [10, 10, 15], host: 9 }]),
      oneView([0, 0, 1]),
      options(20),
    );
    expect(r.counts.nGal[0]).toBe(3);
    const frame = losFrame(PLANCK13, 0.117);
    const expected = [-15, 5, 25].map((d) => losVelocity(frame, d, 0, 0));
    const measured = [...r.members.vLos].sort((a, b) => a - b);
    measured.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });

  it("agrees with a brute-force search over periodic images for oblique lines of sight", () => {
    const rng = new Rng("brute");
    const boxSize = 30;
    const n = 1000;
    const rows = Array.from({ length: n }, () => ({
      p: [rng.uniform() * boxSize, rng.uniform() * boxSize, rng.uniform() * boxSize],
      v: [rng.normal() * 500, rng.normal() * 500, rng.normal() * 500],
      host: 1 + rng.int(3),
    }));
    const galaxies = galaxiesAt(rows);
    const hosts = hostsAt(
      [
        [3, 4, 5],
        [15, 15, 15],
        [29, 1, 28],
      ],
      [
        [100, -200, 300],
        [0, 0, 0],
        [-400, 50, 0],
      ],
    );
    const dirs = Array.from({ length: 3 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const views = {
      viewId: BigInt64Array.from([0n, 1n, 2n]),
      hostId: BigInt64Array.from([1n, 2n, 3n]),
      lx: Float64Array.from(dirs, (d) => d[0]),
      ly: Float64Array.from(dirs, (d) => d[1]),
      lz: Float64Array.from(dirs, (d) => d[2]),
    };
    const result = projectCylinders(hosts, galaxies, views, options(boxSize));

    const frame = losFrame(PLANCK13, 0.117);
    for (let v = 0; v < 3; v++) {
      const r = rotationToLos(dirs[v][0], dirs[v][1], dirs[v][2]);
      const hv = hosts.vx[v] * r[6] + hosts.vy[v] * r[7] + hosts.vz[v] * r[8];
      const found: number[] = [];
      for (const g of rows) {
        for (let i = -3; i <= 3; i++) {
          for (let j = -3; j <= 3; j++) {
            for (let k = -3; k <= 3; k++) {
              const dx = g.p[0] + i * boxSize - hosts.x[v];
              const dy = g.p[1] + j * boxSize - hosts.y[v];
              const dz = g.p[2] + k * boxSize - hosts.z[v];
              const along = r[6] * dx + r[7] * dy + r[8] * dz;
              const rProj = Math.hypot(
                r[0] * dx + r[1] * dy + r[2] * dz,
                r[3] * dx + r[4] * dy + r[5] * dz,
              );
              if (rProj > 1.6 || Math.abs(along) > 150) continue;
              const vPec = r[6] * g.v[0] + r[7] * g.v[1] + r[8] * g.v[2];
              const vLos = losVelocity(frame, along, vPec, hv);
              if (Math.abs(vLos) <= 2500) found.push(vLos);
            }
          }
        }
      }
      const ofView = (_: number, m: number) => result.members.viewId[m] === BigInt(v);
      const mine = [...result.members.vLos].filter(ofView);
      expect(found.length).toBeGreaterThan(5);
      const expected = found.sort((a, b) => a - b).map((x) => expect.closeTo(x, 4));
      expect(mine.sort((a, b) => a - b)).toEqual(expected);
    }
  });
});

describe("views and the richness cut", () => {
  it("makes three orthogonal views per host with distinct ids", () => {
    const views = axisViews(BigInt64Array.from([5n, 6n]));
    expect(new Set(views.viewId).size).toBe(6);
    expect([...views.hostId]).toEqual([5n, 5n, 5n, 6n, 6n, 6n]);
    expect([...views.lx.slice(0, 3), ...views.ly.slice(0, 3), ...views.lz.slice(0, 3)]).toEqual([
      1, 0, 0, 0, 1, 0, 0, 0, 1,
    ]);
  });

  it("keeps views with N_gal >= 10", () => {
    expect([...richEnough(Int32Array.from([3, 9, 10, 40]))]).toEqual([0, 0, 1, 1]);
  });
});
