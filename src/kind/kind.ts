/**
 * The contract between the runtime and the science: a node kind.
 *
 * A kind is a pure function of its input tables and its parameters. It never
 * touches a file of the cache: the runtime reads its inputs and writes its
 * outputs. Its randomness comes only from `ctx.rng`, seeded from the node's
 * key, so the same key always gives the same bytes.
 */
import type { Schema } from "effect";

import type { Rng } from "./rng.ts";
import type { Table, TableSchema } from "./table.ts";

/**
 * How a kind is placed: `heavy` kinds (universe generation, KDE, training,
 * inference) run in a worker thread, one per core; `light` ones on the main
 * thread.
 */
export type Weight = "light" | "heavy";

export interface InputSpec {
  /** True when the input takes the outputs of many upstream nodes (fan-in). */
  readonly many?: boolean;
  /** Which output table of the upstream node to read; defaults to its only/first one. */
  readonly table?: string;
  readonly doc?: string;
}

export interface RunContext<P> {
  /** Decoded parameters (defaults applied). */
  readonly params: P;
  /**
   * Input tables by input name. An input declared `many` is an array, in the
   * order the spec lists (or a glob sorts) its upstream nodes.
   */
  readonly inputs: Readonly<Record<string, Table | readonly Table[]>>;
  /** Ids of the upstream nodes, aligned with `inputs`. */
  readonly inputIds: Readonly<Record<string, string | readonly string[]>>;
  /** The node's own generator, seeded from its key. */
  readonly rng: Rng;
  /** The node's id in the graph, e.g. `train/2DGauss-d/fold-3`. */
  readonly nodeId: string;
  /** Report progress in [0, 1] on long work; cheap to call often. */
  readonly progress: (fraction: number, message?: string) => void;
  /** Free-form facts worth keeping in the node's record (backend used, curves...). */
  readonly note: (key: string, value: unknown) => void;
}

export interface NodeKind<P = any> {
  /** Unique, dotted: `toy.square`, `universe.synthetic`, `train.cnn`. */
  readonly name: string;
  /** Bump when the output for the same inputs and params changes on purpose. */
  readonly version: number;
  /** Parameter schema: decoding applies defaults and rejects wrong types. */
  readonly params: Schema.Codec<P, any, never, never>;
  readonly inputs: Readonly<Record<string, InputSpec>>;
  /** Output tables by name, each with its declared columns. */
  readonly outputs: Readonly<Record<string, TableSchema>>;
  readonly weight: Weight;
  /**
   * Source files whose text makes up the implementation, as `import.meta.url`
   * style URLs. Their content is hashed into the key: editing the code of a
   * kind reruns its nodes.
   */
  readonly implementation: readonly string[];
  readonly doc?: string;
  /**
   * Content that determines the output but lives outside the cache, such as
   * the sha256 of a catalog file the kind reads. Hashed into the key, so that
   * editing the file reruns the node.
   */
  readonly fingerprint?: (params: P) => Readonly<Record<string, string>>;
  readonly run: (ctx: RunContext<P>) => Promise<Record<string, Table>> | Record<string, Table>;
}

/** Identity helper that lets TypeScript infer `P` from the schema. */
export const defineKind = <P>(kind: NodeKind<P>): NodeKind<P> => kind;

/** Narrow a fan-in input. */
export const many = (ctx: RunContext<unknown>, name: string): readonly Table[] => {
  const v = ctx.inputs[name];
  if (!Array.isArray(v)) throw new Error(`input '${name}' is not a fan-in input`);
  return v;
};

/** Narrow a single input. */
export const one = (ctx: RunContext<unknown>, name: string): Table => {
  const v = ctx.inputs[name];
  if (v === undefined || Array.isArray(v)) throw new Error(`input '${name}' is not a single input`);
  return v as Table;
};
