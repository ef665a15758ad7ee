/**
 * observed.posteriors: the fold mixture, and the same posterior from the same
 * weights whether a cluster's members come from the sky or from the mocks.
 */
import { beforeAll, describe, expect, it } from "vitest";

import { f64, fixedList, list, makeTable, Rng, utf8, type Table } from "../../src/kind/index.ts";
import { PAPER_GRID } from "../../src/nodes/kde/kde.ts";
import { viewImages } from "../../src/nodes/kde/images.ts";
import { kdeImages1d } from "../../src/nodes/kde/kinds.ts";
import { initBackend } from "../../src/nodes/ml/backend.ts";
import { parseModelName } from "../../src/nodes/ml/model.ts";
import { train } from "../../src/nodes/ml/train.ts";
import { predict } from "../../src/nodes/ml/infer.ts";
import { readWeightsTable, weightsTable } from "../../src/nodes/ml/weights.ts";
import { observedMembers, observedPosteriors } from "../../src/nodes/observed/kinds.ts";
import {
  massGrid,
  mixturePdf,
  mixtureQuantile,
  mixtureSummary,
} from "../../src/nodes/observed/mixture.ts";
import { runKind } from "../catalog/run-kind.ts";
import { inCylinder, makeScene, type Scene } from "./scene.ts";

describe("the mixture over folds", () => {
  it("of one Gaussian has its mean, sd and percentiles at mean -+ 0.99446 sd", () => {
    const s = mixtureSummary([{ kind: "gauss", mean: 14.5, variance: 0.01 }]);
    expect(s.mean).toBe(14.5);
    expect(s.sd).toBeCloseTo(0.1, 12);
    // Phi^-1(0.84) = 0.994458; erfc is good to 1.2e-7
    expect(s.p16).toBeCloseTo(14.5 - 0.0994458, 6);
    expect(s.p50).toBeCloseTo(14.5, 7);
    expect(s.p84).toBeCloseTo(14.5 + 0.0994458, 6);
  });

  it("of two folds that disagree is wider than either: var = mean var + var of means", () => {
    const parts = [
      { kind: "gauss" as const, mean: 14.0, variance: 0.01 },
      { kind: "gauss" as const, mean: 14.4, variance: 0.01 },
    ];
    const s = mixtureSummary(parts);
    expect(s.mean).toBeCloseTo(14.2, 12);
    expect(s.sd).toBeCloseTo(Math.sqrt(0.01 + 0.04), 12);
    expect(s.p50).toBeCloseTo(14.2, 7);
    const grid = massGrid(12.5, 16.5, 0.01);
    const integral = grid.reduce((a, m) => a + mixturePdf(parts, m) * 0.01, 0);
    expect(integral).toBeCloseTo(1, 6);
  });

  it("of Class histograms puts the median inside the bin that holds the mass", () => {
    const probs = new Float64Array(50);
    probs[20] = 1; // [14.2, 14.26) dex
    const p50 = mixtureQuantile([{ kind: "class", probs }], 0.5);
    expect(p50).toBeCloseTo(14.23, 7);
  });
});

/** Trains `folds` copies of a small model on random images (the weights only need to exist). */
const trainedFolds = (model: string, folds: number): Table[] => {
  const spec = parseModelName(model);
  const rng = new Rng(`weights-${model}`);
  const n = 200;
  const images = new Float32Array(n * 48);
  for (let i = 0; i < images.length; i++) images[i] = rng.uniform() / 24;
  const m = Float64Array.from({ length: n }, () => rng.range(13.5, 15));
  return Array.from({ length: folds }, (_, k) => {
    const result = train(
      spec,
      { images, size: 48, m },
      { epochs: 1, batch: 50, lr: 1e-3, l2: 1e-4, dropout: 0.1 },
      rng.fork(k),
    );
    return weightsTable(spec, result.weights, result.trainingMse);
  });
};

/** The members table of view 0 from per-galaxy (v_los, R_proj) and the rows in the cylinder. */
const membersOf = (v: { vLos: Float64Array; rProj: Float64Array }): Table => {
  const rows = inCylinder(v);
  return makeTable({
    view_id: new BigInt64Array(rows.length),
    v_los: Float64Array.from(rows, (i) => v.vLos[i]),
    r_proj: Float64Array.from(rows, (i) => v.rProj[i]),
    true_member: new Uint8Array(rows.length),
  });
};

