/**
 * The `train.cnn` node kind: one of the twelve models trained on one fold.
 *
 * Its implementation (hashed into every training key) lists only the files
 * training runs, so that work on inference does not retrain the models.
 */
import { Schema } from "effect";

import { defineKind, i32, int, makeTable, num, one, withDefault } from "../../kind/index.ts";
import { initBackend } from "./backend.ts";
import { parseModelName } from "./model.ts";
import { everyKth, foldRows, implementationOf, modelName, selectRows } from "./rows.ts";
import { train } from "./train.ts";
import { WEIGHTS, weightsTable } from "./weights.ts";

const implementation = implementationOf(import.meta.url, [
  "adam",
  "backend",
  "model",
  "ops",
  "rows",
  "step",
  "targets",
  "train",
  "wasm_kernels",
  "weights",
]);

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
    /**
     * Every pixel is multiplied by this before the network sees it, in
     * training and (through the weights table) in inference. 1 keeps the
     * images as SCIENCE.md defines them (each sums to 1), which leaves a 2D
     * image's pixels ~50x smaller than a 1D image's; docs/results.md shows
     * what 100 does to the 2D models.
     */
    inputScale: Schema.Finite.check(
      Schema.isGreaterThan(0, { expected: "a positive input scale" }),
    ).pipe(withDefault(1)),
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
    const { data } = selectRows(images, spec, rows.train, p.inputScale);
    ctx.note("training_rows", data.m.length);
    const validation =
      rows.validation === undefined
        ? undefined
        : selectRows(
            images,
            spec,
            everyKth(images.numRows, rows.validation, p.validationMax),
            p.inputScale,
          ).data;
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
      weights: weightsTable(spec, result.weights, result.trainingMse, p.inputScale),
      curve: makeTable({
        epoch: Int32Array.from({ length: p.epochs }, (_, i) => i),
        loss: result.loss,
        val_loss: result.valLoss,
      }),
    };
  },
});
