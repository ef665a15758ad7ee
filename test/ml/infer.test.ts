import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { Rng } from "../../src/kind/index.ts";
import { initBackend } from "../../src/nodes/ml/backend.ts";
import { predict } from "../../src/nodes/ml/infer.ts";
import {
  MaskStream,
  V_BINS,
  channelsOf,
  forward,
  initialParams,
  parseModelName,
  toVariables,
} from "../../src/nodes/ml/model.ts";
import { unscaleMass, unscaleVariance } from "../../src/nodes/ml/targets.ts";

const N = 7;

/** Float32 networks: agreement to a relative 1e-5. */
const expectClose = (actual: number, expected: number): void => {
  expect(Math.abs(actual - expected)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected)));
};

const setup = (name: string) => {
  const spec = parseModelName(name);
  const size = V_BINS * channelsOf(spec);
  const rng = new Rng(`infer-${name}`);
  const images = Float32Array.from({ length: N * size }, () => rng.uniform() / 8);
  const weights = initialParams(spec, new Rng(`weights-${name}`));
  // Larger biases than Glorot's zeros, so that folding a mask into a bias matters.
  for (const [key, v] of weights) if (key.endsWith(".bias")) v.forEach((_, i) => (v[i] = 0.1));
  return { spec, size, images, weights, data: { images, size, m: new Float64Array(N).fill(14) } };
};

/** The training code's forward pass with one network's masks repeated on every row. */
const reference = (name: string, masks: MaskStream | null): Float32Array => {
  const { spec, size, images, weights } = setup(name);
  const draw = (n: number) => (masks === null ? null : masks.fill(new Float32Array(n), 0.1));
  const input = draw(size);
  const hidden = [V_BINS * 24, V_BINS * 10, 128, 64].map(draw);
  const repeat = (m: Float32Array) => {
    const out = new Float32Array(N * m.length);
    for (let r = 0; r < N; r++) out.set(m, r * m.length);
    return out;
  };
  const x = images.slice();
  if (input !== null) for (let i = 0; i < x.length; i++) x[i] *= input[i % size];
  const params = toVariables(spec, weights);
  try {
    return tf.tidy(() => {
      const m = hidden[0] === null ? null : { hidden: hidden.map((h) => repeat(h!)) };
      return forward(spec, params, tf.tensor2d(x, [N, size]), m).dataSync() as Float32Array;
    });
  } finally {
    for (const v of params.values()) v.dispose();
  }
};

describe("MC-dropout inference (infer.ts)", () => {
  beforeAll(async () => {
    await initBackend("wasm");
  });

  it("gives the training forward pass's output for a model without dropout", () => {
    const { spec, data, weights } = setup("2DGauss");
    const expected = reference("2DGauss", null);
    const post = predict(
      spec,
      weights,
      data,
      { samples: 100, dropout: 0.1, sigmaD2: 0 },
      new Rng("a"),
    );
    for (let r = 0; r < N; r++) {
      expectClose(post.mean[r], unscaleMass(expected[2 * r]));
      expectClose(post.variance[r], unscaleVariance(Math.exp(2 * expected[2 * r + 1])));
    }
  });

  it("folds the dense layers' masks into the kernels without changing the network", () => {
    for (const name of ["1DGauss-d", "2DGauss-d"]) {
      const { spec, data, weights } = setup(name);
      // predict's first network draws from rng.fork("mc-dropout") in the reference's order.
      const rng = new Rng("fold");
      const expected = reference(name, new MaskStream(new Rng("fold").fork("mc-dropout")));
      const post = predict(spec, weights, data, { samples: 1, dropout: 0.1, sigmaD2: 0 }, rng);
      for (let r = 0; r < N; r++) {
        expectClose(post.mean[r], unscaleMass(expected[2 * r]));
        expectClose(post.variance[r], unscaleVariance(Math.exp(2 * expected[2 * r + 1])));
      }
    }
  });

  it("draws a different network per sample: '-d' posteriors gain variance over T", () => {
    const { spec, data, weights } = setup("1DPoint-d");
    const options = { dropout: 0.1, sigmaD2: 0.01 };
    const one = predict(spec, weights, data, { ...options, samples: 1 }, new Rng("t"));
    const many = predict(spec, weights, data, { ...options, samples: 50 }, new Rng("t"));
    for (let r = 0; r < N; r++) {
      expect(one.variance[r]).toBeCloseTo(0.01, 12);
      expect(many.variance[r]).toBeGreaterThan(0.01 + 1e-6);
    }
  });

  it("gives the same posteriors from the same rng and other ones from another", () => {
    const { spec, data, weights } = setup("2DClass-d");
    const options = { samples: 5, dropout: 0.1, sigmaD2: 0 };
    const a = predict(spec, weights, data, options, new Rng("same"));
    const b = predict(spec, weights, data, options, new Rng("same"));
    const c = predict(spec, weights, data, options, new Rng("other"));
    expect(Array.from(b.probs)).toEqual(Array.from(a.probs));
    expect(Array.from(c.probs)).not.toEqual(Array.from(a.probs));
  });

  it("rejects images of the wrong size and weights of the wrong shape", () => {
    const { spec, data, weights } = setup("1DPoint");
    const options = { samples: 1, dropout: 0.1, sigmaD2: 0 };
    expect(() => predict(parseModelName("2DPoint"), weights, data, options, new Rng("x"))).toThrow(
      /needs images of 2304 values/,
    );
    const broken = new Map(weights);
    broken.set("dense1.kernel", new Float32Array(3));
    expect(() => predict(spec, broken, data, options, new Rng("x"))).toThrow(
      /tensor 'dense1.kernel' has 3 values/,
    );
  });

  it("treats pixels below 1e-20 (float32 subnormals included) as exact zeros", () => {
    const { spec, data, weights } = setup("2DPoint-d");
    const tiny = data.images.slice();
    const zeros = data.images.slice();
    for (let i = 0; i < tiny.length; i += 7) {
      tiny[i] = i % 2 === 0 ? 1e-39 : -3e-21; // a subnormal and a tiny normal value
      zeros[i] = 0;
    }
    const options = { samples: 3, dropout: 0.1, sigmaD2: 0.01 };
    const a = predict(spec, weights, { ...data, images: tiny }, options, new Rng("z"));
    const b = predict(spec, weights, { ...data, images: zeros }, options, new Rng("z"));
    expect(Array.from(a.mean)).toEqual(Array.from(b.mean));
    expect(Array.from(a.variance)).toEqual(Array.from(b.variance));
    expect(tiny[0]).toBe(Math.fround(1e-39)); // the caller's images are left as they were
  });
});
