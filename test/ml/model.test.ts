import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import { initBackend } from "../../src/nodes/ml/backend.ts";
import {
  MODEL_NAMES,
  MaskStream,
  applyDropout,
  forward,
  initialParams,
  paramShapes,
  parseModelName,
  toVariables,
  withoutTiny,
} from "../../src/nodes/ml/model.ts";
import { biasActivation } from "../../src/nodes/ml/ops.ts";
import { train } from "../../src/nodes/ml/train.ts";
import { predict } from "../../src/nodes/ml/infer.ts";

const parameterCount = (name: string): number =>
  paramShapes(parseModelName(name)).reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);

const randomImages = (n: number, size: number, seed: string): Float32Array => {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * size }, () => rng.uniform() / size);
};

describe("the twelve models", () => {
  beforeAll(async () => {
    await initBackend("wasm");
  });

  it("names the twelve models of Table 1", () => {
    expect(MODEL_NAMES).toHaveLength(12);
    expect(parseModelName("2DClass-d")).toEqual({
      name: "2DClass-d",
      dim: 2,
      head: "Class",
      dropout: true,
    });
    expect(parseModelName("1DPoint")).toMatchObject({ dim: 1, head: "Point", dropout: false });
    expect(() => parseModelName("3DPoint")).toThrow(/unknown model/);
  });

  it("has about 71k parameters in 1D and 76k in 2D (SCIENCE.md 4)", () => {
    // conv1 5*C*24+24, conv2 3*24*10+10, dense 480*128+128, 128*64+64, head 64*k+k
    expect(parameterCount("1DPoint")).toBe(144 + 730 + 61568 + 8256 + 65);
    expect(parameterCount("2DPoint")).toBe(5784 + 730 + 61568 + 8256 + 65);
    expect(parameterCount("2DClass-d")).toBe(5784 + 730 + 61568 + 8256 + 3250);
  });

  it("the fused bias-ReLU-dropout op has the gradient of its unfused form", () => {
    const rng = new Rng("fused");
    const zv = Float32Array.from({ length: 6 * 4 }, () => rng.normal());
    const bv = Float32Array.from({ length: 4 }, () => rng.normal());
    const mask = new MaskStream(rng).fill(new Float32Array(24), 0.3);
    const w = Float32Array.from({ length: 24 }, () => rng.normal());
    const grads = (fused: boolean) =>
      tf.tidy(() => {
        const g = tf.grads((z: tf.Tensor, b: tf.Tensor) => {
          const y = fused
            ? biasActivation(z, b, true, mask)
            : tf.mul(tf.relu(tf.add(z, b)), tf.tensor2d(mask, [6, 4]));
          return tf.sum(tf.mul(y, tf.tensor2d(w, [6, 4])));
        });
        return g([tf.tensor2d(zv, [6, 4]), tf.tensor1d(bv)]).map((t) => Array.from(t.dataSync()));
      });
    const [dzFused, dbFused] = grads(true);
    const [dz, db] = grads(false);
    dzFused.forEach((v, i) => expect(v).toBeCloseTo(dz[i], 5));
    dbFused.forEach((v, i) => expect(v).toBeCloseTo(db[i], 5));
  });

  it("draws dropout masks at rate p with the surviving units scaled by 1/(1-p)", () => {
    const values = new MaskStream(new Rng("rate")).fill(new Float32Array(200_000), 0.1);
    const dropped = values.filter((v) => v === 0).length / values.length;
    expect(dropped).toBeGreaterThan(0.097);
    expect(dropped).toBeLessThan(0.103);
    expect(values.find((v) => v !== 0)).toBeCloseTo(1 / 0.9, 6);
  });

  it("drops input pixels and draws hidden masks only for '-d' models", () => {
    const images = new Float32Array(40 * 48).fill(1);
    const stream = new MaskStream(new Rng("input-drop"));
    expect(applyDropout(parseModelName("1DGauss"), images, 0.1, stream)).toBeNull();
    expect(images.every((v) => v === 1)).toBe(true);
    const masks = applyDropout(parseModelName("1DGauss-d"), images, 0.1, stream);
    const sizes = masks!.hidden.map((m) => m.length);
    expect(sizes).toEqual([40 * 48 * 24, 40 * 48 * 10, 40 * 128, 40 * 64]);
    const dropped = images.filter((v) => v === 0).length;
    expect(dropped).toBeGreaterThan(120); // of 1920 pixels, 192 expected
    expect(dropped).toBeLessThan(270);
    expect(images.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.9) < 1e-6)).toBe(true);
  });

  it("keeps dropout on at inference for '-d' models: the T samples differ", () => {
    const spec = parseModelName("1DPoint-d");
    const params = toVariables(spec, initialParams(spec, new Rng("mc")));
    const images = randomImages(5, 48, "mc-images");
    const stream = new MaskStream(new Rng("mc-masks"));
    const outputs = [0, 1].map(() =>
      tf.tidy(() => {
        const dropped = images.slice();
        const m = applyDropout(spec, dropped, 0.1, stream);
        const x = tf.tensor2d(dropped, [5, 48]);
        return Array.from(forward(spec, params, x, m).dataSync());
      }),
    );
    expect(outputs[0]).not.toEqual(outputs[1]);
    params.forEach((v) => v.dispose());
  });

  it("MC-dropout posteriors add variance over T samples for '-d', none without dropout", () => {
    const rows = 6;
    const images = randomImages(rows, 48, "var");
    const data = { images, size: 48, m: new Float64Array(rows).fill(14) };
    const options = { samples: 20, dropout: 0.1, sigmaD2: 0 };
    const cases = [
      ["1DPoint-d", true],
      ["1DPoint", false],
      ["1DGauss-d", true],
    ] as const;
    for (const [name, spread] of cases) {
      const spec = parseModelName(name);
      const weights = initialParams(spec, new Rng("var-weights"));
      const point = predict(spec, weights, data, options, new Rng("var-mc"));
      if (spec.head === "Gauss") {
        // Gauss-d's variance exceeds the mean aleatoric part alone; compare with T = 1.
        const single = predict(spec, weights, data, { ...options, samples: 1 }, new Rng("var-mc"));
        expect(point.mean).not.toEqual(single.mean);
        continue;
      }
      for (let r = 0; r < rows; r++) {
        if (spread) expect(point.variance[r]).toBeGreaterThan(0);
        else expect(point.variance[r]).toBe(0);
      }
    }
  });

  it("trains to the same weights from the same seed, and to others from another", () => {
    const spec = parseModelName("1DGauss-d");
    const rows = 150;
    const rng = new Rng("det-data");
    const data = {
      images: randomImages(rows, 48, "det"),
      size: 48,
      m: Float64Array.from({ length: rows }, () => rng.range(13.5, 15.5)),
    };
    const options = { epochs: 2, batch: 50, lr: 1e-3, l2: 1e-4, dropout: 0.1 };
    const a = train(spec, data, options, new Rng("seed-1"));
    const b = train(spec, data, options, new Rng("seed-1"));
    const c = train(spec, data, options, new Rng("seed-2"));
    for (const [name, values] of a.weights) expect(b.weights.get(name)).toEqual(values);
    expect(c.weights.get("dense1.kernel")).not.toEqual(a.weights.get("dense1.kernel"));
    expect(Array.from(a.loss)).toEqual(Array.from(b.loss));
  });

  it("trains on pixels below 1e-20 as on exact zeros, leaving the caller's images alone", () => {
    const spec = parseModelName("2DPoint-d");
    const rows = 60;
    const rng = new Rng("tiny-data");
    const clean = randomImages(rows, 2304, "tiny");
    const tiny = clean.slice();
    const zeros = clean.slice();
    for (let i = 0; i < tiny.length; i += 5) {
      tiny[i] = i % 2 === 0 ? 1e-39 : -3e-21; // a subnormal and a tiny normal value
      zeros[i] = 0;
    }
    const m = Float64Array.from({ length: rows }, () => rng.range(13.5, 15.5));
    const options = { epochs: 1, batch: 30, lr: 1e-3, l2: 1e-4, dropout: 0.1 };
    const a = train(spec, { images: tiny, size: 2304, m }, options, new Rng("s"));
    const b = train(spec, { images: zeros, size: 2304, m }, options, new Rng("s"));
    for (const [name, values] of a.weights) expect(b.weights.get(name)).toEqual(values);
    expect(tiny[0]).toBe(Math.fround(1e-39)); // the caller's images are left as they were
  });

  it("copies an array to flush tiny values only when it holds some", () => {
    const plain = Float32Array.of(0, 0.5, -2, 1e-19);
    expect(withoutTiny(plain)).toBe(plain);
    const tiny = Float32Array.of(0, 1e-39, -5e-21, 0.5);
    const flushed = withoutTiny(tiny);
    expect(Array.from(flushed)).toEqual([0, 0, 0, 0.5]);
    expect(tiny[1]).toBe(Math.fround(1e-39));
  });
});
