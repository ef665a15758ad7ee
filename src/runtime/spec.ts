/**
 * Loading an experiment spec: YAML with positions -> effect Schema validation
 * -> node instances with resolved parameters and inputs.
 *
 * A spec never executes code. Parameter values are literals, or whole-value
 * references `$a.b` into the `params` tree or to a `foreach` variable.
 * Every mistake is collected and reported as `file:line:col: message`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { Schema, SchemaIssue } from "effect";
import * as YAML from "yaml";

import type { NodeKind } from "../kind/index.ts";
import { SpecError, type Problem } from "./errors.ts";
import { compileGraph, type DagGraph } from "./graph.ts";

/** Specs are small; anything bigger is a mistake or an attack. */
const MAX_SPEC_BYTES = 1 << 20;
/** Bounds alias expansion ("billion laughs"). */
const MAX_ALIASES = 200;
const MAX_INSTANCES = 200_000;

export type Path = readonly (string | number)[];

export interface ResolvedInput {
  /** Upstream node ids, in spec order. */
  readonly ids: readonly string[];
  /** The output table read from each upstream node. */
  readonly tables: readonly string[];
  readonly many: boolean;
}

export interface NodeInstance {
  readonly id: string;
  /** The entry under `nodes:` this instance was expanded from. */
  readonly entry: string;
  readonly kind: NodeKind;
  /** Decoded parameters, defaults applied: what the key hashes. */
  readonly params: Readonly<Record<string, unknown>>;
  /** For each parameter set in the spec, where its value came from (a spec path). */
  readonly paramSources: Readonly<Record<string, string>>;
  readonly inputs: Readonly<Record<string, ResolvedInput>>;
  /** foreach variables of this instance. */
  readonly vars: Readonly<Record<string, unknown>>;
}

export interface Experiment {
  readonly name: string;
  readonly file: string;
  readonly description: string | undefined;
  readonly nodes: readonly NodeInstance[];
  readonly byId: ReadonlyMap<string, NodeInstance>;
  readonly graph: DagGraph;
  /** Where `dag run` writes the lock file. */
  readonly lockFile: string;
}

export interface LoadOptions {
  readonly kinds: ReadonlyMap<string, NodeKind>;
  /** `--set a.b=value` overrides, in order. */
  readonly sets?: readonly string[];
}

// ---------------------------------------------------------------------------
// Structure of the document

const Name = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
    expected: "a name of letters, digits, '_', '-' and '.'",
  }),
);

const InputRef = Schema.Union([Schema.String, Schema.Array(Schema.String)]);

const NodeEntry = Schema.Struct({
  kind: Schema.String,
  id: Schema.optionalKey(Schema.String),
  doc: Schema.optionalKey(Schema.String),
  foreach: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown)),
  params: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown)),
  inputs: Schema.optionalKey(Schema.Record(Schema.String, InputRef)),
});

const Document = Schema.Struct({
  experiment: Name,
  description: Schema.optionalKey(Schema.String),
  params: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown)),
  nodes: Schema.Record(Schema.String, NodeEntry),
});
type Document = typeof Document.Type;

const formatter = SchemaIssue.makeFormatterStandardSchemaV1();

const schemaProblems = (
  schema: Schema.Top,
  value: unknown,
): { path: Path; message: string; excess: boolean }[] | { value: unknown } => {
  const result = Schema.decodeUnknownResult(schema as Schema.Codec<unknown, unknown>, {
    onExcessProperty: "error",
    errors: "all",
  })(value);
  if (result._tag === "Success") return { value: result.success };
  return formatter(result.failure.issue).issues.map((i) => {
    const p = (i.path ?? []).map((s) => (typeof s === "number" ? s : String(s)));
    const actual = getPath(value, p);
    let message = i.message.replace(/ \| undefined/g, "");
    if (actual.found && !message.includes(", got ")) message += `, got ${describe(actual.value)}`;
    return { path: p, message, excess: i.message.includes("excess property") };
  });
};

// ---------------------------------------------------------------------------
// Positions

