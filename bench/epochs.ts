/**
 * Test scatter as training goes on: trains one model on one fold's training
 * views as `train.cnn` does and, every few epochs, predicts the fold's test
 * views with 14 <= m_true <= 15 and prints sigma_eps, the median residual
 * and the 16-84 EPR, the same on the training views in that range, and the
 * validation loss train.cnn records, so that over-fitting shows (validation
 * loss rising, training scatter falling below the test scatter).
 *
 *   node bench/epochs.ts TRAIN.parquet TEST.parquet [model=2DClass] [fold=0]
 *                        [epochs=40] [every=5] [seed=epochs] [T=20] [scale=1]
 *
 * TRAIN.parquet, TEST.parquet: the kde.images2d (or 1d) outputs `kde/2d/train`
 * and `kde/2d/test/fold-F` of a cache (their objects are named in
 * `dag show SPEC NODE`). The seed is a label: different labels give
 * different initial weights, shuffles and masks, as different node keys do.
 * `scale` multiplies every pixel of both sets (an experiment on the input
 * scale: a 2D image sums to 1 over 2,304 pixels, so its pixels are ~50x
 * smaller than a 1D image's). For diagnosis only: nothing here feeds the
 * reported results.
 */
import fs from "node:fs";

import { decodeParquet } from "../src/cache/parquet.ts";
import { f64, Rng, type Table } from "../src/kind/index.ts";
import { initBackend } from "../src/nodes/ml/backend.ts";
import { predict } from "../src/nodes/ml/infer.ts";
import { paramShapes, parseModelName } from "../src/nodes/ml/model.ts";
import { everyKth, foldRows, selectRows } from "../src/nodes/ml/rows.ts";
import { Trainer, type Dataset } from "../src/nodes/ml/train.ts";
import { empiricalPercentileRange } from "../src/nodes/metrics/calibration.ts";
import { posteriorCdf, posteriorOf } from "../src/nodes/metrics/posterior.ts";
import { moments, quantile } from "../src/nodes/metrics/stats.ts";
import { TABLE2_RANGE } from "../src/nodes/metrics/table2.ts";

const args = process.argv.slice(2);
const [trainFile, testFile] = args;
if (trainFile === undefined || testFile === undefined) {
  throw new Error(
    "usage: node bench/epochs.ts TRAIN.parquet TEST.parquet [model] [fold] [epochs] [every] [seed] [T] [scale]",
  );
}
const model = args[2] ?? "2DClass";
const fold = Number(args[3] ?? 0);
const epochs = Number(args[4] ?? 40);
const every = Number(args[5] ?? 5);
const seed = args[6] ?? "epochs";
const samples = Number(args[7] ?? 20);
const scale = Number(args[8] ?? 1);

const backend = await initBackend("wasm", 1);
const spec = parseModelName(model);
const read = (file: string) => decodeParquet(new Uint8Array(fs.readFileSync(file))).table;
const trainImages = read(trainFile);
const testImages = read(testFile);
const rows = (images: Table, keep: (r: number) => boolean, max = 0): Dataset =>
  selectRows(images, spec, everyKth(images.numRows, keep, max), scale).data;
/** `keep` narrowed to the views with 14 <= m_true <= 15, as Table 2 reads. */
const inRange = (images: Table, keep: (r: number) => boolean) => {
  const m = f64(images, "m");
  const { mMin, mMax } = TABLE2_RANGE;
  return (r: number) => keep(r) && m[r] >= mMin && m[r] <= mMax;
};
const split = foldRows(trainImages, fold);
const train = rows(trainImages, split.train);
const validation = split.validation && rows(trainImages, split.validation, 2000);
const test = rows(testImages, inRange(testImages, foldRows(testImages, fold).test));
const trainInRange = rows(trainImages, inRange(trainImages, split.train));
console.log(
  `${backend.detail}; ${model} fold ${fold} seed "${seed}": ${train.m.length} training rows, ` +
    `${validation?.m.length ?? 0} validation rows (as train.cnn), ${test.m.length} test and ` +
    `${trainInRange.m.length} training views with 14 <= m <= 15, T = ${samples}, pixels x ${scale}`,
);

const options = { epochs, batch: 100, lr: 1e-3, l2: 1e-4, dropout: 0.1 };
const trainer = new Trainer(spec, train, options, new Rng(seed));
/** sigma_eps, median eps and the 16-84 EPR of the Table A1 posteriors of `d`. */
const scores = (d: Dataset): string => {
  const sigmaD2 = spec.head === "Point" ? trainer.trainingMse() : 0;
  const mc = { samples, dropout: options.dropout, sigmaD2 };
  const post = predict(spec, trainer.currentWeights(), d, mc, new Rng(`${seed}-mc`));
  const eps = Float64Array.from(d.m, (m, i) => post.mean[i] - m);
  const ri = Float64Array.from(d.m, (m, i) => {
    const probs = spec.head === "Class" ? post.probs.subarray(i * 50, i * 50 + 50) : undefined;
    return posteriorCdf(posteriorOf(post.mean[i], post.variance[i], probs), m);
  });
  const sigma = moments(eps).std.toFixed(3);
  const median = quantile(eps, 0.5).toFixed(3).padStart(6);
  return `${sigma} ${median} ${empiricalPercentileRange(ri, 0.16, 0.84).toFixed(3)}`;
};
console.log(
  "epoch  train loss  val loss   test: sigma median EPR16-84   training views: sigma median EPR",
);
for (let e = 1; e <= epochs; e++) {
  const loss = trainer.epoch();
  if (e % every !== 0 && e !== 1) continue;
  const val = validation === undefined ? Number.NaN : trainer.loss(validation);
  console.log(
    `${String(e).padStart(5)}  ${loss.toFixed(4).padStart(10)}  ${val.toFixed(4).padStart(8)}` +
      `   ${scores(test)}          ${scores(trainInRange)}`,
  );
}
// Dead units: those whose incoming weights are all exactly 0 (a ReLU that
// never fires gets only the L2 decay, and Adam's flush sets its weights to 0).
const dead = [...trainer.currentWeights()]
  .filter(([name]) => name.endsWith(".kernel") && !name.startsWith("head"))
  .map(([name, w]) => {
    const units = w.length / paramShapes(spec).find((p) => p.name === name)!.fanIn;
    let count = 0;
    for (let u = 0; u < units; u++) {
      let live = false;
      for (let i = u; i < w.length && !live; i += units) live = w[i] !== 0;
      if (!live) count++;
    }
    return `${name.replace(".kernel", "")} ${count}/${units}`;
  });
console.log(`dead units: ${dead.join(", ")}`);
trainer.dispose();
