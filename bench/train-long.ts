/**
 * Training speed epoch by epoch on real KDE images, to see slow-downs that
 * appear only late in training (subnormal weights, see adam.ts).
 *
 *   node bench/train-long.ts IMAGES.parquet [epochs=30] [model=1DPoint] [rows=10000]
 *
 * IMAGES.parquet: a kde.images1d/2d output from a cache, e.g. the object
 * named in `dag show experiments/paper.yaml kde/1d/train`'s record
 * (.dag/objects/ab/<hash>.parquet). Prints samples/s per epoch and, at the
 * end, how many weights of each tensor are zero, subnormal or below 1e-20.
 */
import fs from "node:fs";

import { decodeParquet } from "../src/cache/parquet.ts";
import { f64, list, Rng } from "../src/kind/index.ts";
import { initBackend } from "../src/nodes/ml/backend.ts";
import { parseModelName } from "../src/nodes/ml/model.ts";
import { Trainer } from "../src/nodes/ml/train.ts";

const [file, epochsArg = "30", model = "1DPoint", rowsArg = "10000"] = process.argv.slice(2);
if (file === undefined)
  throw new Error("usage: node bench/train-long.ts IMAGES.parquet [epochs] [model] [rows]");
const backend = await initBackend("wasm", 1);
const { table } = decodeParquet(new Uint8Array(fs.readFileSync(file)));
const image = list(table, "image");
const n = Math.min(Number(rowsArg), table.numRows);
const data = {
  images: image.values.slice(0, n * image.size) as Float32Array,
  size: image.size,
  m: f64(table, "m").slice(0, n),
};
const options = { epochs: Number(epochsArg), batch: 100, lr: 1e-3, l2: 1e-4, dropout: 0.1 };
const trainer = new Trainer(parseModelName(model), data, options, new Rng("train-long"));
console.log(`${backend.detail}; ${model}, ${n} rows`);
const rates: string[] = [];
for (let e = 0; e < options.epochs; e++) {
  const t = performance.now();
  trainer.epoch();
  rates.push(((n / (performance.now() - t)) * 1000).toFixed(0));
}
console.log(`samples/s by epoch: ${rates.join(" ")}`);
for (const [name, w] of trainer.currentWeights()) {
  let zero = 0;
  let subnormal = 0;
  let tiny = 0;
  for (const x of w) {
    const a = Math.abs(x);
    if (a === 0) zero++;
    else if (a < 1.1754944e-38) subnormal++;
    else if (a < 1e-20) tiny++;
  }
  console.log(
    `${name.padEnd(14)} ${String(w.length).padStart(6)} zero ${zero} subnormal ${subnormal} below 1e-20 ${tiny}`,
  );
}
trainer.dispose();
