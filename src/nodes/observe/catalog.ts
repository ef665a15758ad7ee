/**
 * `observe.catalog`: the mock-observation catalog of the whole volume. Joins
 * the per-box cylinder counts onto the planned views, applies the richness
 * cut, and gathers the members of the views that pass, in view order.
 */
import { Schema } from "effect";

import {
  defineKind,
  f64,
  i64,
  int,
  makeTable,
  many,
  one,
  utf8,
  type Table,
} from "../../kind/index.ts";
import { MEMBERS, VIEWS } from "../schemas.ts";
import { applyRichnessCut } from "./resample.ts";

/** VIEWS with n_gal / n_true filled from the per-box counts, richness cut applied. */
export const joinCounts = (views: Table, counts: readonly Table[], nMin: number): Table => {
  const nGalOf = new Map<bigint, number>();
  const nTrueOf = new Map<bigint, number>();
  for (const c of counts) {
    const id = i64(c, "view_id");
    const nGal = c.columns.n_gal as Int32Array;
    const nTrue = c.columns.n_true as Int32Array;
    for (let r = 0; r < c.numRows; r++) {
      if (nGalOf.has(id[r])) throw new Error(`view ${id[r]} was observed in two boxes`);
      nGalOf.set(id[r], nGal[r]);
      nTrueOf.set(id[r], nTrue[r]);
    }
  }
  const viewId = i64(views, "view_id");
  const nGal = new Int32Array(views.numRows);
  const nTrue = new Int32Array(views.numRows);
  for (let r = 0; r < views.numRows; r++) {
    const g = nGalOf.get(viewId[r]);
    if (g === undefined)
      throw new Error(`view ${viewId[r]} has no cylinder counts: is its box missing?`);
    nGal[r] = g;
    nTrue[r] = nTrueOf.get(viewId[r])!;
  }
  const kept = applyRichnessCut(views, { nGal, nTrue }, nMin);
  // Only the VIEWS columns travel on; `box` was for the cylinder step.
  return makeTable(Object.fromEntries(VIEWS.map((c) => [c.name, kept.columns[c.name]])));
};

/** Members of the kept views, ordered by their view's row in `views`. */
export const membersOf = (views: Table, members: readonly Table[]): Table => {
  const order = new Map<bigint, number>();
  i64(views, "view_id").forEach((id, r) => order.set(id, r));
  const rows: { table: number; row: number; rank: number }[] = [];
  members.forEach((m, t) => {
    const id = i64(m, "view_id");
    for (let r = 0; r < m.numRows; r++) {
      const rank = order.get(id[r]);
      if (rank !== undefined) rows.push({ table: t, row: r, rank });
    }
  });
  // Stable: within a view, members keep the order the cylinder step gave them.
  rows.sort((a, b) => a.rank - b.rank || a.table - b.table || a.row - b.row);
  const n = rows.length;
  const viewId = new BigInt64Array(n);
  const vLos = new Float64Array(n);
  const rProj = new Float64Array(n);
  const trueMember = new Uint8Array(n);
  rows.forEach(({ table, row }, i) => {
    const m = members[table];
    viewId[i] = i64(m, "view_id")[row];
    vLos[i] = f64(m, "v_los")[row];
    rProj[i] = f64(m, "r_proj")[row];
    trueMember[i] = (m.columns.true_member as Uint8Array)[row];
  });
  return makeTable({ view_id: viewId, v_los: vLos, r_proj: rProj, true_member: trueMember });
};

export const observeCatalog = defineKind({
  name: "observe.catalog",
  version: 1,
  weight: "heavy",
  doc: "Planned views + per-box cylinder outputs -> VIEWS and MEMBERS after the richness cut",
  implementation: [
    import.meta.url,
    new URL("./resample.ts", import.meta.url).href,
    new URL("./select.ts", import.meta.url).href,
  ],
  params: Schema.Struct({ nMin: int(10) }),
  inputs: {
    views: { doc: "planned views (observe.views)" },
    counts: { many: true, table: "counts", doc: "per-box view counts (observe.cylinders)" },
    members: { many: true, table: "members", doc: "per-box members (observe.cylinders)" },
  },
  outputs: { views: VIEWS, members: MEMBERS },
  run: (ctx) => {
    const views = joinCounts(one(ctx, "views"), many(ctx, "counts"), ctx.params.nMin);
    const members = membersOf(views, many(ctx, "members"));
    const sets = utf8(views, "set");
    const count = (set: string) => sets.filter((s) => s === set).length;
    ctx.note("views", { test: count("test"), train: count("train") });
    ctx.note("members", members.numRows);
    return { views, members };
  },
});
