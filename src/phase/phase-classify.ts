// see: README.md (the measured phase diagram: the criteria) and theory.md §9 — the phases a point of the
// (κ, δ) plane can be measured in, the evidence a measurement gathers (src/phase/phase-measure.ts), and the
// classification from that evidence alone: pure, tested on synthetic evidence. κ width exponent, δ
// learning-rate exponent, e/a/b/c the exponents of the evidence (README).
import type { Region } from "../regions.js";

/** The measured phases, named as the paper names its regions. */
export const MEASURED_PHASES = ["perfect learning", "plateau", "bad learning", "no deterministic limit", "undetermined"] as const;
export type MeasuredPhaseName = (typeof MEASURED_PHASES)[number];

/** The phase the theory predicts in each region. */
export const PHASE_OF_REGION: Record<Region, MeasuredPhaseName> = { green: "perfect learning", blue: "plateau", orange: "bad learning", red: "no deterministic limit" };

/** The thresholds of the classification (README: why these values). */
export const THRESHOLDS = {
  /** |exponent| below this is "flat" (risk over d) */
  slopeThreshold: 0.12,
  /** the one-step change neither growing nor shrinking faster than d^±jumpThreshold: a marginal clock */
  jumpThreshold: 0.15,
  /** the learning time growing faster than d^learnThreshold is put off by d */
  learnThreshold: 0.1,
  /** a curve whose R ∝ t^c with c below −trendThreshold at the horizon is still falling */
  trendThreshold: 0.15,
} as const;

/** What one input dimension of the ladder measured. */
export interface LadderStep {
  d: number;
  p: number;
  method: "direct" | "chain";
  /** the clock test: mean |ΔQ_jj| after one step, and its standard error over the seeds */
  jump: number;
  jumpSe: number;
  /** the risk test (absent when the ladder's budget only reached the clock test at this d) */
  samples?: number;
  risk0?: number;
  riskEnd?: number;
  riskSe?: number;
  /** the learning time: the first t at which a run's risk is at most a quarter of its start (mean over the
   * seeds that got there, its standard error) and how many seeds got there within the horizon */
  learnTime?: number;
  learnTimeSe?: number;
  learned?: number;
  /** the mean risk curve over the seeds (t on the clock) */
  curve?: { t: number[]; risk: number[] };
  /** the mean risk at a third of the horizon, and its standard error */
  riskThird?: number;
  riskThirdSe?: number;
  /** 10% and 90% quantiles of the risk at the horizon over the seeds */
  riskQ10?: number;
  riskQ90?: number;
  /** root-mean-square change of M over the run, mean over seeds */
  mChange?: number;
  diverged?: number;
  seconds: number;
}

export interface Exponent {
  value: number;
  error: number;
  /** the d values fitted */
  dims: number[];
}

/** The evidence a classification reads. */
export interface PhaseEvidence {
  ladder: LadderStep[];
  /** exponent e of the one-step change J ∝ d^e (all d of the ladder) */
  jump: Exponent | null;
  /** the clock of the risk test: δt = d^−clockExponent; "theory": the region's; "measured": from e; "none" */
  clock: "theory" | "measured" | "none";
  clockExponent: number | null;
  /** exponent b of R_end ∝ d^b over the largest `top` d */
  risk: Exponent | null;
  /** exponent a of the learning time t_L ∝ d^a over the largest `top` d; `never`: the largest d did not learn */
  learning: (Exponent & { never: boolean }) | null;
  /** the time exponent c of R ∝ t^c over the last third of the horizon, at the largest d of the risk test */
  trend: (Exponent & { d: number }) | null;
  /** R_end above R(0) at the largest d */
  aboveStart: boolean | null;
  /** exponent of the change of M with d (near M0 as d grows: negative) */
  mChange: Exponent | null;
  /** why the ladder stopped */
  ladderNote: string;
}

/**
 * The measured phase from the evidence (README: the criteria). The clock test first: e > τ_e beyond 2σ, no
 * deterministic limit; e < −τ_e beyond 2σ, a clock exists. Then on that clock: the learning time put off as d
 * grows (a > τ_a beyond 2σ, or no learning at the largest d), bad learning; the level falling with d
 * (b < −τ_b beyond 2σ) or no level reached (c < −τ_c beyond 2σ), perfect learning; a level flat in d and in t
 * (|b| ≤ τ_b, |c| ≤ τ_c) below the start, plateau. Anything else is undetermined, with the reason.
 */
export function classifyPhase(
  e: Pick<PhaseEvidence, "jump" | "risk" | "learning" | "trend" | "aboveStart" | "ladderNote">,
  t: { slopeThreshold: number; jumpThreshold: number; learnThreshold: number; trendThreshold: number } = THRESHOLDS,
): { phase: MeasuredPhaseName; reason: string } {
  const f = (x: Exponent) => `${x.value.toFixed(2)} ± ${x.error.toFixed(2)}`;
  if (!e.jump || e.jump.dims.length < 3) return { phase: "undetermined", reason: `budget: the clock test needs 3 input dimensions, ${e.jump?.dims.length ?? 0} fit (${e.ladderNote})` };
  const j = e.jump;
  if (j.value > t.jumpThreshold && j.value > 2 * j.error) {
    return { phase: "no deterministic limit", reason: `one SGD step moves Q by ∝ d^${f(j)}: more as d grows, so no clock makes the curves concentrate` };
  }
  if (!(j.value < -t.jumpThreshold && j.value < -2 * j.error)) {
    return { phase: "undetermined", reason: `marginal clock: one step moves Q by ∝ d^${f(j)}, neither growing nor shrinking beyond ${t.jumpThreshold} and 2σ` };
  }
  if (!e.risk || e.risk.dims.length < 3 || !e.trend) return { phase: "undetermined", reason: `budget: the risk test needs 3 input dimensions on the clock, ${e.risk?.dims.length ?? 0} fit (${e.ladderNote})` };
  const { risk: b, trend: c, learning: a } = e;
  if (a?.never) return { phase: "bad learning", reason: `the largest d does not learn within the horizon (its risk never falls to a quarter of its start; smaller d do)${e.aboveStart ? ", and ends above its start" : ""}` };
  if (a && a.value > t.learnThreshold && a.value > 2 * a.error) return { phase: "bad learning", reason: `learning is put off as d grows: the learning time ∝ d^${f(a)}` };
  if (b.value < -t.slopeThreshold && b.value < -2 * b.error) return { phase: "perfect learning", reason: `the risk at the horizon falls with d (∝ d^${f(b)})` };
  if (c.value < -t.trendThreshold && c.value < -2 * c.error) {
    return { phase: "perfect learning", reason: `no level reached: at d = ${c.d} the risk still falls at the horizon (∝ t^${f(c)}); over d ∝ d^${f(b)}` };
  }
  if (Math.abs(b.value) <= t.slopeThreshold && Math.abs(c.value) <= t.trendThreshold) {
    if (e.aboveStart) return { phase: "undetermined", reason: `a level (∝ d^${f(b)}, t^${f(c)}) at or above the start: no learning on the horizon` };
    return { phase: "plateau", reason: `a level below the start, flat in d (∝ d^${f(b)}) and in t (∝ t^${f(c)})` };
  }
  return { phase: "undetermined", reason: `neither flat nor monotone beyond the thresholds and 2σ: R ∝ d^${f(b)}, t^${f(c)}` };
}

