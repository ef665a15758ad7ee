/**
 * Adam (Kingma & Ba 2014) with L2 weight decay, updating weights held in JS.
 *
 * tfjs's optimizer spends a dozen small kernels per variable and step, more
 * time than the network's own matrix products on WASM; one fused loop over
 * ~76k floats costs well under a millisecond. The L2 penalty
 * lambda ||w||^2 enters as its gradient 2 lambda w, added here rather than
 * differentiated through the graph. Constants as in Keras: beta1 0.9,
 * beta2 0.999, epsilon 1e-7.
 *
 * Weights smaller than TINY (1e-20) in magnitude are set to exactly 0.
 * Under L2 decay and Adam's normalised step, the weights of a unit that no
 * longer gets a data gradient shrink geometrically, past the smallest
 * normal float32 (1.2e-38) into subnormals: after ~15 epochs a third of
 * dense1's kernel was subnormal, and every product with a subnormal costs
 * an x86 core a microcode assist, which slowed training five-fold (7,000 to
 * 1,000 samples/s, bench in docs/benchmarks.md). The moments stay as they
 * are: only the weights enter the network's products.
 */
import { TINY } from "./model.ts";

export interface AdamOptions {
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

export class Adam {
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly m = new Map<string, Float32Array>();
  private readonly v = new Map<string, Float32Array>();
  private t = 0;

  constructor(options: AdamOptions) {
    this.lr = options.lr;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  /** Counts one step; call before the `update`s of that step. */
  nextStep(): void {
    this.t++;
  }

  /**
   * Updates `w` in place from its gradient `g`; `decay` is lambda of its L2
   * term. Returns that term, lambda ||w||^2, at the weights before the update
   * (the ones the gradient was taken at), for the reported loss.
   */
  update(name: string, w: Float32Array, g: Float32Array, decay: number): number {
    let m = this.m.get(name);
    let v = this.v.get(name);
    if (m === undefined || v === undefined) {
      m = new Float32Array(w.length);
      v = new Float32Array(w.length);
      this.m.set(name, m);
      this.v.set(name, v);
    }
    const { beta1, beta2, epsilon } = this;
    const rate = (this.lr * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    const twoLambda = 2 * decay;
    let squares = 0;
    for (let i = 0; i < w.length; i++) {
      const wi = w[i];
      squares += wi * wi;
      const gi = g[i] + twoLambda * wi;
      const mi = beta1 * m[i] + (1 - beta1) * gi;
      const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      const next = wi - (rate * mi) / (Math.sqrt(vi) + epsilon);
      // Math.abs, not `next > -TINY && next < TINY`: the same test, and V8
      // compiles the two comparisons into code that doubled this loop's time.
      w[i] = Math.abs(next) < TINY ? 0 : next;
    }
    return decay * squares;
  }
}
