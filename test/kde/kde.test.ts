import { Schema } from "effect";
import { describe, expect, it } from "vitest";

import { checkTable, makeTable, Rng, type RunContext, type Table } from "../../src/kind/index.ts";
import {
  binCentres,
  covariance,
  groupMembers,
  kde1d,
  kde2d,
  PAPER_GRID,
  viewImages,
} from "../../src/nodes/kde/index.ts";
import { kdeImages2d } from "../../src/nodes/kde/kinds.ts";
import { imagesSchema } from "../../src/nodes/schemas.ts";

/** A cluster-like sample: v_los ~ N(0, 600 km/s) correlated with R_proj on [0, 1.6] Mpc/h. */
const cluster = (n: number, seed: string) => {
  const rng = new Rng(seed);
  const vLos = new Float64Array(n);
  const rProj = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    rProj[i] = 1.6 * Math.sqrt(rng.uniform());
    vLos[i] = Math.max(-2500, Math.min(2500, 600 * rng.normal() + 400 * rProj[i]));
  }
  return { vLos, rProj };
};

/** Direct evaluation of scipy's gaussian_kde (bw_method = 0.25) at every grid point. */
const direct2d = (vLos: Float64Array, rProj: Float64Array): Float64Array => {
  const bw2 = 0.0625;
  const a = bw2 * covariance(vLos, vLos);
  const c = bw2 * covariance(rProj, rProj);
  const b = bw2 * covariance(vLos, rProj);
  const det = a * c - b * b;
  const vs = binCentres(-2500, 2500, 48);
  const rs = binCentres(0, 1.6, 48);
  const out = new Float64Array(48 * 48);
  let total = 0;
  for (let j = 0; j < 48; j++) {
    for (let k = 0; k < 48; k++) {
      let s = 0;
      for (let i = 0; i < vLos.length; i++) {
        const dv = vs[j] - vLos[i];
        const dr = rs[k] - rProj[i];
        s += Math.exp((-0.5 * (c * dv * dv - 2 * b * dv * dr + a * dr * dr)) / det);
      }
      out[j * 48 + k] = s;
      total += s;
    }
  }
  return out.map((x) => x / total);
};

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

