/**
 * `observe.views`: the lines of sight to observe, one row per view, for a
 * catalog made of one or more periodic sub-boxes. The cylinder step fills
 * `n_gal` / `n_true` and applies the richness cut afterwards.
 */
import { Schema } from "effect";

import { defineKind, f64, i64, int, many, num, type Table } from "../../kind/index.ts";
import { VIEWS } from "../schemas.ts";
import { planViews, type Host } from "./resample.ts";
import { HOST_MIN_M, hostRows } from "./select.ts";

export const VIEWS_WITH_BOX = [
  ...VIEWS,
  { name: "box", type: "i32", doc: "index of the sub-box (input table) holding the host" },
] as const;

/**
 * The hosts of every sub-box, in box order then row order. Later stages find
 * a view's host by host_id alone, so an id used twice is refused here.
 */
export const hostsOfBoxes = (boxes: readonly Table[], mMin: number): Host[] => {
  const hosts: Host[] = [];
  const boxOf = new Map<bigint, number>();
  boxes.forEach((halos, box) => {
    const id = i64(halos, "id");
    const m200c = f64(halos, "m200c");
    for (const row of hostRows(halos, mMin)) {
      const seen = boxOf.get(id[row]);
      if (seen !== undefined) {
        throw new Error(`host id ${id[row]} appears in sub-box ${seen} and in sub-box ${box}`);
      }
      boxOf.set(id[row], box);
      hosts.push({ box, id: id[row], m: Math.log10(m200c[row]) });
    }
  });
  return hosts;
};

export const observeViews = defineKind({
  name: "observe.views",
  version: 1,
  weight: "light",
  doc: "test views (3 axes per host), flat-dn/dm training views, folds and validation hosts",
  implementation: [
    import.meta.url,
    new URL("./resample.ts", import.meta.url).href,
    new URL("./folds.ts", import.meta.url).href,
    new URL("./select.ts", import.meta.url).href,
  ],
  params: Schema.Struct({
    /** Side of each periodic sub-box, Mpc/h. */
    boxSize: num(250),
    /** Total comoving volume, (Mpc/h)^3; 0 means (number of boxes) x boxSize^3. */
    volume: num(0),
    /** Lowest host mass, dex. */
    mMin: num(HOST_MIN_M),
    /** Level of the flat training mass function, log10(h^3 Mpc^-3 dex^-1). */
    logDndm: num(-5.2),
    /** Width of the bins in which the training set is made flat, dex. */
    binWidth: num(0.02),
    validationShare: num(0.1),
    folds: int(10),
  }),
  inputs: { halos: { many: true, doc: "HALOS of each sub-box" } },
  outputs: { views: VIEWS_WITH_BOX },
  run: (ctx) => {
    const p = ctx.params;
    const boxes = many(ctx, "halos");
    const volume = p.volume > 0 ? p.volume : boxes.length * p.boxSize ** 3;
    const hosts = hostsOfBoxes(boxes, p.mMin);
    const planned = planViews(
      hosts,
      {
        mMin: p.mMin,
        logDndm: p.logDndm,
        binWidth: p.binWidth,
        volume,
        folds: p.folds,
        validationShare: p.validationShare,
      },
      ctx.rng,
    );
    ctx.note("hosts", hosts.length);
    ctx.note("volume", volume);
    ctx.note("trainingCapPerBin", planned.cap);
    ctx.note("views", { test: planned.nTest, train: planned.nTrain });
    return { views: planned.views };
  },
});
