/**
 * Chooses and initialises the TensorFlow.js backend for training and
 * inference.
 *
 * The native bindings (`@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node`)
 * are optional: their install downloads libtensorflow, which fails offline.
 * When neither imports and works, the WASM backend runs instead, single
 * threaded because the runtime already places one heavy node per core.
 */
import { createRequire } from "node:module";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";
import * as wasm from "@tensorflow/tfjs-backend-wasm";

import { installWasmKernels } from "./wasm_kernels.ts";

export interface BackendChoice {
  /** tfjs backend name: "tensorflow" (native, CPU or GPU), "wasm" or "cpu". */
  readonly name: string;
  /** Human-readable detail: which package, SIMD, threads. */
  readonly detail: string;
}

let chosen: Promise<BackendChoice> | undefined;

const tryNative = async (pkg: string): Promise<BackendChoice | undefined> => {
  try {
    // A variable specifier keeps bundlers and type checking from requiring the package.
    const specifier: string = pkg;
    await import(specifier);
    if (!(await tf.setBackend("tensorflow"))) return undefined;
    await tf.ready();
    return { name: "tensorflow", detail: pkg };
  } catch {
    return undefined;
  }
};

const wasmDirectory = (): string => {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + path.sep;
};

const initWasm = async (threads: number): Promise<BackendChoice> => {
  // The threaded build spawns pthread workers from a Blob URL, which Node's
  // worker threads cannot load; the SIMD build without threads is the fast one here.
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  wasm.setWasmPaths(wasmDirectory());
  wasm.setThreadsCount(threads);
  if (!(await tf.setBackend("wasm"))) throw new Error("could not initialise the wasm backend");
  await tf.ready();
  installWasmKernels();
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  return { name: "wasm", detail: `wasm simd=${simd} threads=${wasm.getThreadsCount()}` };
};

/**
 * Initialises the best available backend once per process (or worker) and
 * returns what it chose. `prefer: "wasm"` skips the native bindings (for
 * benchmarks and for reproducing WASM results bit for bit); `"cpu"` is the
 * plain JS backend, the reference for kernel tests.
 */
export const initBackend = (
  prefer: "auto" | "wasm" | "cpu" = "auto",
  threads = 1,
): Promise<BackendChoice> => {
  if (chosen !== undefined) return chosen;
  chosen = (async () => {
    if (prefer === "cpu") {
      await tf.setBackend("cpu");
      return { name: "cpu", detail: "tfjs cpu (plain JS)" };
    }
    if (prefer === "auto") {
      const gpu = await tryNative("@tensorflow/tfjs-node-gpu");
      const native = gpu ?? (await tryNative("@tensorflow/tfjs-node"));
      if (native !== undefined) return native;
    }
    return initWasm(threads);
  })();
  return chosen;
};