class Locator {
  readonly file: string;
  private readonly doc: YAML.Document;
  private readonly lines: YAML.LineCounter;
  /** Paths changed by --set point at the flag, not at the file. */
  private readonly overridden = new Map<string, string>();

  constructor(file: string, doc: YAML.Document, lines: YAML.LineCounter) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
  }

  markOverride(p: Path, flag: string): void {
    this.overridden.set(p.join("."), flag);
  }

  /** Position of the value at `p` (or of its key, for `key: true`), else of the nearest parent. */
  at(p: Path, message: string, opts: { key?: boolean } = {}): Problem {
    for (let n = p.length; n >= 0; n--) {
      const flag = this.overridden.get(p.slice(0, n).join("."));
      if (flag !== undefined) return { file: flag, line: 0, col: 0, message };
    }
    let node: unknown = this.doc.contents;
    let range: readonly number[] | undefined = (node as YAML.Node | null)?.range ?? undefined;
    for (let i = 0; i < p.length; i++) {
      const seg = p[i];
      if (YAML.isMap(node)) {
        const pair = node.items.find(
          (it) => YAML.isScalar(it.key) && String(it.key.value) === String(seg),
        );
        if (pair === undefined) break;
        if (opts.key && i === p.length - 1) {
          range = (pair.key as YAML.Node).range ?? range;
          break;
        }
        node = pair.value;
      } else if (YAML.isSeq(node) && typeof seg === "number" && node.items[seg] !== undefined) {
        node = node.items[seg];
      } else break;
      // An alias (`*train`) is reported where it is used.
      range = (node as YAML.Node | null)?.range ?? range;
    }
    const pos = this.lines.linePos(range?.[0] ?? 0);
    return { file: this.file, line: pos.line, col: pos.col, message };
  }
}

// ---------------------------------------------------------------------------
// Helpers

const describe = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

const getPath = (root: unknown, p: Path): { found: boolean; value: unknown } => {
  let cur = root;
  for (const seg of p) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur as object, seg)) {
      return { found: false, value: undefined };
    }
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return { found: true, value: cur };
};

/** Closest candidate by edit distance, for "did you mean" hints. */
export const suggest = (word: string, candidates: Iterable<string>): string => {
  let best = "";
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== "" && bestD <= Math.max(2, Math.floor(word.length / 3))
    ? ` (did you mean '${best}'?)`
    : "";
};

const editDistance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
};

const ID_PATTERN = /^[A-Za-z0-9_.=+-]+(\/[A-Za-z0-9_.=+-]+)*$/;

/** Node ids become file names in reports: no '..', no absolute paths, a safe alphabet. */
export const checkNodeId = (id: string): string | undefined => {
  if (!ID_PATTERN.test(id)) return `node id '${id}' may only hold letters, digits, '_.=+-' and '/'`;
  if (id.split("/").some((s) => s === "." || s === ".."))
    return `node id '${id}' has a '.' or '..' part`;
  return undefined;
};

const varText = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

const fillTemplate = (template: string, vars: Record<string, unknown>): string =>
  template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) =>
    Object.hasOwn(vars, name) ? varText(vars[name]) : m,
  );

