// see: README.md (sweeps) — many runs over a grid or a list of parameter points, in parallel on worker
// threads (piscina; each worker gets the main thread's compiled Wasm modules), one JSON line per finished
// point appended to the output file as soon as it is done, so an interrupted sweep keeps what it finished
// and `resume` skips it. Every line carries the hash of its spec; the file has one writer at a time (a lock) and
// is never truncated or rewritten: a fresh sweep refuses an existing file, a resume appends to it.
import { availableParallelism } from "node:os";
import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { open, rename, truncate } from "node:fs/promises";
import { checkWritable, FileError, lockFile, readIfExists, writeAtomic } from "./files.js";
import type { Piscina } from "piscina";
import { compileBuild, type WasmBuild } from "../engine/wasm.js";
import { runJob, runTwinJobs, twinKeyOf, validateJob, type JobKind, type JobOutcome, type JobResult } from "./tasks.js";
import { partition, pointCost, type Shard } from "./shard.js";
import { isMissing, missingPackage, warnOnce } from "../output/optional.js";
import { OptionError } from "../validate.js";
import { canonicalJson } from "../json.js";

export { canonicalJson };

/** A sweep: what each point runs, the options they share, and the points (a grid, a list, or both). */
export interface SweepSpec {
  kind: JobKind;
  /** options shared by every point */
  base?: Record<string, unknown>;
  /** the cartesian product of these option values (the last key varies fastest) */
  grid?: Record<string, unknown[]>;
  /** explicit points (each merged over base; combined with grid if both are given) */
  points?: Record<string, unknown>[];
}

/** One finished point: the line written to the output file. */
export interface SweepLine {
  /** the hash of the spec this line belongs to (specHash): resume refuses lines of another spec */
  spec: string;
  index: number;
  /** the point's options, canonical JSON: identifies the point across runs (resume) */
  key: string;
  kind: JobKind;
  /** the options of this point (base included) */
  options: Record<string, unknown>;
  /** the run's summary, or the error it raised */
  result?: JobResult;
  error?: string;
}

export interface SweepOptions {
  /** JSON-lines file the finished points are appended to */
  out?: string;
  /** skip the points already in `out` */
  resume?: boolean;
  /**
   * without `resume`, an existing non-empty `out`: "refuse" (default: nothing changed, the error says so) or
   * "backup" (renamed to `out`.previous, replacing an older one; for the files a command owns, e.g. phase-diagram's)
   */
  existing?: "refuse" | "backup";
  /**
   * once aborted, no further point starts, running ones are stopped (their worker threads ended) and left to
   * do, the lines of finished points are all on disk, and sweep resolves with those (SIGTERM of a Slurm task)
   */
  signal?: AbortSignal;
  /** run only this part of the points (src/jobs/shard.ts: the same partition on every machine); `out` is its part file */
  shard?: Shard;
  /** with `shard`: the part of every point, when the partition is a whole job's (src/jobs/job.ts: several sweeps split
   * together) rather than this spec's alone */
  partOf?: number[];
  /** worker threads (default: the machine's available parallelism); 0 runs in this thread */
  workers?: number;
  /** name a bad option as a field of the spec (spec.points[3].d; default true): false when the spec is built
   * by a command from its own options (phase-diagram, reproduce), whose errors name those options */
  specNames?: boolean;
  /** called once the points to run are known: `skipped` of the `total` were kept from `out` (resume) */
  onStart?: (start: { total: number; skipped: number; workTotal: number; workSkipped: number }) => void;
  /** called after each finished point */
  onProgress?: (progress: { done: number; total: number; skipped: number; line: SweepLine; workDone: number; workTotal: number }) => void;
}

/** Refuses a worker count that is not an integer in [0, 4 × cores] (more threads than that only cost memory). */
export function checkWorkers(workers: number): void {
  const most = 4 * availableParallelism();
  if (!Number.isInteger(workers) || workers < 0 || workers > most) {
    throw new OptionError("workers", `must be an integer in [0, ${most}] (4 × the ${availableParallelism()} cores of this machine; 0 runs in this thread)`, workers);
  }
}

