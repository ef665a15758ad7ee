/**
 * Metrics stage: Table 2 and the data of Figures 2-5 from the posteriors of
 * each model, as plain functions and as node kinds.
 */
import { compare, table2 } from "./kinds.ts";

export {
  compare,
  EXAMPLES,
  RESIDUALS,
  RHAT,
  SIGMA_VS_M,
  stackTables,
  summaryTable,
  table2,
} from "./kinds.ts";
export * from "./calibration.ts";
export * from "./figures.ts";
export * from "./posterior.ts";
export * from "./rows.ts";
export * from "./stats.ts";
export * from "./table2.ts";

export const kinds = [table2, compare];
