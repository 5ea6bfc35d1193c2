// see: README.md (clusters) — the flags every sweep-shaped command shares (sweep, phase-diagram, reproduce,
// scaling): --plan [--target] [--json] prints the cost plan and runs nothing; --shard i/n (or a Slurm job array's
// SLURM_ARRAY_TASK_ID/COUNT) runs part i of n into part files beside the job's files; --merge joins the parts and
// lets the command finish as a one-machine run (src/jobs/job.ts).
import type { Command } from "commander";
import { existingSplits, mergeJob, runJobPart, type JobSweep } from "../jobs/job.js";
import { parseDuration, planSweeps, planText } from "../jobs/plan.js";
import { parseShard, shardFromEnvironment } from "../jobs/shard.js";
import { exitCodeOf, interruptSignal, interruption } from "./interrupt.js";
import { parseNumber } from "./options.js";

export interface JobFlags {
  plan?: boolean;
  target?: string;
  json?: boolean;
  shard?: string;
  merge?: boolean;
}

/** The exit status of a part stopped (SIGINT/SIGTERM) before any point finished in its run: not requeued. */
export const NO_PROGRESS_EXIT = 124;

const JOB_KEYS = ["plan", "target", "json", "shard", "merge"] as const;

/** Adds --plan, --target, --json, --shard and --merge; `files` says where the command's JSON-lines files are. */
export function addJobOptions(command: Command, files: string): Command {
  return command
    .option("--plan", "print each point's method, samples and estimated time and the total in core-hours (with --target: the parts to use); run nothing")
    .option("--target <duration>", "with --plan: the wall time wanted per part (30m, 2h, 1d): the number of parts")
    .option("--json", "with --plan: the plan as JSON")
    .option("--shard <i/n>", `run only part i of n (balanced by estimated cost, the same on every machine) into part files beside ${files} (name.part-i-of-n.jsonl), resumed if present; default from SLURM_ARRAY_TASK_ID/COUNT in a Slurm job array`)
    .option("--merge", `join the parts of ${files} (all n, checked: none missing, repeated or cut), then finish as one machine would (every point is done)`);
}

/** --workers, --progress and --no-progress of a command that runs points (`unit`: what one is called). */
export function addRunOptions(command: Command, unit = "point"): Command {
  return command
    .option("--workers <n>", `worker threads, one ${unit} each (default: available parallelism; 0: this thread)`, parseNumber)
    .option("--progress", `a progress line on stderr at every finished ${unit} (default: redrawn on a terminal, every 30 s otherwise)`)
    .option("--no-progress", "no progress lines");
}

/** The job flags, and the other flags without them. */
export function splitJobFlags<T extends object>(flags: T): [JobFlags, Omit<T, (typeof JOB_KEYS)[number]>] {
  const job: JobFlags = {};
  const rest = { ...flags } as Record<string, unknown>;
  for (const key of JOB_KEYS) {
    if (key in rest) (job as Record<string, unknown>)[key] = rest[key];
    delete rest[key];
  }
  return [job, rest as Omit<T, (typeof JOB_KEYS)[number]>];
}

/** Elapsed and remaining times in progress lines: "12 s", "3.5 min", "2.1 h". */
export const duration = (s: number): string => (s < 90 ? `${s.toFixed(0)} s` : s < 5400 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);

/**
 * Progress weighed by the points' estimated costs: on a terminal one line redrawn; otherwise a line every 30 s
 * (cluster logs are files) and the last one; `always`: a line at every call; `never`: nothing.
 */
export function workProgress(label: string, mode: boolean | undefined): (p: { done: number; total: number; workDone: number; workTotal: number; workSkipped?: number }) => void {
  const started = performance.now();
  const tty = process.stderr.isTTY === true;
  let lastLog = 0;
  let skipped: number | undefined;
  return ({ done, total, workDone, workTotal, workSkipped }) => {
    if (mode === false) return;
    skipped ??= workSkipped ?? 0;
    const final = done === total;
    const elapsed = (performance.now() - started) / 1000;
    const fresh = workDone - skipped;
    const eta = fresh > 0 ? (elapsed * (workTotal - workDone)) / fresh : NaN;
    const text = `${label}: ${done}/${total} points, ${(100 * (workTotal > 0 ? workDone / workTotal : 1)).toFixed(0)}% of the estimated work, ${duration(elapsed)} elapsed, ETA ${Number.isFinite(eta) ? duration(eta) : "?"}`;
    if (tty && mode !== true) process.stderr.write(`\r${text}\x1b[K${final ? "\n" : ""}`);
    else if (mode === true || elapsed - lastLog >= 30 || (final && elapsed >= 30)) {
      lastLog = elapsed;
      process.stderr.write(`${text}\n`);
    }
  };
}

