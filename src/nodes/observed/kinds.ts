/**
 * Node kinds for observed clusters:
 * - `observed.members`: galaxy tables (RA, Dec, z) of real clusters into the
 *   VIEWS and MEMBERS tables of the mocks, one view per cluster, so that the
 *   KDE kinds make their images unchanged;
 * - `observed.posteriors`: every trained fold of one model on those images,
 *   combined into one posterior per cluster;
 * - `observed.combine`: the summaries (or grids) of several models in one table.
 */
import { existsSync } from "node:fs";

import { Schema } from "effect";

import {
  defineKind,
  f64,
  i64,
  int,
  list,
  makeTable,
  many,
  num,
  one,
  utf8,
  withDefault,
  type Table,
  type TableSchema,
} from "../../kind/index.ts";
import { fileFingerprint } from "../catalog/fingerprint.ts";
import type { Posterior } from "../metrics/posterior.ts";
import { initBackend } from "../ml/backend.ts";
import { CLASS_BINS, channelsOf, MODEL_NAMES, parseModelName, V_BINS } from "../ml/model.ts";
import { predict } from "../ml/infer.ts";
import { readWeightsTable } from "../ml/weights.ts";
import { MEMBERS, VIEWS } from "../schemas.ts";
import { DEFAULT_CYLINDER } from "../observe/cylinder.ts";
import { cosmologyFields, cosmologyOf } from "../universe/cosmologyParams.ts";
import { clusterMembers } from "./members.ts";
import { massGrid, mixturePdf, mixtureSummary } from "./mixture.ts";
import { type ObservedTable, readObservedGalaxies } from "./read.ts";
import { unitVector, VELOCITY_CONVENTIONS } from "./sky.ts";

/** One row per observed cluster, keyed by the view_id of its view. */
export const CLUSTERS: TableSchema = [
  { name: "view_id", type: "i64" },
  { name: "cluster", type: "utf8", doc: "name given in the spec" },
  { name: "file", type: "utf8", doc: "galaxy table it was read from" },
  { name: "ra", type: "f64", doc: "centre, degrees" },
  { name: "dec", type: "f64", doc: "centre, degrees" },
  { name: "z", type: "f64", doc: "redshift of the cluster" },
  { name: "distance", type: "f64", doc: "comoving distance of z, Mpc/h" },
  { name: "rows", type: "i32", doc: "galaxies in the file" },
  { name: "in_aperture", type: "i32", doc: "galaxies with R_proj <= rAperture, any velocity" },
  { name: "n_gal", type: "i32", doc: "members after both cuts" },
];

export const SUMMARY: TableSchema = [
  { name: "cluster", type: "utf8" },
  { name: "model", type: "utf8" },
  { name: "n_gal", type: "i32", doc: "members in the cylinder" },
  { name: "folds", type: "i32", doc: "trained folds in the mixture" },
  { name: "mean", type: "f64", doc: "posterior mean of m = log10(M200c / (Msun/h)), dex" },
  { name: "sd", type: "f64", doc: "posterior standard deviation, dex" },
  { name: "p16", type: "f64", doc: "16th percentile of m, dex" },
  { name: "p50", type: "f64", doc: "median of m, dex" },
  { name: "p84", type: "f64", doc: "84th percentile of m, dex" },
];

export const POSTERIOR_GRID: TableSchema = [
  { name: "cluster", type: "utf8" },
  { name: "model", type: "utf8" },
  { name: "m", type: "f64", doc: "log10(M200c / (Msun/h)), dex" },
  { name: "density", type: "f64", doc: "posterior density of the fold mixture, per dex" },
];

export const FOLD_POSTERIORS: TableSchema = [
  { name: "cluster", type: "utf8" },
  { name: "model", type: "utf8" },
  { name: "fold", type: "i32", doc: "position of the weights in the input list" },
  { name: "mean", type: "f64", doc: "dex" },
  { name: "variance", type: "f64", doc: "dex^2" },
];

const here = (file: string): string => new URL(file, import.meta.url).href;

