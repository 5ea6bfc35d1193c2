// see: src/jobs/sweep.ts — the kinds of job a sweep runs, each a plain-options-in, JSON-summary-out function (so a
// worker thread can run it and a JSON line can hold its result). No numerics here.
import { simulate } from "../simulate.js";
import { simulateTwins, twinKey } from "../chainpair.js";
import { solveOde } from "../ode.js";
import { checkPhasePoint, phasePoint, type PhasePointOptions, type PhasePoint } from "../phase/phase.js";
import { checkMeasureOptions, measurePhase, type MeasurePointOptions, type MeasuredPhase } from "../phase/phase-measure.js";
import { resolveOde, resolveSimulate, type OdeOptions, type SimulateOptions } from "../validate.js";
import type { OdeResult, SimulationResult } from "../result.js";

/** What a sweep point runs. */
export type JobKind = "simulate" | "ode" | "phase" | "measure";

/** The summary of a simulation kept in a sweep line: the curve and the final overlaps (not every Q, M). */
export interface SimulationSummary {
  params: SimulationResult["params"];
  t: number[];
  samples: number[];
  risk: number[];
  status: SimulationResult["status"];
  divergence?: SimulationResult["divergence"];
  ensemble?: SimulationResult["ensemble"];
  final: { Q: number[][]; M: number[][] };
  elapsedMs: number;
}

/** The summary of an ODE solution kept in a sweep line. */
export interface OdeSummary {
  params: OdeResult["params"];
  t: number[];
  risk: number[];
  status: OdeResult["status"];
  failure?: OdeResult["failure"];
  stats: OdeResult["stats"];
  final: { Q: number[][]; M: number[][] };
  elapsedMs: number;
}

export type JobResult = SimulationSummary | OdeSummary | PhasePoint | MeasuredPhase;

/** Checks one job's options as its run would, without running it (throws the first OptionError). */
export function validateJob(kind: JobKind, options: Record<string, unknown>): void {
  switch (kind) {
    case "simulate":
      resolveSimulate(options as SimulateOptions);
      return;
    case "ode":
      resolveOde(options as OdeOptions);
      return;
    case "phase":
      checkPhasePoint(options as unknown as PhasePointOptions);
      return;
    case "measure":
      checkMeasureOptions(options as unknown as MeasurePointOptions);
      return;
  }
}

/** Runs one job of a sweep. */
export async function runJob(kind: JobKind, options: Record<string, unknown>): Promise<JobResult> {
  switch (kind) {
    case "simulate":
      return simulationSummary(await simulate(options as SimulateOptions));
    case "ode": {
      const r = await solveOde(options as OdeOptions);
      return {
        params: r.params,
        t: r.t,
        risk: r.risk,
        status: r.status,
        ...(r.failure ? { failure: r.failure } : {}),
        stats: r.stats,
        final: { Q: r.Q.at(-1) ?? [], M: r.M.at(-1) ?? [] },
        elapsedMs: r.meta.elapsedMs,
      };
    }
    case "phase":
      return phasePoint(options as unknown as PhasePointOptions);
    case "measure":
      return measurePhase(options as unknown as MeasurePointOptions);
  }
}

/** The summary of a simulation kept in a sweep line. */
function simulationSummary(r: SimulationResult): SimulationSummary {
  return {
    params: r.params,
    t: r.t,
    samples: r.samples,
    risk: r.risk,
    status: r.status,
    ...(r.divergence ? { divergence: r.divergence } : {}),
    ...(r.ensemble ? { ensemble: r.ensemble } : {}),
    final: { Q: r.Q.at(-1) ?? [], M: r.M.at(-1) ?? [] },
    elapsedMs: r.meta.elapsedMs,
  };
}

/** What one job of a sweep gave: its result or the message of its error. */
export type JobOutcome = { result: JobResult; error?: undefined } | { result?: undefined; error: string };

/**
 * The key under which two jobs of a sweep run at once as seed twins (src/chainpair.ts twinKey: one-seed chain
 * simulations on wasm-simd that differ only in `seed`), or undefined for a job that runs alone.
 */
export function twinKeyOf(kind: JobKind, options: Record<string, unknown>): string | undefined {
  if (kind !== "simulate") return undefined;
  try {
    return twinKey(options as SimulateOptions);
  } catch {
    // options its own run will refuse (or the memory check, which depends on the moment): it runs alone and says why
    return undefined;
  }
}

/**
 * Two jobs with equal twinKeyOf run as one pair of seeds in the SIMD lanes: each outcome is the one runJob gives
 * it (the same numbers; `elapsedMs` half the pair's). If the pair throws (one seed's initial condition not finite),
 * each runs alone, so that each gets its own result or error.
 */
export async function runTwinJobs(kind: JobKind, a: Record<string, unknown>, b: Record<string, unknown>): Promise<[JobOutcome, JobOutcome]> {
  try {
    const [ra, rb] = await simulateTwins(a as SimulateOptions, b as SimulateOptions);
    return [{ result: simulationSummary(ra) }, { result: simulationSummary(rb) }];
  } catch {
    const alone = async (options: Record<string, unknown>): Promise<JobOutcome> => {
      try {
        return { result: await runJob(kind, options) };
      } catch (error) {
        return { error: (error as Error).message };
      }
    };
    return [await alone(a), await alone(b)];
  }
}
