/**
 * Test scatter as training goes on: trains one model on one fold's training
 * views as `train.cnn` does and, every few epochs, predicts the fold's test
 * views with 14 <= m_true <= 15 and prints sigma_eps, the median residual
 * and the same on (a sample of) the training views, so that over-fitting
 * (test scatter rising while the training scatter falls) shows.
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
import { Rng } from "../src/kind/index.ts";
import { initBackend } from "../src/nodes/ml/backend.ts";
import { predict } from "../src/nodes/ml/infer.ts";
import { paramShapes, parseModelName } from "../src/nodes/ml/model.ts";
import { foldRows, selectRows } from "../src/nodes/ml/rows.ts";
import { Trainer, type Dataset } from "../src/nodes/ml/train.ts";
import { moments, quantile } from "../src/nodes/metrics/stats.ts";

const args = process.argv.slice(2);
const [trainFile, testFile] = args;
if (trainFile === undefined || testFile === undefined) {
  throw new Error(
    "usage: node bench/epochs.ts TRAIN.parquet TEST.parquet [model] [fold] [epochs] [every] [seed] [T]",
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
const train = selectRows(trainImages, spec, foldRows(trainImages, fold).train).data;
const inRange = (d: Dataset): Dataset => {
  const keep: number[] = [];
  for (let i = 0; i < d.m.length; i++) if (d.m[i] >= 14 && d.m[i] <= 15) keep.push(i);
  const images = new Float32Array(keep.length * d.size);
  keep.forEach((r, i) => images.set(d.images.subarray(r * d.size, (r + 1) * d.size), i * d.size));
  return { images, size: d.size, m: Float64Array.from(keep, (r) => d.m[r]) };
};
const test = inRange(selectRows(testImages, spec, foldRows(testImages, fold).test).data);
if (scale !== 1)
  for (const d of [train, test]) for (let i = 0; i < d.images.length; i++) d.images[i] *= scale;
const trainInRange = inRange(train);
console.log(
  `${backend.detail}; ${model} fold ${fold} seed "${seed}": ${train.m.length} training rows, ` +
    `${test.m.length} test and ${trainInRange.m.length} training views with 14 <= m <= 15, T = ${samples}, pixels x ${scale}`,
);

const options = { epochs, batch: 100, lr: 1e-3, l2: 1e-4, dropout: 0.1 };
const trainer = new Trainer(spec, train, options, new Rng(seed));
const scatter = (d: Dataset): string => {
  // sigma_D^2 only widens Point posteriors; the means, which are all this reads, ignore it.
  const mc = { samples, dropout: options.dropout, sigmaD2: 0 };
  const posterior = predict(spec, trainer.currentWeights(), d, mc, new Rng(`${seed}-mc`));
  const eps = Float64Array.from(d.m, (m, i) => posterior.mean[i] - m);
  return `sigma ${moments(eps).std.toFixed(3)} median ${quantile(eps, 0.5).toFixed(3)}`;
};
console.log("epoch  train loss  test (14-15)                  training views (14-15)");
for (let e = 1; e <= epochs; e++) {
  const loss = trainer.epoch();
  if (e % every !== 0 && e !== 1) continue;
  console.log(
    `${String(e).padStart(5)}  ${loss.toFixed(4).padStart(10)}  ${scatter(test)}   ${scatter(trainInRange)}`,
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
