/**
 * A cluster of a small synthetic universe seen two ways: by the mocks'
 * distant observer (observe.cylinders, project.ts) and by a real observer at
 * the origin who measures RA, Dec and redshift (sky.ts), with the galaxy
 * table written as CSV in a temp folder as a user would give it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Table } from "../../src/kind/index.ts";
import { projectCylinders } from "../../src/nodes/observe/cylinder.ts";
import { hostsOf, satellitesOf } from "../../src/nodes/observe/cylinderKinds.ts";
import { losFrame, losVelocity } from "../../src/nodes/observe/project.ts";
import { observeOnSky, type ObservedSky } from "../../src/nodes/observed/sky.ts";
import { universeBox } from "../../src/nodes/universe/boxKind.ts";
import { minImage } from "../../src/nodes/universe/cellList.ts";
import { comovingDistance, PLANCK13 } from "../../src/nodes/universe/cosmology.ts";
import { runKind } from "../catalog/run-kind.ts";

export const Z_SNAPSHOT = 0.117;
export const BOX = 100; // Mpc/h
export const CUTS = { vCut: 2500, rAperture: 1.6, nMin: 10 } as const;
/** Where the box's +z axis lands on the sky, degrees. */
export const SKY = { ra: 150.25, dec: 32.5 } as const;

export interface Scene {
  readonly hostM: number;
  /** Every image of every satellite near the line of sight, offsets from the host. */
  readonly around: {
    readonly dx: Float64Array;
    readonly dy: Float64Array;
    readonly dz: Float64Array;
    readonly vx: Float64Array;
    readonly vy: Float64Array;
    readonly vz: Float64Array;
    readonly cluster: readonly [number, number, number];
  };
  /** observe.cylinders' members of the host's +z view. */
  readonly cylinder: { readonly vLos: Float64Array; readonly rProj: Float64Array };
  /** The same quantities per galaxy image, distant-observer geometry (NaN: not computed). */
  readonly distant: { readonly vLos: Float64Array; readonly rProj: Float64Array };
  readonly sky: ObservedSky;
  /** The same galaxies' (v_los, R_proj) with the mocks' functions but the exact geometry. */
  readonly exact: { readonly vLos: Float64Array; readonly rProj: Float64Array };
  /** The sky table as a CSV file. */
  readonly csv: string;
}

const universe = async (): Promise<{ halos: Table; galaxies: Table }> => {
  const { outputs } = await runKind(
    universeBox,
    { boxSize: BOX, grid: 32, z: Z_SNAPSHOT },
    {},
    "observed-scene",
  );
  return { halos: outputs.halos, galaxies: outputs.galaxies };
};

/** Writes ra, dec, z (and two columns a reader must ignore) with every digit kept. */
export const writeSkyCsv = (dir: string, name: string, sky: ObservedSky): string => {
  const lines = ["id,ra,dec,z,note"];
  for (let i = 0; i < sky.ra.length; i++) {
    lines.push(`${i},${sky.ra[i]},${sky.dec[i]},${sky.z[i]},"a note, with a comma"`);
  }
  const file = join(dir, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
};

/**
 * The `rank`-th most massive host, at rest (its peculiar velocity set to 0 so
 * that its observed redshift is the snapshot's and both observers put it at
 * the same distance), seen along the box's +z axis.
 */
export const makeScene = async (rank = 0, hostAtRest = true): Promise<Scene> => {
  const { halos, galaxies } = await universe();
  const hosts = hostsOf(halos, 13.5);
  const order = [...hosts.m200c.keys()].sort((a, b) => hosts.m200c[b] - hosts.m200c[a]);
  const h = order[rank];
  const hostVelocity: [number, number, number] = hostAtRest
    ? [0, 0, 0]
    : [hosts.vx[h], hosts.vy[h], hosts.vz[h]];
  const host = {
    id: BigInt64Array.of(hosts.id[h]),
    m200c: Float64Array.of(hosts.m200c[h]),
    x: Float64Array.of(hosts.x[h]),
    y: Float64Array.of(hosts.y[h]),
    z: Float64Array.of(hosts.z[h]),
    vx: Float64Array.of(hostVelocity[0]),
    vy: Float64Array.of(hostVelocity[1]),
    vz: Float64Array.of(hostVelocity[2]),
  };
  const sats = satellitesOf(galaxies, 9.5);
  const cosmo = PLANCK13;
  const mock = projectCylinders(
    host,
    sats,
    {
      viewId: BigInt64Array.of(0n),
      hostId: host.id,
      lx: Float64Array.of(0),
      ly: Float64Array.of(0),
      lz: Float64Array.of(1),
    },
    { cosmology: cosmo, z: Z_SNAPSHOT, boxSize: BOX, ...CUTS },
  );

  // every periodic image within 150 Mpc/h along the line of sight and 4 Mpc/h across it
  const rows: number[][] = [];
  for (let g = 0; g < sats.x.length; g++) {
    const dx = minImage(sats.x[g] - host.x[0], BOX);
    const dy = minImage(sats.y[g] - host.y[0], BOX);
    if (Math.hypot(dx, dy) > 4) continue;
    const dz0 = minImage(sats.z[g] - host.z[0], BOX);
    for (const k of [-1, 0, 1]) {
      rows.push([dx, dy, dz0 + k * BOX, sats.vx[g], sats.vy[g], sats.vz[g]]);
    }
  }
  const col = (j: number) => Float64Array.from(rows, (r) => r[j]);
  const around = {
    dx: col(0),
    dy: col(1),
    dz: col(2),
    vx: col(3),
    vy: col(4),
    vz: col(5),
    cluster: hostVelocity,
  };

  const frame = losFrame(cosmo, Z_SNAPSHOT);
  const hostVLos = hostVelocity[2];
  const distant = {
    vLos: Float64Array.from(rows, (r) => losVelocity(frame, r[2], r[5], hostVLos)),
    rProj: Float64Array.from(rows, (r) => Math.hypot(r[0], r[1])),
  };

  const sky = observeOnSky(cosmo, { los: [0, 0, 1], ...SKY, z: Z_SNAPSHOT }, around);
  // the same observer in the box's own axes: at the host minus d along +z, so that the exact
  // distance, direction and line-of-sight velocity of each image need no sky coordinates
  const d = comovingDistance(cosmo, Z_SNAPSHOT);
  const exact = {
    vLos: Float64Array.from(rows, ([dx, dy, dz, vx, vy, vz]) => {
      const chi = Math.hypot(dx, dy, d + dz);
      const vPec = (vx * dx + vy * dy + vz * (d + dz)) / chi;
      return losVelocity(frame, chi - d, vPec, hostVLos);
    }),
    rProj: Float64Array.from(rows, ([dx, dy, dz]) => d * Math.atan2(Math.hypot(dx, dy), d + dz)),
  };
  const dir = mkdtempSync(join(tmpdir(), "observed-"));
  return {
    hostM: Math.log10(hosts.m200c[h]),
    around,
    cylinder: { vLos: mock.members.vLos, rProj: mock.members.rProj },
    distant,
    sky,
    exact,
    csv: writeSkyCsv(dir, "cluster.csv", sky),
  };
};

/** Indices of the rows inside the cylinder. */
export const inCylinder = (v: { vLos: Float64Array; rProj: Float64Array }): number[] =>
  [...v.vLos.keys()].filter(
    (i) => Math.abs(v.vLos[i]) <= CUTS.vCut && v.rProj[i] <= CUTS.rAperture,
  );

export const sortedCopy = (a: Float64Array): Float64Array => Float64Array.from(a).sort();
