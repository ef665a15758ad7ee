/**
 * The members of an observed cluster: every galaxy of its table inside the
 * cylinder of the mocks (|v_los| <= vCut, R_proj <= rAperture), with the same
 * richness cut, or an error that says which cluster and file fall short.
 */
import { CatalogError } from "../catalog/errors.ts";
import type { Cosmology } from "../universe/cosmology.ts";
import type { ObservedTable } from "./read.ts";
import { type ClusterCentre, projectSky, type VelocityConvention } from "./sky.ts";

export interface Cuts {
  /** Half-length of the cylinder in velocity, km/s. */
  readonly vCut: number;
  /** Radius of the cylinder, Mpc/h. */
  readonly rAperture: number;
  /** Least number of members. */
  readonly nMin: number;
}

export interface ClusterMembers {
  readonly vLos: Float64Array;
  readonly rProj: Float64Array;
  /** Rows of the table that are members, 0-based. */
  readonly rows: Int32Array;
  /** Galaxies within the aperture whatever their velocity. */
  readonly inAperture: number;
  /** Comoving distance of the cluster's redshift, Mpc/h. */
  readonly distance: number;
}

export const clusterMembers = (
  name: string,
  cosmo: Cosmology,
  centre: ClusterCentre,
  table: ObservedTable,
  cuts: Cuts,
  convention: VelocityConvention,
): ClusterMembers => {
  const all = projectSky(cosmo, centre, table, convention);
  const rows: number[] = [];
  let inAperture = 0;
  for (let i = 0; i < all.rProj.length; i++) {
    if (!(all.rProj[i] <= cuts.rAperture)) continue;
    inAperture++;
    if (Math.abs(all.vLos[i]) <= cuts.vCut) rows.push(i);
  }
  const where = `cluster '${name}' at RA ${centre.ra}, Dec ${centre.dec}, z ${centre.z}`;
  if (inAperture === 0) {
    throw new CatalogError(
      table.file,
      {},
      `${where}: no galaxy within ${cuts.rAperture} Mpc/h of the centre; ` +
        "is the centre outside the data, or in other units than degrees?",
    );
  }
  if (rows.length < cuts.nMin) {
    throw new CatalogError(
      table.file,
      {},
      `${where}: ${rows.length} members after the cuts (|v_los| <= ${cuts.vCut} km/s, ` +
        `R_proj <= ${cuts.rAperture} Mpc/h; ${inAperture} in the aperture), ` +
        `fewer than nMin = ${cuts.nMin}`,
    );
  }
  return {
    vLos: Float64Array.from(rows, (i) => all.vLos[i]),
    rProj: Float64Array.from(rows, (i) => all.rProj[i]),
    rows: Int32Array.from(rows),
    inAperture,
    distance: all.distance,
  };
};
