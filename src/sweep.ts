// see: README.md (sweeps) — many runs over a grid or a list of parameter points, in parallel on worker
// threads (piscina; each worker gets the main thread's compiled Wasm modules), one JSON line per finished
// point appended to the output file as soon as it is done, so an interrupted sweep keeps what it finished
// and `resume` skips it.
import { availableParallelism } from "node:os";
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { Piscina } from "piscina";
import { compileBuild, type WasmBuild } from "./wasm.js";
import { runJob, type JobKind, type JobResult } from "./tasks.js";
import { OptionError } from "./validate.js";

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
  /** worker threads (default: the machine's available parallelism); 0 runs in this thread */
  workers?: number;
  /** called once the points to run are known: `skipped` of the `total` were kept from `out` (resume) */
  onStart?: (start: { total: number; skipped: number }) => void;
  /** called after each finished point */
  onProgress?: (progress: { done: number; total: number; skipped: number; line: SweepLine }) => void;
}

/** JSON with object keys sorted at every level: equal options give equal keys. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

/** The points of a spec, in order: the grid's cartesian product (last key fastest), then the list. */
export function expandSpec(spec: SweepSpec): Record<string, unknown>[] {
  if (!["simulate", "ode", "phase", "measure"].includes(spec.kind)) throw new OptionError("kind", 'must be one of "simulate", "ode", "phase", "measure"', spec.kind);
  const base = spec.base ?? {};
  let grid: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(spec.grid ?? {})) {
    if (!Array.isArray(values) || values.length === 0) throw new OptionError(`grid.${key}`, "must be a non-empty array of values", values);
    grid = grid.flatMap((point) => values.map((v) => ({ ...point, [key]: v })));
  }
  const fromGrid = spec.grid ? grid.map((g) => ({ ...base, ...g })) : [];
  const fromList = (spec.points ?? []).map((q) => ({ ...base, ...q }));
  const all = [...fromGrid, ...fromList];
  if (all.length === 0) throw new OptionError("points", "the spec has no points: give `grid` or `points`", spec);
  return all;
}

/** The keys of the points already in a sweep file (lines that failed to parse are ignored: a cut write). */
async function finishedKeys(file: string): Promise<Map<string, SweepLine>> {
  const done = new Map<string, SweepLine>();
  let text = "";
  try {
    text = await readFile(file, "utf8");
  } catch {
    return done;
  }
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const parsed = JSON.parse(line) as SweepLine;
      if (parsed.result !== undefined) done.set(parsed.key, parsed);
    } catch {
      // an interrupted write: that point runs again
    }
  }
  return done;
}

const WORKER = new URL("../dist/sweep-worker.js", import.meta.url);
const BUILDS: WasmBuild[] = ["wasm-simd", "wasm-scalar", "wasm-debug"];

/**
 * Runs every point of `spec` (README: sweeps) and returns all lines, in the order of the points (those skipped
 * on resume included, read back from the file). Points run in parallel on worker threads; each line is
 * appended to `out` as soon as its point is done. A point that throws is recorded with its error.
 */
export async function sweep(spec: SweepSpec, options: SweepOptions = {}): Promise<SweepLine[]> {
  const points = expandSpec(spec);
  const jobs = points.map((point, index) => ({ index, key: canonicalJson({ kind: spec.kind, ...point }), kind: spec.kind, options: point }));
  const previous = options.out && options.resume ? await finishedKeys(options.out) : new Map<string, SweepLine>();
  if (options.out) {
    await mkdir(dirname(options.out), { recursive: true });
    // a fresh file; on resume, the complete lines only (a line cut by the interruption would run into the next)
    await writeFile(options.out, [...previous.values()].map((line) => `${JSON.stringify(line)}\n`).join(""));
  }
  const lines: SweepLine[] = new Array(jobs.length);
  const todo = jobs.filter((job) => {
    const old = previous.get(job.key);
    if (old) lines[job.index] = { ...old, index: job.index };
    return !old;
  });
  const skipped = jobs.length - todo.length;
  let done = skipped;
  options.onStart?.({ total: jobs.length, skipped });
  const workers = options.workers ?? availableParallelism();
  let pool: Piscina | undefined;
  if (workers > 0 && todo.length > 0) {
    const modules = Object.fromEntries(await Promise.all(BUILDS.map(async (b) => [b, await compileBuild(b)] as const)));
    pool = new Piscina({ filename: WORKER.href, minThreads: Math.min(workers, todo.length), maxThreads: Math.min(workers, todo.length), workerData: { modules } });
  }
  try {
    let writing = Promise.resolve();
    await Promise.all(
      todo.map(async (job) => {
        let line: SweepLine;
        try {
          const result = pool ? ((await pool.run({ kind: job.kind, options: job.options })) as JobResult) : await runJob(job.kind, job.options);
          line = { ...job, result };
        } catch (error) {
          line = { ...job, error: (error as Error).message };
        }
        lines[job.index] = line;
        if (options.out) {
          const text = `${JSON.stringify(line)}\n`;
          writing = writing.then(() => appendFile(options.out!, text));
          await writing;
        }
        done++;
        options.onProgress?.({ done, total: jobs.length, skipped, line });
      }),
    );
  } finally {
    await pool?.destroy();
  }
  return lines;
}