/** The hash that ties a sweep file's lines to their spec: the first 16 hex digits of SHA-256 of its canonical JSON. */
export function specHash(spec: SweepSpec): string {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex").slice(0, 16);
}

/** Most points a spec may expand to (a larger grid is refused before anything is built). */
export const MAX_SWEEP_POINTS = 1_000_000;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The points of a spec, in order: the grid's cartesian product (last key fastest), then the list. Every field is
 * checked, and errors name it as it is written in the spec (spec.kind, spec.grid.d, spec.points[3]).
 */
export function expandSpec(spec: SweepSpec): Record<string, unknown>[] {
  if (!isObject(spec)) throw new OptionError("spec", "must be a JSON object { kind, base?, grid?, points? }", spec);
  const known = ["kind", "base", "grid", "points"];
  for (const key of Object.keys(spec)) if (!known.includes(key)) throw new OptionError(`spec.${key}`, `is not a field of a sweep spec (known: ${known.join(", ")})`, (spec as Record<string, unknown>)[key]);
  if (!["simulate", "ode", "phase", "measure"].includes(spec.kind)) throw new OptionError("spec.kind", 'must be one of "simulate", "ode", "phase", "measure"', spec.kind);
  if (spec.base !== undefined && !isObject(spec.base)) throw new OptionError("spec.base", "must be an object of options shared by every point", spec.base);
  if (spec.grid !== undefined && !isObject(spec.grid)) throw new OptionError("spec.grid", "must be an object { option: [values…] }", spec.grid);
  if (spec.points !== undefined && !Array.isArray(spec.points)) throw new OptionError("spec.points", "must be an array of objects of options", spec.points);
  const base = spec.base ?? {};
  let size = 1;
  for (const [key, values] of Object.entries(spec.grid ?? {})) {
    if (!Array.isArray(values) || values.length === 0) throw new OptionError(`spec.grid.${key}`, "must be a non-empty array of values", values);
    size *= values.length;
  }
  size = (spec.grid ? size : 0) + (spec.points?.length ?? 0);
  if (size > MAX_SWEEP_POINTS) throw new OptionError(spec.grid ? "spec.grid" : "spec.points", `expands to ${size} points, more than ${MAX_SWEEP_POINTS} (split the sweep)`, size);
  let grid: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(spec.grid ?? {})) grid = grid.flatMap((point) => (values as unknown[]).map((v) => ({ ...point, [key]: v })));
  const fromGrid = spec.grid ? grid.map((g) => ({ ...base, ...g })) : [];
  const fromList = (spec.points ?? []).map((q, i) => {
    if (!isObject(q)) throw new OptionError(`spec.points[${i}]`, "must be an object of options", q);
    return { ...base, ...q };
  });
  const all = [...fromGrid, ...fromList];
  if (all.length === 0) throw new OptionError("spec.points", "the spec has no points: give `grid` or `points`", spec);
  return all;
}

/**
 * Checks every point's options before any work (the same checks its run makes), and names a bad one as it is
 * written in the spec: spec.points[3].d for a listed point, spec.grid.d / spec.base.d for a grid's or base's value.
 */