/** A node-id glob: `*` within one path segment, `**` across segments. */
export const globToRegExp = (pattern: string): RegExp => {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*" && pattern[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (ch === "*") re += "[^/]*";
    else re += ch.replace(/[.+?^${}()|[\]\\=]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
};

// ---------------------------------------------------------------------------
// Loading

interface ParsedSpec {
  readonly file: string;
  readonly doc: Document;
  readonly raw: Record<string, unknown>;
  readonly locator: Locator;
}

const parseYaml = (file: string, sets: readonly string[]): ParsedSpec => {
  const display = path.relative(process.cwd(), file) || file;
  const fail = (message: string, line = 0, col = 0): never => {
    throw new SpecError({ problems: [{ file: display, line, col, message }] });
  };

  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return fail("no such file");
  }
  if (stat.size > MAX_SPEC_BYTES)
    fail(`the spec is ${stat.size} bytes; at most ${MAX_SPEC_BYTES} are read`);
  const text = fs.readFileSync(file, "utf8");

  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, {
    lineCounter: lines,
    // `<<: *anchor` copies an anchored mapping, its own keys overriding.
    merge: true,
    uniqueKeys: true,
    prettyErrors: false,
  });
  if (doc.errors.length > 0) {
    throw new SpecError({
      problems: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file: display, line: pos.line, col: pos.col, message: e.message.split("\n")[0] };
      }),
    });
  }
  const locator = new Locator(display, doc, lines);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    fail(`cannot expand the document: ${(e as Error).message}`, 1, 1);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    fail("the spec must be a mapping with 'experiment', 'params' and 'nodes'", 1, 1);
  }

  const root = raw as Record<string, unknown>;
  for (const s of sets) applySet(root, s, locator);

  const checked = schemaProblems(Document, root);
  if (Array.isArray(checked)) {
    throw new SpecError({
      problems: checked.map((i) =>
        i.excess
          ? locator.at(i.path, `unknown key '${i.path.join(".")}'`, { key: true })
          : i.message.startsWith("Missing key")
            ? locator.at(i.path.slice(0, -1), `missing key '${i.path.join(".")}'`)
            : locator.at(i.path, `${i.path.join(".")}: ${i.message}`),
      ),
    });
  }
  return { file: display, doc: checked.value as Document, raw: root, locator };
};

/**
 * `--set a.b=value`: `value` is read as YAML (so numbers, booleans and lists
 * work). Paths starting with `nodes.` or `experiment` address the document;
 * all others the `params` tree. The parent must exist: a typo is an error,
 * not a new, unread parameter.
 */
