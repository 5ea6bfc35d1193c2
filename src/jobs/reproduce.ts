// see: README.md (the paper's figures) — `reproduce fig1 … fig9`: plans every wanted figure's jobs, estimates
// their cost by the cost plan (src/jobs/plan.ts: the cost model, calibrated on this machine), runs them all in one pool of
// worker threads (identical jobs of different figures once; with `resume`, the finished ones of an
// interrupted run are kept), then per figure: its data, its checks of the paper's claims, its picture.
import { availableParallelism } from "node:os";
import { checkWritable, writeAtomic } from "./files.js";
import { join } from "node:path";
import { machineCalibration, pointSeconds, type Calibration } from "./plan.js";
import { canonicalJson, sweep, type SweepLine } from "./sweep.js";
import { pointCost } from "./shard.js";
import type { JobSweep } from "./job.js";
import { resolveSimulate, type OdeOptions, type SimulateOptions } from "../validate.js";
import type { OdeSummary, SimulationSummary } from "./tasks.js";
import type { MeasuredPhase } from "../phase/phase-measure.js";
import { checkRenderer, writeFigure } from "../output/render.js";
import { FIGURES, FIGURE_IDS } from "../figures/index.js";
import type { Check, FigureData, FigureDef, FigureSize, Plan, Results } from "../figures/types.js";
import { delimited, type Cell, type Records } from "../records.js";

export { FIGURES, FIGURE_IDS };
export type { Check, FigureData, FigureDef, FigureSize };
export { runSims, runOdes, simSeries, odeSeries } from "../figures/runs.js";

/** What a run of `reproduce` will cost, before it starts. */
export interface CostEstimate {
  simulations: number;
  samples: number;
  odes: number;
  /** core-seconds: the cost plan's estimate of every job (the same as `--plan`'s) */
  coreSeconds: number;
  coreHours: number;
  /** per figure: jobs, samples and core-seconds (jobs shared by figures count for each) */
  figures: Record<string, { simulations: number; samples: number; odes: number; measures: number; coreSeconds: number }>;
  /** this machine against the cost model (src/jobs/plan.ts) */
  calibration: Calibration;
}

export interface ReproduceOptions {
  size?: FigureSize;
  /** where <figure>/ directories and checks.{json,csv} go (default out/reproduce) */
  outDir?: string;
  workers?: number;
  /** keep the finished jobs of an earlier run of the same size (runs-<size>.jsonl in outDir) */
  resume?: boolean;
  /** start a `full` run whose estimate exceeds one core-hour */
  yes?: boolean;
  onEstimate?: (estimate: CostEstimate) => void;
  /** after each finished job: the share of the estimated work done, and the seconds left by that estimate */
  onProgress?: (p: { done: number; total: number; workDone: number; etaSeconds: number; elapsedSeconds: number }) => void;
  onFigure?: (id: string, seconds: number, files: string[], checks: Check[], warnings: string[]) => void;
}

export interface ReproduceResult {
  size: FigureSize;
  estimate: CostEstimate;
  figures: Record<string, { data: FigureData; checks: Check[]; files: string[] }>;
  checks: Check[];
  /** checks are judged at quick and full sizes; at tiny sizes they are reported only */
  judged: boolean;
  failed: number;
  seconds: number;
  files: string[];
}

/** A figure job, keyed by the canonical JSON of its options (identical jobs of different figures run once). */
interface Job {
  kind: "simulate" | "ode" | "measure";
  key: string;
  options: SimulateOptions | OdeOptions;
  /** figure/name pairs that want it */
  wanted: { figure: string; name: string }[];
  samples: number;
  seconds: number;
}

/** The figures of `ids` ("all" for every one), in the paper's order; throws on an unknown id. */
export function figuresOf(ids: string[]): FigureDef[] {
  for (const id of ids) {
    if (id !== "all" && !FIGURE_IDS.includes(id)) throw new Error(`unknown figure "${id}": the figures are ${FIGURE_IDS.join(", ")} (or all)`);
  }
  return FIGURES.filter((f) => ids.includes("all") || ids.includes(f.id));
}

function collectJobs(plans: [FigureDef, Plan][]): Job[] {
  const jobs = new Map<string, Job>();
  for (const [figure, plan] of plans) {
    for (const [kind, entries] of [["simulate", plan.sims], ["ode", plan.odes], ["measure", plan.measures ?? {}]] as const) {
      for (const [name, options] of Object.entries(entries)) {
        const key = canonicalJson({ kind, ...options });
        const job: Job = jobs.get(key) ?? { kind, key, options, wanted: [], samples: 0, seconds: 0 };
        job.wanted.push({ figure: figure.id, name });
        jobs.set(key, job);
      }
    }
  }
  return [...jobs.values()];
}