export function validateSpec(spec: SweepSpec, points: Record<string, unknown>[]): void {
  const gridCount = spec.grid ? points.length - (spec.points?.length ?? 0) : 0;
  points.forEach((point, i) => {
    try {
      validateJob(spec.kind, point);
    } catch (error) {
      if (!(error instanceof OptionError)) throw error;
      const top = error.option.split(/[.[]/)[0];
      const from =
        i >= gridCount && spec.points && top in spec.points[i - gridCount]
          ? `spec.points[${i - gridCount}]`
          : spec.grid && top in spec.grid
            ? "spec.grid"
            : spec.base && top in spec.base
              ? "spec.base"
              : `spec.points[${i - gridCount}]`;
      throw new OptionError(`${from}.${error.option}`, `${error.rule} (point ${i} of the spec)`, error.value);
    }
  });
}

/**
 * The points already in a sweep file (resume): lines with a result or a recorded error count as done. A last line
 * cut by an interrupt (no newline at its end) is cut off the file (a truncation: the complete lines before it are
 * never touched). Throws a FileError for a line of another spec, or a line that is not JSON before the last.
 */
async function finishedLines(file: string, hash: string): Promise<Map<string, SweepLine>> {
  const done = new Map<string, SweepLine>();
  const text = await readIfExists(file);
  if (text === undefined || text === "") return done;
  const complete = text.lastIndexOf("\n") + 1;
  const lines = text.slice(0, complete).split("\n");
  lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let parsed: SweepLine;
    try {
      parsed = JSON.parse(line) as SweepLine;
    } catch {
      throw new FileError("--out", file, `line ${i + 1} is not valid JSON: the file is damaged (resume needs every complete line intact)`);
    }
    if (parsed.spec !== hash) {
      throw new FileError("--out", file, `line ${i + 1} belongs to another sweep spec (${parsed.spec === undefined ? "no spec hash: written by an older version" : `spec hash ${parsed.spec}`}; this spec's is ${hash}): resume a file with the spec that wrote it, or choose another --out`);
    }
    if ((parsed.result !== undefined || parsed.error !== undefined) && !done.has(parsed.key)) done.set(parsed.key, parsed);
  });
  if (complete < Buffer.byteLength(text)) await truncate(file, Buffer.byteLength(text.slice(0, complete)));
  return done;
}

const WORKER = new URL("../../dist/jobs/sweep-worker.js", import.meta.url);
const BUILDS: WasmBuild[] = ["wasm-simd", "wasm-scalar", "wasm-debug"];

/**
 * Runs every point of `spec` (README: sweeps) and returns all lines, in the order of the points (those skipped
 * on resume included, read back from the file). Points run in parallel on worker threads; each line is
 * appended to `out` as soon as its point is done. A point that throws is recorded with its error.
 */
