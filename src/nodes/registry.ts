/**
 * Every node kind the runtime knows, by name. Worker threads import this
 * module too, so a kind is found by name on either side.
 */
import type { NodeKind } from "../kind/index.ts";
import { kinds as toyKinds } from "./toy/index.ts";

export const allKinds: readonly NodeKind[] = [...toyKinds];

export const kindRegistry: ReadonlyMap<string, NodeKind> = (() => {
  const map = new Map<string, NodeKind>();
  for (const k of allKinds) {
    if (map.has(k.name)) throw new Error(`two node kinds are named '${k.name}'`);
    map.set(k.name, k);
  }
  return map;
})();
