/**
 * Node keys: sha256 over a canonical encoding of what determines a node's
 * output.
 *
 * ATTENTION: any change to what goes into a key, or how it is encoded, must
 * bump KEY_SCHEME: old cache entries then simply stop matching instead of
 * being reused under a different meaning.
 */
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";

import { sha256 } from "../cache/store.ts";
import type { NodeKind } from "../kind/index.ts";

export const KEY_SCHEME = 1;

/**
 * JSON with object keys sorted at every level, -0 written as 0, and
 * non-finite numbers refused (they would all encode as null).
 */
export const canonical = (value: unknown): string => {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot hash the non-finite number ${value}`);
    return JSON.stringify(Object.is(value, -0) ? 0 : value);
  }
  if (typeof value === "bigint") return JSON.stringify(`${value}n`);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  throw new Error(`cannot hash a value of type ${typeof value}`);
};

const implementationCache = new Map<string, string>();

/** Hash of the source files a kind names as its implementation (memoised per process). */
export const implementationHash = (kind: NodeKind): string => {
  const cached = implementationCache.get(kind.name);
  if (cached !== undefined) return cached;
  const parts = [...kind.implementation].sort().map((url) => {
    const file = url.startsWith("file:") ? fileURLToPath(url) : url;
    return sha256(fs.readFileSync(file));
  });
  const hash = sha256(parts.join("\n"));
  implementationCache.set(kind.name, hash);
  return hash;
};

export interface KeyParts {
  readonly kind: string;
  readonly version: number;
  readonly implementation: string;
  readonly params: unknown;
  /** Content hashes of the input tables, by input name (arrays for fan-in). */
  readonly inputs: Readonly<Record<string, readonly string[]>>;
  /** Fingerprints of files outside the cache that the kind reads. */
  readonly external?: Readonly<Record<string, string>>;
}

export const nodeKey = (parts: KeyParts): string =>
  sha256(canonical({ scheme: KEY_SCHEME, ...parts }));
