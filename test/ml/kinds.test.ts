import { Schema } from "effect";
import { describe, expect, it } from "vitest";

import {
  checkTable,
  fixedList,
  makeTable,
  Rng,
  type NodeKind,
  type RunContext,
  type Table,
} from "../../src/kind/index.ts";
import { inferCnn } from "../../src/nodes/ml/inferKind.ts";
import { trainCnn } from "../../src/nodes/ml/trainKind.ts";
import { readWeightsTable, WEIGHTS } from "../../src/nodes/ml/weights.ts";
import { parseModelName } from "../../src/nodes/ml/model.ts";
import { imagesSchema, POSTERIORS } from "../../src/nodes/schemas.ts";
import { withoutTensor } from "./tables.ts";

const run = async <P>(
  kind: NodeKind<P>,
  params: Record<string, unknown>,
  inputs: Record<string, Table>,
  seed: string,
) => {
  const notes: Record<string, unknown> = {};
  const ctx: RunContext<P> = {
    params: Schema.decodeUnknownSync(kind.params)(params),
    inputs,
    inputIds: {},
    rng: new Rng(seed),
    nodeId: `${kind.name}/test`,
    progress: () => {},
    note: (key, value) => {
      notes[key] = value;
    },
  };
  return { outputs: await kind.run(ctx), notes };
};

/**
 * 1D images whose single Gaussian peak sits at a velocity bin that grows
 * linearly with m: an easy relation a working network learns in seconds.
 */
const peakImages = (n: number, seed: string): Table => {
  const rng = new Rng(seed);
  const image = new Float32Array(n * 48);
  const m = new Float64Array(n);
  const fold = new Int32Array(n);
  const set: string[] = [];
  for (let i = 0; i < n; i++) {
    m[i] = rng.range(13.5, 15.5);
    fold[i] = i % 5;
    set.push(i % 3 === 0 ? "test" : "train");
    const centre = 8 + ((m[i] - 13.5) / 2) * 32;
    let total = 0;
    for (let j = 0; j < 48; j++) {
      const v = Math.exp(-0.5 * ((j - centre) / 2) ** 2) + 0.01 * rng.uniform();
      image[i * 48 + j] = v;
      total += v;
    }
    for (let j = 0; j < 48; j++) image[i * 48 + j] /= total;
  }
  return makeTable({
    view_id: BigInt64Array.from({ length: n }, (_, i) => BigInt(1000 + i)),
    m,
    fold,
    set,
    validation: new Uint8Array(n),
    image: fixedList(48, image),
  });
};

