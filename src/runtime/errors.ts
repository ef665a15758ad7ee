/**
 * Errors a user sees. None of them prints a stack trace: each says where
 * (file:line:col, or the node id) and what is wrong.
 */
import { Data } from "effect";

export interface Problem {
  /** A file, or a pseudo-source such as `--set training.epochs`. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export const formatProblem = (p: Problem): string =>
  p.line > 0 ? `${p.file}:${p.line}:${p.col}: ${p.message}` : `${p.file}: ${p.message}`;

/** The spec is wrong: nothing runs and nothing is written. Exit code 2. */
export class SpecError extends Data.TaggedError("SpecError")<{
  readonly problems: readonly Problem[];
}> {
  override get message(): string {
    return this.problems.map(formatProblem).join("\n");
  }
}

/** A command was used wrongly (unknown node id, bad flag value). Exit code 2. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly reason: string }> {
  override get message(): string {
    return this.reason;
  }
}

/** A node failed while computing. */
export class NodeFailure extends Data.TaggedError("NodeFailure")<{
  readonly nodeId: string;
  readonly cause: string;
}> {
  override get message(): string {
    return `${this.nodeId}: ${this.cause}`;
  }
}
