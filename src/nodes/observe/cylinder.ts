/**
 * The cylinder cut of SCIENCE.md section 2 on one periodic box: for each view
 * (a host and a line of sight), every galaxy with R_proj <= R_aperture and
 * |v_los| <= v_cut, found by walking a cell list along the line of sight.
 */
import { type CellList, buildCellList, forEachNear, minImage } from "../universe/cellList.ts";
import { aH, type Cosmology } from "../universe/cosmology.ts";
import { losFrame, losVelocity, rotationToLos } from "./project.ts";
import type { HaloArrays } from "../universe/box.ts";

/** Host halos as arrays: the same shape the generator produces. */
export type HostArrays = HaloArrays;

/** Galaxies already selected (satellites above the stellar-mass cut). */
export interface SatelliteArrays {
  readonly upid: BigInt64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly z: Float64Array;
  readonly vx: Float64Array;
  readonly vy: Float64Array;
  readonly vz: Float64Array;
}

export interface ViewList {
  readonly viewId: BigInt64Array;
  readonly hostId: BigInt64Array;
  /** Line of sight, need not be normalised. */
  readonly lx: Float64Array;
  readonly ly: Float64Array;
  readonly lz: Float64Array;
}

export interface CylinderOptions {
  readonly cosmology: Cosmology;
  /** Snapshot redshift. */
  readonly z: number;
  /** Side of the periodic box, Mpc/h. */
  readonly boxSize: number;
  /** Half-length of the cylinder in velocity, km/s. */
  readonly vCut: number;
  /** Radius of the cylinder, Mpc/h. */
  readonly rAperture: number;
}

export const DEFAULT_CYLINDER = { vCut: 2500, rAperture: 1.6 } as const;

export interface CylinderResult {
  readonly members: {
    readonly viewId: BigInt64Array;
    readonly vLos: Float64Array;
    readonly rProj: Float64Array;
    readonly trueMember: Uint8Array;
  };
  /** Per view, in the order of the view list. */
  readonly counts: {
    readonly viewId: BigInt64Array;
    readonly hostId: BigInt64Array;
    readonly m: Float64Array;
    readonly nGal: Int32Array;
    readonly nTrue: Int32Array;
  };
}

/** A growable column of numbers. */
class Column {
  values = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = v;
  }
  take(): Float64Array {
    return this.values.slice(0, this.length);
  }
}

/**
 * Projects every view. Periodic images are handled by walking the line of
 * sight in steps of one cell: each step looks at the nearest image of the
 * galaxies around it and keeps an image only when that step is the one
 * closest to it along the line of sight, so a cylinder longer than the box
 * sees each image once and no galaxy is counted twice.
 */
