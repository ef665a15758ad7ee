/**
 * Makes the example input of experiments/observed-example.yaml: the two most
 * massive clusters of a synthetic box at z = 0.08, put on the sky by an
 * observer at the origin (exact angles and distances, peculiar velocities in
 * the redshifts), as a user would bring them:
 *
 *   experiments/data/observed-a.csv      ra, dec, z   (plus a column to ignore)
 *   experiments/data/observed-b.parquet  ra, dec, cz  (km/s)
 *   experiments/data/observed-truth.csv  the clusters' true log10 M200c
 *
 * Run from the repository root: node experiments/data/make-observed-example.ts
 */
import { writeFileSync } from "node:fs";

import { Schema } from "effect";

import { encodeParquet } from "../../src/cache/parquet.ts";
import { makeTable, Rng, type Table } from "../../src/kind/index.ts";
import { hostsOf, satellitesOf } from "../../src/nodes/observe/cylinderKinds.ts";
import { observeOnSky } from "../../src/nodes/observed/sky.ts";
import { universeBox } from "../../src/nodes/universe/boxKind.ts";
import { minImage } from "../../src/nodes/universe/cellList.ts";
import { C_KMS, PLANCK13 } from "../../src/nodes/universe/cosmology.ts";

const Z = 0.08;
const BOX = 150; // Mpc/h
/** Galaxies within this distance of the line of sight, Mpc/h: the aperture and some field. */
const REACH = 2.5;
const SKY = [
  { name: "mockA", ra: 227.75, dec: 5.75 },
  { name: "mockB", ra: 44.5, dec: -12.25 },
] as const;

const params = Schema.decodeUnknownSync(universeBox.params)({
  boxSize: BOX,
  grid: 64,
  z: Z,
  box: 7,
});
const box = (await universeBox.run({
  params,
  inputs: {},
  inputIds: {},
  rng: new Rng("observed-example"),
  nodeId: "observed-example/box-7",
  progress: () => {},
  note: () => {},
})) as Record<string, Table>;

const hosts = hostsOf(box.halos, 13.5);
const sats = satellitesOf(box.galaxies, 9.5);
const order = [...hosts.m200c.keys()].sort((a, b) => hosts.m200c[b] - hosts.m200c[a]);

const truth = ["cluster,ra,dec,z,log10_m200c"];
SKY.forEach((place, rank) => {
  const h = order[rank];
  const rows: number[][] = [];
  for (let g = 0; g < sats.x.length; g++) {
    const dx = minImage(sats.x[g] - hosts.x[h], BOX);
    const dy = minImage(sats.y[g] - hosts.y[h], BOX);
    if (Math.hypot(dx, dy) > REACH) continue;
    rows.push([dx, dy, minImage(sats.z[g] - hosts.z[h], BOX), sats.vx[g], sats.vy[g], sats.vz[g]]);
  }
  const col = (j: number) => Float64Array.from(rows, (r) => r[j]);
  const sky = observeOnSky(
    PLANCK13,
    { los: [0, 0, 1], ra: place.ra, dec: place.dec, z: Z },
    {
      dx: col(0),
      dy: col(1),
      dz: col(2),
      vx: col(3),
      vy: col(4),
      vz: col(5),
      cluster: [hosts.vx[h], hosts.vy[h], hosts.vz[h]],
    },
  );
  const m = Math.log10(hosts.m200c[h]);
  truth.push(`${place.name},${place.ra},${place.dec},${sky.centre.z},${m}`);
  if (rank === 0) {
    const lines = ["# synthetic cluster mockA, see make-observed-example.ts", "ra,dec,z,r_mag"];
    for (let i = 0; i < sky.ra.length; i++) {
      lines.push(`${sky.ra[i]},${sky.dec[i]},${sky.z[i]},${(17 + (i % 30) / 10).toFixed(1)}`);
    }
    writeFileSync("experiments/data/observed-a.csv", `${lines.join("\n")}\n`);
  } else {
    const table = makeTable({ ra: sky.ra, dec: sky.dec, cz: sky.z.map((z) => z * C_KMS) });
    const schema = ["ra", "dec", "cz"].map((name) => ({ name, type: "f64" as const }));
    writeFileSync("experiments/data/observed-b.parquet", encodeParquet(table, schema));
  }
  console.log(
    `${place.name}: ${sky.ra.length} galaxies, log10 M200c = ${m.toFixed(3)}, z_cl = ${sky.centre.z}`,
  );
});
writeFileSync("experiments/data/observed-truth.csv", `${truth.join("\n")}\n`);
