/** The classical M-sigma baseline the CNNs are compared against. */
import { baselineMSigma } from "./msigma-kind.ts";

export { dispersion, gapperDispersion, velocityDispersion } from "./dispersion.ts";
export type { DispersionEstimator } from "./dispersion.ts";
export { fitMSigma, invertMSigma, massVariance, M_SIGMA_PIVOT } from "./msigma.ts";
export type { MSigmaFit } from "./msigma.ts";
export { baselineMSigma, msigmaByFold, viewLogSigma } from "./msigma-kind.ts";

export const kinds = [baselineMSigma];
