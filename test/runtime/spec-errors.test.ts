import * as fs from "node:fs";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { dag, scratch } from "./helpers.ts";

/** Runs `dag run` on a spec and returns what a user sees. */
const runBad = (spec: string) => {
  const dir = scratch(spec);
  const r = dag(dir, "run", "experiments/toy.yaml");
  return { ...r, dir };
};

const expectCleanError = (r: ReturnType<typeof runBad>, pattern: RegExp) => {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(fs.existsSync(path.join(r.dir, ".dag"))).toBe(false); // nothing written
  expect(fs.existsSync(path.join(r.dir, "experiments/toy.lock.json"))).toBe(false);
};

const base = (nodes: string, params = "") =>
  `experiment: toy\n${params ? `params:\n${params}\n` : ""}nodes:\n${nodes}\n`;

describe("a bad spec is reported as file:line:col, exit 2, nothing written", () => {
  it("reports a YAML syntax error with its position", () => {
    const r = runBad("experiment: toy\nnodes:\n  a: [1, 2\n");
    expectCleanError(r, /^experiments\/toy\.yaml:\d+:\d+: .*(Flow sequence|end with)/m);
  });

  it("reports a parameter of the wrong type where the value is written", () => {
    const r = runBad(base("  s:\n    kind: toy.source\n    params: { n: $n }", '  n: "lots"'));
    expectCleanError(
      r,
      /^experiments\/toy\.yaml:3:6: parameter 'n' of s: Expected (an integer|number).*"lots"/m,
    );
  });

  it("reports an unknown key at the key", () => {
    const r = runBad(base("  s:\n    kind: toy.source\n    colour: red"));
    expectCleanError(r, /^experiments\/toy\.yaml:5:5: unknown key 'nodes\.s\.colour'/m);
  });

  it("reports an unknown parameter of a kind with a suggestion", () => {
    const r = runBad(base("  s:\n    kind: toy.source\n    params: { m: 3 }"));
    expectCleanError(r, /toy\.yaml:5:15: toy\.source has no parameter 'm' \(did you mean 'n'\?\)/);
  });

  it("reports a missing key", () => {
    const r = runBad("experiment: toy\n");
    expectCleanError(r, /^experiments\/toy\.yaml:1:1: missing key 'nodes'/m);
  });

  it("reports a missing node kind key", () => {
    const r = runBad(base("  s:\n    params: { n: 3 }"));
    expectCleanError(r, /toy\.yaml:4:5: missing key 'nodes\.s\.kind'/);
  });

  it("reports a reference to a node that does not exist", () => {
    const r = runBad(
      base("  s:\n    kind: toy.source\n  c:\n    kind: toy.clip\n    inputs: { x: sorce }"),
    );
    expectCleanError(r, /toy\.yaml:7:18: input 'x' refers to 'sorce', which matches no node$/m);
  });

  it("reports a cycle and names the nodes in it", () => {
    const r = runBad(
      base(
        "  a:\n    kind: toy.clip\n    inputs: { x: b }\n  b:\n    kind: toy.clip\n    inputs: { x: a }",
      ),
    );
    expectCleanError(r, /toy\.yaml:\d+:\d+: cycle: (a -> b -> a|b -> a -> b)$/m);
  });

  it("reports a parameter that no node reads", () => {
    const r = runBad(base("  s:\n    kind: toy.source", "  n: 3"));
    expectCleanError(r, /toy\.yaml:3:3: parameter 'n' is not read by any node/);
  });

  it("reports an unknown node kind with a suggestion", () => {
    const r = runBad(base("  s:\n    kind: toy.sorce"));
    expectCleanError(
      r,
      /toy\.yaml:4:11: unknown node kind 'toy\.sorce' \(did you mean 'toy\.source'\?\)/,
    );
  });

  it("reports a --set of a parameter that does not exist", () => {
    const dir = scratch();
    const r = dag(dir, "plan", "experiments/toy.yaml", "--set", "clip.hii=3");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^--set clip\.hii=3: no such parameter: 'clip\.hii' \(did you mean 'hi'\?\)/m,
    );
  });

  it("refuses an alias bomb", () => {
    const bomb = [
      "experiment: toy",
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
      "nodes: {}",
    ].join("\n");
    const r = runBad(bomb);
    expectCleanError(r, /toy\.yaml:1:1: cannot expand the document: .*alias/i);
  });
});