const clusterName = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9_-]+$/, { expected: "a name of letters, digits, '_' and '-'" }),
);

const Cluster = Schema.Struct({
  name: clusterName,
  /** CSV or Parquet, relative to the directory `dag` runs in. */
  file: Schema.String,
  ra: Schema.Finite,
  dec: Schema.Finite,
  z: Schema.Finite,
});

const fingerprintOrMissing = (file: string): string =>
  existsSync(file) ? fileFingerprint(file) : "missing";

export const observedMembers = defineKind({
  name: "observed.members",
  version: 1,
  weight: "light",
  doc:
    "Galaxy tables (ra, dec in degrees; z or cz in km/s) of observed clusters into VIEWS and " +
    "MEMBERS: v_los relative to the cluster, R_proj = comoving distance x separation, the " +
    "cylinder and richness cuts of the mocks. One view per cluster, set 'observed', fold -1.",
  // the galaxy files are inputs: their bytes go into the key
  fingerprint: (p) =>
    Object.fromEntries(p.clusters.map((c) => [`file:${c.file}`, fingerprintOrMissing(c.file)])),
  implementation: [
    import.meta.url,
    here("./members.ts"),
    here("./read.ts"),
    here("./sky.ts"),
    here("../observe/project.ts"),
    here("../universe/cosmology.ts"),
    here("../universe/cosmologyParams.ts"),
    here("../catalog/errors.ts"),
    here("../catalog/lines.ts"),
  ],
  params: Schema.Struct({
    ...cosmologyFields,
    clusters: Schema.Array(Cluster),
    vCut: num(DEFAULT_CYLINDER.vCut),
    rAperture: num(DEFAULT_CYLINDER.rAperture),
    nMin: int(10),
    velocity: Schema.Literals(VELOCITY_CONVENTIONS).pipe(withDefault("mock")),
  }),
  inputs: {},
  outputs: { views: VIEWS, members: MEMBERS, clusters: CLUSTERS },
  run: (ctx) => {
    const p = ctx.params;
    if (p.clusters.length === 0) throw new Error("observed.members: the list of clusters is empty");
    const seen = new Set<string>();
    for (const c of p.clusters) {
      if (seen.has(c.name)) throw new Error(`observed.members: two clusters are named '${c.name}'`);
      seen.add(c.name);
    }
    const cosmo = cosmologyOf(p);
    const tables = new Map<string, ObservedTable>();
    const count = p.clusters.length;
    const views = {
      lx: new Float64Array(count),
      ly: new Float64Array(count),
      lz: new Float64Array(count),
      nGal: new Int32Array(count),
    };
    const clusters = {
      distance: new Float64Array(count),
      rows: new Int32Array(count),
      inAperture: new Int32Array(count),
    };
    const memberView: bigint[] = [];
    const vLos: number[] = [];
    const rProj: number[] = [];
    p.clusters.forEach((c, v) => {
      let table = tables.get(c.file);
      if (table === undefined) {
        table = readObservedGalaxies(c.file);
        tables.set(c.file, table);
      }
      const found = clusterMembers(c.name, cosmo, c, table, p, p.velocity);
      [views.lx[v], views.ly[v], views.lz[v]] = unitVector(c.ra, c.dec);
      views.nGal[v] = found.vLos.length;
      clusters.distance[v] = found.distance;
      clusters.rows[v] = table.ra.length;
      clusters.inAperture[v] = found.inAperture;
      for (let i = 0; i < found.vLos.length; i++) {
        memberView.push(BigInt(v));
        vLos.push(found.vLos[i]);
        rProj.push(found.rProj[i]);
      }
      ctx.note(c.name, { file: c.file, rows: table.ra.length, members: found.vLos.length });
      ctx.progress((v + 1) / count);
    });
    const viewId = BigInt64Array.from({ length: count }, (_, v) => BigInt(v));
    return {
      views: makeTable({
        view_id: viewId,
        host_id: viewId.slice(),
        m: new Float64Array(count).fill(Number.NaN),
        lx: views.lx,
        ly: views.ly,
        lz: views.lz,
        n_gal: views.nGal,
        // unknown for a real cluster: which members are interlopers is what nobody knows
        n_true: new Int32Array(count).fill(-1),
        set: p.clusters.map(() => "observed"),
        validation: new Uint8Array(count),
        fold: new Int32Array(count).fill(-1),
      }),
      members: makeTable({
        view_id: BigInt64Array.from(memberView),
        v_los: Float64Array.from(vLos),
        r_proj: Float64Array.from(rProj),
        true_member: new Uint8Array(vLos.length),
      }),
      clusters: makeTable({
        view_id: viewId.slice(),
        cluster: p.clusters.map((c) => c.name),
        file: p.clusters.map((c) => c.file),
        ra: Float64Array.from(p.clusters, (c) => c.ra),
        dec: Float64Array.from(p.clusters, (c) => c.dec),
        z: Float64Array.from(p.clusters, (c) => c.z),
        distance: clusters.distance,
        rows: clusters.rows,
        in_aperture: clusters.inAperture,
        n_gal: views.nGal,
      }),
    };
  },
});

