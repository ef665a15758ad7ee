/**
 * Node kinds of the learning stage: `train.cnn` and `infer.cnn`.
 */
import { Schema } from "effect";

import {
  defineKind,
  f64,
  fixedList,
  i32,
  i64,
  int,
  list,
  makeTable,
  num,
  one,
  utf8,
  withDefault,
  type Table,
} from "../../kind/index.ts";
import { POSTERIORS } from "../schemas.ts";
import { initBackend } from "./backend.ts";
import { channelsOf, MODEL_NAMES, parseModelName, V_BINS, type ModelSpec } from "./model.ts";
import { predict, train, type Dataset } from "./train.ts";
import { readWeightsTable, WEIGHTS, weightsTable } from "./weights.ts";

const implementation = [
  import.meta.url,
  ...[
    "adam",
    "backend",
    "model",
    "ops",
    "posterior",
    "targets",
    "train",
    "wasm_kernels",
    "weights",
  ].map((f) => new URL(`./${f}.ts`, import.meta.url).href),
];

/** Rows of an images table that `keep` accepts, as a Dataset for `spec`. */
const selectRows = (
  images: Table,
  spec: ModelSpec,
  keep: (row: number) => boolean,
): { data: Dataset; rows: Int32Array } => {
  const image = list(images, "image");
  const size = V_BINS * channelsOf(spec);
  if (image.size !== size) {
    throw new Error(
      `model ${spec.name} needs images of ${size} values, the table has ${image.size}`,
    );
  }
  const m = f64(images, "m");
  const picked: number[] = [];
  for (let r = 0; r < images.numRows; r++) if (keep(r)) picked.push(r);
  const rows = Int32Array.from(picked);
  const values = new Float32Array(rows.length * size);
  rows.forEach((r, i) => values.set(image.values.subarray(r * size, (r + 1) * size), i * size));
  return { data: { images: values, size, m: Float64Array.from(rows, (r) => m[r]) }, rows };
};

/** A predicate keeping at most `max` of the rows `keep` accepts, evenly spaced (0: all). */
export const everyKth = (
  numRows: number,
  keep: (row: number) => boolean,
  max: number,
): ((row: number) => boolean) => {
  let total = 0;
  for (let r = 0; r < numRows; r++) if (keep(r)) total++;
  if (max <= 0 || total <= max) return keep;
  const chosen = new Set<number>();
  let seen = 0;
  for (let r = 0; r < numRows; r++) {
    if (!keep(r)) continue;
    // The i-th accepted row is taken when floor(i * max / total) advances.
    if (Math.floor(((seen + 1) * max) / total) > Math.floor((seen * max) / total)) chosen.add(r);
    seen++;
  }
  return (r) => chosen.has(r);
};

/** Which rows of an images table a fold trains on, validates on and tests on. */
const foldRows = (images: Table, fold: number) => {
  const set = utf8(images, "set");
  const folds = i32(images, "fold");
  // VIEWS flags validation hosts; imagesSchema does not carry the flag (yet).
  const flag = images.columns.validation;
  const validation = flag instanceof Uint8Array ? flag : undefined;
  return {
    train: (r: number) => set[r] === "train" && folds[r] !== fold,
    validation:
      validation === undefined
        ? undefined
        : (r: number) => set[r] === "test" && folds[r] !== fold && validation[r] === 1,
    test: (r: number) => set[r] === "test" && folds[r] === fold,
  };
};

/** One of the twelve names of Table 1, checked when the spec is read. */
const modelName = Schema.Literals(MODEL_NAMES).pipe(withDefault("2DGauss-d"));

