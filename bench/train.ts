/**
 * Training throughput of the twelve models on the WASM backend, one thread,
 * and a per-kernel profile of one training step.
 *
 *   node bench/train.ts [rows=2000] [epochs=3] [model to profile=2DGauss-d] [models...]
 *
 * Images are random (the cost of a step does not depend on the values).
 * Prints samples/s per model, MC-dropout inference speed, then the
 * kernels of one warm training step by time.
 */
import * as tf from "@tensorflow/tfjs";

import { Rng } from "../src/kind/index.ts";
import { initBackend } from "../src/nodes/ml/backend.ts";
import { MODEL_NAMES, parseModelName } from "../src/nodes/ml/model.ts";
import { Trainer, type Dataset } from "../src/nodes/ml/train.ts";
import { predict } from "../src/nodes/ml/infer.ts";

const rows = Number(process.argv[2] ?? 2000);
const epochs = Number(process.argv[3] ?? 3);
const profiled = process.argv[4] ?? "2DGauss-d";
const models: readonly string[] = process.argv.length > 5 ? process.argv.slice(5) : MODEL_NAMES;

const backend = await initBackend("wasm", 1);
console.log(`backend: ${backend.detail}; ${rows} rows x ${epochs} epochs, batch 100`);

const dataset = (dim: 1 | 2, n: number): Dataset => {
  const rng = new Rng(`bench-${dim}`);
  const size = dim === 1 ? 48 : 48 * 48;
  const images = new Float32Array(n * size);
  for (let i = 0; i < images.length; i++) images[i] = rng.uniform();
  const m = new Float64Array(n);
  for (let i = 0; i < n; i++) m[i] = rng.range(13.5, 15.5);
  return { images, size, m };
};
const data = { 1: dataset(1, rows), 2: dataset(2, rows) };
const options = { epochs, batch: 100, lr: 1e-3, l2: 1e-4, dropout: 0.1 };

// Per model: every epoch timed on its own. The machine this was written on is
// shared, so the best epoch is the fairest estimate of one free core; the mean
// (wall clock and process CPU time, which includes V8's helper threads) is
// printed beside it.
for (const name of models) {
  const spec = parseModelName(name);
  const trainer = new Trainer(spec, data[spec.dim], options, new Rng(name));
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  let best = 0;
  for (let e = 0; e < epochs; e++) {
    const t = performance.now();
    trainer.epoch();
    best = Math.max(best, rows / ((performance.now() - t) / 1000));
  }
  const wall = (performance.now() - wallBefore) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  trainer.dispose();
  const rate = (x: number) => x.toFixed(0).padStart(6);
  console.log(
    `${name.padEnd(10)} best epoch ${rate(best)} samples/s; mean ${rate((rows * epochs) / wall)} ` +
      `wall, ${rate((rows * epochs) / cpuSeconds)} per CPU-second`,
  );
}

const spec = parseModelName(profiled);
const trainer = new Trainer(spec, data[spec.dim], options, new Rng("profile"));

// MC-dropout inference: forward passes per second (rows x T samples).
const samples = 5;
const inferStart = performance.now();
const mcOptions = { samples, dropout: 0.1, sigmaD2: 0 };
predict(spec, trainer.currentWeights(), data[spec.dim], mcOptions, new Rng("mc"));
const passes = rows * (spec.dropout ? samples : 1);
const inferRate = passes / ((performance.now() - inferStart) / 1000);
console.log(`\n${profiled} inference: ${inferRate.toFixed(0)} forward passes/s (${rows} rows x T)`);
const order = Int32Array.from({ length: 100 }, (_, i) => i);
for (let i = 0; i < 5; i++) trainer.step(order, 0, 100);
const steps = 20;
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
for (let i = 0; i < steps; i++) trainer.step(order, 0, 100);
const stepMs = (performance.now() - wallBefore) / steps;
const cpuUsed = process.cpuUsage(cpuBefore);
const stepCpuMs = (cpuUsed.user + cpuUsed.system) / 1000 / steps;
const profile = await tf.profile(() => {
  trainer.step(order, 0, 100);
});
trainer.dispose();
const byKernel = new Map<string, { calls: number; ms: number }>();
for (const k of profile.kernels) {
  const e = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
  e.calls++;
  e.ms += k.kernelTimeMs as number;
  byKernel.set(k.name, e);
}
const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
console.log(
  `\n${profiled}, one warm step of batch 100: ${stepMs.toFixed(2)} ms wall, ` +
    `${stepCpuMs.toFixed(2)} ms CPU; profiled step: ${profile.kernels.length} kernels, ` +
    `${total.toFixed(2)} ms in kernels (the rest is JS: masks, gathering, bias/ReLU/mask loops, Adam)`,
);
for (const [name, e] of [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
  if (e.ms < 0.01) continue;
  const calls = String(e.calls).padStart(4);
  console.log(`${name.padEnd(24)} ${calls} calls ${e.ms.toFixed(3).padStart(8)} ms`);
}
