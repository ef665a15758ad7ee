import * as fs from "node:fs";
import * as path from "node:path";

import { describe, expect, it } from "vitest";

import { dag, lockOf, scratch } from "./helpers.ts";

const SPEC = "experiments/toy.yaml";

describe("lineage, show, audit and gc", () => {
  const dir = scratch();
  const first = dag(dir, "run", SPEC);

  it("lineage lists the upstream graph with kinds, params, keys and output hashes", () => {
    expect(first.code).toBe(0);
    const r = dag(dir, "lineage", SPEC, "clip/a-2", "--format", "json");
    expect(r.code).toBe(0);
    const nodes = JSON.parse(r.stdout).nodes as {
      id: string;
      kind: string;
      key: string;
      params: object;
      outputs: Record<string, string>;
    }[];
    expect(nodes.map((n) => n.id)).toEqual(["source", "square/a-2", "clip/a-2"]);
    const lock = lockOf(dir);
    for (const n of nodes) {
      expect(n.key).toBe(lock.nodes[n.id].key);
      expect(n.outputs).toEqual(lock.nodes[n.id].outputs);
    }
    expect(nodes[1]).toMatchObject({ kind: "toy.square", params: { a: 2, work: 0, fail: false } });
  });

  it("lineage --down lists what depends on a node", () => {
    const r = dag(dir, "lineage", SPEC, "square/a-3", "--down", "--format", "json");
    expect(JSON.parse(r.stdout).nodes.map((n: { id: string }) => n.id)).toEqual([
      "square/a-3",
      "clip/a-3",
      "total",
    ]);
  });

  it("lineage renders text, Mermaid and DOT", () => {
    const text = dag(dir, "lineage", SPEC, "total").stdout;
    expect(text).toMatch(/^total {2}\(toy\.sum, cached\)$/m);
    expect(text).toMatch(/^ {2}input {3}xs <- clip\/a-1, clip\/a-2, clip\/a-3, clip\/a-4$/m);
    const mermaid = dag(dir, "lineage", SPEC, "clip/a-1", "--format", "mermaid").stdout;
    expect(mermaid).toMatch(/^flowchart|^graph/m);
    expect(mermaid).toContain("square/a-1");
    const dot = dag(dir, "lineage", SPEC, "clip/a-1", "--format", "dot").stdout;
    expect(dot).toMatch(/digraph/);
    expect(dot).toMatch(/->/);
  });

  it("lineage of an unknown node is a usage error with a suggestion", () => {
    const r = dag(dir, "lineage", SPEC, "clip/a-9");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /no node 'clip\/a-9' in experiments\/toy\.yaml \(did you mean 'clip\/a-1'\?\)/,
    );
  });

  it("show prints an output's schema, row count and first rows", () => {
    const r = dag(dir, "show", SPEC, "total", "--json", "--rows", "2");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.rows).toBe(4);
    expect(s.schema).toEqual([
      { name: "input", type: "utf8" },
      { name: "sum", type: "f64" },
      { name: "count", type: "i32" },
    ]);
    expect(s.head).toHaveLength(2);
    expect(s.head[0]).toMatchObject({ input: "clip/a-1", count: 2000 });
    const text = dag(dir, "show", SPEC, "source", "--rows", "3").stdout;
    expect(text).toMatch(/^source:values {2}2000 rows/m);
    expect(text).toMatch(/^schema: x: f64$/m);
  });

  it("audit re-executes nodes, verifies objects and the lock file, and passes", () => {
    const r = dag(dir, "audit", SPEC, "--all", "--json");
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a.ok).toBe(true);
    expect(a.reexecuted).toHaveLength(10);
    expect(a.objects.corrupt).toEqual([]);
    expect(a.lock.problems).toEqual([]);
  });

  it("audit re-executes the nodes named with --node, ids or globs, besides the sample", () => {
    const r = dag(dir, "audit", SPEC, "--sample", "0", "--node", "clip/*", "--node", "source");
    expect(r.code).toBe(0);
    const ids = [...r.stdout.matchAll(/^ {2}ok {3}(\S+):/gm)].map((m) => m[1]).sort();
    expect(ids).toEqual(["clip/a-1", "clip/a-2", "clip/a-3", "clip/a-4", "source"]);
  });

  it("audit refuses a --node that names no node, with the spec's file", () => {
    const r = dag(dir, "audit", SPEC, "--sample", "0", "--node", "clip/a-9");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--node clip\/a-9: no node of .*toy\.yaml has this id/);
  });

  it("audit fails and names a corrupted object", () => {
    const other = scratch();
    dag(other, "run", SPEC);
    const hash = lockOf(other).nodes["clip/a-1"].outputs.values;
    const file = path.join(other, ".dag", "objects", hash.slice(0, 2), `${hash}.parquet`);
    const bytes = fs.readFileSync(file);
    bytes[40] ^= 1;
    fs.writeFileSync(file, bytes);
    const r = dag(other, "audit", SPEC, "--sample", "2", "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).objects.corrupt).toEqual([hash]);
  });

  it("audit fails when the spec no longer matches the lock file", () => {
    const r = dag(dir, "audit", SPEC, "--sample", "0", "--set", "clip.hi=3");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/clip\/a-1: the spec gives key .* \(clip\.hi: 20 -> 3\)/);
    expect(r.stdout).toMatch(/audit FAILED/);
  });

  it("gc --dry-run reports what it would free and deletes nothing; gc frees it", () => {
    const g = scratch();
    dag(g, "run", SPEC);
    dag(g, "run", SPEC, "--set", "clip.hi=0.5");
    dag(g, "run", SPEC); // lock back at hi = 20: the hi = 0.5 outputs are unreachable
    const count = () =>
      fs
        .readdirSync(path.join(g, ".dag", "records"))
        .flatMap((s) => fs.readdirSync(path.join(g, ".dag", "records", s))).length;
    const before = count();
    const dry = dag(g, "gc", "--dry-run", "--min-age", "0");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^would free [\d.]+ KiB: 5 records, 5 objects/m);
    expect(count()).toBe(before);
    const real = dag(g, "gc", "--min-age", "0");
    expect(real.stdout).toMatch(
      /^freed [\d.]+ KiB: 5 records, 5 objects, 0 temp files; kept 10 records/m,
    );
    expect(count()).toBe(before - 5);
    expect(dag(g, "audit", SPEC, "--sample", "3").code).toBe(0);
    expect(dag(g, "run", SPEC).stdout).toMatch(/0 ran, 10 cached/);
  });

  it("gc keeps unreachable entries younger than --min-age, which a run in progress may still need", () => {
    const g = scratch();
    dag(g, "run", SPEC, "--set", "clip.hi=0.5");
    dag(g, "run", SPEC); // the hi = 0.5 outputs are unreachable, but only seconds old
    const kept = dag(g, "gc");
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(/^freed 0 B: 0 records, 0 objects, 0 temp files; kept 15 records/m);
    expect(dag(g, "gc", "--min-age", "-1").stderr).toMatch(/--min-age must be at least 0/);
    expect(dag(g, "gc", "--min-age", "0").stdout).toMatch(/^freed [\d.]+ KiB: 5 records/m);
  });
});
