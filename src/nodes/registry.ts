/**
 * Every node kind the runtime knows, by name. Worker threads import this
 * module too, so a kind is found by name on either side.
 */
import type { NodeKind } from "../kind/index.ts";
import { kinds as baselineKinds } from "./baseline/index.ts";
import { kinds as catalogKinds } from "./catalog/index.ts";
import { kinds as kdeKinds } from "./kde/index.ts";
import { kinds as metricsKinds } from "./metrics/index.ts";
import { kinds as mlKinds } from "./ml/index.ts";
import { observeCatalog } from "./observe/catalog.ts";
import { observeCalibration } from "./observe/calibrationKind.ts";
import { observeAxisViews, observeCylinders } from "./observe/cylinderKinds.ts";
import { observeViews } from "./observe/resample-views.ts";
import { kinds as observedKinds } from "./observed/index.ts";
import { kinds as toyKinds } from "./toy/index.ts";
import { kinds as universeKinds } from "./universe/index.ts";

export const allKinds: readonly NodeKind[] = [
  ...toyKinds,
  ...universeKinds,
  ...catalogKinds,
  observeViews,
  observeAxisViews,
  observeCylinders,
  observeCatalog,
  observeCalibration,
  ...kdeKinds,
  ...mlKinds,
  ...baselineKinds,
  ...metricsKinds,
  ...observedKinds,
];

export const kindRegistry: ReadonlyMap<string, NodeKind> = (() => {
  const map = new Map<string, NodeKind>();
  for (const k of allKinds) {
    if (map.has(k.name)) throw new Error(`two node kinds are named '${k.name}'`);
    map.set(k.name, k);
  }
  return map;
})();
