/**
 * The tables that pass between the stages of the science pipeline.
 *
 * Each stage's node kinds declare these as their outputs or expect them as
 * inputs, so a stage can be rewritten without the others noticing. Units:
 * m200c in Msun/h, positions in comoving Mpc/h, velocities in km/s,
 * `m` = log10(M200c / (Msun/h)).
 */
import type { TableSchema } from "../kind/index.ts";

/** Halos of a simulation snapshot (hosts have upid = -1). */
export const HALOS: TableSchema = [
  { name: "id", type: "i64" },
  { name: "upid", type: "i64", doc: "id of the host halo, -1 for hosts" },
  { name: "m200c", type: "f64", doc: "M200c, Msun/h" },
  { name: "x", type: "f64", doc: "comoving Mpc/h" },
  { name: "y", type: "f64", doc: "comoving Mpc/h" },
  { name: "z", type: "f64", doc: "comoving Mpc/h" },
  { name: "vx", type: "f64", doc: "peculiar velocity, km/s" },
  { name: "vy", type: "f64", doc: "peculiar velocity, km/s" },
  { name: "vz", type: "f64", doc: "peculiar velocity, km/s" },
];

/** Galaxies; satellites point at their host with upid. */
export const GALAXIES: TableSchema = [
  { name: "id", type: "i64" },
  { name: "upid", type: "i64", doc: "id of the host halo, -1 for centrals and field galaxies" },
  { name: "obs_sm", type: "f64", doc: "observed stellar mass, Msun" },
  { name: "x", type: "f64", doc: "comoving Mpc/h" },
  { name: "y", type: "f64", doc: "comoving Mpc/h" },
  { name: "z", type: "f64", doc: "comoving Mpc/h" },
  { name: "vx", type: "f64", doc: "peculiar velocity, km/s" },
  { name: "vy", type: "f64", doc: "peculiar velocity, km/s" },
  { name: "vz", type: "f64", doc: "peculiar velocity, km/s" },
];

/**
 * One row per mock observation ("view") of a host: the cluster seen along one
 * line of sight. `set` is "test" or "train"; `fold` is the host's fold.
 */
export const VIEWS: TableSchema = [
  { name: "view_id", type: "i64", doc: "unique within the catalog" },
  { name: "host_id", type: "i64" },
  { name: "m", type: "f64", doc: "log10 M200c of the host, dex" },
  { name: "lx", type: "f64", doc: "line-of-sight unit vector" },
  { name: "ly", type: "f64" },
  { name: "lz", type: "f64" },
  { name: "n_gal", type: "i32", doc: "members inside the cylinder" },
  { name: "n_true", type: "i32", doc: "true members (satellites of the host) among them" },
  { name: "set", type: "utf8", doc: "test | train" },
  { name: "validation", type: "bool", doc: "host is in the validation 10%" },
  { name: "fold", type: "i32" },
];

/** Galaxies inside the cylinder of each view. */
export const MEMBERS: TableSchema = [
  { name: "view_id", type: "i64" },
  { name: "v_los", type: "f64", doc: "line-of-sight velocity relative to the cluster, km/s" },
  { name: "r_proj", type: "f64", doc: "projected comoving distance, Mpc/h" },
  { name: "true_member", type: "bool", doc: "a satellite of the host, not an interloper" },
];

/** KDE image of each view, normalised to sum 1. 1D: 48 values; 2D: 48 x 48 (v major). */
export const imagesSchema = (size: number): TableSchema => [
  { name: "view_id", type: "i64" },
  { name: "m", type: "f64", doc: "log10 M200c, dex (the target)" },
  { name: "fold", type: "i32" },
  { name: "set", type: "utf8" },
  { name: "validation", type: "bool", doc: "host is in the validation 10%" },
  { name: "image", type: { list: "f32", size } },
];

/**
 * Posterior of each test view from one (model, fold). Gaussian posteriors
 * fill mean/variance; class posteriors also fill `probs` (50 bins on
 * 13 <= m <= 16) and mean/variance are the moments of that histogram.
 */
export const POSTERIORS: TableSchema = [
  { name: "view_id", type: "i64" },
  { name: "m_true", type: "f64", doc: "dex" },
  { name: "fold", type: "i32" },
  { name: "mean", type: "f64", doc: "posterior mean of m, dex" },
  { name: "variance", type: "f64", doc: "posterior variance of m, dex^2" },
  { name: "probs", type: { list: "f64", size: 50 }, doc: "class posteriors; zeros otherwise" },
];
