/**
 * The experiment as an effect Graph: one vertex per node instance, one edge
 * per (upstream, input) pair, from producer to consumer.
 */
import { Graph, Option } from "effect";

import type { NodeInstance } from "./spec.ts";

export interface Edge {
  readonly input: string;
}

export interface DagGraph {
  readonly graph: Graph.Graph<NodeInstance, Edge>;
  readonly index: ReadonlyMap<string, number>;
  /** Node ids in a topological order (producers first). */
  readonly order: readonly string[];
}

export type Compiled = DagGraph | { readonly cycle: readonly string[] };

export const compileGraph = (nodes: readonly NodeInstance[]): Compiled => {
  const index = new Map<string, number>();
  const graph = Graph.directed<NodeInstance, Edge>((g) => {
    for (const n of nodes) index.set(n.id, Graph.addNode(g, n));
    for (const n of nodes) {
      for (const [input, ref] of Object.entries(n.inputs)) {
        for (const up of new Set(ref.ids))
          Graph.addEdge(g, index.get(up)!, index.get(n.id)!, { input });
      }
    }
  });
  const cycle = Graph.findCycle(graph);
  if (Option.isSome(cycle)) {
    return { cycle: cycle.value.path.map((i) => Option.getOrThrow(Graph.getNode(graph, i)).id) };
  }
  const order = Array.from(Graph.values(Graph.topo(graph)), (n) => n.id);
  return { graph, index, order };
};

const walk = (g: DagGraph, id: string, direction: "incoming" | "outgoing"): string[] => {
  const start = g.index.get(id);
  if (start === undefined) return [];
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    const next =
      direction === "incoming" ? Graph.predecessors(g.graph, cur) : Graph.successors(g.graph, cur);
    for (const i of next) {
      if (!seen.has(i)) {
        seen.add(i);
        stack.push(i);
      }
    }
  }
  const ids = new Set([...seen].map((i) => Option.getOrThrow(Graph.getNode(g.graph, i)).id));
  return g.order.filter((o) => ids.has(o));
};

/** The node and everything it depends on, in topological order. */
export const upstreamOf = (g: DagGraph, id: string): string[] => walk(g, id, "incoming");

/** The node and everything that depends on it, in topological order. */
export const downstreamOf = (g: DagGraph, id: string): string[] => walk(g, id, "outgoing");