export const projectCylinders = (
  hosts: HostArrays,
  galaxies: SatelliteArrays,
  views: ViewList,
  options: CylinderOptions,
): CylinderResult => {
  const { boxSize, vCut, rAperture } = options;
  const hostIndex = new Map<bigint, number>();
  for (let i = 0; i < hosts.id.length; i++) hostIndex.set(hosts.id[i], i);

  const maxSpeed = (vx: Float64Array, vy: Float64Array, vz: Float64Array): number => {
    let max = 0;
    for (let i = 0; i < vx.length; i++) max = Math.max(max, Math.hypot(vx[i], vy[i], vz[i]));
    return max;
  };
  // beyond this offset along the line of sight no peculiar velocity brings a galaxy inside v_cut
  const speedBound =
    vCut + maxSpeed(galaxies.vx, galaxies.vy, galaxies.vz) + maxSpeed(hosts.vx, hosts.vy, hosts.vz);
  const hubbleSlope = aH(options.cosmology, options.z);
  const frame = losFrame(options.cosmology, options.z, (1.5 * speedBound) / hubbleSlope);
  const reach = speedBound / (0.99 * frame.minSlope);
  const cellSize = Math.max(2 * rAperture, boxSize / 256);
  const list: CellList = buildCellList(galaxies.x, galaxies.y, galaxies.z, boxSize, cellSize);
  const step = list.cellSize;
  const steps = Math.ceil(reach / step);

  const members = { viewId: [] as bigint[], vLos: new Column(), rProj: new Column() };
  const trueMember: number[] = [];
  const nViews = views.viewId.length;
  const counts = {
    viewId: BigInt64Array.from(views.viewId),
    hostId: BigInt64Array.from(views.hostId),
    m: new Float64Array(nViews),
    nGal: new Int32Array(nViews),
    nTrue: new Int32Array(nViews),
  };

  for (let v = 0; v < nViews; v++) {
    const h = hostIndex.get(views.hostId[v]);
    if (h === undefined) throw new Error(`view ${views.viewId[v]}: host ${views.hostId[v]} absent`);
    const rot = rotationToLos(views.lx[v], views.ly[v], views.lz[v]);
    const [nx, ny, nz] = [rot[6], rot[7], rot[8]];
    const hx = hosts.x[h];
    const hy = hosts.y[h];
    const hz = hosts.z[h];
    const hostVLos = nx * hosts.vx[h] + ny * hosts.vy[h] + nz * hosts.vz[h];
    counts.m[v] = Math.log10(hosts.m200c[h]);
    const hostId = hosts.id[h];
    let nGal = 0;
    let nTrue = 0;
    for (let s = -steps; s <= steps; s++) {
      const px = hx + s * step * nx;
      const py = hy + s * step * ny;
      const pz = hz + s * step * nz;
      forEachNear(list, px, py, pz, Math.hypot(rAperture, 0.5 * step), (g) => {
        // the image of the galaxy nearest the step point, relative to the host
        const dx = minImage(galaxies.x[g] - px, boxSize) + (px - hx);
        const dy = minImage(galaxies.y[g] - py, boxSize) + (py - hy);
        const dz = minImage(galaxies.z[g] - pz, boxSize) + (pz - hz);
        const along = dx * nx + dy * ny + dz * nz;
        if (Math.round(along / step) !== s || Math.abs(along) > reach) return;
        const sx = rot[0] * dx + rot[1] * dy + rot[2] * dz;
        const sy = rot[3] * dx + rot[4] * dy + rot[5] * dz;
        const rProj = Math.hypot(sx, sy);
        if (rProj > rAperture) return;
        const vPec = nx * galaxies.vx[g] + ny * galaxies.vy[g] + nz * galaxies.vz[g];
        const vLos = losVelocity(frame, along, vPec, hostVLos);
        if (Math.abs(vLos) > vCut) return;
        const isTrue = galaxies.upid[g] === hostId ? 1 : 0;
        members.viewId.push(views.viewId[v]);
        members.vLos.push(vLos);
        members.rProj.push(rProj);
        trueMember.push(isTrue);
        nGal++;
        nTrue += isTrue;
      });
    }
    counts.nGal[v] = nGal;
    counts.nTrue[v] = nTrue;
  }
  return {
    members: {
      viewId: BigInt64Array.from(members.viewId),
      vLos: members.vLos.take(),
      rProj: members.rProj.take(),
      trueMember: Uint8Array.from(trueMember),
    },
    counts,
  };
};

/** Indices of the hosts: upid = -1 and m >= mHostMin (dex). */
export const selectHosts = (
  upid: BigInt64Array,
  m200c: Float64Array,
  mHostMin: number,
): number[] => {
  const out: number[] = [];
  const massMin = 10 ** mHostMin;
  for (let i = 0; i < upid.length; i++) if (upid[i] === -1n && m200c[i] >= massMin) out.push(i);
  return out;
};

/** Indices of the satellites (upid != -1) with obs_sm >= 10^logObsSmMin Msun. */
export const selectSatellites = (
  upid: BigInt64Array,
  obsSm: Float64Array,
  logObsSmMin: number,
): number[] => {
  const out: number[] = [];
  const smMin = 10 ** logObsSmMin;
  for (let i = 0; i < upid.length; i++) if (upid[i] !== -1n && obsSm[i] >= smMin) out.push(i);
  return out;
};

/**
 * The three orthogonal views (x, y, z) of every host, the test set's views.
 * View ids are host id * 4 + axis, unique wherever host ids are.
 */
export const axisViews = (hostIds: BigInt64Array): ViewList => {
  const n = hostIds.length * 3;
  const views = {
    viewId: new BigInt64Array(n),
    hostId: new BigInt64Array(n),
    lx: new Float64Array(n),
    ly: new Float64Array(n),
    lz: new Float64Array(n),
  };
  for (let h = 0; h < hostIds.length; h++) {
    for (let axis = 0; axis < 3; axis++) {
      const v = 3 * h + axis;
      views.viewId[v] = hostIds[h] * 4n + BigInt(axis);
      views.hostId[v] = hostIds[h];
      (axis === 0 ? views.lx : axis === 1 ? views.ly : views.lz)[v] = 1;
    }
  }
  return views;
};

/** Which views pass the richness cut N_gal >= nMin (the paper's 10). */
export const richEnough = (nGal: Int32Array, nMin = 10): Uint8Array =>
  Uint8Array.from(nGal, (n) => (n >= nMin ? 1 : 0));
