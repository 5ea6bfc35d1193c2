// see: theory.md §8.2, §9.5 — the ODE against SGD from one initial condition: the deterministic curve and
// the mean and spread over simulation seeds (simulate's ensemble), on the simulations' own time grid.
import { simulate } from "./simulate.js";
import { solveOde } from "./ode.js";
import { resolveOde, resolveSimulate, type Options } from "./validate.js";
import type { OdeResult, SimulationResult } from "./result.js";
import type { CurveStatistics } from "./stats.js";
import { VERSION } from "./version.js";
import { delimited, joined, type Records } from "./records.js";

/**
 * Options of `compare`: the shared `Options` (the model, times, initial condition; the simulations' method,
 * seeds, quantiles and backend; the ODE's mode — here "finite-d" by default —, integrator, tolerances and ψ;
 * mcSamples and mcSeed go to the ODE's Monte-Carlo ψ). `onProgress` counts the simulations' samples.
 */
export type CompareOptions = Options;

export interface Comparison {
  params: { simulation: SimulationResult["params"]; ode: OdeResult["params"]; seeds: number[] };
  t: number[];
  samples: number[];
  ode: { risk: number[]; status: OdeResult["status"]; failure?: OdeResult["failure"] };
  simulations: CurveStatistics & Pick<NonNullable<SimulationResult["ensemble"]>, "diverged" | "divergences">;
  meta: { version: string; elapsedMs: number };
}

export const DEFAULT_SEEDS = 10;
const EXTENSION_KEYS = ["batch", "weightDecay", "aTeacher", "aInit", "gammaA", "activation", "activationTeacher"] as const;
const LEVELS = [0.1, 0.5, 0.9];

/**
 * Runs `seeds` simulations from one initial condition (the same initial weights: `initSeed`, default
 * `seed`, or the given `init`) and the ODE from their exact initial overlaps, on the simulations' time grid.
 */
export async function compare(options: CompareOptions = {}): Promise<Comparison> {
  const start = performance.now();
  const { mode = "finite-d", integrator, rtol, atol, step, psi, mcSamples, mcSeed, onProgress, onOutput: _onOutput, backend, ...simOptions } = options;
  const solver = Object.fromEntries(Object.entries({ integrator, rtol, atol, step, psi, mcSamples, mcSeed, backend: backend === "js" ? undefined : backend }).filter(([, v]) => v !== undefined));
  // the model's extensions go to the ODE as they are (the second layer, mini-batches, weight decay, activations)
  const extensions = Object.fromEntries(EXTENSION_KEYS.filter((key) => simOptions[key] !== undefined).map((key) => [key, simOptions[key]]));
  const sim = { ...simOptions, ...(backend ? { backend } : {}), seeds: simOptions.seeds ?? DEFAULT_SEEDS, quantiles: simOptions.quantiles ?? LEVELS };
  // every option checked before any work (the ODE's too: a red point has no ODE to compare with)
  resolveSimulate(sim);
  const { method: _method, seeds: _seeds, quantiles: _quantiles, ...odeModel } = simOptions;
  resolveOde({ ...odeModel, mode, ...solver });
  const first = await simulate({ ...sim, onProgress });
  const { d, k, kappa, gamma0, delta, noise, timeScale } = first.params;
  const ensemble = first.ensemble ?? {
    seeds: [first.params.seed],
    t: first.t,
    samples: first.samples,
    runs: first.risk.map(() => 1),
    mean: first.risk,
    std: first.risk.map(() => 0),
    se: first.risk.map(() => 0),
    quantiles: { levels: sim.quantiles, values: sim.quantiles.map(() => first.risk) },
    diverged: first.status === "diverged" ? 1 : 0,
    ...(first.divergence ? { divergences: [{ seed: first.params.seed, ...first.divergence }] } : {}),
    curves: [first.risk],
  };
  if (ensemble.t.length < 2) {
    throw new Error(`every simulation seed diverged before the first output time: ${ensemble.divergences?.map((dv) => `seed ${dv.seed} at t = ${dv.t}: ${dv.reason}`).join("; ")}`);
  }
  const ode = await solveOde({
    d,
    k,
    gamma0,
    delta,
    noise,
    timeScale,
    ...(simOptions.kappa !== undefined ? { kappa } : {}),
    init: { Q0: first.Q[0], M0: first.M[0], P: first.P },
    times: ensemble.t.slice(1),
    mode,
    ...solver,
    ...extensions,
    ...(simOptions.signal ? { signal: simOptions.signal } : {}),
  });
  const { seeds, curves: _curves, t, samples, ...simulations } = ensemble;
  return {
    params: { simulation: first.params, ode: ode.params, seeds },
    t,
    samples,
    ode: { risk: ode.risk, status: ode.status, ...(ode.failure ? { failure: ode.failure } : {}) },
    simulations,
    meta: { version: VERSION, elapsedMs: performance.now() - start },
  };
}

/** The plot-ready table: one row per time with the ODE risk and the simulations' statistics. */
export function comparisonRecords(c: Comparison): Records {
  const s = c.simulations;
  const levels = s.quantiles.levels.map((q) => `sim_q${Math.round(q * 1000) / 10}`);
  const columns = ["t", "samples", "ode_risk", "sim_runs", "sim_mean", "sim_std", "sim_se", ...levels];
  const rows = c.t.map((t, j) => [t, c.samples[j], c.ode.risk[j] ?? null, s.runs[j], s.mean[j], s.std[j], s.se[j], ...s.quantiles.values.map((v) => v[j])]);
  return { columns, rows };
}

/** The comparison as CSV (comparisonRecords). */
export function comparisonCsv(c: Comparison): string {
  return joined(delimited(comparisonRecords(c)));
}
