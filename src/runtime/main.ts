/**
 * Entry point of the `dag` command. Handlers set the exit code themselves
 * (2 for a user's mistake, 1 for a failed node, 130 when interrupted); a
 * failure that reaches here is a command-line parse error, already printed.
 */
import { NodeServices } from "@effect/platform-node";
import { Effect, Exit } from "effect";

import { runCli } from "./cli.ts";

const exit = await Effect.runPromiseExit(runCli.pipe(Effect.provide(NodeServices.layer)));
if (Exit.isFailure(exit) && !process.exitCode) process.exitCode = 2;