describe("train.cnn and infer.cnn", () => {
  it("learn an easy synthetic relation and return calibrated-looking posteriors", async () => {
    const images = peakImages(1500, "peaks");
    expect(checkTable(images, imagesSchema(48))).toEqual([]);
    const trained = await run(
      trainCnn,
      { model: "1DPoint-d", fold: 2, epochs: 15, batch: 50 },
      { images },
      "train-seed",
    );
    expect(checkTable(trained.outputs.weights, WEIGHTS)).toEqual([]);
    expect(trained.outputs.curve.numRows).toBe(15);
    expect(String(trained.notes.backend)).toMatch(/wasm|tensorflow/);
    expect(trained.notes.training_rows).toBe(800); // 1000 train rows, 200 of them in fold 2

    const loss = trained.outputs.curve.columns.loss as Float64Array;
    expect(loss[14]).toBeLessThan(loss[0] / 3);
    const valLoss = trained.outputs.curve.columns.val_loss as Float64Array;
    expect(valLoss.every(Number.isNaN)).toBe(true); // no view is flagged for validation

    const inferred = await run(
      inferCnn,
      { model: "1DPoint-d", fold: 2, samples: 20 },
      { weights: trained.outputs.weights, images },
      "infer-seed",
    );
    const post = inferred.outputs.posteriors;
    expect(checkTable(post, POSTERIORS)).toEqual([]);
    expect(post.numRows).toBe(100); // test rows (i % 3 == 0) in fold 2 (i % 5 == 2)

    const mean = post.columns.mean as Float64Array;
    const truth = post.columns.m_true as Float64Array;
    const variance = post.columns.variance as Float64Array;
    let se = 0;
    for (let i = 0; i < mean.length; i++) se += (mean[i] - truth[i]) ** 2;
    const rmse = Math.sqrt(se / mean.length);
    // A uniform m on 13.5..15.5 has a spread of 0.58 dex; the peak position pins it down.
    expect(rmse).toBeLessThan(0.05);
    const { sigmaD2 } = readWeightsTable(parseModelName("1DPoint-d"), trained.outputs.weights);
    expect(sigmaD2).toBeGreaterThan(0);
    for (const v of variance) expect(v).toBeGreaterThan(sigmaD2);
  });

  it("train a 2D Class-d model on 48 x 48 images, infer normalised class posteriors", async () => {
    const rng = new Rng("2d");
    const n = 120;
    const image = new Float32Array(n * 2304);
    for (let i = 0; i < image.length; i++) image[i] = rng.uniform() / 2304;
    const images = makeTable({
      view_id: BigInt64Array.from({ length: n }, (_, i) => BigInt(i)),
      m: Float64Array.from({ length: n }, () => rng.range(13.5, 15)),
      fold: Int32Array.from({ length: n }, (_, i) => i % 2),
      set: Array.from({ length: n }, (_, i) => (i < 80 ? "train" : "test")),
      image: fixedList(2304, image),
    });
    const params = { model: "2DClass-d", fold: 1, epochs: 2, batch: 20 };
    const trained = await run(trainCnn, params, { images }, "2d-train");
    const loss = trained.outputs.curve.columns.loss as Float64Array;
    expect(loss.every(Number.isFinite)).toBe(true);
    const inferred = await run(
      inferCnn,
      { ...params, samples: 5 },
      { weights: trained.outputs.weights, images },
      "2d-infer",
    );
    const post = inferred.outputs.posteriors;
    expect(post.numRows).toBe(20);
    const probs = (post.columns.probs as { values: Float64Array }).values;
    for (let r = 0; r < post.numRows; r++) {
      let total = 0;
      for (let j = 0; j < 50; j++) total += probs[r * 50 + j];
      expect(total).toBeCloseTo(1, 9);
    }
    const mean = post.columns.mean as Float64Array;
    for (const m of mean) expect(m > 13 && m < 16).toBe(true);
  });

  it("reports a validation loss on test views flagged `validation` outside the fold", async () => {
    const images = peakImages(300, "validation");
    // Some of the test views (i % 3 == 0) are validation views.
    const flag = (i: number): number => (i % 3 === 0 && i % 7 < 3 ? 1 : 0);
    const validation = Uint8Array.from({ length: 300 }, (_, i) => flag(i));
    const flagged = makeTable({ ...images.columns, validation });
    const trained = await run(
      trainCnn,
      { model: "1DGauss", fold: 0, epochs: 4, batch: 50 },
      { images: flagged },
      "val-seed",
    );
    const valLoss = trained.outputs.curve.columns.val_loss as Float64Array;
    expect(valLoss.every(Number.isFinite)).toBe(true);
    expect(valLoss[3]).toBeLessThan(valLoss[0]);
    let expected = 0;
    for (let i = 0; i < 300; i++) expected += validation[i] === 1 && i % 5 !== 0 ? 1 : 0;
    expect(trained.notes.validation_rows).toBe(expected);
  });

  it("inference multiplies the pixels by the input scale the training used", async () => {
    const images = peakImages(900, "scaled");
    const params = { model: "1DPoint", fold: 2, epochs: 15, batch: 50, inputScale: 40 };
    const trained = await run(trainCnn, params, { images }, "scale-train");
    const spec = parseModelName("1DPoint");
    expect(readWeightsTable(spec, trained.outputs.weights).inputScale).toBe(40);
    const rmseOf = async (weights: Table): Promise<number> => {
      const inferred = await run(inferCnn, params, { weights, images }, "scale-infer");
      const mean = inferred.outputs.posteriors.columns.mean as Float64Array;
      const truth = inferred.outputs.posteriors.columns.m_true as Float64Array;
      let se = 0;
      for (let i = 0; i < mean.length; i++) se += (mean[i] - truth[i]) ** 2;
      return Math.sqrt(se / mean.length);
    };
    expect(await rmseOf(trained.outputs.weights)).toBeLessThan(0.08);
    // The same weights without their input_scale row see pixels 40x too small.
    const unscaled = withoutTensor(trained.outputs.weights, "input_scale");
    expect(await rmseOf(unscaled)).toBeGreaterThan(0.2);
  });

  it("refuses an input scale that is not positive", () => {
    const decode = Schema.decodeUnknownSync(trainCnn.params);
    expect(decode({}).inputScale).toBe(1);
    expect(() => decode({ inputScale: 0 })).toThrow(/positive input scale/);
    expect(() => decode({ inputScale: -2 })).toThrow(/positive input scale/);
  });

  it("rejects a model name outside Table 1 when decoding its parameters", () => {
    const decode = Schema.decodeUnknownSync(trainCnn.params);
    expect(decode({}).model).toBe("2DGauss-d");
    expect(() => decode({ model: "2DGauss-dd" })).toThrow();
  });

  it("refuses images of the wrong size for the model", async () => {
    const images = peakImages(20, "small");
    await expect(run(trainCnn, { model: "2DGauss", epochs: 1 }, { images }, "s")).rejects.toThrow(
      /2304 values/,
    );
  });
});

describe("the validation subsample", () => {
  it("keeps at most max of the accepted rows, evenly spaced", async () => {
    const { everyKth } = await import("../../src/nodes/ml/rows.ts");
    const even = (r: number) => r % 2 === 0;
    const keep = everyKth(100, even, 10);
    const kept = Array.from({ length: 100 }, (_, r) => r).filter(keep);
    expect(kept).toHaveLength(10);
    expect(kept.every(even)).toBe(true);
    expect(kept[kept.length - 1]).toBe(98);
    expect(everyKth(100, even, 0)).toBe(even);
    expect(everyKth(100, even, 60)).toBe(even);
  });

  it("selects a fold's rows as a copy with pixels below 1e-20 set to 0", async () => {
    const { foldRows, selectRows } = await import("../../src/nodes/ml/rows.ts");
    const images = peakImages(30, "select");
    const pixels = (images.columns.image as { values: Float32Array }).values;
    const at = 12 * 48; // row 12: fold 2, a test row
    pixels[at] = 1e-39; // a subnormal
    pixels[at + 1] = -3e-21; // a tiny normal value
    const { data, rows } = selectRows(images, parseModelName("1DPoint"), foldRows(images, 2).test);
    expect(Array.from(rows)).toEqual([12, 27]);
    expect(data.images[0]).toBe(0);
    expect(data.images[1]).toBe(0);
    expect(Array.from(data.images.subarray(2, 48))).toEqual(
      Array.from(pixels.subarray(at + 2, at + 48)),
    );
    expect(pixels[at]).toBe(Math.fround(1e-39)); // the table is left as it was
    const scaled = selectRows(images, parseModelName("1DPoint"), foldRows(images, 2).test, 4).data;
    expect(Array.from(scaled.images.subarray(2, 48))).toEqual(
      Array.from(pixels.subarray(at + 2, at + 48), (x) => Math.fround(x * 4)),
    );
  });
});
