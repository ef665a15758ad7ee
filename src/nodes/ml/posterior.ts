/**
 * Posteriors of Table A1 from T network evaluations (T = 1 for the models
 * without dropout), in dex.
 *
 * - Point:   N(mu, sigma_D^2);           Point-d: N(E mu_t, sigma_D^2 + Var mu_t)
 * - Gauss:   N(mu, sigma^2);             Gauss-d: N(E mu_t, E sigma_t^2 + Var mu_t)
 * - Class:   softmax(g);                 Class-d: softmax(E g_t)
 *
 * E and Var are the empirical mean and the population variance (divisor T)
 * over the samples. A Class posterior's mean and variance are the moments of
 * the 50-bin histogram at the bin centres.
 *
 * The combination streams: samples are added one at a time, so T x n x 50
 * logits never sit in memory at once.
 */
import { CLASS_BINS, type ModelSpec } from "./model.ts";
import { classCentre, unscaleMass, unscaleVariance } from "./targets.ts";

export interface Posterior {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  /** n x 50, row-major; zeros for Gaussian posteriors. */
  readonly probs: Float64Array;
}

export class PosteriorAccumulator {
  private readonly spec: ModelSpec;
  private readonly n: number;
  private readonly sigmaD2: number;
  private samples = 0;
  /** Running sums per row: mu, mu^2, sigma^2 (scaled units), or logits. */
  private readonly sumMu: Float64Array;
  private readonly sumMu2: Float64Array;
  private readonly sumSigma2: Float64Array;
  private readonly sumLogits: Float64Array;

  /** `sigmaD2` in dex^2: the training MSE, used by Point models only. */
  constructor(spec: ModelSpec, n: number, sigmaD2 = 0) {
    this.spec = spec;
    this.n = n;
    this.sigmaD2 = sigmaD2;
    const gaussian = spec.head !== "Class";
    this.sumMu = new Float64Array(gaussian ? n : 0);
    this.sumMu2 = new Float64Array(gaussian ? n : 0);
    this.sumSigma2 = new Float64Array(spec.head === "Gauss" ? n : 0);
    this.sumLogits = new Float64Array(gaussian ? 0 : n * CLASS_BINS);
  }

  /** One evaluation of the network: n rows of its raw output (scaled units). */
  add(output: Float32Array | Float64Array): void {
    const units = this.spec.head === "Point" ? 1 : this.spec.head === "Gauss" ? 2 : CLASS_BINS;
    if (output.length !== this.n * units) {
      throw new Error(`expected ${this.n} x ${units} outputs, got ${output.length} values`);
    }
    if (this.spec.head === "Class") {
      for (let i = 0; i < output.length; i++) this.sumLogits[i] += output[i];
    } else {
      for (let r = 0; r < this.n; r++) {
        const mu = output[r * units];
        this.sumMu[r] += mu;
        this.sumMu2[r] += mu * mu;
        if (units === 2) this.sumSigma2[r] += Math.exp(2 * output[r * units + 1]);
      }
    }
    this.samples++;
  }

  finish(): Posterior {
    const t = this.samples;
    if (t === 0) throw new Error("no network evaluations were added");
    const mean = new Float64Array(this.n);
    const variance = new Float64Array(this.n);
    const probs = new Float64Array(this.n * CLASS_BINS);
    if (this.spec.head === "Class") {
      for (let r = 0; r < this.n; r++) classMoments(this.sumLogits, r, t, probs, mean, variance);
      return { mean, variance, probs };
    }
    for (let r = 0; r < this.n; r++) {
      const mu = this.sumMu[r] / t;
      const varMu = Math.max(0, this.sumMu2[r] / t - mu * mu);
      const aleatoric =
        this.spec.head === "Gauss" ? unscaleVariance(this.sumSigma2[r] / t) : this.sigmaD2;
      mean[r] = unscaleMass(mu);
      variance[r] = aleatoric + unscaleVariance(varMu);
    }
    return { mean, variance, probs };
  }
}

/** softmax of the mean logits of row r, then its histogram moments at the bin centres. */
const classMoments = (
  sumLogits: Float64Array,
  r: number,
  t: number,
  probs: Float64Array,
  mean: Float64Array,
  variance: Float64Array,
): void => {
  const base = r * CLASS_BINS;
  let max = -Infinity;
  for (let j = 0; j < CLASS_BINS; j++) max = Math.max(max, sumLogits[base + j] / t);
  let z = 0;
  for (let j = 0; j < CLASS_BINS; j++) {
    const e = Math.exp(sumLogits[base + j] / t - max);
    probs[base + j] = e;
    z += e;
  }
  let m1 = 0;
  let m2 = 0;
  for (let j = 0; j < CLASS_BINS; j++) {
    const p = probs[base + j] / z;
    probs[base + j] = p;
    const c = classCentre(j);
    m1 += p * c;
    m2 += p * c * c;
  }
  mean[r] = m1;
  variance[r] = Math.max(0, m2 - m1 * m1);
};
