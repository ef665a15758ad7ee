/**
 * Progress of a run: on a terminal, one status line redrawn in place
 * (done/total, running nodes, elapsed, estimate of what is left) with node
 * outcomes printed above it; elsewhere, plain lines, and a status line every
 * `plainEveryMs`.
 */
export type Outcome = "ran" | "cached" | "failed" | "skipped";

export interface ReporterOptions {
  readonly total: number;
  readonly jobs: number;
  readonly tty: boolean;
  /** Print a line for every cached node too. */
  readonly verbose: boolean;
  readonly write: (text: string) => void;
  readonly plainEveryMs?: number;
}

const fmtDuration = (ms: number): string => {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
};

export class Reporter {
  private readonly opts: ReporterOptions;
  private readonly started = performance.now();
  private readonly running = new Map<string, { since: number; fraction: number }>();
  private readonly counts: Record<Outcome, number> = { ran: 0, cached: 0, failed: 0, skipped: 0 };
  private ranMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastPlain = performance.now();
  private drawn = false;

  constructor(opts: ReporterOptions) {
    this.opts = opts;
    if (opts.tty) {
      this.timer = setInterval(() => this.draw(), 200);
      this.timer.unref();
    }
  }

  get done(): number {
    return this.counts.ran + this.counts.cached + this.counts.failed + this.counts.skipped;
  }

  nodeStarted(id: string): void {
    this.running.set(id, { since: performance.now(), fraction: 0 });
  }

  /** The first call for a node marks it running (it may have queued for a worker). */
  progress(id: string, fraction: number): void {
    const r = this.running.get(id);
    if (r === undefined) this.nodeStarted(id);
    else r.fraction = fraction;
    if (!this.opts.tty) this.maybePlainStatus();
  }

  finished(id: string, outcome: Outcome, detail: string): void {
    const r = this.running.get(id);
    this.running.delete(id);
    this.counts[outcome]++;
    if (outcome === "ran" && r !== undefined) this.ranMs += performance.now() - r.since;
    if (outcome !== "cached" || this.opts.verbose)
      this.line(`${outcome.padEnd(7)} ${id}  ${detail}`);
    if (!this.opts.tty) this.maybePlainStatus();
  }

  /** A message that is not a node outcome (a recovery, a warning). */
  note(text: string): void {
    this.line(text);
  }

  /** A rough estimate: mean time of the nodes that ran, spread over the worker slots. */
  private eta(): string {
    const remaining = this.opts.total - this.done;
    if (this.counts.ran === 0 || remaining === 0) return "";
    const mean = this.ranMs / this.counts.ran;
    return `, ~${fmtDuration((mean * remaining) / this.opts.jobs)} left`;
  }

  status(): string {
    const elapsed = fmtDuration(performance.now() - this.started);
    const names = [...this.running.entries()]
      .slice(0, 3)
      .map(([id, r]) => (r.fraction > 0 ? `${id} ${Math.round(r.fraction * 100)}%` : id));
    const more = this.running.size > 3 ? ` +${this.running.size - 3}` : "";
    const run = names.length > 0 ? ` | running ${names.join(", ")}${more}` : "";
    return `[${this.done}/${this.opts.total}] ${elapsed}${this.eta()}${run}`;
  }

  private line(text: string): void {
    if (this.opts.tty && this.drawn) this.opts.write("\r\x1b[K");
    this.opts.write(`${text}\n`);
    this.drawn = false;
    if (this.opts.tty) this.draw();
  }

  private draw(): void {
    const width = process.stdout.columns ?? 100;
    this.opts.write(`\r\x1b[K${this.status().slice(0, width - 1)}`);
    this.drawn = true;
  }

  private maybePlainStatus(): void {
    const every = this.opts.plainEveryMs ?? 30_000;
    if (performance.now() - this.lastPlain < every) return;
    this.lastPlain = performance.now();
    this.opts.write(`progress ${this.status()}\n`);
  }

  close(): Record<Outcome, number> & { elapsedMs: number } {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.opts.tty && this.drawn) this.opts.write("\r\x1b[K");
    this.drawn = false;
    return { ...this.counts, elapsedMs: performance.now() - this.started };
  }
}
