/**
 * KDE image throughput, 1D and 2D, on cluster-like samples.
 *
 *   node bench/kde.ts [views=5000] [members per view=38]
 *
 * Members: v_los ~ N(0, 600 km/s) with 20% uniform interlopers on
 * [-2500, 2500] km/s, R_proj with density rising toward the centre, on
 * [0, 1.6] Mpc/h: the paper's mean richness is 37.6.
 */
import { makeTable, Rng } from "../src/kind/index.ts";
import { PAPER_GRID, viewImages } from "../src/nodes/kde/index.ts";

const nViews = Number(process.argv[2] ?? 5000);
const perView = Number(process.argv[3] ?? 38);

const rng = new Rng("bench-kde");
const total = nViews * perView;
const viewId = new BigInt64Array(total);
const vLos = new Float64Array(total);
const rProj = new Float64Array(total);
for (let v = 0, i = 0; v < nViews; v++) {
  for (let k = 0; k < perView; k++, i++) {
    viewId[i] = BigInt(v);
    const interloper = rng.uniform() < 0.2;
    const member = Math.max(-2500, Math.min(2500, 600 * rng.normal()));
    vLos[i] = interloper ? rng.range(-2500, 2500) : member;
    rProj[i] = 1.6 * (interloper ? Math.sqrt(rng.uniform()) : rng.uniform() ** 1.5);
  }
}
const views = makeTable({ view_id: BigInt64Array.from({ length: nViews }, (_, v) => BigInt(v)) });
const members = makeTable({ view_id: viewId, v_los: vLos, r_proj: rProj });

for (const dim of [1, 2] as const) {
  viewImages(views, members, dim, PAPER_GRID); // warm-up
  const cpu = process.cpuUsage();
  const started = performance.now();
  viewImages(views, members, dim, PAPER_GRID);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(
    `${dim}D: ${(nViews / seconds).toFixed(0)} images/s wall, ` +
      `${(nViews / cpuSeconds).toFixed(0)} per CPU-second (${nViews} views x ${perView} members)`,
  );
}
