/**
 * Node kind `universe.box`: one periodic sub-box of the synthetic universe.
 * A run fans out over `box` = 0..N-1 (64 boxes of 250 Mpc/h make 1 (Gpc/h)^3);
 * each box draws from its own stream, ctx.rng.fork(`box-${box}`).
 */
import { Schema } from "effect";

import { defineKind, int, makeTable, num } from "../../kind/index.ts";
import { GALAXIES, HALOS } from "../schemas.ts";
import { type BoxParams, DEFAULT_BOX, generateBox } from "./box.ts";
import { cosmologyFields, cosmologyOf } from "./cosmologyParams.ts";

const d = DEFAULT_BOX;

export const boxParams = Schema.Struct({
  ...cosmologyFields,
  z: num(d.z),
  boxSize: num(d.boxSize),
  grid: int(d.grid),
  box: int(d.box),
  mMin: num(d.mMin),
  mMax: num(d.mMax),
  massBin: num(d.massBin),
  biasSmoothing: num(d.biasSmoothing),
  displacementSmoothing: num(d.displacementSmoothing),
  haloVelocityNoise: num(d.haloVelocityNoise),
  exclusion: num(d.exclusion),
  infallAmplitude: num(d.infallAmplitude),
  infallRadius: num(d.infallRadius),
  infallMassMin: num(d.infallMassMin),
  logM0: num(d.logM0),
  logM1: num(d.logM1),
  satAlpha: num(d.satAlpha),
  mSatMin: num(d.mSatMin),
  satRadiusFactor: num(d.satRadiusFactor),
  sigmaDm15: num(d.sigmaDm15),
  sigmaDmSlope: num(d.sigmaDmSlope),
  sigmaScatter: num(d.sigmaScatter),
  axisScatter: num(d.axisScatter),
  logObsSmMin: num(d.logObsSmMin),
});

export type BoxKindParams = typeof boxParams.Type;

/** Splits the flat node parameters into the generator's cosmology and the rest. */
export const toBoxParams = (p: BoxKindParams): BoxParams => {
  const { h, omegaM, omegaL, omegaB, sigma8, ns, tCmb, ...rest } = p;
  return { ...rest, cosmology: cosmologyOf(p) };
};

export const universeBox = defineKind({
  name: "universe.box",
  version: 1,
  weight: "heavy",
  doc: "One periodic sub-box: clustered halos (Tinker 2008 M200c) and NFW satellites.",
  implementation: [
    import.meta.url,
    new URL("./box.ts", import.meta.url).href,
    new URL("./cellList.ts", import.meta.url).href,
    new URL("./cosmology.ts", import.meta.url).href,
    new URL("./cosmologyParams.ts", import.meta.url).href,
    new URL("./fft.ts", import.meta.url).href,
    new URL("./field.ts", import.meta.url).href,
    new URL("./halos.ts", import.meta.url).href,
    new URL("./nfw.ts", import.meta.url).href,
    new URL("./power.ts", import.meta.url).href,
  ],
  params: boxParams,
  inputs: {},
  outputs: { halos: HALOS, galaxies: GALAXIES },
  run: (ctx) => {
    const p = toBoxParams(ctx.params);
    const { halos, galaxies } = generateBox(p, ctx.rng.fork(`box-${p.box}`), ctx.progress);
    ctx.note("halos", halos.id.length);
    ctx.note("galaxies", galaxies.id.length);
    return {
      halos: makeTable({
        id: halos.id,
        upid: new BigInt64Array(halos.id.length).fill(-1n),
        m200c: halos.m200c,
        x: halos.x,
        y: halos.y,
        z: halos.z,
        vx: halos.vx,
        vy: halos.vy,
        vz: halos.vz,
      }),
      galaxies: makeTable({
        id: galaxies.id,
        upid: galaxies.upid,
        obs_sm: galaxies.obsSm,
        x: galaxies.x,
        y: galaxies.y,
        z: galaxies.z,
        vx: galaxies.vx,
        vy: galaxies.vy,
        vz: galaxies.vz,
      }),
    };
  },
});
