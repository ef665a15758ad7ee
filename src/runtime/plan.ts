/**
 * What would run, and why. The key of a node is known once the content hashes
 * of all its inputs are; a node whose upstream must run first has no key yet
 * (an upstream rerun that reproduces the same bytes will still leave it
 * cached: early cutoff).
 */
import type { NodeRecord, Store } from "../cache/store.ts";
import type { LockEntry, LockFile } from "./lock.ts";
import { canonical, implementationHash, nodeKey, type KeyParts } from "./key.ts";
import type { Experiment, NodeInstance } from "./spec.ts";

export interface PlanNode {
  readonly id: string;
  readonly kind: string;
  readonly key: string | null;
  readonly state: "cached" | "run";
  readonly reasons: readonly string[];
}

/** Output hash of an upstream table, or undefined while that node is not done. */
export type OutputLookup = (id: string, table: string) => string | undefined;

/** Key parts of a node, or undefined when an input's content is not known yet. */
export const keyPartsOf = (node: NodeInstance, lookup: OutputLookup): KeyParts | undefined => {
  const inputs: Record<string, string[]> = {};
  for (const [name, ref] of Object.entries(node.inputs)) {
    const hashes: string[] = [];
    for (let i = 0; i < ref.ids.length; i++) {
      const h = lookup(ref.ids[i], ref.tables[i]);
      if (h === undefined) return undefined;
      hashes.push(h);
    }
    inputs[name] = hashes;
  }
  const external = node.kind.fingerprint?.(node.params);
  return {
    kind: node.kind.name,
    version: node.kind.version,
    implementation: implementationHash(node.kind),
    params: node.params,
    inputs,
    ...(external === undefined ? {} : { external }),
  };
};

const show = (v: unknown): string => {
  if (v === undefined) return "(unset)";
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

/** Why a node must run, compared with its entry in the lock file. */
export const reasonsFor = (
  node: NodeInstance,
  parts: KeyParts | undefined,
  key: string | null,
  lock: LockEntry | undefined,
  pendingUpstream: readonly string[],
): string[] => {
  if (lock === undefined) return ["never ran"];
  if (key !== null && key === lock.key) return ["output missing from the cache"];

  const reasons: string[] = [];
  if (lock.kind !== node.kind.name) reasons.push(`kind ${lock.kind} -> ${node.kind.name}`);
  if (lock.version !== node.kind.version) {
    reasons.push(`${node.kind.name} version ${lock.version} -> ${node.kind.version}`);
  } else if (lock.implementation !== implementationHash(node.kind)) {
    reasons.push(`code of ${node.kind.name} changed`);
  }

  const old = (lock.params ?? {}) as Record<string, unknown>;
  const names = new Set([...Object.keys(old), ...Object.keys(node.params)]);
  for (const name of [...names].sort()) {
    if (canonical(old[name] ?? null) === canonical(node.params[name] ?? null)) continue;
    const where = node.paramSources[name] ?? `${node.entry}.${name} (default)`;
    reasons.push(`${where}: ${show(old[name])} -> ${show(node.params[name])}`);
  }

  if (parts !== undefined) {
    for (const [name, hashes] of Object.entries(parts.inputs)) {
      const before = lock.inputs[name] ?? [];
      if (canonical(before) === canonical(hashes)) continue;
      const ids = node.inputs[name].ids;
      const changed = ids.filter((_, i) => before[i] !== hashes[i]);
      reasons.push(
        `input ${name}: output of ${summarise(changed.length > 0 ? changed : ids)} changed`,
      );
    }
  }
  const ext = parts?.external ?? {};
  for (const [name, fp] of Object.entries(ext)) {
    if (lock.external?.[name] !== fp) reasons.push(`${name} changed (${fp.slice(0, 19)})`);
  }
  for (const up of pendingUpstream) reasons.push(`upstream ${up} will run`);
  if (reasons.length === 0) reasons.push("key scheme changed");
  return reasons;
};

const summarise = (ids: readonly string[]): string =>
  ids.length <= 3 ? ids.join(", ") : `${ids.slice(0, 2).join(", ")} and ${ids.length - 2} more`;

export interface Plan {
  readonly nodes: readonly PlanNode[];
  /** Records of the nodes that are cached, by id. */
  readonly cached: ReadonlyMap<string, NodeRecord>;
}

export const makePlan = (exp: Experiment, store: Store, lock: LockFile | undefined): Plan => {
  const cached = new Map<string, NodeRecord>();
  const states = new Map<string, "cached" | "run">();
  const lookup: OutputLookup = (id, table) => cached.get(id)?.outputs[table]?.hash;
  const nodes: PlanNode[] = [];

  for (const id of exp.graph.order) {
    const node = exp.byId.get(id)!;
    const parts = keyPartsOf(node, lookup);
    const key = parts === undefined ? null : nodeKey(parts);
    const record = key === null ? undefined : store.completeRecord(key);
    if (record !== undefined) {
      cached.set(id, record);
      states.set(id, "cached");
      nodes.push({ id, kind: node.kind.name, key, state: "cached", reasons: [] });
      continue;
    }
    states.set(id, "run");
    // Name only the nearest upstream nodes that will run, not the whole chain.
    const pending = [...new Set(Object.values(node.inputs).flatMap((r) => r.ids))].filter(
      (u) => states.get(u) === "run",
    );
    const reasons = reasonsFor(
      node,
      parts,
      key,
      lock?.nodes[id],
      pending.length > 3 ? [summarise(pending)] : pending,
    );
    nodes.push({ id, kind: node.kind.name, key, state: "run", reasons });
  }
  return { nodes, cached };
};