/** The cost of every job (samples; seconds from the cost plan: src/jobs/plan.ts, this machine's calibration) and the totals. */
async function estimate(jobs: Job[], ids: string[]): Promise<CostEstimate> {
  const calibration = await machineCalibration();
  for (const job of jobs) {
    job.seconds = pointSeconds(job.kind, job.options as Record<string, unknown>, calibration);
    if (job.kind === "simulate") {
      const r = resolveSimulate(job.options as SimulateOptions);
      job.samples = r.samples[r.samples.length - 1] * r.batch * r.seeds;
    }
  }
  const figures: CostEstimate["figures"] = Object.fromEntries(ids.map((id) => [id, { simulations: 0, samples: 0, odes: 0, measures: 0, coreSeconds: 0 }]));
  for (const job of jobs) {
    for (const { figure } of job.wanted) {
      const f = figures[figure];
      if (job.kind === "ode") f.odes++;
      else if (job.kind === "measure") f.measures++;
      else {
        f.simulations++;
        f.samples += job.samples;
      }
      f.coreSeconds += job.seconds;
    }
  }
  const coreSeconds = jobs.reduce((s, j) => s + j.seconds, 0);
  return {
    simulations: jobs.filter((j) => j.kind === "simulate").length,
    samples: jobs.reduce((s, j) => s + j.samples, 0),
    odes: jobs.filter((j) => j.kind === "ode").length,
    coreSeconds,
    coreHours: coreSeconds / 3600,
    figures,
    calibration,
  };
}

/** Simulation jobs that diverged: their curves stop early, and a figure's means are over fewer runs there. */
export function divergedRuns(results: Results): string[] {
  return Object.entries(results.sims).flatMap(([name, run]) =>
    run.status === "diverged"
      ? [`simulation ${name} diverged at t = ${run.divergence?.t} (${run.divergence?.reason}); its curve stops there and the means after it are over the runs that reached each time (data.csv: runs)`]
      : [],
  );
}

/** Values a log axis cannot show (≤ 0 or not finite), reported instead of dropped silently. */
export function undrawnValues(data: FigureData): string[] {
  return data.curves.flatMap((c) => {
    const bad = c.y.map((y, i) => ({ y, x: c.x[i] })).filter((v) => !(Number.isFinite(v.y) && v.y > 0));
    if (bad.length === 0) return [];
    const min = Math.min(...bad.filter((v) => Number.isFinite(v.y)).map((v) => v.y));
    return [
      `${c.name}: ${bad.length} value${bad.length > 1 ? "s" : ""} ≤ 0 or not finite (from x = ${Number(bad[0].x.toPrecision(3))}${Number.isFinite(min) ? `, smallest ${min.toExponential(2)}` : ""}) not drawn on the log axis` +
        (c.role.includes("ODE") && Number.isFinite(min) && min > -1e-9 ? ": the risk has reached the rounding level of the integrator (≈ 10⁻¹¹), i.e. 0" : ""),
    ];
  });
}

/** The checks as records (checks.csv, the CLI's --format): one row per check. */
export function checksRecords(checks: Check[]): Records {
  return { columns: ["figure", "claim", "paper", "ours", "tolerance", "pass"], rows: checks.map((c) => [c.figure, c.claim, c.paper, c.ours, c.tolerance, c.pass]) };
}

/** Writes a figure's files into `dir`: figure.{vl.json,svg,png}, data.{json,csv}, checks.json. */
async function writeFigureFiles(dir: string, figure: FigureDef, data: FigureData, checks: Check[]): Promise<string[]> {
  const files = await writeFigure(dir, "figure", figure.spec(data));
  await writeAtomic(join(dir, "data.json"), `${JSON.stringify(data, null, 1)}\n`);
  const rows = data.curves.flatMap((c) => c.x.map((x, i): Cell[] => [c.name, c.role, x, c.y[i], c.lo?.[i] ?? null, c.hi?.[i] ?? null, c.runs?.[i] ?? null]));
  await writeAtomic(join(dir, "data.csv"), delimited({ columns: ["curve", "role", "x", "y", "lo", "hi", "runs"], rows }));
  await writeAtomic(join(dir, "checks.json"), `${JSON.stringify(checks, null, 1)}\n`);
  return [...files, join(dir, "data.json"), join(dir, "data.csv"), join(dir, "checks.json")];
}

/** The figures of `ids`, their plans and their jobs (identical jobs once), for `options.size` (default quick). */
async function planFigures(ids: string[], options: ReproduceOptions) {
  const size = options.size ?? "quick";
  const figures = figuresOf(ids);
  const outDir = options.outDir ?? join("out", "reproduce");
  const plans: [FigureDef, Plan][] = [];
  for (const f of figures) plans.push([f, await f.plan(size)]);
  return { size, figures, outDir, plans, jobs: collectJobs(plans) };
}

/**
 * The jobs as sweeps, one per kind (ODEs, simulations, measured points), each into <outDir>/runs-<size>-<kind>.jsonl;
 * heaviest first by the fixed cost model (the pool's last jobs are the short ones), ties by key: the same specs on
 * every machine, as a split across machines needs.
 */
