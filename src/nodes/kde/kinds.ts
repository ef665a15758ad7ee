/**
 * Node kinds of the KDE stage: `kde.images1d` and `kde.images2d`.
 *
 * Two kinds rather than one with a `dim` parameter because a kind's output
 * schema is static and the image column's length (48 or 48 x 48) depends on
 * the dimension.
 */
import { Schema } from "effect";

import {
  defineKind,
  fixedList,
  int,
  makeTable,
  num,
  one,
  i32,
  type NodeKind,
  type Table,
  utf8,
  withDefault,
} from "../../kind/index.ts";
import { imagesSchema } from "../schemas.ts";
import { PAPER_GRID } from "./kde.ts";
import { takeRows } from "../observe/select.ts";
import { viewColumns, viewImages } from "./images.ts";

const gridParams = Schema.Struct({
  bins: int(PAPER_GRID.bins),
  vCut: num(PAPER_GRID.vCut),
  rMax: num(PAPER_GRID.rMax),
  bandwidth: num(PAPER_GRID.bandwidth),
  /**
   * Which views to image: "all"; "train" (the training views, plus the test
   * views of validation hosts, which training uses for its validation loss);
   * or "test" (the test views, of `fold` only when fold >= 0). A full-size 2D
   * catalog is ~2.4 GB of images: split by subset and fold, each node and
   * each training or inference job holds only what it needs.
   */
  subset: Schema.Literals(["all", "train", "test"]).pipe(withDefault("all")),
  fold: int(-1),
});

type GridParams = Schema.Schema.Type<typeof gridParams>;

/** Row numbers of the views a subset keeps. */
export const subsetRows = (views: Table, subset: GridParams["subset"], fold: number): number[] => {
  const set = utf8(views, "set");
  const folds = i32(views, "fold");
  const validation = views.columns.validation as Uint8Array;
  const keep = (r: number): boolean => {
    if (subset === "train") return set[r] === "train" || (set[r] === "test" && validation[r] === 1);
    if (subset === "test") return set[r] === "test" && (fold < 0 || folds[r] === fold);
    return true;
  };
  const rows: number[] = [];
  for (let r = 0; r < views.numRows; r++) if (keep(r)) rows.push(r);
  return rows;
};

const kdeKind = (dim: 1 | 2): NodeKind<GridParams> =>
  defineKind({
    name: `kde.images${dim}d`,
    version: 1,
    weight: "heavy",
    implementation: [
      import.meta.url,
      new URL("./kde.ts", import.meta.url).href,
      new URL("./images.ts", import.meta.url).href,
      new URL("../observe/select.ts", import.meta.url).href,
    ],
    doc:
      dim === 1
        ? "Gaussian KDE of v_los per view at 48 bin centres on [-vCut, vCut] km/s, sum 1."
        : "Gaussian KDE of (v_los, R_proj) per view on 48 x 48 bins, v_los-major " +
          "(index iV * 48 + iR: the R bins are the CNN's channels), sum 1.",
    params: gridParams,
    inputs: {
      views: { doc: "VIEWS" },
      members: { doc: "MEMBERS" },
    },
    outputs: { images: imagesSchema(dim === 1 ? PAPER_GRID.bins : PAPER_GRID.bins ** 2) },
    run: (ctx) => {
      const grid = ctx.params;
      const views = takeRows(
        one(ctx, "views"),
        subsetRows(one(ctx, "views"), grid.subset, grid.fold),
      );
      if (grid.bins !== PAPER_GRID.bins) {
        // The declared output schema fixes the image length.
        throw new Error(`kde.images${dim}d: bins must be ${PAPER_GRID.bins}, got ${grid.bins}`);
      }
      const started = performance.now();
      const { images, size } = viewImages(views, one(ctx, "members"), dim, grid, ctx.progress);
      const seconds = (performance.now() - started) / 1000;
      ctx.note("images_per_second", Math.round(views.numRows / Math.max(seconds, 1e-9)));
      return { images: makeTable({ ...viewColumns(views), image: fixedList(size, images) }) };
    },
  });

export const kdeImages1d = kdeKind(1);
export const kdeImages2d = kdeKind(2);
