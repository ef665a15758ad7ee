/**
 * KDE images of every view, from the VIEWS and MEMBERS tables.
 */
import { i32, i64, f64, utf8, type Table } from "../../kind/index.ts";
import { kde1d, kde2d, type KdeGrid } from "./kde.ts";

export interface ViewImages {
  /** Row-major images, one per view in the order of the VIEWS table. */
  readonly images: Float32Array;
  readonly size: number;
}

/**
 * Member rows grouped by view: `order` lists member rows view by view (in
 * VIEWS order), `start[v]..start[v+1]` those of view v. Members of views
 * absent from VIEWS are left out.
 */
export const groupMembers = (
  views: Table,
  members: Table,
): { order: Int32Array; start: Int32Array } => {
  const viewIds = i64(views, "view_id");
  const rowOf = new Map<bigint, number>();
  for (let v = 0; v < viewIds.length; v++) rowOf.set(viewIds[v], v);
  const memberViews = i64(members, "view_id");
  const viewOfMember = new Int32Array(memberViews.length);
  const start = new Int32Array(viewIds.length + 1);
  for (let i = 0; i < memberViews.length; i++) {
    const v = rowOf.get(memberViews[i]) ?? -1;
    viewOfMember[i] = v;
    if (v >= 0) start[v + 1]++;
  }
  for (let v = 0; v < viewIds.length; v++) start[v + 1] += start[v];
  const fill = start.slice(0, viewIds.length);
  const order = new Int32Array(start[viewIds.length]);
  for (let i = 0; i < memberViews.length; i++) {
    const v = viewOfMember[i];
    if (v >= 0) order[fill[v]++] = i;
  }
  return { order, start };
};

export const viewImages = (
  views: Table,
  members: Table,
  dim: 1 | 2,
  grid: KdeGrid,
  progress: (fraction: number) => void = () => {},
): ViewImages => {
  const { order, start } = groupMembers(views, members);
  const vAll = f64(members, "v_los");
  const rAll = f64(members, "r_proj");
  const nViews = views.numRows;
  const size = dim === 1 ? grid.bins : grid.bins * grid.bins;
  const images = new Float32Array(nViews * size);
  for (let v = 0; v < nViews; v++) {
    const rows = order.subarray(start[v], start[v + 1]);
    const vLos = Float64Array.from(rows, (i) => vAll[i]);
    const out = images.subarray(v * size, (v + 1) * size);
    if (dim === 1) kde1d(vLos, grid, out);
    else
      kde2d(
        vLos,
        Float64Array.from(rows, (i) => rAll[i]),
        grid,
        out,
      );
    if ((v & 1023) === 1023) progress(v / nViews);
  }
  return { images, size };
};

/** The columns of an images table that come straight from VIEWS. */
export const viewColumns = (views: Table) => ({
  view_id: i64(views, "view_id"),
  m: f64(views, "m"),
  fold: i32(views, "fold"),
  set: utf8(views, "set"),
  validation: views.columns.validation as Uint8Array,
});
