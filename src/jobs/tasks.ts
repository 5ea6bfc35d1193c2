// see: src/jobs/sweep.ts — the kinds of job a sweep runs, each a plain-options-in, JSON-summary-out function (so a
// worker thread can run it and a JSON line can hold its result). No numerics here.
import { simulate } from "../simulate.js";
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
    case "simulate": {
      const r = await simulate(options as SimulateOptions);
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
