/** The universe stage: the synthetic generator (catalog import lives in ../catalog). */
import { universeBox } from "./boxKind.ts";

export { universeBox } from "./boxKind.ts";
export * from "./box.ts";
export * from "./cosmology.ts";
export * from "./cosmologyParams.ts";
export * from "./halos.ts";
export * from "./power.ts";

export const kinds = [universeBox];
