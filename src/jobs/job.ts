// see: README.md (clusters) — a sweep-shaped job: a command whose work is one or more sweeps, each with its own
// JSON-lines file (sweep: its spec; phase-diagram: the measured points; reproduce: its ODE, simulation and
// measure runs; scaling: one simulation per d). The same three steps serve them all: the plan of the whole job,
// part i of n of it (the points of all its sweeps split together by estimated cost, the same on every machine),
// and the merge of the parts into the files one machine would have written — after which the command, resumed,
// finds every point done and writes its figures, tables and checks as a one-machine run does.
import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { FileError } from "./files.js";
import { expandSpec, mergeSweep, sweep, type SweepLine, type SweepSpec } from "./sweep.js";
import { partFile, partition, pointCost, type Shard } from "./shard.js";

/** One of a job's sweeps: its spec and the JSON-lines file its points go to. */
export interface JobSweep {
  spec: SweepSpec;
  out: string;
}

/** The fixed cost (src/jobs/shard.ts) of every point of every sweep. */
function jobCosts(sweeps: JobSweep[]): number[][] {
  return sweeps.map((s) => expandSpec(s.spec).map((point) => pointCost(s.spec.kind, point)));
}

/** The part (0 … count − 1) of every point of every sweep: one partition of the whole job by estimated cost. */
export function jobPartition(sweeps: JobSweep[], count: number, costs = jobCosts(sweeps)): number[][] {
  const joint = partition(costs.flat(), count);
  let at = 0;
  return costs.map((c) => {
    const mine = joint.slice(at, at + c.length);
    at += c.length;
    return mine;
  });
}

export interface JobPartOptions {
  workers?: number;
  signal?: AbortSignal;
  /** name a bad option as a field of the spec (false: the spec was built by a command from its options) */
  specNames?: boolean;
  /** at the start of each sweep (workSkipped: the work kept from its part file) and after each finished point */
  onProgress?: (progress: { done: number; total: number; workDone: number; workTotal: number; workSkipped?: number }) => void;
}

/**
 * Runs part `shard` of a job: in each sweep, the points of that part, into the sweep's part file
 * (out.part-i-of-n.jsonl), resumed if it exists (a requeued task continues, a finished part runs nothing).
 * Resolves with the lines of the part and the files written.
 */
export async function runJobPart(sweeps: JobSweep[], shard: Shard, options: JobPartOptions = {}): Promise<{ lines: SweepLine[]; files: string[]; kept: number; total: number }> {
  const costs = jobCosts(sweeps);
  const partOf = jobPartition(sweeps, shard.count, costs);
  // per sweep: this part's points and their work
  const mine = partOf.map((parts) => parts.filter((p) => p === shard.index).length);
  const work = costs.map((c, i) => c.reduce((sum, cost, j) => sum + (partOf[i][j] === shard.index ? cost : 0), 0));
  const workTotal = work.reduce((a, b) => a + b, 0);
  const total = mine.reduce((a, b) => a + b, 0);
  let before = { done: 0, work: 0 };
  let kept = 0;
  const lines: SweepLine[] = [];
  const files: string[] = [];
  for (const [i, s] of sweeps.entries()) {
    const out = partFile(s.out, shard);
    const base = before;
    const ran = await sweep(s.spec, {
      out,
      resume: true,
      shard,
      partOf: partOf[i],
      workers: options.workers,
      signal: options.signal,
      specNames: options.specNames,
      onStart: (st) => {
        kept += st.skipped;
        options.onProgress?.({ done: base.done + st.skipped, total, workDone: base.work + st.workSkipped, workTotal, workSkipped: base.work + st.workSkipped });
      },
      onProgress: (p) => options.onProgress?.({ done: base.done + p.done, total, workDone: base.work + p.workDone, workTotal }),
    });
    lines.push(...ran);
    files.push(out);
    before = { done: base.done + mine[i], work: base.work + work[i] };
    if (options.signal?.aborted) break;
  }
  return { lines, files, kept, total };
}

/** The part files beside `out` (out.part-i-of-n.jsonl) with their i and n, any split. */
async function partsBeside(out: string): Promise<{ file: string; index: number; count: number }[]> {
  const dir = dirname(out);
  const stem = basename(out).replace(/\.jsonl?$/, "");
  const pattern = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.part-(\\d+)-of-(\\d+)\\.jsonl?$`);
  const names = await readdir(dir === "" ? "." : dir).catch(() => [] as string[]);
  return names.flatMap((f) => {
    const m = pattern.exec(f);
    return m ? [{ file: join(dir, f), index: Number(m[1]), count: Number(m[2]) }] : [];
  });
}

/** The part files of `out` in its directory (out.part-i-of-n.jsonl), checked to be all n parts of one split. */
export async function findParts(out: string, hint = " (give them with --parts)"): Promise<string[]> {
  const stem = basename(out).replace(/\.jsonl?$/, "");
  const found = await partsBeside(out);
  if (found.length === 0) throw new FileError("--out", out, `no part files ${stem}.part-i-of-n.jsonl beside it${hint}`);
  const counts = [...new Set(found.map((f) => f.count))];
  if (counts.length > 1) throw new FileError("--out", out, `its part files belong to splits into ${counts.join(" and ")} parts: remove the parts of the split you do not want${hint ? `, or give the right ones with --parts` : ""}`);
  const n = counts[0];
  const have = new Set(found.map((f) => f.index));
  const absent = Array.from({ length: n }, (_, i) => i).filter((i) => !have.has(i));
  if (absent.length > 0) throw new FileError("--out", out, `parts ${absent.join(", ")} of ${n} are missing (${stem}.part-${absent[0]}-of-${n}.jsonl, …): run them, then merge`);
  return found.map((f) => f.file).sort();
}

/** The numbers of parts of the splits whose part files are beside the job's files (none: []). */
export async function existingSplits(sweeps: JobSweep[]): Promise<number[]> {
  const counts = new Set<number>();
  for (const s of sweeps) for (const f of await partsBeside(s.out)) counts.add(f.count);
  return [...counts].sort((a, b) => a - b);
}

/** Merges every sweep of a job from its part files (mergeSweep: refuses cut, repeated, foreign or missing points). */
export async function mergeJob(sweeps: JobSweep[]): Promise<{ points: number; failed: number; parts: number; files: string[] }> {
  let points = 0;
  let failed = 0;
  let parts = 0;
  const costs = jobCosts(sweeps);
  const partitions = new Map<number, number[][]>(); // by the number of parts found (one, for a whole split)
  for (const [i, s] of sweeps.entries()) {
    const found = await findParts(s.out, "");
    const n = Number(/part-\d+-of-(\d+)\.jsonl?$/.exec(found[0])![1]);
    if (!partitions.has(n)) partitions.set(n, jobPartition(sweeps, n, costs));
    const merged = await mergeSweep(s.spec, found, s.out, partitions.get(n)![i]);
    points += merged.lines.length;
    failed += merged.lines.filter((l) => l.error !== undefined).length;
    parts = Math.max(parts, found.length);
  }
  return { points, failed, parts, files: sweeps.map((s) => s.out) };
}
