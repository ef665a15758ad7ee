/**
 * Times one (or more) synthetic sub-boxes: generation, then the cylinder cut
 * of the three orthogonal views of every host, and prints the calibration
 * table of the boxes together.
 *
 *   node bench/universe.ts [boxes=1] [boxSize=250] [grid=128] [key=value ...]
 *
 * Extra key=value pairs override generator parameters (e.g. infallAmplitude=2).
 */
import { Rng } from "../src/kind/index.ts";
import { calibrate } from "../src/nodes/observe/calibration.ts";
import { axisViews, projectCylinders } from "../src/nodes/observe/cylinder.ts";
import { type BoxParams, DEFAULT_BOX, generateBox } from "../src/nodes/universe/box.ts";
import { PLANCK13 } from "../src/nodes/universe/cosmology.ts";
import { haloModel } from "../src/nodes/universe/halos.ts";

const [boxesArg, sizeArg, gridArg, ...overrides] = process.argv.slice(2);
const boxes = Number(boxesArg ?? 1);
const params: BoxParams = {
  ...DEFAULT_BOX,
  cosmology: PLANCK13,
  boxSize: Number(sizeArg ?? DEFAULT_BOX.boxSize),
  grid: Number(gridArg ?? DEFAULT_BOX.grid),
};
for (const kv of overrides) {
  const [k, v] = kv.split("=");
  (params as unknown as Record<string, number>)[k] = Number(v);
}
const rng = new Rng("bench-universe");
const cylinderOptions = {
  cosmology: params.cosmology,
  z: params.z,
  boxSize: params.boxSize,
  vCut: 2500,
  rAperture: 1.6,
};

/** The process's peak resident set so far, bytes (the kernel's high-water mark). */
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

const haloMasses: number[] = [];
const views = {
  viewId: [] as bigint[],
  m: [] as number[],
  nGal: [] as number[],
  nTrue: [] as number[],
};
const members = { viewId: [] as bigint[], vLos: [] as number[], trueMember: [] as number[] };
for (let b = 0; b < boxes; b++) {
  const p = { ...params, box: b };
  const t0 = performance.now();
  const { halos, galaxies } = generateBox(p, rng.fork(`box-${b}`));
  const t1 = performance.now();
  const hostRows: number[] = [];
  for (let i = 0; i < halos.m200c.length; i++) if (halos.m200c[i] >= 10 ** 13.5) hostRows.push(i);
  const pick = (a: Float64Array) => Float64Array.from(hostRows, (r) => a[r]);
  const hosts = {
    id: BigInt64Array.from(hostRows, (r) => halos.id[r]),
    m200c: pick(halos.m200c),
    x: pick(halos.x),
    y: pick(halos.y),
    z: pick(halos.z),
    vx: pick(halos.vx),
    vy: pick(halos.vy),
    vz: pick(halos.vz),
  };
  const result = projectCylinders(hosts, galaxies, axisViews(hosts.id), cylinderOptions);
  const t2 = performance.now();
  console.log(
    `box ${b}: ${halos.id.length} halos, ${galaxies.id.length} galaxies,` +
      ` ${hosts.id.length} hosts;` +
      ` generate ${((t1 - t0) / 1000).toFixed(1)} s, project ${((t2 - t1) / 1000).toFixed(1)} s,` +
      ` peak RSS ${(peakRss() / 2 ** 20).toFixed(0)} MiB`,
  );
  const append = <T>(to: T[], from: ArrayLike<T>): void => {
    for (let i = 0; i < from.length; i++) to.push(from[i]);
  };
  append(haloMasses, halos.m200c);
  append(views.viewId, result.counts.viewId);
  append(views.m, result.counts.m);
  append(views.nGal, result.counts.nGal);
  append(views.nTrue, result.counts.nTrue);
  append(members.viewId, result.members.viewId);
  append(members.vLos, result.members.vLos);
  append(members.trueMember, result.members.trueMember);
}

const rows = calibrate({
  haloMasses: Float64Array.from(haloMasses),
  volume: boxes * params.boxSize ** 3,
  model: haloModel(params.cosmology, params.z),
  views: {
    viewId: BigInt64Array.from(views.viewId),
    m: Float64Array.from(views.m),
    nGal: Int32Array.from(views.nGal),
    nTrue: Int32Array.from(views.nTrue),
  },
  members: {
    viewId: BigInt64Array.from(members.viewId),
    vLos: Float64Array.from(members.vLos),
    trueMember: Uint8Array.from(members.trueMember),
  },
  nMin: 10,
});
console.log("| metric | m range | value | reference | n |");
console.log("|---|---|---|---|---|");
const fmt = (x: number): string =>
  Number.isNaN(x) ? "" : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(4);
for (const r of rows) {
  const range = Number.isNaN(r.mLo)
    ? ""
    : Number.isFinite(r.mHi)
      ? `${r.mLo}-${r.mHi}`
      : `>= ${r.mLo}`;
  console.log(`| ${r.metric} | ${range} | ${fmt(r.value)} | ${fmt(r.reference)} | ${r.n} |`);
}