/**
 * Acts on the job flags: --plan prints the plan ("done"); --shard (or the job array's environment) runs that part
 * ("done"; exit 130/143 if interrupted, 3 if a point failed); --merge joins the parts ("resume": the command then
 * runs resumed, every point already done); otherwise "run".
 */
export async function handleJobFlags(
  job: JobFlags,
  sweeps: () => Promise<JobSweep[]>,
  o: { command: string; workers?: number; progress?: boolean; /** a user's spec file: errors name its fields */ specNames?: boolean; /** the command's --format: json is --json */ format?: string },
): Promise<"done" | "resume" | "run"> {
  const specNames = o.specNames ?? false;
  if (job.target !== undefined && !job.plan) throw new Error("--target goes with --plan");
  if (job.json && !job.plan) throw new Error("--json goes with --plan");
  if ([job.plan, job.shard !== undefined, job.merge].filter(Boolean).length > 1) throw new Error("give one of --plan, --shard, --merge");
  if (job.plan) {
    if (o.format !== undefined && o.format !== "table" && o.format !== "json") throw new Error(`--format ${o.format}: --plan prints a table or JSON (--format json, or --json)`);
    job.json ||= o.format === "json";
    const all = await sweeps();
    const plan = await planSweeps(all.map((s) => s.spec), { targetSeconds: job.target === undefined ? undefined : parseDuration(job.target), specNames });
    // --json: the plan, the job's files and the splits already begun beside them (sgd-phase slurm resumes those)
    process.stdout.write(job.json ? `${JSON.stringify({ ...plan, files: all.map((s) => s.out), splits: await existingSplits(all) })}\n` : planText(plan));
    return "done";
  }
  if (job.merge) {
    const merged = await mergeJob(await sweeps());
    process.stderr.write(`merged: ${merged.points} point${merged.points === 1 ? "" : "s"} from ${merged.parts} part${merged.parts === 1 ? "" : "s"} (${merged.failed} failed) into ${merged.files.join(", ")}\n`);
    return "resume";
  }
  const shard = job.shard !== undefined ? parseShard(job.shard) : shardFromEnvironment();
  if (!shard) return "run";
  if (job.shard === undefined) process.stderr.write(`part ${shard.index} of ${shard.count} (from the job array's environment)\n`);
  const started = performance.now();
  const report = workProgress(`${o.command} part ${shard.index}/${shard.count}`, o.progress);
  const part = await runJobPart(await sweeps(), shard, { workers: o.workers, signal: interruptSignal(), specNames, onProgress: report });
  const failed = part.lines.filter((l) => l.error !== undefined).length;
  const fresh = part.lines.length - part.kept;
  process.stderr.write(
    `${part.lines.length} of ${part.total} point${part.total === 1 ? "" : "s"} of part ${shard.index} of ${shard.count} (${part.kept} kept from its files, ${fresh} run now, ${failed} failed) in ${((performance.now() - started) / 1000).toFixed(1)} s; written: ${part.files.join(", ")}\n`,
  );
  const stopped = interruption();
  if (stopped && fresh === 0 && part.lines.length < part.total) {
    // a Slurm task would requeue itself for ever: say so, and end with a status that does not requeue
    process.stderr.write(`${stopped}: stopped before any point finished in this run: its points need a longer run (Slurm: a longer --time)\n`);
    process.exitCode = NO_PROGRESS_EXIT;
  } else if (stopped) {
    process.stderr.write(`${stopped}: stopped; the same command resumes the part\n`);
    process.exitCode = exitCodeOf(stopped);
  } else {
    if (failed > 0) process.exitCode = 3;
    if (process.env.SLURM_JOB_ID === undefined) process.stderr.write(`when every part is done: the same command with --merge instead of --shard\n`);
  }
  return "done";
}
