/**
 * A toy pipeline with the shapes the science pipeline has, for the
 * framework's tests and benchmarks: a source, a fan-out over a parameter
 * grid, a clip whose output often does not change when its parameter does
 * (early cutoff), a fan-in, and a node that can be made to fail.
 */
import { Schema } from "effect";

import { bool, defineKind, f64, int, makeTable, many, num, one } from "../../kind/index.ts";

const VALUES = [{ name: "x", type: "f64" as const }];

export const source = defineKind({
  name: "toy.source",
  version: 1,
  weight: "light",
  implementation: [import.meta.url],
  doc: "n uniform random numbers in [0, 1), from the node's own generator",
  params: Schema.Struct({ n: int(100) }),
  inputs: {},
  outputs: { values: VALUES },
  run: (ctx) => {
    const x = new Float64Array(ctx.params.n);
    for (let i = 0; i < x.length; i++) x[i] = ctx.rng.uniform();
    return { values: makeTable({ x }) };
  },
});

/**
 * x -> (a x)^2 after `work` rounds of a deterministic busy loop per value,
 * so benchmarks can make it CPU-bound.
 */
export const square = defineKind({
  name: "toy.square",
  version: 1,
  weight: "heavy",
  implementation: [import.meta.url],
  params: Schema.Struct({ a: num(1), work: int(0), fail: bool(false) }),
  inputs: { x: {} },
  outputs: { values: VALUES },
  run: (ctx) => {
    if (ctx.params.fail) throw new Error(`asked to fail (a = ${ctx.params.a})`);
    const x = f64(one(ctx, "x"), "x");
    const y = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      let v = x[i] * ctx.params.a;
      for (let k = 0; k < ctx.params.work; k++) v = Math.sqrt(v * v + 1e-12 * k);
      y[i] = v * v;
      if ((i & 1023) === 0) ctx.progress(i / x.length);
    }
    return { values: makeTable({ x: y }) };
  },
});

/** Clips values to [lo, hi]: widening the range past the data changes nothing. */
export const clip = defineKind({
  name: "toy.clip",
  version: 1,
  weight: "light",
  implementation: [import.meta.url],
  params: Schema.Struct({ lo: num(0), hi: num(1) }),
  inputs: { x: {} },
  outputs: { values: VALUES },
  run: (ctx) => {
    const { lo, hi } = ctx.params;
    const x = f64(one(ctx, "x"), "x");
    return { values: makeTable({ x: x.map((v) => Math.min(hi, Math.max(lo, v))) }) };
  },
});

/** Fan-in: the sum and count of every input. */
export const sum = defineKind({
  name: "toy.sum",
  version: 1,
  weight: "light",
  implementation: [import.meta.url],
  params: Schema.Struct({}),
  inputs: { xs: { many: true } },
  outputs: {
    totals: [
      { name: "input", type: "utf8" },
      { name: "sum", type: "f64" },
      { name: "count", type: "i32" },
    ],
  },
  run: (ctx) => {
    const tables = many(ctx, "xs");
    const ids = ctx.inputIds.xs as readonly string[];
    const sums = new Float64Array(tables.length);
    const counts = new Int32Array(tables.length);
    tables.forEach((t, i) => {
      const x = f64(t, "x");
      counts[i] = x.length;
      for (const v of x) sums[i] += v;
    });
    return { totals: makeTable({ input: [...ids], sum: sums, count: counts }) };
  },
});

export const kinds = [source, square, clip, sum];
