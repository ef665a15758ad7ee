/**
 * Where a node runs, as a service: the scheduler hands it a job and gets
 * output references back. The local implementation runs light kinds on the
 * main thread and heavy ones in a pool of worker threads, one job per
 * worker at a time. A batch-system backend would implement the same service.
 */
import * as os from "node:os";
import { Worker } from "node:worker_threads";

import { Context, Effect, Layer, Semaphore } from "effect";

import type { NodeKind } from "../kind/index.ts";
import { runJob, toJobError, type Job, type JobError, type JobResult } from "./job.ts";
import type { WorkerMessage } from "./worker.ts";

/** Progress of a job in [0, 1]; called with 0 when the job actually starts (it may queue). */
export type Progress = (fraction: number, message?: string) => void;

export class Executor extends Context.Service<
  Executor,
  {
    readonly run: (
      job: Job,
      kind: NodeKind,
      onProgress: Progress,
    ) => Effect.Effect<{ result: JobResult; placement: "main" | "worker" }, JobError>;
  }
>()("dag/Executor") {}

export const defaultJobs = (): number => Math.max(1, os.availableParallelism());

const WORKER_URL = new URL("./worker.ts", import.meta.url);

class Pool {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();

  acquire(): Worker {
    const w = this.idle.pop();
    if (w !== undefined) return w;
    const created = new Worker(WORKER_URL, { stdout: false, stderr: false });
    this.all.add(created);
    return created;
  }

  release(w: Worker): void {
    if (this.all.has(w)) this.idle.push(w);
  }

  discard(w: Worker): void {
    this.all.delete(w);
    void w.terminate();
  }

  async close(): Promise<void> {
    const workers = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

const inWorker = (pool: Pool, job: Job, onProgress: Progress) =>
  Effect.callback<JobResult, JobError>((resume) => {
    const worker = pool.acquire();
    onProgress(0);
    let settled = false;
    const cleanup = (): void => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const onMessage = (m: WorkerMessage): void => {
      if (m.type === "progress") return onProgress(m.fraction, m.message);
      settled = true;
      cleanup();
      pool.release(worker);
      resume(m.type === "done" ? Effect.succeed(m.result) : Effect.fail(m.error));
    };
    const onError = (e: Error): void => {
      if (settled) return;
      settled = true;
      cleanup();
      pool.discard(worker);
      resume(Effect.fail({ message: `worker crashed: ${e.message}` }));
    };
    const onExit = (code: number): void => onError(new Error(`exit code ${code}`));
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage(job);
    // Interrupted (Ctrl-C, or a sibling failed under fail-fast): stop the work now.
    return Effect.sync(() => {
      if (settled) return;
      settled = true;
      cleanup();
      pool.discard(worker);
    });
  });

/** Local execution: `jobs` worker threads for heavy kinds, the main thread for light ones. */
export const localExecutor = (jobs: number, kinds: ReadonlyMap<string, NodeKind>) =>
  Layer.effect(Executor)(
    Effect.gen(function* () {
      const pool = yield* Effect.acquireRelease(
        Effect.sync(() => new Pool()),
        (p) => Effect.promise(() => p.close()),
      );
      const slots = yield* Semaphore.make(Math.max(1, jobs));
      return {
        run: (job, kind, onProgress) =>
          kind.weight === "heavy"
            ? Semaphore.withPermit(slots)(inWorker(pool, job, onProgress)).pipe(
                Effect.map((result) => ({ result, placement: "worker" as const })),
              )
            : Effect.tryPromise({
                try: () => {
                  onProgress(0);
                  return runJob(job, kinds, onProgress);
                },
                catch: toJobError,
              }).pipe(Effect.map((result) => ({ result, placement: "main" as const }))),
      };
    }),
  );
