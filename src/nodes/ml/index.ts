export { initBackend, type BackendChoice } from "./backend.ts";
export { MODEL_NAMES, parseModelName, type ModelSpec } from "./model.ts";
export { PosteriorAccumulator, type Posterior } from "./posterior.ts";
export { predict, train, type Dataset } from "./train.ts";
export { readWeightsTable, WEIGHTS, weightsTable } from "./weights.ts";
import { inferCnn, trainCnn } from "./kinds.ts";
export { inferCnn, trainCnn };
export const kinds = [trainCnn, inferCnn];