describe("observed.posteriors on a cluster of a synthetic universe", () => {
  let scene: Scene;
  let observed: Record<string, Table>;
  beforeAll(async () => {
    await initBackend();
    scene = await makeScene(0);
    const { outputs } = await runKind(observedMembers, {
      clusters: [{ name: "box-host-0", file: scene.csv, ...scene.sky.centre }],
    });
    observed = outputs;
  });

  /** 1D images of the observed view with the given members. */
  const imagesWith = (members: Table): Table => {
    const views = observed.views;
    const { images } = viewImages(views, members, 1, PAPER_GRID);
    return makeTable({
      view_id: views.columns.view_id as BigInt64Array,
      m: f64(views, "m"),
      fold: views.columns.fold as Int32Array,
      set: utf8(views, "set"),
      validation: views.columns.validation as Uint8Array,
      image: fixedList(48, images),
    });
  };

  const posterior = async (model: string, images: Table, weights: Table[]) =>
    (
      await runKind(
        observedPosteriors,
        { model, samples: 10 },
        { images, weights, clusters: observed.clusters },
        "same-seed",
      )
    ).outputs;

  it("gives the same images from the sky as from the mock's functions in the same geometry", async () => {
    const fromSky = (
      await runKind(kdeImages1d, {}, { views: observed.views, members: observed.members })
    ).outputs.images;
    const fromMock = imagesWith(membersOf(scene.exact));
    const a = list(fromSky, "image").values;
    const b = list(fromMock, "image").values;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    // velocities agree to 6e-6 km/s; the images are float32 (7 digits)
    expect(worst).toBeLessThan(1e-7);
  });

  it("gives the same posterior from the same weights (1DGauss-d, 2 folds, T = 10)", async () => {
    const weights = trainedFolds("1DGauss-d", 2);
    const fromSky = await posterior(
      "1DGauss-d",
      (await runKind(kdeImages1d, {}, { views: observed.views, members: observed.members })).outputs
        .images,
      weights,
    );
    const fromMock = await posterior("1DGauss-d", imagesWith(membersOf(scene.exact)), weights);
    for (const col of ["mean", "sd", "p16", "p50", "p84"]) {
      expect(f64(fromSky.summary, col)[0]).toBeCloseTo(f64(fromMock.summary, col)[0], 5);
    }
    expect(utf8(fromSky.summary, "cluster")).toEqual(["box-host-0"]);
  });

  it("averages the folds' own posteriors: each fold is infer.cnn's predict with its weights", async () => {
    const weights = trainedFolds("1DGauss-d", 2);
    const images = imagesWith(membersOf(scene.exact));
    const out = await posterior("1DGauss-d", images, weights);
    const spec = parseModelName("1DGauss-d");
    const means = weights.map((w, k) => {
      const loaded = readWeightsTable(spec, w);
      const data = {
        images: list(images, "image").values as Float32Array,
        size: 48,
        m: Float64Array.of(NaN),
      };
      const options = { samples: 10, dropout: 0.1, sigmaD2: loaded.sigmaD2 };
      return predict(spec, loaded.weights, data, options, new Rng("same-seed").fork(`fold-${k}`))
        .mean[0];
    });
    expect(f64(out.folds, "mean")).toEqual(Float64Array.from(means));
    expect(f64(out.summary, "mean")[0]).toBeCloseTo((means[0] + means[1]) / 2, 12);
  });

  it("writes a normalised density on the grid for a Class model too", async () => {
    const out = await posterior(
      "1DClass-d",
      imagesWith(membersOf(scene.exact)),
      trainedFolds("1DClass-d", 2),
    );
    const density = f64(out.posterior, "density");
    expect(density.length).toBe(401);
    expect(density.reduce((a, b) => a + b * 0.01, 0)).toBeCloseTo(1, 2);
    const s = out.summary;
    expect(f64(s, "p16")[0]).toBeLessThan(f64(s, "p50")[0]);
    expect(f64(s, "p50")[0]).toBeLessThan(f64(s, "p84")[0]);
  });

  it("sees the distant-observer approximation as a small change of the images (L1)", () => {
    const l1 = (dim: 1 | 2): number => {
      const exact = viewImages(observed.views, membersOf(scene.exact), dim, PAPER_GRID).images;
      const distant = viewImages(observed.views, membersOf(scene.distant), dim, PAPER_GRID).images;
      let sum = 0;
      for (let i = 0; i < exact.length; i++) sum += Math.abs(exact[i] - distant[i]);
      return sum;
    };
    // measured: 8.2e-4 (1D, v_los only) and 8.3e-3 (2D, where R_proj moves interlopers too)
    expect(l1(1)).toBeLessThan(0.002);
    expect(l1(2)).toBeLessThan(0.02);
  });
});
