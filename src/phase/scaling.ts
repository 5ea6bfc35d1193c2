// see: theory.md §9 and the slides ("R∞ − Δ/2 ~ d^(−δ)" in the green region) — finite-size scaling: the
// plateau R∞(d) of the excess risk over seeds for a list of d, and the power law fitted to R∞ − floor.
import { OptionError, type SimulateOptions } from "../validate.js";
import { fitPowerLaw, type PowerFit } from "./fit.js";
export { fitPowerLaw, type PowerFit } from "./fit.js";
import { sweep, type SweepSpec } from "../jobs/sweep.js";
import type { SimulationSummary } from "../jobs/tasks.js";
import type { JobSweep } from "../jobs/job.js";


export interface ScalingOptions extends Omit<SimulateOptions, "d" | "times" | "seeds" | "onProgress" | "signal"> {
  /** the input dimensions (at least two) */
  dims: number[];
  seeds?: number;
  /** R∞ is the mean of the risk over the outputs in [tail·tMax, tMax] (default 0.5) */
  tail?: number;
  /** subtracted from R∞ before the fit (default 0: the excess risk of the green region has no floor) */
  floor?: number;
  /** JSON-lines file of the simulations, one line per d as it finishes (a sweep's: resumable, splittable) */
  runs?: string;
  /** keep the d already in `runs` */
  resume?: boolean;
  /** worker threads, one d each (default: available parallelism; 0: this thread) */
  workers?: number;
  signal?: AbortSignal;
  /** after each d: the count done and the share of the estimated work (the cost model of src/jobs/shard.ts) */
  onProgress?: (progress: { d: number; done: number; total: number; workDone: number; workTotal: number }) => void;
}

export interface Scaling {
  /** per d: R∞ (mean over seeds of each seed's tail average) and its standard error */
  points: { d: number; rInf: number; se: number; seeds: number }[];
  fit: PowerFit;
  floor: number;
  params: Record<string, unknown>;
}

function scalingSpec(options: ScalingOptions) {
  const { dims, seeds = 10, tail = 0.5, floor = 0, runs: _r, resume: _s, workers: _w, signal: _g, onProgress: _p, ...sim } = options;
  if (!Array.isArray(dims) || dims.length < 2) throw new OptionError("dims", "must list at least two input dimensions", dims);
  if (new Set(dims).size < 2) throw new OptionError("dims", "must hold at least two different input dimensions (a slope needs two)", dims);
  if (!(tail > 0 && tail < 1)) throw new OptionError("tail", "must be a number in (0, 1)", tail);
  const tMax = sim.tMax ?? 1000;
  const defined = Object.fromEntries(Object.entries(sim).filter(([, v]) => v !== undefined));
  const points = dims.map((d) => ({ ...defined, d, tMax, tMin: sim.tMin ?? tMax * tail, points: sim.points ?? 6, seeds }));
  const spec: SweepSpec = { kind: "simulate", points };
  return { spec, sim, tMax, seeds, tail, floor };
}

/** `scaling` as a sweep-shaped job (src/jobs/job.ts): one simulation per d into `runs` (the parts go beside it). */
export function scalingSweeps(options: ScalingOptions & { runs: string }): JobSweep[] {
  return [{ spec: scalingSpec(options).spec, out: options.runs }];
}

/** Estimates R∞(d) for every d (seeds from one initial condition each; the d in parallel) and fits R∞ − floor ∝ d^slope. */
export async function scaling(options: ScalingOptions): Promise<Scaling> {
  const { spec, sim, tMax, seeds, tail, floor } = scalingSpec(options);
  const dims = options.dims;
  let done = 0;
  const lines = await sweep(spec, {
    out: options.runs,
    resume: options.resume,
    workers: options.workers,
    signal: options.signal,
    specNames: false,
    onStart: (s) => (done = s.skipped),
    onProgress: (p) => options.onProgress?.({ d: p.line.options.d as number, done: ++done, total: dims.length, workDone: p.workDone, workTotal: p.workTotal }),
  });
  if (options.signal?.aborted) throw new Error(`interrupted: ${lines.length} of ${dims.length} d finished${options.runs ? ` (in ${options.runs}; resume to run the others)` : ""}`);
  const points: Scaling["points"] = [];
  for (const line of lines) {
    if (line.error !== undefined) throw new Error(`the simulation at d = ${line.options.d} failed: ${line.error}`);
    const r = line.result as SimulationSummary;
    // each seed's average over the tail, then their mean and standard error
    const perSeed: number[] = [];
    const curves = r.ensemble?.curves ?? [r.risk];
    for (const curve of curves) {
      const values = curve.filter((_, j) => r.t[j] >= tail * tMax * (1 - 1e-12));
      perSeed.push(values.reduce((s, v) => s + v, 0) / values.length);
    }
    const mean = perSeed.reduce((s, v) => s + v, 0) / perSeed.length;
    const sd = perSeed.length > 1 ? Math.sqrt(perSeed.reduce((s, v) => s + (v - mean) ** 2, 0) / (perSeed.length - 1)) : 0;
    points.push({ d: line.options.d as number, rInf: mean, se: sd / Math.sqrt(perSeed.length), seeds: perSeed.length });
  }
  const fit = fitPowerLaw(points.map((q) => ({ x: q.d, y: q.rInf - floor, se: q.se })));
  return { points, fit, floor, params: { ...sim, tMax, seeds, tail } };
}
