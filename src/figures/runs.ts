// see: README.md (the paper's figures) — the jobs of the figures and their results as curves: output times
// on the paper's grid, one job per seed (seeds run in parallel), the mean and 10–90% band over seeds.
import { sweep } from "../jobs/sweep.js";
import { curveStatistics } from "../stats.js";
import type { OdeSummary, SimulationSummary } from "../jobs/tasks.js";
import type { OdeOptions, SimulateOptions } from "../validate.js";
import type { Series } from "../output/plot.js";
import type { Curve, FigureSize, Results } from "./types.js";

/** The value of a size. */
export const pick = <T>(size: FigureSize, values: { tiny: T; quick: T; full: T }): T => values[size];

/**
 * The paper's output grid (its simulations log at t = 1, …, 9, 10, 20, …, 90, 100, 200, …): every multiple of
 * each power of ten from tMin up to tMax (inclusive).
 */
export function paperTimes(tMax: number, tMin = 1): number[] {
  const out: number[] = [];
  for (let decade = tMin; decade <= tMax * (1 + 1e-12); decade *= 10) {
    for (let m = 1; m <= 9; m++) {
      const t = m * decade;
      if (t > tMax * (1 + 1e-12)) break;
      out.push(Number(t.toPrecision(12)));
    }
  }
  return out;
}

/** `perDecade` log-spaced times from tMin to tMax (ODE lines). */
export function logTimes(tMin: number, tMax: number, perDecade = 30): number[] {
  const n = Math.max(2, Math.round(Math.log10(tMax / tMin) * perDecade) + 1);
  return Array.from({ length: n }, (_, j) => (j === n - 1 ? tMax : tMin * (tMax / tMin) ** (j / (n - 1))));
}

/** One simulation job per seed: names `${name}#${seed}`, seeds firstSeed, firstSeed + 1, … */
export function seedJobs(name: string, options: SimulateOptions, seeds: number, firstSeed = 0): Record<string, SimulateOptions> {
  return Object.fromEntries(Array.from({ length: seeds }, (_, i) => [`${name}#${firstSeed + i}`, { ...options, seed: firstSeed + i }]));
}

/** The runs of `name` (every seed of seedJobs), in seed order. */
export function seedRuns(results: Results, name: string): SimulationSummary[] {
  const runs = Object.entries(results.sims)
    .filter(([key]) => key.startsWith(`${name}#`))
    .sort(([a], [b]) => Number(a.slice(name.length + 1)) - Number(b.slice(name.length + 1)))
    .map(([, run]) => run);
  if (runs.length === 0) throw new Error(`no simulation results for "${name}"`);
  return runs;
}

/** Per-time statistics of the seeds of `name`: mean, 10% and 90% quantiles, runs reaching each time; t = 0 kept. */
export function seedStatistics(results: Results, name: string): { t: number[]; mean: number[]; lo: number[]; hi: number[]; runs: number[] } {
  const runs = seedRuns(results, name);
  const t = runs.reduce((longest, r) => (r.t.length > longest.length ? r.t : longest), runs[0].t);
  const stats = curveStatistics(
    runs.map((r) => r.risk),
    t.length,
    [0.1, 0.9],
  );
  return { t, mean: stats.mean, lo: stats.quantiles.values[0], hi: stats.quantiles.values[1], runs: stats.runs };
}

/** A simulation curve: the mean over the seeds of `name` with its 10–90% band, from t > 0 (markers). */
export function simulationCurve(results: Results, name: string, label: string, style: { colour: string; shape: string; tags?: Curve["tags"]; xScale?: number }): Curve {
  const s = seedStatistics(results, name);
  const keep = s.t.map((t, j) => t > 0 && s.runs[j] > 0);
  const take = (v: number[]) => v.filter((_, j) => keep[j]);
  const xScale = style.xScale ?? 1;
  return {
    name: label,
    role: "simulation",
    x: take(s.t).map((t) => t * xScale),
    y: take(s.mean),
    lo: take(s.lo),
    hi: take(s.hi),
    runs: take(s.runs),
    colour: style.colour,
    shape: style.shape,
    tags: style.tags,
  };
}

/** An ODE curve (line), from t > 0 unless `withZero` (symlog axes). */
export function odeCurve(o: OdeSummary, label: string, role: "limit ODE" | "finite-d ODE", style: { colour: string; dash?: number[]; tags?: Curve["tags"]; withZero?: boolean }): Curve {
  const keep = o.t.map((t) => style.withZero || t > 0);
  return {
    name: label,
    role,
    x: o.t.filter((_, j) => keep[j]),
    y: o.risk.filter((_, j) => keep[j]),
    colour: style.colour,
    dash: style.dash ?? [],
    tags: style.tags,
  };
}

/** Runs simulations on worker threads (sweep); throws if one fails. */
export async function runSims(points: SimulateOptions[], workers: number | undefined): Promise<SimulationSummary[]> {
  const lines = await sweep({ kind: "simulate", points: points as Record<string, unknown>[] }, { workers, specNames: false });
  return lines.map((l) => {
    if (!l.result) throw new Error(`a simulation failed: ${l.error}`);
    return l.result as SimulationSummary;
  });
}

/** Runs ODE integrations on worker threads (sweep); throws if one fails. */
export async function runOdes(points: OdeOptions[], workers: number | undefined): Promise<OdeSummary[]> {
  const lines = await sweep({ kind: "ode", points: points as Record<string, unknown>[] }, { workers, specNames: false });
  return lines.map((l) => {
    if (!l.result) throw new Error(`an ODE integration failed: ${l.error}`);
    return l.result as OdeSummary;
  });
}

/** A plot.ts series of a simulation with seeds: the mean and its 10–90% band (t = 0 dropped: log axes). */
export function simSeries(name: string, s: SimulationSummary, colour?: string): Series {
  const e = s.ensemble;
  const [lo, hi] = e ? [e.quantiles.values[0], e.quantiles.values[e.quantiles.values.length - 1]] : [s.risk, s.risk];
  return { name, x: (e?.t ?? s.t).slice(1), y: (e?.mean ?? s.risk).slice(1), lo: lo.slice(1), hi: hi.slice(1), mark: "line", colour };
}

/** A plot.ts series of an ODE (t = 0 dropped). */
export function odeSeries(name: string, o: OdeSummary, mark: Series["mark"] = "dashed", colour?: string): Series {
  return { name, x: o.t.slice(1), y: o.risk.slice(1), mark, colour };
}
