/**
 * Node kind `observe.calibration`: the generated catalog's statistics against
 * SCIENCE.md's calibration targets, from the halos of many boxes and the
 * cylinder counts and members of their hosts' three orthogonal views.
 */
import { Schema } from "effect";

import {
  defineKind,
  f64,
  i32,
  i64,
  int,
  makeTable,
  many,
  num,
  type Table,
  type TableSchema,
} from "../../kind/index.ts";
import { cosmologyFields, cosmologyOf } from "../universe/cosmologyParams.ts";
import { haloModel } from "../universe/halos.ts";
import { calibrate } from "./calibration.ts";

export const CALIBRATION: TableSchema = [
  { name: "metric", type: "utf8" },
  { name: "m_lo", type: "f64", doc: "lower end of the mass range, dex; NaN where none" },
  { name: "m_hi", type: "f64", doc: "upper end, dex; Infinity for a threshold, NaN where none" },
  { name: "value", type: "f64" },
  { name: "reference", type: "f64", doc: "Tinker prediction or SCIENCE.md target; NaN if none" },
  { name: "n", type: "i32", doc: "halos or views behind the value" },
];

const concat = <T extends Float64Array | BigInt64Array | Int32Array | Uint8Array>(
  parts: T[],
  make: (n: number) => T,
): T => {
  const out = make(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    (out as unknown as { set: (a: T, o: number) => void }).set(p, offset);
    offset += p.length;
  }
  return out;
};

const bools = (t: Table, name: string): Uint8Array => {
  const c = t.columns[name];
  if (!(c instanceof Uint8Array)) throw new Error(`column '${name}' is not bool`);
  return c;
};

export const observeCalibration = defineKind({
  name: "observe.calibration",
  version: 1,
  weight: "light",
  doc: "Halo counts vs Tinker, richness, interloper fractions and M-sigma fits.",
  implementation: [
    import.meta.url,
    new URL("./calibration.ts", import.meta.url).href,
    new URL("../universe/halos.ts", import.meta.url).href,
    new URL("../universe/power.ts", import.meta.url).href,
    new URL("../universe/cosmology.ts", import.meta.url).href,
    new URL("../universe/cosmologyParams.ts", import.meta.url).href,
  ],
  params: Schema.Struct({ ...cosmologyFields, z: num(0.117), boxSize: num(250), nMin: int(10) }),
  inputs: {
    halos: { many: true, doc: "HALOS of every box" },
    counts: { many: true, table: "counts", doc: "observe.cylinders counts of the axis views" },
    members: { many: true, table: "members", doc: "observe.cylinders members of the same views" },
  },
  outputs: { calibration: CALIBRATION },
  run: (ctx) => {
    const p = ctx.params;
    const halos = many(ctx, "halos");
    const counts = many(ctx, "counts");
    const members = many(ctx, "members");
    const rows = calibrate({
      haloMasses: concat(
        halos.map((t) => f64(t, "m200c")),
        (n) => new Float64Array(n),
      ),
      volume: halos.length * p.boxSize ** 3,
      model: haloModel(cosmologyOf(p), p.z),
      views: {
        viewId: concat(
          counts.map((t) => i64(t, "view_id")),
          (n) => new BigInt64Array(n),
        ),
        m: concat(
          counts.map((t) => f64(t, "m")),
          (n) => new Float64Array(n),
        ),
        nGal: concat(
          counts.map((t) => i32(t, "n_gal")),
          (n) => new Int32Array(n),
        ),
        nTrue: concat(
          counts.map((t) => i32(t, "n_true")),
          (n) => new Int32Array(n),
        ),
      },
      members: {
        viewId: concat(
          members.map((t) => i64(t, "view_id")),
          (n) => new BigInt64Array(n),
        ),
        vLos: concat(
          members.map((t) => f64(t, "v_los")),
          (n) => new Float64Array(n),
        ),
        trueMember: concat(
          members.map((t) => bools(t, "true_member")),
          (n) => new Uint8Array(n),
        ),
      },
      nMin: p.nMin,
    });
    for (const r of rows) ctx.note(`${r.metric}${Number.isNaN(r.mLo) ? "" : `@${r.mLo}`}`, r.value);
    return {
      calibration: makeTable({
        metric: rows.map((r) => r.metric),
        m_lo: Float64Array.from(rows, (r) => r.mLo),
        m_hi: Float64Array.from(rows, (r) => r.mHi),
        value: Float64Array.from(rows, (r) => r.value),
        reference: Float64Array.from(rows, (r) => r.reference),
        n: Int32Array.from(rows, (r) => r.n),
      }),
    };
  },
});
