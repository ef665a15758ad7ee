/**
 * The `infer.cnn` node kind: Table A1 posteriors of one fold's test views.
 */
import { Schema } from "effect";

import { defineKind, fixedList, i64, int, makeTable, num, one } from "../../kind/index.ts";
import { POSTERIORS } from "../schemas.ts";
import { initBackend } from "./backend.ts";
import { predict } from "./infer.ts";
import { parseModelName } from "./model.ts";
import { foldRows, implementationOf, modelName, selectRows } from "./rows.ts";
import { readWeightsTable } from "./weights.ts";

const implementation = implementationOf(import.meta.url, [
  "backend",
  "infer",
  "model",
  "posterior",
  "rows",
  "targets",
  "wasm_kernels",
  "weights",
]);

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
    const { weights, sigmaD2, inputScale } = readWeightsTable(spec, one(ctx, "weights"));
    const { data, rows } = selectRows(images, spec, foldRows(images, p.fold).test, inputScale);
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
