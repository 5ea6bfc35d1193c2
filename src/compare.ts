// see: theory.md §8.2, §9.5 — the ODE against direct SGD from one initial condition: the deterministic
// curve and the mean and spread over simulation seeds, on the simulations' own time grid.
import { simulate } from "./simulate.js";
import { solveOde } from "./ode.js";
import { OptionError, resolveOde, resolveSimulate, type OdeOptions, type SimulateOptions } from "./validate.js";
import type { OdeResult, SimulationResult } from "./result.js";
import { VERSION } from "./version.js";

/** Options of `compare`: those of simulate (the model, times, initial condition), n seeds, the ODE solver. */
export interface CompareOptions extends Omit<SimulateOptions, "onProgress" | "backend"> {
  /** number of simulation seeds: seed, seed + 1, …, seed + seeds − 1 (default 10) */
  seeds?: number;
  /** ODE terms: "finite-d" (default here: what a simulation at this d follows) or "limit" */
  mode?: OdeOptions["mode"];
  method?: OdeOptions["method"];
  rtol?: number;
  atol?: number;
  onProgress?: (progress: { done: number; total: number; stage: string }) => void;
}

/** Statistics of the simulated risk at each output time (over the runs that reached it). */
export interface RiskStatistics {
  runs: number[];
  mean: number[];
  std: number[];
  se: number[];
  q10: number[];
  median: number[];
  q90: number[];
}

export interface Comparison {
  params: { simulation: SimulationResult["params"]; ode: OdeResult["params"]; seeds: number[] };
  t: number[];
  samples: number[];
  ode: { risk: number[]; status: OdeResult["status"]; failure?: OdeResult["failure"] };
  simulations: RiskStatistics & { diverged: number };
  meta: { version: string; elapsedMs: number };
}

export const DEFAULT_SEEDS = 10;

/**
 * Runs `seeds` simulations from one initial condition (the same initial weights: `initSeed`, default
 * `seed`, or the given `init`) and the ODE from their exact initial overlaps, on the simulations' time grid.
 */
export async function compare(options: CompareOptions = {}): Promise<Comparison> {
  const start = performance.now();
  const { seeds = DEFAULT_SEEDS, mode = "finite-d", method, rtol, atol, onProgress, ...simOptions } = options;
  if (!Number.isInteger(seeds) || seeds < 1) throw new OptionError("seeds", "must be a positive integer", seeds);
  const firstSeed = simOptions.seed ?? 0;
  const initSeed = simOptions.initSeed ?? firstSeed;
  // every option checked before any work (the ODE's too: a red point has no ODE to compare with)
  resolveSimulate({ ...simOptions, initSeed });
  resolveOde({ ...simOptions, initSeed, mode, method, rtol, atol });
  const total = seeds + 1;
  const runs: SimulationResult[] = [];
  for (let s = 0; s < seeds; s++) {
    runs.push(await simulate({ ...simOptions, seed: firstSeed + s, initSeed }));
    onProgress?.({ done: s + 1, total, stage: "simulations" });
  }
  const first = runs[0];
  const times = first.t.slice(1);
  const { d, k, kappa, gamma0, delta, noise, timeScale } = first.params;
  const ode = await solveOde({
    d,
    k,
    gamma0,
    delta,
    noise,
    timeScale,
    ...(simOptions.kappa !== undefined ? { kappa } : {}),
    init: { Q0: first.Q[0], M0: first.M[0], P: first.P },
    times,
    mode,
    method,
    rtol,
    atol,
  });
  onProgress?.({ done: total, total, stage: "ode" });
  const stats = statistics(runs.map((r) => r.risk), first.t.length);
  return {
    params: { simulation: first.params, ode: ode.params, seeds: runs.map((r) => r.params.seed) },
    t: first.t,
    samples: first.samples,
    ode: { risk: ode.risk, status: ode.status, ...(ode.failure ? { failure: ode.failure } : {}) },
    simulations: { ...stats, diverged: runs.filter((r) => r.status === "diverged").length },
    meta: { version: VERSION, elapsedMs: performance.now() - start },
  };
}

/** Quantile q of sorted values (linear interpolation between order statistics). */
function quantile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

function statistics(curves: number[][], length: number): RiskStatistics {
  const out: RiskStatistics = { runs: [], mean: [], std: [], se: [], q10: [], median: [], q90: [] };
  for (let j = 0; j < length; j++) {
    const values = curves.filter((c) => c.length > j).map((c) => c[j]);
    const n = values.length;
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
    const sorted = [...values].sort((a, b) => a - b);
    out.runs.push(n);
    out.mean.push(mean);
    out.std.push(std);
    out.se.push(std / Math.sqrt(n));
    out.q10.push(quantile(sorted, 0.1));
    out.median.push(quantile(sorted, 0.5));
    out.q90.push(quantile(sorted, 0.9));
  }
  return out;
}

/** The plot-ready table: one row per time with the ODE risk and the simulations' statistics. */
export function comparisonCsv(c: Comparison): string {
  const lines = ["t,samples,ode_risk,sim_runs,sim_mean,sim_std,sim_se,sim_q10,sim_median,sim_q90"];
  const s = c.simulations;
  c.t.forEach((t, j) => {
    lines.push([t, c.samples[j], c.ode.risk[j] ?? "", s.runs[j], s.mean[j], s.std[j], s.se[j], s.q10[j], s.median[j], s.q90[j]].join(","));
  });
  return `${lines.join("\n")}\n`;
}
