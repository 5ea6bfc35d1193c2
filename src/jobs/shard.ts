// see: README.md (clusters) — a sweep split into n parts ("shards") that separate processes, machines or the
// tasks of a Slurm job array run independently, each into its own part file, and `merge` joins them back. The
// partition depends on the spec alone (a fixed cost model, never a measured time), so every task computes the
// same one. Node only.
import { cheaperMethod, costOfStep, OptionError, resolveOde, resolveSimulate, type OdeOptions, type SimulateOptions } from "../validate.js";
import { PHASE_DEFAULTS } from "../phase/phase.js";
import { checkMeasureOptions, plannedLadders, type MeasurePointOptions } from "../phase/phase-measure.js";
import type { JobKind } from "./tasks.js";

/** The i-th (0-based) of n parts. */
export interface Shard {
  index: number;
  count: number;
}

/** Most parts a sweep may be split into (Slurm's default MaxArraySize is 1001). */
export const MAX_SHARDS = 100000;

/** Parses "i/n" (i = 0 … n − 1); throws an OptionError naming `option`. */
export function parseShard(text: string, option = "shard"): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1 && count <= MAX_SHARDS) || !(index >= 0 && index < count)) {
    throw new OptionError(option, `must be i/n with n in [1, ${MAX_SHARDS}] and i in [0, n − 1] (e.g. 0/4)`, text);
  }
  return { index, count };
}

/**
 * The shard named by the environment of a job array: Slurm's SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT
 * (the array must be 0 … n − 1), or a Kubernetes indexed Job's JOB_COMPLETION_INDEX with SGD_PHASE_SHARDS (n).
 * Undefined when neither is set.
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv = process.env): Shard | undefined {
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_COUNT !== undefined) {
    return parseShard(`${env.SLURM_ARRAY_TASK_ID}/${env.SLURM_ARRAY_TASK_COUNT}`, "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT");
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    if (env.SGD_PHASE_SHARDS === undefined) throw new OptionError("SGD_PHASE_SHARDS", "must give the number of parts n with JOB_COMPLETION_INDEX (a Kubernetes indexed Job's completions)", undefined);
    return parseShard(`${env.JOB_COMPLETION_INDEX}/${env.SGD_PHASE_SHARDS}`, "JOB_COMPLETION_INDEX/SGD_PHASE_SHARDS");
  }
  return undefined;
}

/**
 * The estimated cost of one point (ns), from the fixed cost model of validate.ts (costOfStep) — the same on every machine, good enough to balance parts. ODEs count ψ's
 * p(p+1)/2·r(r+1)/2 integrals for ~10³ evaluations at 10 model ns each, plus 2 ms; measured points the ladders of d they will plan.
 */
export function pointCost(kind: JobKind, options: Record<string, unknown>): number {
  switch (kind) {
    case "simulate": {
      const r = resolveSimulate(options as SimulateOptions);
      return r.samples[r.samples.length - 1] * r.seeds * costOfStep(r.d, r.p, r.k, r.method, r.batch) + 1e6;
    }
    case "ode": {
      const r = resolveOde(options as OdeOptions);
      const rr = r.p + r.k;
      return ((r.p * (r.p + 1)) / 2) * ((rr * (rr + 1)) / 2) * 1e3 * 10 + 2e6;
    }
    case "phase": {
      const d = Number(options.d);
      const p = Math.max(1, Math.round(d ** Number(options.kappa ?? 0)));
      const k = Number(options.k ?? PHASE_DEFAULTS.k);
      return Number(options.budget ?? PHASE_DEFAULTS.budget) * costOfStep(d, p, k, cheaperMethod(d, p, k)) + 1e6;
    }
    case "measure": {
      // the ladders it will plan (fixed by its options), in seconds of a machine at its costScale: in model ns
      const o = checkMeasureOptions(options as unknown as MeasurePointOptions);
      return (plannedLadders(o).seconds * 1e9) / o.costScale + 1e6;
    }
  }
}

/**
 * Which part each point belongs to: the points by decreasing cost (ties by index) each to the part with the least
 * total so far (ties: the lowest part) — longest-processing-time first, within 4/3 of the best balance.
 */
export function partition(costs: number[], count: number): number[] {
  const order = costs.map((c, i) => [c, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const load = new Array<number>(count).fill(0);
  const part = new Array<number>(costs.length);
  for (const [c, i] of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s] < load[best]) best = s;
    part[i] = best;
    load[best] += c;
  }
  return part;
}

/** The part file of shard i/n of a sweep written to `out`: out.jsonl → out.part-i-of-n.jsonl. */
export function partFile(out: string, shard: Shard): string {
  const m = /^(.*?)(\.jsonl?)?$/.exec(out)!;
  return `${m[1]}.part-${shard.index}-of-${shard.count}${m[2] ?? ".jsonl"}`;
}
