import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { allKinds } from "../../src/nodes/registry.ts";

const srcNodes = path.resolve(fileURLToPath(import.meta.url), "../../../src/nodes");

/**
 * Modules a kind's files import that the kind does not run, so that their
 * text is rightly left out of its key. The walk below follows imports file
 * by file, so a module that serves a sibling kind shows up here.
 */
const notRun: Record<string, readonly string[]> = {
  // model.ts imports ops.ts for the training forward pass; inference never calls it.
  "infer.cnn": ["ml/ops.ts"],
  // The files' sha256, which goes into the key itself.
  "catalog.import": ["catalog/fingerprint.ts"],
  // resample.ts imports folds.ts for observe.views; the richness cut does not call it.
  "observe.catalog": ["observe/folds.ts"],
};

/**
 * The observed.* kinds share one module (observed/kinds.ts), which imports
 * what all three run; their lists are kept by hand per kind.
 */
const sharedModule = new Set(["observed.members", "observed.posteriors", "observed.combine"]);

/**
 * schemas.ts declares the tables' columns, which the runtime checks every
 * output against; it computes nothing, and any change in what a node writes
 * changes the output hashes that its dependants' keys are made of.
 */
const declarations = ["schemas.ts"];

/** Relative modules under src/nodes/ reached from `file` by value imports (not `import type`). */
const reachable = (file: string, seen = new Set<string>()): Set<string> => {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(file, "utf8");
  const imports = /^import\s+(?!type\s)[^;]*?from\s+"(\.{1,2}\/[^"]+\.ts)";/gms;
  for (const m of text.matchAll(imports)) {
    const target = path.resolve(path.dirname(file), m[1]);
    if (target.startsWith(srcNodes + path.sep)) reachable(target, seen);
  }
  return seen;
};

describe("node kinds' implementation lists", () => {
  it.each(allKinds.filter((k) => !sharedModule.has(k.name)).map((k) => [k.name, k] as const))(
    "%s hashes every module of src/nodes/ it runs",
    (name, kind) => {
      const own = fileURLToPath(kind.implementation[0]);
      const hashed = new Set(kind.implementation.map((u) => fileURLToPath(u)));
      const skipped = new Set(
        [...declarations, ...(notRun[name] ?? [])].map((f) => path.join(srcNodes, f)),
      );
      const missing = [...reachable(own)]
        .filter((f) => !hashed.has(f) && !skipped.has(f))
        .map((f) => path.relative(srcNodes, f));
      expect(missing).toEqual([]);
    },
  );
});