export async function sweep(spec: SweepSpec, options: SweepOptions = {}): Promise<SweepLine[]> {
  const points = expandSpec(spec);
  if (options.specNames === false) points.forEach((point) => validateJob(spec.kind, point));
  else validateSpec(spec, points);
  const hash = specHash(spec);
  const all = points.map((point, index) => ({ spec: hash, index, key: canonicalJson({ kind: spec.kind, ...point }), kind: spec.kind, options: point }));
  const shard = options.shard;
  // the fixed cost model of every point (shard.ts): balances the parts and weighs the progress
  const costs = points.map((point) => pointCost(spec.kind, point));
  const parts = shard ? (options.partOf ?? partition(costs, shard.count)) : undefined;
  const jobs = parts ? all.filter((job) => parts[job.index] === shard!.index) : all;
  let previous = new Map<string, SweepLine>();
  let release: (() => void) | undefined;
  if (options.out) {
    await checkWritable(options.out, "--out");
    release = lockFile(options.out, "--out");
    try {
      if (options.resume) {
        previous = await finishedLines(options.out, hash);
      } else {
        const existing = await readIfExists(options.out);
        if (existing !== undefined && existing.length > 0) {
          const count = existing.split("\n").filter((l) => l.trim() !== "").length;
          if (options.existing !== "backup") {
            throw new FileError("--out", options.out, `exists (${count} line${count === 1 ? "" : "s"}): pass --resume to continue it with the same spec, or choose another --out (nothing was changed)`);
          }
          await rename(options.out, `${options.out}.previous`);
        }
        await (await open(options.out, "a")).close();
      }
    } catch (error) {
      release();
      throw error;
    }
  }
  const lines: SweepLine[] = new Array(jobs.length);
  const slot = new Map(jobs.map((job, i) => [job.index, i]));
  const todo = jobs.filter((job) => {
    const old = previous.get(job.key);
    if (old) lines[slot.get(job.index)!] = { ...old, index: job.index };
    return !old;
  });
  const skipped = jobs.length - todo.length;
  let done = skipped;
  const workTotal = jobs.reduce((s, job) => s + costs[job.index], 0);
  let workDone = workTotal - todo.reduce((s, job) => s + costs[job.index], 0);
  options.onStart?.({ total: jobs.length, skipped, workTotal, workSkipped: workDone });
  let workers = options.workers ?? availableParallelism();
  checkWorkers(workers);
  let pool: Piscina | undefined;
  // piscina is an optional peer dependency: without it a sweep runs in this thread (asked-for workers: an error)
  const Pool = workers > 0 && todo.length > 0 ? await import("piscina").then((m) => m.Piscina).catch((error) => {
    if (!isMissing(error, "piscina")) throw error;
    if (options.workers !== undefined) throw missingPackage(["piscina"], `a sweep on ${options.workers} worker threads (workers: ${options.workers})`);
    warnOnce("piscina", `${missingPackage(["piscina"], "running a sweep on all cores").message}; this sweep runs its points one after the other in this thread`);
    workers = 0;
    return undefined;
  }) : undefined;
  // seed twins (one-seed chain runs differing only in `seed`) run two at a time in the SIMD lanes, as long as the
  // units left are at least as many as the workers (a pair on one core is slower than its two seeds on two)
  const units = twinUnits(todo, (job) => twinKeyOf(job.kind, job.options), workers);
  if (Pool && workers > 0 && todo.length > 0) {
    const modules = Object.fromEntries(await Promise.all(BUILDS.map(async (b) => [b, await compileBuild(b)] as const)));
    pool = new Pool({ filename: WORKER.href, minThreads: Math.min(workers, units.length), maxThreads: Math.min(workers, units.length), workerData: { modules } });
  }
  const signal = options.signal;
  // one abort listener per running point (piscina): not a leak
  if (signal) setMaxListeners(Math.max(10, units.length + 10), signal);
  // one handle for the run: each line is appended and flushed to disk (datasync) before the next (shared filesystems)
  const handle = options.out ? await open(options.out, "a") : undefined;
  try {
    let writing = Promise.resolve();
    const finish = async (job: (typeof todo)[number], outcome: JobOutcome) => {
      const line: SweepLine = { ...job, ...outcome };
      lines[slot.get(job.index)!] = line;
      if (handle) {
        const text = `${JSON.stringify(line)}\n`;
        writing = writing.then(async () => {
          await handle.write(text);
          await handle.datasync();
        });
        await writing;
      }
      done++;
      workDone += costs[job.index];
      options.onProgress?.({ done, total: jobs.length, skipped, line, workDone, workTotal });
    };
    const runOne = async (job: (typeof todo)[number]): Promise<JobOutcome> => {
      const result = pool ? ((await pool.run({ kind: job.kind, options: job.options }, { signal })) as JobResult) : await runJob(job.kind, job.options);
      return { result };
    };
    const runTwins = async (a: (typeof todo)[number], b: (typeof todo)[number]): Promise<[JobOutcome, JobOutcome]> =>
      pool
        ? ((await pool.run({ kind: a.kind, options: a.options, twins: [a.options, b.options] }, { signal })) as [JobOutcome, JobOutcome])
        : await runTwinJobs(a.kind, a.options, b.options);
    await Promise.all(
      units.map(async (unit) => {
        if (signal?.aborted) return;
        let outcomes: JobOutcome[];
        try {
          outcomes = unit.length === 2 ? await runTwins(unit[0], unit[1]) : [await runOne(unit[0])];
        } catch (error) {
          // stopped by the signal: not a failure of the points, which stay to do
          if (signal?.aborted) return;
          outcomes = unit.map(() => ({ error: (error as Error).message }));
        }
        for (let i = 0; i < unit.length; i++) await finish(unit[i], outcomes[i]);
      }),
    );
  } finally {
    await handle?.close();
    await pool?.destroy();
    release?.();
  }
  // interrupted: the finished points only
  return signal?.aborted ? lines.filter((line) => line !== undefined) : lines;
}

