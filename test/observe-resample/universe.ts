/** A small catalog of sub-boxes for the resampling tests, made with a seeded generator. */
import { makeTable, Rng, type Table } from "../../src/kind/index.ts";

/**
 * Hosts with m - 13.4 exponential (scale 0.3 dex), a steep mass function like
 * the real one, plus one subhalo per host (upid = host id), which is never a host.
 */
export const makeBox = (box: number, nHosts: number, seed: string): Table => {
  const rng = new Rng(`${seed}/${box}`);
  const n = 2 * nHosts;
  const id = new BigInt64Array(n);
  const upid = new BigInt64Array(n);
  const m200c = new Float64Array(n);
  for (let h = 0; h < nHosts; h++) {
    id[2 * h] = BigInt(box * 1_000_000 + 2 * h);
    upid[2 * h] = -1n;
    m200c[2 * h] = 10 ** (13.4 - 0.3 * Math.log(1 - rng.uniform()));
    id[2 * h + 1] = BigInt(box * 1_000_000 + 2 * h + 1);
    upid[2 * h + 1] = id[2 * h];
    m200c[2 * h + 1] = 10 ** 14.2;
  }
  const coordinate = () => Float64Array.from({ length: n }, () => rng.range(0, 250));
  return makeTable({
    id,
    upid,
    m200c,
    x: coordinate(),
    y: coordinate(),
    z: coordinate(),
    vx: new Float64Array(n),
    vy: new Float64Array(n),
    vz: new Float64Array(n),
  });
};
