/**
 * Node kinds of the cylinder cut: `observe.axisViews` (the three orthogonal
 * views of every host) and `observe.cylinders` (members and counts per view,
 * for one periodic box).
 */
import { Schema } from "effect";

import {
  defineKind,
  f64,
  i64,
  makeTable,
  num,
  one,
  type Table,
  type TableSchema,
} from "../../kind/index.ts";
import { MEMBERS } from "../schemas.ts";
import { cosmologyFields, cosmologyOf } from "../universe/cosmologyParams.ts";
import {
  axisViews,
  DEFAULT_CYLINDER,
  projectCylinders,
  selectHosts,
  selectSatellites,
  type ViewList,
} from "./cylinder.ts";

/** Per-view counts written beside the members. */
export const VIEW_COUNTS: TableSchema = [
  { name: "view_id", type: "i64" },
  { name: "host_id", type: "i64" },
  { name: "m", type: "f64", doc: "log10 M200c of the host, dex" },
  { name: "n_gal", type: "i32", doc: "galaxies inside the cylinder" },
  { name: "n_true", type: "i32", doc: "satellites of the host among them" },
];

/** The lines of sight read from a views table: host_id, view_id, lx, ly, lz. */
export const AXIS_VIEWS: TableSchema = [
  { name: "view_id", type: "i64", doc: "host id * 4 + axis (0 x, 1 y, 2 z)" },
  { name: "host_id", type: "i64" },
  { name: "m", type: "f64", doc: "log10 M200c of the host, dex" },
  { name: "lx", type: "f64", doc: "line-of-sight unit vector" },
  { name: "ly", type: "f64" },
  { name: "lz", type: "f64" },
];

const sources = [
  new URL("./cylinder.ts", import.meta.url).href,
  new URL("./project.ts", import.meta.url).href,
  new URL("../universe/cellList.ts", import.meta.url).href,
  new URL("../universe/cosmology.ts", import.meta.url).href,
  new URL("../universe/cosmologyParams.ts", import.meta.url).href,
];

/** Host rows of a HALOS table, as arrays. */
export const hostsOf = (halos: Table, mHostMin: number) => {
  const rows = selectHosts(i64(halos, "upid"), f64(halos, "m200c"), mHostMin);
  const pickF = (name: string) => Float64Array.from(rows, (r) => f64(halos, name)[r]);
  return {
    id: BigInt64Array.from(rows, (r) => i64(halos, "id")[r]),
    m200c: pickF("m200c"),
    x: pickF("x"),
    y: pickF("y"),
    z: pickF("z"),
    vx: pickF("vx"),
    vy: pickF("vy"),
    vz: pickF("vz"),
  };
};

/** Satellite rows of a GALAXIES table above the stellar-mass cut, as arrays. */
export const satellitesOf = (galaxies: Table, logObsSmMin: number) => {
  const rows = selectSatellites(i64(galaxies, "upid"), f64(galaxies, "obs_sm"), logObsSmMin);
  const pickF = (name: string) => Float64Array.from(rows, (r) => f64(galaxies, name)[r]);
  return {
    upid: BigInt64Array.from(rows, (r) => i64(galaxies, "upid")[r]),
    x: pickF("x"),
    y: pickF("y"),
    z: pickF("z"),
    vx: pickF("vx"),
    vy: pickF("vy"),
    vz: pickF("vz"),
  };
};

/**
 * The rows of a views table whose host is among `hostIds`: one table of
 * views for all boxes can be given to every box's node.
 */
export const viewsOfHosts = (views: Table, hostIds: BigInt64Array): ViewList => {
  const present = new Set(hostIds);
  const hostId = i64(views, "host_id");
  const rows: number[] = [];
  for (let r = 0; r < views.numRows; r++) if (present.has(hostId[r])) rows.push(r);
  const pickF = (name: string) => Float64Array.from(rows, (r) => f64(views, name)[r]);
  return {
    viewId: BigInt64Array.from(rows, (r) => i64(views, "view_id")[r]),
    hostId: BigInt64Array.from(rows, (r) => hostId[r]),
    lx: pickF("lx"),
    ly: pickF("ly"),
    lz: pickF("lz"),
  };
};

export const observeAxisViews = defineKind({
  name: "observe.axisViews",
  version: 1,
  weight: "light",
  doc: "The x, y and z lines of sight of every host (upid = -1, m >= mHostMin).",
  implementation: [import.meta.url, ...sources],
  params: Schema.Struct({ mHostMin: num(13.5) }),
  inputs: { halos: {} },
  outputs: { views: AXIS_VIEWS },
  run: (ctx) => {
    const hosts = hostsOf(one(ctx, "halos"), ctx.params.mHostMin);
    const views = axisViews(hosts.id);
    const m = Float64Array.from(views.hostId, (_, v) => Math.log10(hosts.m200c[Math.floor(v / 3)]));
    return {
      views: makeTable({
        view_id: views.viewId,
        host_id: views.hostId,
        m,
        lx: views.lx,
        ly: views.ly,
        lz: views.lz,
      }),
    };
  },
});

export const observeCylinders = defineKind({
  name: "observe.cylinders",
  version: 1,
  weight: "heavy",
  doc: "Rotated, periodic, distant-observer projection and cylinder cut of each view.",
  implementation: [import.meta.url, ...sources],
  params: Schema.Struct({
    ...cosmologyFields,
    z: num(0.117),
    boxSize: num(250),
    vCut: num(DEFAULT_CYLINDER.vCut),
    rAperture: num(DEFAULT_CYLINDER.rAperture),
    mHostMin: num(13.5),
    logObsSmMin: num(9.5),
  }),
  inputs: {
    halos: { doc: "HALOS of one periodic box" },
    galaxies: { doc: "GALAXIES of the same box" },
    views: { doc: "view_id, host_id, lx, ly, lz (e.g. VIEWS or observe.axisViews)" },
  },
  outputs: { members: MEMBERS, counts: VIEW_COUNTS },
  run: (ctx) => {
    const p = ctx.params;
    const hosts = hostsOf(one(ctx, "halos"), p.mHostMin);
    const result = projectCylinders(
      hosts,
      satellitesOf(one(ctx, "galaxies"), p.logObsSmMin),
      viewsOfHosts(one(ctx, "views"), hosts.id),
      {
        cosmology: cosmologyOf(p),
        z: p.z,
        boxSize: p.boxSize,
        vCut: p.vCut,
        rAperture: p.rAperture,
      },
    );
    ctx.note("members", result.members.viewId.length);
    return {
      members: makeTable({
        view_id: result.members.viewId,
        v_los: result.members.vLos,
        r_proj: result.members.rProj,
        true_member: result.members.trueMember,
      }),
      counts: makeTable({
        view_id: result.counts.viewId,
        host_id: result.counts.hostId,
        m: result.counts.m,
        n_gal: result.counts.nGal,
        n_true: result.counts.nTrue,
      }),
    };
  },
});
