/**
 * Entry point of the `dag` command.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node";
import { Effect } from "effect";

import { runCli } from "./cli.ts";

runCli.pipe(Effect.provide(NodeServices.layer), NodeRuntime.runMain);
