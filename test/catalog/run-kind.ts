/** Runs a node kind the way the runtime does: params decoded, a seeded rng, notes kept. */
import { Schema } from "effect";

import { Rng, type NodeKind, type Table, checkTable } from "../../src/kind/index.ts";

export interface KindRun {
  readonly outputs: Record<string, Table>;
  readonly notes: Record<string, unknown>;
}

export const runKind = async <P>(
  kind: NodeKind<P>,
  params: Record<string, unknown>,
  inputs: Record<string, Table | readonly Table[]> = {},
  seed = "test",
): Promise<KindRun> => {
  const notes: Record<string, unknown> = {};
  const decoded = Schema.decodeUnknownSync(kind.params as never)(params) as P;
  const outputs = await kind.run({
    params: decoded,
    inputs,
    inputIds: {},
    rng: new Rng(seed),
    nodeId: `test/${kind.name}`,
    progress: () => {},
    note: (key, value) => {
      notes[key] = value;
    },
  });
  for (const [name, schema] of Object.entries(kind.outputs)) {
    const problems = checkTable(outputs[name], schema);
    if (problems.length > 0) throw new Error(`output '${name}': ${problems.join("; ")}`);
  }
  return { outputs, notes };
};
