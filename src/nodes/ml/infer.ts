/**
 * MC-dropout prediction: the Table A1 posterior of every row.
 */
import type { Rng } from "../../kind/index.ts";
import { MaskStream, toVariables, type ModelSpec } from "./model.ts";
import { PosteriorAccumulator, type Posterior } from "./posterior.ts";
import { outputs, rowsOf, type Dataset } from "./train.ts";

export interface PredictOptions {
  /** Dropout samples T for '-d' models (the others need one pass). */
  readonly samples: number;
  readonly dropout: number;
  /** sigma_D^2 of Point models, dex^2. */
  readonly sigmaD2: number;
  readonly onSample?: (t: number) => void;
}

/** The Table A1 posterior of every row. */
export const predict = (
  spec: ModelSpec,
  weights: ReadonlyMap<string, Float32Array>,
  data: Dataset,
  options: PredictOptions,
  rng: Rng,
): Posterior => {
  const params = toVariables(spec, weights);
  try {
    const acc = new PosteriorAccumulator(spec, rowsOf(data), options.sigmaD2);
    const mc = spec.dropout && options.dropout > 0;
    const masks = mc ? new MaskStream(rng.fork("mc-dropout")) : null;
    const t = mc ? options.samples : 1;
    for (let i = 0; i < t; i++) {
      acc.add(outputs(spec, params, data, options.dropout, masks));
      options.onSample?.(i);
    }
    return acc.finish();
  } finally {
    for (const v of params.values()) v.dispose();
  }
};
