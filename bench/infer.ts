/**
 * MC-dropout inference speed on the WASM backend, one thread: forward passes
 * per second of `predict` (infer.ts: T networks shared by the rows, dense
 * masks folded into the kernels, fused ops) beside the per-row-mask path the
 * training code uses (train.ts `outputs`, masks drawn for every row and pass).
 *
 *   node bench/infer.ts [rows=2000] [samples=5] [models...]
 */
import { Rng } from "../src/kind/index.ts";
import { initBackend } from "../src/nodes/ml/backend.ts";
import { predict } from "../src/nodes/ml/infer.ts";
import { initialParams, MaskStream, parseModelName, toVariables } from "../src/nodes/ml/model.ts";
import { outputs, type Dataset } from "../src/nodes/ml/train.ts";

const rows = Number(process.argv[2] ?? 2000);
const samples = Number(process.argv[3] ?? 5);
const models = process.argv.length > 4 ? process.argv.slice(4) : ["1DGauss-d", "2DGauss-d"];

const backend = await initBackend("wasm", 1);
console.log(`backend: ${backend.detail}; ${rows} rows x T = ${samples}`);

const dataset = (dim: 1 | 2, n: number): Dataset => {
  const rng = new Rng(`bench-${dim}`);
  const size = dim === 1 ? 48 : 48 * 48;
  const images = new Float32Array(n * size);
  for (let i = 0; i < images.length; i++) images[i] = rng.uniform() / size;
  return { images, size, m: new Float64Array(n).fill(14) };
};

for (const name of models) {
  const spec = parseModelName(name);
  const data = dataset(spec.dim, rows);
  const weights = initialParams(spec, new Rng(name));
  const options = { samples, dropout: 0.1, sigmaD2: 0 };
  predict(spec, weights, data, { ...options, samples: 1 }, new Rng("warm"));
  let t0 = performance.now();
  predict(spec, weights, data, options, new Rng("bench"));
  const fused = (rows * samples) / ((performance.now() - t0) / 1000);

  const params = toVariables(spec, weights);
  const stream = new MaskStream(new Rng("per-row"));
  outputs(spec, params, data, 0.1, stream);
  t0 = performance.now();
  for (let t = 0; t < samples; t++) outputs(spec, params, data, 0.1, stream);
  const perRow = (rows * samples) / ((performance.now() - t0) / 1000);
  for (const v of params.values()) v.dispose();
  console.log(
    `${name.padEnd(10)} predict ${fused.toFixed(0).padStart(7)} passes/s; ` +
      `per-row masks ${perRow.toFixed(0).padStart(7)} passes/s (${(fused / perRow).toFixed(2)}x)`,
  );
}