/** The images of the clusters, in the order of the clusters table, with their names. */
const clusterImages = (images: Table, clusters: Table, size: number) => {
  const image = list(images, "image");
  if (image.size !== size) {
    throw new Error(`the model needs images of ${size} values, the table has ${image.size}`);
  }
  const rowOf = new Map<bigint, number>();
  i64(images, "view_id").forEach((id, r) => rowOf.set(id, r));
  const names = utf8(clusters, "cluster");
  const ids = i64(clusters, "view_id");
  const values = new Float32Array(clusters.numRows * size);
  for (let c = 0; c < clusters.numRows; c++) {
    const r = rowOf.get(ids[c]);
    if (r === undefined) throw new Error(`no image for cluster '${names[c]}' (view ${ids[c]})`);
    values.set(image.values.subarray(r * size, (r + 1) * size), c * size);
  }
  return { names, values };
};

export const observedPosteriors = defineKind({
  name: "observed.posteriors",
  version: 1,
  weight: "heavy",
  doc:
    "Posterior of log10 M200c for each observed cluster from every trained fold of one model " +
    "(MC dropout with T = samples for '-d' models), combined as the equal-weight mixture " +
    "over folds: summary (mean, sd, 16/50/84th percentiles) and density on a grid of m.",
  implementation: [
    import.meta.url,
    here("./mixture.ts"),
    here("../metrics/posterior.ts"),
    ...["backend", "model", "ops", "posterior", "targets", "train", "wasm_kernels", "weights"].map(
      (f) => here(`../ml/${f}.ts`),
    ),
  ],
  params: Schema.Struct({
    model: Schema.Literals(MODEL_NAMES),
    samples: int(100),
    dropout: num(0.1),
    gridMin: num(12.5),
    gridMax: num(16.5),
    gridStep: num(0.01),
  }),
  inputs: {
    images: { doc: "kde.images1d or kde.images2d of observed.members' tables" },
    weights: { many: true, table: "weights", doc: "train.cnn weights of every fold of `model`" },
    clusters: { table: "clusters", doc: "observed.members' clusters table" },
  },
  outputs: { summary: SUMMARY, posterior: POSTERIOR_GRID, folds: FOLD_POSTERIORS },
  run: async (ctx) => {
    const p = ctx.params;
    const spec = parseModelName(p.model);
    const backend = await initBackend();
    ctx.note("backend", backend.detail);
    const clusters = one(ctx, "clusters");
    const weightTables = many(ctx, "weights");
    if (weightTables.length === 0) throw new Error("observed.posteriors: no weights given");
    const size = V_BINS * channelsOf(spec);
    const { names, values } = clusterImages(one(ctx, "images"), clusters, size);
    const n = names.length;
    const data = { images: values, size, m: new Float64Array(n).fill(Number.NaN) };

    const perFold: Posterior[][] = names.map(() => []);
    const folds = {
      cluster: [] as string[],
      fold: [] as number[],
      mean: [] as number[],
      variance: [] as number[],
    };
    weightTables.forEach((table, k) => {
      const { weights, sigmaD2 } = readWeightsTable(spec, table);
      const posterior = predict(
        spec,
        weights,
        data,
        { samples: p.samples, dropout: p.dropout, sigmaD2 },
        ctx.rng.fork(`fold-${k}`),
      );
      for (let c = 0; c < n; c++) {
        perFold[c].push(
          spec.head === "Class"
            ? { kind: "class", probs: posterior.probs.slice(c * CLASS_BINS, (c + 1) * CLASS_BINS) }
            : { kind: "gauss", mean: posterior.mean[c], variance: posterior.variance[c] },
        );
        folds.cluster.push(names[c]);
        folds.fold.push(k);
        folds.mean.push(posterior.mean[c]);
        folds.variance.push(posterior.variance[c]);
      }
      ctx.progress((k + 1) / weightTables.length);
    });
    ctx.note("weights", ctx.inputIds.weights);

    const grid = massGrid(p.gridMin, p.gridMax, p.gridStep);
    const summaries = perFold.map(mixtureSummary);
    const gridRows = n * grid.length;
    const nGal = i32Of(clusters, "n_gal");
    return {
      summary: makeTable({
        cluster: [...names],
        model: names.map(() => p.model),
        n_gal: Int32Array.from(nGal),
        folds: new Int32Array(n).fill(weightTables.length),
        mean: Float64Array.from(summaries, (s) => s.mean),
        sd: Float64Array.from(summaries, (s) => s.sd),
        p16: Float64Array.from(summaries, (s) => s.p16),
        p50: Float64Array.from(summaries, (s) => s.p50),
        p84: Float64Array.from(summaries, (s) => s.p84),
      }),
      posterior: makeTable({
        cluster: Array.from({ length: gridRows }, (_, i) => names[Math.floor(i / grid.length)]),
        model: Array.from({ length: gridRows }, () => p.model),
        m: Float64Array.from({ length: gridRows }, (_, i) => grid[i % grid.length]),
        density: Float64Array.from({ length: gridRows }, (_, i) =>
          mixturePdf(perFold[Math.floor(i / grid.length)], grid[i % grid.length]),
        ),
      }),
      folds: makeTable({
        cluster: folds.cluster,
        model: folds.cluster.map(() => p.model),
        fold: Int32Array.from(folds.fold),
        mean: Float64Array.from(folds.mean),
        variance: Float64Array.from(folds.variance),
      }),
    };
  },
});