/**
 * The jobs grouped into what runs at once: each job alone, except jobs of equal twin key (src/jobs/tasks.ts
 * twinKeyOf), paired in order of appearance — while at least `workers` units remain (all of them with workers = 0,
 * in this thread). A pair takes the place of its first job.
 */
export function twinUnits<J>(jobs: J[], keyOf: (job: J) => string | undefined, workers: number): J[][] {
  const units: J[][] = [];
  const waiting = new Map<string, J[]>();
  let pairs = 0;
  const most = workers > 0 ? Math.max(0, jobs.length - workers) : jobs.length;
  for (const job of jobs) {
    const key = pairs < most ? keyOf(job) : undefined;
    const partner = key === undefined ? undefined : waiting.get(key);
    if (partner) {
      partner.push(job);
      waiting.delete(key!);
      pairs++;
      continue;
    }
    const unit = [job];
    units.push(unit);
    if (key !== undefined) waiting.set(key, unit);
  }
  return units;
}

/** A merged sweep: its lines in the order of the spec's points. */
export interface Merged {
  lines: SweepLine[];
  parts: string[];
}

/**
 * Joins the part files of a sharded sweep (or any files of one spec) into `out`, written atomically with the
 * lines in the order of the spec's points. Refuses, naming the file and line: a line of another spec, a part
 * whose last line is cut (its task was killed mid-write: resume it), a point in two lines; and lists by key the
 * points that are missing (their part has not finished: rerun it; `partOf`, the job's partition, names the part).
 */
export async function mergeSweep(spec: SweepSpec, parts: string[], out: string, partOf?: number[]): Promise<Merged> {
  const points = expandSpec(spec);
  const hash = specHash(spec);
  const keys = points.map((point) => canonicalJson({ kind: spec.kind, ...point }));
  const byKey = new Map<string, { line: SweepLine; where: string }>();
  if (parts.length === 0) throw new FileError("--parts", "(none)", "no part files were given or found");
  for (const file of parts) {
    const text = await readIfExists(file);
    if (text === undefined) throw new FileError("--parts", file, "does not exist");
    if (text.length > 0 && !text.endsWith("\n")) {
      throw new FileError("--parts", file, `its last line is cut (no newline at the end): its task was stopped mid-write; run its part again (--shard i/n resumes it: the cut line is cut off, the rest finished)`);
    }
    text.split("\n").forEach((raw, i) => {
      if (raw.trim() === "") return;
      let line: SweepLine;
      try {
        line = JSON.parse(raw) as SweepLine;
      } catch {
        throw new FileError("--parts", file, `line ${i + 1} is not valid JSON`);
      }
      if (line.spec !== hash) throw new FileError("--parts", file, `line ${i + 1} belongs to another spec (spec hash ${line.spec}; this spec's is ${hash})`);
      if (line.result === undefined && line.error === undefined) return;
      const seen = byKey.get(line.key);
      if (seen) throw new FileError("--parts", file, `line ${i + 1} repeats point ${line.index} (${line.key}), already in ${seen.where}`);
      byKey.set(line.key, { line, where: `${file} line ${i + 1}` });
    });
  }
  const missing = keys.map((key, index) => ({ key, index })).filter(({ key }) => !byKey.has(key));
  if (missing.length > 0) {
    const short = (key: string) => (key.length > 160 ? `${key.slice(0, 157)}…` : key);
    const list = missing.slice(0, 20).map((m) => `  point ${m.index}${partOf ? ` (part ${partOf[m.index]} of ${Math.max(...partOf) + 1}: rerun it)` : ""}: ${short(m.key)}`).join("\n");
    throw new FileError("--out", out, `not written: ${missing.length} of ${keys.length} points are in none of the parts:\n${list}${missing.length > 20 ? `\n  … and ${missing.length - 20} more` : ""}`);
  }
  const lines = keys.map((key, index) => ({ ...byKey.get(key)!.line, index }));
  await writeAtomic(out, lines.map((line) => `${JSON.stringify(line)}\n`));
  return { lines, parts };
}
