/** Observed clusters: galaxy tables on the sky into mock-shaped views, and their posteriors. */
import { observedCombine, observedMembers, observedPosteriors } from "./kinds.ts";

export { clusterMembers, type Cuts } from "./members.ts";
export { mixtureCdf, mixturePdf, mixtureQuantile, mixtureSummary } from "./mixture.ts";
export { readObservedGalaxies, type ObservedTable } from "./read.ts";
export * from "./sky.ts";
export { CLUSTERS, POSTERIOR_GRID, SUMMARY } from "./kinds.ts";
export { observedCombine, observedMembers, observedPosteriors };

export const kinds = [observedMembers, observedPosteriors, observedCombine];