const i32Of = (t: Table, name: string): Int32Array => {
  const c = t.columns[name];
  if (!(c instanceof Int32Array)) throw new Error(`column '${name}' is not i32`);
  return c;
};

/** Stacks tables of one schema (e.g. every model's summary) into one. */
const stack = (tables: readonly Table[], schema: TableSchema): Table => {
  const columns: Record<string, Float64Array | Int32Array | string[]> = {};
  for (const spec of schema) {
    if (spec.type === "utf8") columns[spec.name] = tables.flatMap((t) => [...utf8(t, spec.name)]);
    else if (spec.type === "i32") {
      columns[spec.name] = Int32Array.from(tables.flatMap((t) => [...i32Of(t, spec.name)]));
    } else columns[spec.name] = Float64Array.from(tables.flatMap((t) => [...f64(t, spec.name)]));
  }
  return makeTable(columns);
};

export const observedCombine = defineKind({
  name: "observed.combine",
  version: 1,
  weight: "light",
  doc: "The summaries and posterior grids of several observed.posteriors nodes, stacked.",
  implementation: [import.meta.url],
  params: Schema.Struct({}),
  inputs: {
    summaries: { many: true, table: "summary", doc: "observed.posteriors summaries" },
    posteriors: { many: true, table: "posterior", doc: "observed.posteriors grids" },
  },
  outputs: { summary: SUMMARY, posterior: POSTERIOR_GRID },
  run: (ctx) => ({
    summary: stack(many(ctx, "summaries"), SUMMARY),
    posterior: stack(many(ctx, "posteriors"), POSTERIOR_GRID),
  }),
});
