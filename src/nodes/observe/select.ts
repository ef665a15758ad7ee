/**
 * Which halos are clusters and which galaxies are their members: hosts are
 * halos with upid = -1 and m = log10(M200c / (Msun/h)) >= 13.5; members are
 * satellites with obs_sm >= 10^9.5 Msun whose upid is a host's id.
 */
import { f64, i64, isFixedList, makeTable, type Column, type Table } from "../../kind/index.ts";

/** Lowest host mass of the paper's catalog, dex. */
export const HOST_MIN_M = 13.5;

/** Lowest observed stellar mass of a member, log10 Msun. */
export const MEMBER_MIN_LOG_OBS_SM = 9.5;

/** Rows of `halos` that are hosts above `mMin` (dex). */
export const hostRows = (halos: Table, mMin = HOST_MIN_M): Int32Array => {
  const upid = i64(halos, "upid");
  const m200c = f64(halos, "m200c");
  const rows: number[] = [];
  for (let i = 0; i < halos.numRows; i++) {
    if (upid[i] === -1n && Math.log10(m200c[i]) >= mMin) rows.push(i);
  }
  return Int32Array.from(rows);
};

/** The given rows of a table, every column kept, in the given order. */
export const takeRows = (table: Table, rows: ArrayLike<number>): Table => {
  const out: Record<string, Column> = {};
  for (const [name, col] of Object.entries(table.columns)) out[name] = takeColumn(col, rows);
  const first = Object.keys(out)[0];
  return first === undefined ? { numRows: rows.length, columns: out } : makeTable(out);
};

const takeColumn = (col: Column, rows: ArrayLike<number>): Column => {
  if (isFixedList(col)) {
    const values = new (col.values.constructor as Float64ArrayConstructor)(rows.length * col.size);
    for (let j = 0; j < rows.length; j++) {
      values.set(col.values.subarray(rows[j] * col.size, (rows[j] + 1) * col.size), j * col.size);
    }
    return { size: col.size, values };
  }
  if (Array.isArray(col)) return Array.from({ length: rows.length }, (_, j) => col[rows[j]]);
  const typed = col as Float64Array;
  const out = new (typed.constructor as Float64ArrayConstructor)(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = typed[rows[j]];
  return out;
};

/** The host halos themselves (HALOS columns). */
export const selectHosts = (halos: Table, mMin = HOST_MIN_M): Table =>
  takeRows(halos, hostRows(halos, mMin));

export interface Satellites {
  /** Rows of the galaxies table that are members of a host. */
  readonly rows: Int32Array;
  /** For each of those, the row of its host in the hosts table. */
  readonly host: Int32Array;
}

/**
 * Satellites above the stellar-mass cut, matched to their host by
 * upid == host id. Galaxies whose upid names no host (a smaller host, or a
 * central with upid = -1) are not members of any cluster.
 */
export const matchSatellites = (
  galaxies: Table,
  hosts: Table,
  logObsSmMin = MEMBER_MIN_LOG_OBS_SM,
): Satellites => {
  const hostIds = i64(hosts, "id");
  const byId = new Map<bigint, number>();
  for (let h = 0; h < hosts.numRows; h++) {
    if (byId.has(hostIds[h])) throw new Error(`host id ${hostIds[h]} appears twice`);
    byId.set(hostIds[h], h);
  }
  const upid = i64(galaxies, "upid");
  const obsSm = f64(galaxies, "obs_sm");
  const minObsSm = 10 ** logObsSmMin;
  const rows: number[] = [];
  const host: number[] = [];
  for (let g = 0; g < galaxies.numRows; g++) {
    if (upid[g] === -1n || !(obsSm[g] >= minObsSm)) continue;
    const h = byId.get(upid[g]);
    if (h === undefined) continue;
    rows.push(g);
    host.push(h);
  }
  return { rows: Int32Array.from(rows), host: Int32Array.from(host) };
};

/**
 * Members grouped by host: the members of host h are
 * `order[offsets[h]] ... order[offsets[h + 1] - 1]` (indices into `host`).
 */
export const groupByHost = (
  host: Int32Array,
  nHosts: number,
): { readonly offsets: Int32Array; readonly order: Int32Array } => {
  const offsets = new Int32Array(nHosts + 1);
  for (const h of host) offsets[h + 1]++;
  for (let h = 0; h < nHosts; h++) offsets[h + 1] += offsets[h];
  const next = offsets.slice(0, nHosts);
  const order = new Int32Array(host.length);
  for (let i = 0; i < host.length; i++) order[next[host[i]]++] = i;
  return { offsets, order };
};
