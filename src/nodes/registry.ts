/**
 * Every node kind the runtime knows, by name. Worker threads import this
 * module too, so a kind is found by name on either side.
 */
import type { NodeKind } from "../kind/index.ts";
import { kinds as baselineKinds } from "./baseline/index.ts";
import { kinds as catalogKinds } from "./catalog/index.ts";
import { kinds as metricsKinds } from "./metrics/index.ts";
import { observeViews } from "./observe/resample-views.ts";
import { kinds as toyKinds } from "./toy/index.ts";

export const allKinds: readonly NodeKind[] = [
  ...toyKinds,
  ...catalogKinds,
  observeViews,
  ...baselineKinds,
  ...metricsKinds,
];

export const kindRegistry: ReadonlyMap<string, NodeKind> = (() => {
  const map = new Map<string, NodeKind>();
  for (const k of allKinds) {
    if (map.has(k.name)) throw new Error(`two node kinds are named '${k.name}'`);
    map.set(k.name, k);
  }
  return map;
})();