export const trainCnn = defineKind({
  name: "train.cnn",
  version: 1,
  weight: "heavy",
  implementation,
  doc:
    "Trains one of the twelve CNNs of Ho et al. (2021) on the training views outside `fold`. " +
    "Outputs the weights (long format, see weights.ts) and the loss per epoch; the validation " +
    "loss too when the images carry VIEWS' `validation` flag.",
  params: Schema.Struct({
    model: modelName,
    fold: int(0),
    epochs: int(40),
    batch: int(100),
    lr: num(1e-3),
    l2: num(1e-4),
    dropout: num(0.1),
    /**
     * At most this many validation views, evenly spaced, for the per-epoch
     * validation loss. At full size the validation hosts have ~23,000 views,
     * twice the training set: evaluating all of them every epoch would cost
     * more than the training. 0 means all.
     */
    validationMax: int(2000),
  }),
  inputs: { images: { doc: "KDE images (kde.images1d or kde.images2d)" } },
  outputs: {
    weights: WEIGHTS,
    curve: [
      { name: "epoch", type: "i32" },
      { name: "loss", type: "f64", doc: "mean training loss of the epoch, data + L2" },
      {
        name: "val_loss",
        type: "f64",
        doc: "data loss on the validation views, dropout off; NaN when the images lack them",
      },
    ],
  },
  run: async (ctx) => {
    const p = ctx.params;
    const spec = parseModelName(p.model);
    const backend = await initBackend();
    ctx.note("backend", backend.detail);
    const images = one(ctx, "images");
    const rows = foldRows(images, p.fold);
    const { data } = selectRows(images, spec, rows.train);
    ctx.note("training_rows", data.m.length);
    const validation =
      rows.validation === undefined
        ? undefined
        : selectRows(images, spec, everyKth(images.numRows, rows.validation, p.validationMax)).data;
    if (validation !== undefined) ctx.note("validation_rows", validation.m.length);
    const result = train(
      spec,
      data,
      {
        epochs: p.epochs,
        batch: p.batch,
        lr: p.lr,
        l2: p.l2,
        dropout: p.dropout,
        onEpoch: (epoch) => ctx.progress((epoch + 1) / p.epochs, `epoch ${epoch + 1}`),
      },
      ctx.rng,
      validation,
    );
    ctx.note("samples_per_second", Math.round(result.samplesPerSecond));
    if (spec.head === "Point") ctx.note("sigma_d2", result.trainingMse);
    return {
      weights: weightsTable(spec, result.weights, result.trainingMse),
      curve: makeTable({
        epoch: Int32Array.from({ length: p.epochs }, (_, i) => i),
        loss: result.loss,
        val_loss: result.valLoss,
      }),
    };
  },
});

export const inferCnn = defineKind({
  name: "infer.cnn",
  version: 1,
  weight: "heavy",
  implementation,
  doc:
    "Posteriors (Table A1 of Ho et al. 2021) of the test views in `fold`; '-d' models " +
    "average T = `samples` dropout evaluations.",
  params: Schema.Struct({
    model: modelName,
    fold: int(0),
    samples: int(100),
    dropout: num(0.1),
  }),
  inputs: {
    weights: { table: "weights", doc: "train.cnn weights" },
    images: { doc: "KDE images" },
  },
  outputs: { posteriors: POSTERIORS },
  run: async (ctx) => {
    const p = ctx.params;
    const spec = parseModelName(p.model);
    const backend = await initBackend();
    ctx.note("backend", backend.detail);
    const images = one(ctx, "images");
    const { weights, sigmaD2 } = readWeightsTable(spec, one(ctx, "weights"));
    const { data, rows } = selectRows(images, spec, foldRows(images, p.fold).test);
    const started = performance.now();
    const posterior = predict(
      spec,
      weights,
      data,
      {
        samples: p.samples,
        dropout: p.dropout,
        sigmaD2,
        onSample: (t) => ctx.progress((t + 1) / p.samples),
      },
      ctx.rng,
    );
    const seconds = (performance.now() - started) / 1000;
    const passes = rows.length * (spec.dropout ? p.samples : 1);
    ctx.note("rows", rows.length);
    ctx.note("forward_passes_per_second", Math.round(passes / Math.max(seconds, 1e-9)));
    const viewId = i64(images, "view_id");
    return {
      posteriors: makeTable({
        view_id: BigInt64Array.from(rows, (r) => viewId[r]),
        m_true: data.m,
        fold: new Int32Array(rows.length).fill(p.fold),
        mean: posterior.mean,
        variance: posterior.variance,
        probs: fixedList(50, posterior.probs),
      }),
    };
  },
});