describe("KDE images", () => {
  it("places 48 bin centres on [-2500, 2500] km/s", () => {
    const v = binCentres(-2500, 2500, 48);
    expect(v[0]).toBeCloseTo(-2500 + 5000 / 96, 9);
    expect(v[47]).toBeCloseTo(2500 - 5000 / 96, 9);
  });

  it("1D image equals a direct evaluation with bandwidth 0.25 x the sample sigma (ddof 1)", () => {
    const { vLos } = cluster(37, "1d");
    const image = kde1d(vLos, PAPER_GRID);
    const h2 = 0.0625 * covariance(vLos, vLos);
    const centres = binCentres(-2500, 2500, 48);
    const expected = centres.map((g) =>
      vLos.reduce((s, v) => s + Math.exp((-0.5 * (g - v) ** 2) / h2), 0),
    );
    const total = expected.reduce((a, b) => a + b, 0);
    expect(
      maxAbsDiff(
        image,
        expected.map((x) => x / total),
      ),
    ).toBeLessThan(1e-8);
    expect(image.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it("2D image equals a direct evaluation including the v-R correlation", () => {
    const { vLos, rProj } = cluster(40, "2d");
    expect(Math.abs(covariance(vLos, rProj))).toBeGreaterThan(20); // the sample is correlated
    const image = kde2d(vLos, rProj, PAPER_GRID);
    expect(maxAbsDiff(image, direct2d(vLos, rProj))).toBeLessThan(1e-8);
  });

  it("lays 2D images out v_los-major: row = velocity bin, column = R_proj bin", () => {
    // A compact sample off-centre in both axes: the image's centroid is its mean.
    const rng = new Rng("layout");
    const vLos = Float64Array.from({ length: 30 }, () => 1000 + 200 * rng.normal());
    const rProj = Float64Array.from({ length: 30 }, () => 0.4 + 0.1 * rng.normal());
    const image = kde2d(vLos, rProj, PAPER_GRID);
    const vs = binCentres(-2500, 2500, 48);
    const rs = binCentres(0, 1.6, 48);
    let vCentroid = 0;
    let rCentroid = 0;
    for (let i = 0; i < image.length; i++) {
      vCentroid += image[i] * vs[Math.floor(i / 48)];
      rCentroid += image[i] * rs[i % 48];
    }
    const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
    expect(Math.abs(vCentroid - mean(vLos))).toBeLessThan(5); // km/s
    expect(Math.abs(rCentroid - mean(rProj))).toBeLessThan(0.002); // Mpc/h
  });

  it("does not reflect at R = 0: mass near the edge leaks off the grid", () => {
    const rng = new Rng("edge");
    const vLos = Float64Array.from({ length: 30 }, () => 300 * rng.normal());
    const rProj = Float64Array.from({ length: 30 }, () => 0.05 * rng.uniform());
    const image = kde2d(vLos, rProj, PAPER_GRID);
    expect(maxAbsDiff(image, direct2d(vLos, rProj))).toBeLessThan(1e-8);
  });

  it("falls back to a one-bin kernel for a view without spread (a single member)", () => {
    const image = kde2d(Float64Array.of(260), Float64Array.of(0.85), PAPER_GRID);
    let best = 0;
    for (let i = 1; i < image.length; i++) if (image[i] > image[best]) best = i;
    // v = 260 km/s lies in bin 26 ([208, 312]), R = 0.85 Mpc/h in bin 25 ([0.833, 0.867]).
    expect([Math.floor(best / 48), best % 48]).toEqual([26, 25]);
    expect(image.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(kde1d(Float64Array.of(260), PAPER_GRID).every(Number.isFinite)).toBe(true);
  });

  it("groups members by view whatever their order in the table", () => {
    const views = makeTable({ view_id: BigInt64Array.of(7n, 3n) });
    const members = makeTable({ view_id: BigInt64Array.of(3n, 7n, 9n, 3n, 7n, 7n) });
    const { order, start } = groupMembers(views, members);
    expect(Array.from(start)).toEqual([0, 3, 5]);
    expect(Array.from(order)).toEqual([1, 4, 5, 0, 3]);
  });

  it("kde.images2d returns one normalised image per view with the view's labels", async () => {
    const a = cluster(25, "view-a");
    const b = cluster(31, "view-b");
    const views = makeTable({
      view_id: BigInt64Array.of(11n, 12n),
      m: Float64Array.of(14.1, 14.9),
      fold: Int32Array.of(3, 8),
      set: ["train", "test"],
      validation: Uint8Array.of(0, 1),
    });
    const members = makeTable({
      view_id: BigInt64Array.from([...a.vLos.map(() => 12), ...b.vLos.map(() => 11)], BigInt),
      v_los: Float64Array.from([...a.vLos, ...b.vLos]),
      r_proj: Float64Array.from([...a.rProj, ...b.rProj]),
    });
    const notes: Record<string, unknown> = {};
    const ctx: RunContext<unknown> = {
      params: Schema.decodeUnknownSync(kdeImages2d.params)({}),
      inputs: { views, members },
      inputIds: {},
      rng: new Rng("kde"),
      nodeId: "kde/test",
      progress: () => {},
      note: (k, v) => {
        notes[k] = v;
      },
    };
    const { images } = (await kdeImages2d.run(ctx as never)) as { images: Table };
    expect(checkTable(images, imagesSchema(2304))).toEqual([]);
    expect(images.columns.set).toEqual(["train", "test"]);
    const { images: flat } = viewImages(views, members, 2, PAPER_GRID);
    expect(maxAbsDiff(flat.subarray(0, 2304), kde2d(b.vLos, b.rProj, PAPER_GRID))).toBe(0);
    expect(maxAbsDiff(flat.subarray(2304), kde2d(a.vLos, a.rProj, PAPER_GRID))).toBe(0);
    expect(notes.images_per_second).toBeGreaterThan(0);
  });
});