function sweepsOf(jobs: Job[], outDir: string, size: FigureSize): JobSweep[] {
  const sweeps: JobSweep[] = [];
  for (const kind of ["ode", "simulate", "measure"] as const) {
    const mine = jobs
      .filter((j) => j.kind === kind)
      .map((j) => ({ j, cost: pointCost(kind, j.options as Record<string, unknown>) }))
      .sort((a, b) => b.cost - a.cost || (a.j.key < b.j.key ? -1 : a.j.key > b.j.key ? 1 : 0))
      .map(({ j }) => j);
    if (mine.length > 0) sweeps.push({ spec: { kind, points: mine.map((j) => j.options as Record<string, unknown>) }, out: join(outDir, `runs-${size}-${kind}.jsonl`) });
  }
  return sweeps;
}

/** `reproduce` as a sweep-shaped job (src/jobs/job.ts): its sweeps and their files, for a plan, a part or a merge. */
export async function reproduceSweeps(ids: string[], options: Pick<ReproduceOptions, "size" | "outDir"> = {}): Promise<JobSweep[]> {
  const { jobs, outDir, size } = await planFigures(ids, options);
  return sweepsOf(jobs, outDir, size);
}

/**
 * Regenerates the figures `ids` (or "all"): estimates the cost (a `full` run above one core-hour needs
 * `yes`), runs every job, then writes each figure's files and checks and returns them with the checks' table.
 */
export async function reproduce(ids: string[], options: ReproduceOptions = {}): Promise<ReproduceResult> {
  const started = performance.now();
  await checkRenderer();
  const { size, figures, outDir, plans, jobs } = await planFigures(ids, options);
  const cost = await estimate(jobs, figures.map((f) => f.id));
  options.onEstimate?.(cost);
  if (size === "full" && cost.coreHours > 1 && !options.yes) {
    throw new Error(
      `the full sizes of ${figures.map((f) => f.id).join(", ")} are estimated at ${cost.coreHours.toFixed(1)} core-hours (${cost.samples.toExponential(2)} SGD samples); add --yes (API: yes: true) to start`,
    );
  }
  await checkWritable(join(outDir, "checks.json"), "--out-dir");
  const workers = options.workers ?? availableParallelism();
  const total = jobs.length;
  const work = jobs.reduce((s, j) => s + j.seconds, 0) || 1;
  let done = 0;
  let workDone = 0;
  const byKey = new Map(jobs.map((j) => [j.key, j]));
  const lines = new Map<string, SweepLine>();
  const onLine = ({ line }: { line: SweepLine }) => {
    lines.set(line.key, line);
    done++;
    workDone += byKey.get(line.key)?.seconds ?? 0;
    const elapsedSeconds = (performance.now() - started) / 1000;
    const share = workDone / work;
    options.onProgress?.({ done, total, workDone: share, etaSeconds: share > 0 ? (elapsedSeconds * (1 - share)) / share : NaN, elapsedSeconds });
  };
  for (const { spec, out } of sweepsOf(jobs, outDir, size)) {
    const ran = await sweep(spec, { workers, out, resume: options.resume, existing: "backup", specNames: false, onProgress: onLine });
    for (const line of ran) lines.set(line.key, line);
  }
  const failures = [...lines.values()].filter((l) => l.error !== undefined);
  if (failures.length > 0) {
    throw new Error(`${failures.length} job${failures.length > 1 ? "s" : ""} of the figures failed; first: ${failures[0].error} (options ${failures[0].key})`);
  }
  const all: Check[] = [];
  const out: ReproduceResult["figures"] = {};
  const files: string[] = [];
  for (const [figure, plan] of plans) {
    const figStarted = performance.now();
    const results: Results = { sims: {}, odes: {}, measures: {} };
    for (const [name, o] of Object.entries(plan.sims)) results.sims[name] = lines.get(canonicalJson({ kind: "simulate", ...o }))!.result as SimulationSummary;
    for (const [name, o] of Object.entries(plan.odes)) results.odes[name] = lines.get(canonicalJson({ kind: "ode", ...o }))!.result as OdeSummary;
    for (const [name, o] of Object.entries(plan.measures ?? {})) results.measures![name] = lines.get(canonicalJson({ kind: "measure", ...o }))!.result as MeasuredPhase;
    const data = figure.assemble(size, results);
    data.warnings.push(...divergedRuns(results), ...undrawnValues(data));
    const checks = figure.checks(data);
    const written = await writeFigureFiles(join(outDir, figure.id), figure, data, checks);
    out[figure.id] = { data, checks, files: written };
    all.push(...checks);
    files.push(...written);
    options.onFigure?.(figure.id, (performance.now() - figStarted) / 1000, written, checks, data.warnings);
  }
  const judged = size !== "tiny";
  await writeAtomic(join(outDir, "checks.json"), `${JSON.stringify({ size, judged, checks: all }, null, 1)}\n`);
  await writeAtomic(join(outDir, "checks.csv"), delimited(checksRecords(all)));
  files.push(join(outDir, "checks.json"), join(outDir, "checks.csv"));
  return { size, estimate: cost, figures: out, checks: all, judged, failed: all.filter((c) => !c.pass).length, seconds: (performance.now() - started) / 1000, files };
}
