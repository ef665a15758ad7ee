/**
 * Test helpers: a scratch project folder with the toy experiment, and the
 * real `dag` command run as a child process in it.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const NODE = process.execPath;
export const MAIN = path.join(ROOT, "src/runtime/main.ts");

export const TOY = fs.readFileSync(path.join(ROOT, "experiments/toy.yaml"), "utf8");

/** A fresh folder holding experiments/toy.yaml (or the given spec text). */
export const scratch = (spec: string = TOY, name = "toy.yaml"): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dag-test-"));
  fs.mkdirSync(path.join(dir, "experiments"));
  fs.writeFileSync(path.join(dir, "experiments", name), spec);
  return dir;
};

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `dag ARGS` in `cwd` and waits for it. */
export const dag = (cwd: string, ...args: string[]): Ran => {
  const r = spawnSync(NODE, [MAIN, ...args], {
    cwd,
    encoding: "utf8",
    env: envWithoutCache(),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** Starts `dag ARGS` in `cwd` without waiting. */
export const dagAsync = (cwd: string, ...args: string[]) => {
  const child = spawn(NODE, [MAIN, ...args], { cwd, env: envWithoutCache() });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Ran>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, output: () => stdout };
};

export const planJson = (cwd: string, ...args: string[]) => {
  const r = dag(cwd, "plan", "experiments/toy.yaml", "--json", ...args);
  if (r.code !== 0) throw new Error(`plan failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as {
    nodes: { id: string; kind: string; key: string | null; state: string; reasons: string[] }[];
  };
};

export const stateOf = (plan: ReturnType<typeof planJson>, id: string) =>
  plan.nodes.find((n) => n.id === id)!;

export const lockOf = (cwd: string, name = "toy") =>
  JSON.parse(fs.readFileSync(path.join(cwd, "experiments", `${name}.lock.json`), "utf8")) as {
    nodes: Record<string, { key: string; outputs: Record<string, string> }>;
  };

/** Lines of `dag run` output that report a node outcome, as [outcome, id]. */
export const outcomes = (stdout: string): [string, string][] =>
  stdout
    .split("\n")
    .map((l) => l.match(/^(ran|cached|failed|skipped)\s+(\S+)/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => [m[1], m[2]]);

export const ran = (stdout: string): string[] =>
  outcomes(stdout)
    .filter(([o]) => o === "ran")
    .map(([, id]) => id)
    .sort();

/** The test process's environment without DAG_CACHE, so the cache is `.dag` in `cwd`. */
function envWithoutCache(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DAG_CACHE;
  return env;
}
