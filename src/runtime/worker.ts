/**
 * Worker-thread entry: runs one job at a time for the main thread's pool.
 */
import { parentPort } from "node:worker_threads";

import { kindRegistry } from "../nodes/registry.ts";
import { runJob, toJobError, type Job } from "./job.ts";

export type WorkerMessage =
  | { readonly type: "progress"; readonly fraction: number; readonly message?: string }
  | { readonly type: "done"; readonly result: import("./job.ts").JobResult }
  | { readonly type: "error"; readonly error: import("./job.ts").JobError };

const port = parentPort;
if (port === null) throw new Error("worker.ts must run in a worker thread");

port.on("message", (job: Job) => {
  let last = 0;
  const progress = (fraction: number, message?: string): void => {
    const now = performance.now();
    if (now - last < 250) return;
    last = now;
    port.postMessage({ type: "progress", fraction, message } satisfies WorkerMessage);
  };
  runJob(job, kindRegistry, progress).then(
    (result) => port.postMessage({ type: "done", result } satisfies WorkerMessage),
    (e: unknown) =>
      port.postMessage({ type: "error", error: toJobError(e) } satisfies WorkerMessage),
  );
});
