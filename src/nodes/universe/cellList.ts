/**
 * A cell list over points in a periodic cube: points sorted by cell so that
 * the neighbours of a position are found by visiting the few cells around it.
 */

export interface CellList {
  readonly boxSize: number;
  /** Cells per side. */
  readonly cells: number;
  readonly cellSize: number;
  /** Start of each cell's run in `order` (length cells^3 + 1). */
  readonly start: Int32Array;
  /** Point indices sorted by cell. */
  readonly order: Int32Array;
}

/** Wraps a coordinate into [0, boxSize). */
export const wrap = (x: number, boxSize: number): number => {
  const w = x - Math.floor(x / boxSize) * boxSize;
  return w >= boxSize ? 0 : w;
};

/** The periodic minimum-image separation b - a along one axis. */
export const minImage = (d: number, boxSize: number): number =>
  d - boxSize * Math.round(d / boxSize);

const cellOf = (x: number, cellSize: number, cells: number): number =>
  Math.min(cells - 1, Math.floor(wrap(x, cellSize * cells) / cellSize));

/** Builds the list with cells of at least `minCellSize` (Mpc/h). */
export const buildCellList = (
  x: Float64Array,
  y: Float64Array,
  z: Float64Array,
  boxSize: number,
  minCellSize: number,
): CellList => {
  const cells = Math.max(1, Math.floor(boxSize / minCellSize));
  const cellSize = boxSize / cells;
  const count = new Int32Array(cells ** 3 + 1);
  const cellIndex = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c =
      (cellOf(x[i], cellSize, cells) * cells + cellOf(y[i], cellSize, cells)) * cells +
      cellOf(z[i], cellSize, cells);
    cellIndex[i] = c;
    count[c + 1]++;
  }
  for (let c = 0; c < cells ** 3; c++) count[c + 1] += count[c];
  const fill = count.slice(0, cells ** 3);
  const order = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) order[fill[cellIndex[i]]++] = i;
  return { boxSize, cells, cellSize, start: count, order };
};

/**
 * Calls `visit(i)` for every point in the cells that intersect the cube of
 * half-side `radius` around (px, py, pz). Each point is visited once even when
 * the cube wraps around a small box.
 */
export const forEachNear = (
  list: CellList,
  px: number,
  py: number,
  pz: number,
  radius: number,
  visit: (i: number) => void,
): void => {
  const { cells, cellSize, start, order } = list;
  const span = Math.ceil(radius / cellSize);
  const cx = cellOf(px, cellSize, cells);
  const cy = cellOf(py, cellSize, cells);
  const cz = cellOf(pz, cellSize, cells);
  const wide = 2 * span + 1 >= cells;
  const range = (c: number): number[] => {
    if (wide) return Array.from({ length: cells }, (_, i) => i);
    const out: number[] = [];
    for (let d = -span; d <= span; d++) out.push((((c + d) % cells) + cells) % cells);
    return out;
  };
  const xs = range(cx);
  const ys = range(cy);
  const zs = range(cz);
  for (const i of xs) {
    for (const j of ys) {
      for (const k of zs) {
        const c = (i * cells + j) * cells + k;
        for (let p = start[c]; p < start[c + 1]; p++) visit(order[p]);
      }
    }
  }
};