const applySet = (root: Record<string, unknown>, set: string, locator: Locator): void => {
  const eq = set.indexOf("=");
  const flag = `--set ${set}`;
  const fail = (message: string): never => {
    throw new SpecError({ problems: [{ file: flag, line: 0, col: 0, message }] });
  };
  if (eq <= 0) fail("expected path=value");
  const dotted = set.slice(0, eq).trim();
  let value: unknown;
  try {
    value = YAML.parse(set.slice(eq + 1), { maxAliasCount: MAX_ALIASES });
  } catch (e) {
    fail(`the value is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const segs = dotted.split(".");
  const full: (string | number)[] =
    segs[0] === "nodes" || segs[0] === "experiment" || segs[0] === "description"
      ? segs
      : ["params", ...segs];
  const parent = getPath(root, full.slice(0, -1));
  if (!parent.found || parent.value === null || typeof parent.value !== "object") {
    fail(`no such parameter: '${full.slice(0, -1).join(".")}' is not in the spec`);
  }
  const container = parent.value as Record<string, unknown>;
  const leaf = full[full.length - 1];
  if (Array.isArray(container)) {
    const idx = Number(leaf);
    if (!Number.isInteger(idx) || idx < 0 || idx >= container.length) fail(`no index ${leaf}`);
    container[idx] = value;
  } else {
    if (full[0] === "params" && !Object.hasOwn(container, leaf)) {
      fail(
        `no such parameter: '${full.slice(1).join(".")}'` +
          suggest(String(leaf), Object.keys(container)),
      );
    }
    container[leaf] = value;
  }
  locator.markOverride(full, flag);
};

interface Ref {
  readonly path: Path;
  readonly source: string;
}

/**
 * Replaces `$a.b` references by their values. Returns the value and every
 * spec path it read, so that unread parameters can be reported and reasons can
 * name where a value came from.
 */
const resolveRefs = (
  value: unknown,
  at: Path,
  vars: Record<string, unknown>,
  params: unknown,
  problems: Problem[],
  locator: Locator,
  used: Set<string>,
  refs: Ref[],
): unknown => {
  if (typeof value === "string" && value.startsWith("$$")) return value.slice(1);
  if (typeof value === "string" && value.startsWith("$")) {
    const name = value.slice(1);
    const segs = name.split(".");
    if (segs.length === 1 && Object.hasOwn(vars, name)) {
      refs.push({ path: at, source: `foreach ${name}` });
      return vars[name];
    }
    const target = getPath(params, segs);
    if (!target.found) {
      const top =
        params !== null && typeof params === "object" ? Object.keys(params as object) : [];
      problems.push(
        locator.at(
          at,
          `'${value}' refers to no parameter${suggest(segs[0], [...top, ...Object.keys(vars)])}`,
        ),
      );
      return undefined;
    }
    used.add(segs.join("."));
    refs.push({ path: ["params", ...segs], source: segs.join(".") });
    return target.value;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) =>
      resolveRefs(v, [...at, i], vars, params, problems, locator, used, refs),
    );
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = resolveRefs(v, [...at, k], vars, params, problems, locator, used, refs);
    }
    return out;
  }
  return value;
};

/** Cartesian product of foreach variables, in the order the spec lists them. */
const product = (vars: [string, unknown[]][]): Record<string, unknown>[] => {
  let combos: Record<string, unknown>[] = [{}];
  for (const [name, values] of vars) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combos;
};

const unusedParams = (params: unknown, used: Set<string>): string[] => {
  const out: string[] = [];
  const walk = (v: unknown, p: string[]): void => {
    const key = p.join(".");
    if (p.length > 0 && [...used].some((u) => key === u || key.startsWith(`${u}.`))) return;
    const isLeaf = v === null || typeof v !== "object" || Array.isArray(v);
    const anyUnder = [...used].some((u) => u.startsWith(`${key}.`));
    if (isLeaf || (!anyUnder && p.length > 0)) {
      if (p.length > 0) out.push(key);
      return;
    }
    for (const [k, c] of Object.entries(v as object)) walk(c, [...p, k]);
  };
  walk(params, []);
  return out;
};

/** What the steps of loading share: where problems go and how to place them. */
interface Loading {
  readonly locator: Locator;
  readonly problems: Problem[];
  readonly params: unknown;
  /** Parameter paths some node read. */
  readonly used: Set<string>;
}

/** foreach variables of an entry: each a list (literal or referenced) or a count N (0..N-1). */
const foreachVars = (ld: Loading, at: Path, foreach: Record<string, unknown>) => {
  const vars: [string, unknown[]][] = [];
  for (const [name, given] of Object.entries(foreach)) {
    const vp: Path = [...at, "foreach", name];
    const value = resolveRefs(given, vp, {}, ld.params, ld.problems, ld.locator, ld.used, []);
    const list =
      typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= MAX_INSTANCES
        ? Array.from({ length: value }, (_, i) => i)
        : value;
    if (!Array.isArray(list) || list.length === 0) {
      const what = `foreach '${name}' must be a non-empty list or a count, got ${describe(value)}`;
      ld.problems.push(ld.locator.at(vp, what));
      continue;
    }
    vars.push([name, list]);
  }
  return vars;
};

/** Resolves an instance's parameters and decodes them with its kind's schema. */
const instanceParams = (
  ld: Loading,
  at: Path,
  id: string,
  kind: NodeKind,
  given: Record<string, unknown>,
  vars: Record<string, unknown>,
) => {
  const raw: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const [name, v] of Object.entries(given)) {
    const refs: Ref[] = [];
    const vp: Path = [...at, "params", name];
    raw[name] = resolveRefs(v, vp, vars, ld.params, ld.problems, ld.locator, ld.used, refs);
    sources[name] = refs.length === 1 && refs[0].path.length > 0 ? refs[0].source : vp.join(".");
  }
  const decoded = schemaProblems(kind.params, raw);
  if (!Array.isArray(decoded)) {
    return { params: decoded.value as Record<string, unknown>, sources };
  }
  for (const i of decoded) {
    const name = String(i.path[0] ?? "");
    const where = Object.hasOwn(given, name) ? [...at, "params", name] : [...at, "params"];
    const what = i.excess
      ? `${kind.name} has no parameter '${name}'${suggest(name, paramNames(kind))}`
      : i.message.startsWith("Missing key")
        ? `${kind.name} needs parameter '${i.path.join(".")}'`
        : `parameter '${i.path.join(".")}' of ${id}: ${i.message}`;
    const place = followRef(given[name], where, ld.params);
    ld.problems.push(ld.locator.at(place, what, { key: i.excess }));
  }
  return undefined;
};

/** One entry under `nodes:` expanded into its instances (inputs not resolved yet). */
const expandEntry = (
  ld: Loading,
  entryName: string,
  entry: Document["nodes"][string],
  kinds: ReadonlyMap<string, NodeKind>,
  seen: Map<string, string>,
  room: number,
): NodeInstance[] => {
  const at: Path = ["nodes", entryName];
  const kind = kinds.get(entry.kind);
  if (kind === undefined) {
    const what = `unknown node kind '${entry.kind}'${suggest(entry.kind, kinds.keys())}`;
    ld.problems.push(ld.locator.at([...at, "kind"], what));
    return [];
  }
  const vars = foreachVars(ld, at, entry.foreach ?? {});
  const combos = product(vars);
  if (combos.length > room) {
    ld.problems.push(ld.locator.at(at, `expands to more than ${MAX_INSTANCES} nodes`));
    return [];
  }
  const out: NodeInstance[] = [];
  for (const combo of combos) {
    const template = entry.id ?? [entryName, ...vars.map(([n]) => `${n}-{${n}}`)].join("/");
    const id = fillTemplate(template, combo);
    const bad = checkNodeId(id);
    if (bad !== undefined) {
      ld.problems.push(ld.locator.at(entry.id === undefined ? at : [...at, "id"], bad));
      continue;
    }
    if (seen.has(id)) {
      ld.problems.push(ld.locator.at(at, `node id '${id}' is also made by nodes.${seen.get(id)}`));
      continue;
    }
    seen.set(id, entryName);
    const decoded = instanceParams(ld, at, id, kind, entry.params ?? {}, combo);
    if (decoded === undefined) continue;
    out.push({
      id,
      entry: entryName,
      kind,
      params: decoded.params,
      paramSources: decoded.sources,
      inputs: {},
      vars: combo,
    });
  }
  return out;
};

/** Every id an input pattern names: an exact id, or a glob in spec order. */
const matchIds = (pattern: string, ids: readonly string[], order: ReadonlyMap<string, number>) => {
  if (!pattern.includes("*")) return order.has(pattern) ? [pattern] : [];
  const re = globToRegExp(pattern);
  return ids.filter((i) => re.test(i)).sort((a, b) => order.get(a)! - order.get(b)!);
};

/** Resolves an instance's inputs against all instances. */
const resolveInputs = (
  ld: Loading,
  inst: NodeInstance,
  given: Readonly<Record<string, string | readonly string[]>>,
  instances: readonly NodeInstance[],
  ids: readonly string[],
  order: ReadonlyMap<string, number>,
): Record<string, ResolvedInput> => {
  const declared = inst.kind.inputs;
  const base: Path = ["nodes", inst.entry, "inputs"];
  for (const name of Object.keys(given)) {
    if (Object.hasOwn(declared, name)) continue;
    const what = `${inst.kind.name} has no input '${name}'${suggest(name, Object.keys(declared))}`;
    ld.problems.push(ld.locator.at([...base, name], what, { key: true }));
  }
  const inputs: Record<string, ResolvedInput> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const refs = given[name];
    if (refs === undefined) {
      const what = `${inst.kind.name} needs input '${name}'`;
      ld.problems.push(ld.locator.at(["nodes", inst.entry], what));
      continue;
    }
    const patterns = typeof refs === "string" ? [refs] : refs;
    const upIds: string[] = [];
    const tables: string[] = [];
    patterns.forEach((pattern, pi) => {
      const filled = fillTemplate(pattern, inst.vars);
      const colon = filled.lastIndexOf(":");
      const idPat = colon >= 0 ? filled.slice(0, colon) : filled;
      const table = colon >= 0 ? filled.slice(colon + 1) : undefined;
      const where: Path = typeof refs === "string" ? [...base, name] : [...base, name, pi];
      const matches = matchIds(idPat, ids, order);
      if (matches.length === 0) {
        const what = `input '${name}' refers to '${idPat}', which matches no node`;
        ld.problems.push(ld.locator.at(where, what + suggest(idPat, ids)));
      }
      for (const m of matches) {
        const up = instances[order.get(m)!];
        const outNames = Object.keys(up.kind.outputs);
        const t = table ?? spec.table ?? outNames[0];
        if (!outNames.includes(t)) {
          const what = `node '${m}' (${up.kind.name}) has no output table '${t}'; `;
          ld.problems.push(ld.locator.at(where, `${what}it has ${outNames.join(", ")}`));
        }
        upIds.push(m);
        tables.push(t);
      }
    });
    if (!spec.many && upIds.length > 1) {
      const what = `input '${name}' takes one node but '${patterns.join(", ")}' matches`;
      ld.problems.push(ld.locator.at([...base, name], `${what} ${upIds.length}`));
    }
    inputs[name] = { ids: upIds, tables, many: spec.many === true };
  }
  return inputs;
};

/** A cycle, reported at the input that closes it. */
const cycleProblem = (
  cycle: readonly string[],
  nodes: readonly NodeInstance[],
  locator: Locator,
) => {
  const [first, second] = [cycle[0], cycle[1] ?? cycle[0]];
  const consumer = nodes.find((n) => n.id === second)!;
  const input = Object.entries(consumer.inputs).find(([, r]) => r.ids.includes(first))?.[0] ?? "";
  const loop = (
    cycle.length > 1 && cycle[0] === cycle[cycle.length - 1] ? cycle : [...cycle, cycle[0]]
  ).join(" -> ");
  return locator.at(["nodes", consumer.entry, "inputs", input], `cycle: ${loop}`);
};

export const loadExperiment = (file: string, options: LoadOptions): Experiment => {
  const spec = parseYaml(file, options.sets ?? []);
  const { doc, locator } = spec;
  const ld: Loading = { locator, problems: [], params: doc.params ?? {}, used: new Set() };

  const seen = new Map<string, string>();
  const instances: NodeInstance[] = [];
  for (const [entryName, entry] of Object.entries(doc.nodes)) {
    const room = MAX_INSTANCES - instances.length;
    instances.push(...expandEntry(ld, entryName, entry, options.kinds, seen, room));
  }

  // Unread parameters are almost always typos.
  for (const key of unusedParams(ld.params, ld.used)) {
    const what = `parameter '${key}' is not read by any node`;
    ld.problems.push(locator.at(["params", ...key.split(".")], what, { key: true }));
  }

  const ids = instances.map((n) => n.id);
  const order = new Map(ids.map((id, i) => [id, i]));
  const nodes = instances.map((inst) => ({
    ...inst,
    inputs: resolveInputs(ld, inst, doc.nodes[inst.entry].inputs ?? {}, instances, ids, order),
  }));
  if (ld.problems.length > 0) throw new SpecError({ problems: dedupe(ld.problems) });

  const graph = compileGraph(nodes);
  if ("cycle" in graph)
    throw new SpecError({ problems: [cycleProblem(graph.cycle, nodes, locator)] });

  return {
    name: doc.experiment,
    file: spec.file,
    description: doc.description,
    nodes,
    byId: new Map(nodes.map((n) => [n.id, n])),
    graph,
    lockFile: file.replace(/\.ya?ml$/i, "") + ".lock.json",
  };
};

const paramNames = (kind: NodeKind): string[] => {
  const ast = (kind.params as unknown as { ast?: { propertySignatures?: { name: PropertyKey }[] } })
    .ast;
  return (ast?.propertySignatures ?? []).map((p) => String(p.name));
};

/** A problem with a referenced value is reported where the value is written. */
const followRef = (raw: unknown, fallback: Path, params: unknown): Path => {
  if (typeof raw !== "string" || !raw.startsWith("$") || raw.startsWith("$$")) return fallback;
  const segs = raw.slice(1).split(".");
  return getPath(params, segs).found ? ["params", ...segs] : fallback;
};

const dedupe = (problems: Problem[]): Problem[] => {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.file}:${p.line}:${p.col}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};
