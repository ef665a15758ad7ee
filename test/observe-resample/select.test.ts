import { describe, expect, it } from "vitest";

import { makeTable } from "../../src/kind/index.ts";
import {
  groupByHost,
  hostRows,
  matchSatellites,
  selectHosts,
} from "../../src/nodes/observe/select.ts";

const zeros = (n: number) => new Float64Array(n);

const halos = makeTable({
  id: BigInt64Array.of(1n, 2n, 3n, 4n, 5n),
  upid: BigInt64Array.of(-1n, -1n, 1n, -1n, -1n),
  m200c: Float64Array.of(10 ** 14.2, 10 ** 13.4, 10 ** 14.0, 10 ** 13.5, 10 ** 15.1),
  x: zeros(5),
  y: zeros(5),
  z: zeros(5),
  vx: zeros(5),
  vy: zeros(5),
  vz: zeros(5),
});

const galaxies = makeTable({
  id: BigInt64Array.of(10n, 11n, 12n, 13n, 14n, 15n, 16n),
  upid: BigInt64Array.of(1n, 1n, 2n, 3n, -1n, 5n, 4n),
  obs_sm: Float64Array.of(1e10, 10 ** 9.49, 1e11, 1e11, 1e11, 10 ** 9.5, 4e9),
  x: zeros(7),
  y: zeros(7),
  z: zeros(7),
  vx: zeros(7),
  vy: zeros(7),
  vz: zeros(7),
});

describe("host selection", () => {
  it("keeps halos with upid = -1 and m >= 13.5, the boundary included", () => {
    expect(Array.from(hostRows(halos))).toEqual([0, 3, 4]);
  });

  it("returns the host rows with every column", () => {
    const hosts = selectHosts(halos);
    expect(Array.from(hosts.columns.id as BigInt64Array)).toEqual([1n, 4n, 5n]);
    expect(Object.keys(hosts.columns)).toEqual(Object.keys(halos.columns));
  });
});

describe("member selection", () => {
  const hosts = selectHosts(halos);

  it("matches satellites above 10^9.5 Msun to hosts by upid", () => {
    const { rows, host } = matchSatellites(galaxies, hosts);
    expect(Array.from(rows)).toEqual([0, 5, 6]);
    expect(Array.from(host)).toEqual([0, 2, 1]);
  });

  it("groups the members of each host", () => {
    const { host } = matchSatellites(galaxies, hosts);
    const { offsets, order } = groupByHost(host, hosts.numRows);
    expect(Array.from(offsets)).toEqual([0, 1, 2, 3]);
    expect(Array.from(order)).toEqual([0, 2, 1]);
  });

  it("refuses hosts that share an id", () => {
    const ids = BigInt64Array.of(1n, 2n, 3n, 1n, 5n);
    const twice = selectHosts(makeTable({ ...halos.columns, id: ids }));
    expect(() => matchSatellites(galaxies, twice)).toThrow("host id 1 appears twice");
  });
});
