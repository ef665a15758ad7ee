/**
 * The cosmology as node-kind parameters, with the Planck 2013 defaults, for
 * every kind that needs distances, growth or the mass function.
 */
import { num } from "../../kind/index.ts";
import { type Cosmology, PLANCK13 } from "./cosmology.ts";

/** Cosmology parameters (Planck 2013 defaults), shared by the kinds that need them. */
export const cosmologyFields = {
  h: num(PLANCK13.h),
  omegaM: num(PLANCK13.omegaM),
  omegaL: num(PLANCK13.omegaL),
  omegaB: num(PLANCK13.omegaB),
  sigma8: num(PLANCK13.sigma8),
  ns: num(PLANCK13.ns),
  tCmb: num(PLANCK13.tCmb),
};

/** Picks the cosmology out of a kind's decoded parameters. */
export const cosmologyOf = (p: Cosmology): Cosmology => ({
  h: p.h,
  omegaM: p.omegaM,
  omegaL: p.omegaL,
  omegaB: p.omegaB,
  sigma8: p.sigma8,
  ns: p.ns,
  tCmb: p.tCmb,
});
