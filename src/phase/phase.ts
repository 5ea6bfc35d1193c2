// see: theory.md §9 — the phase diagram of SGD in the (κ, δ) plane, computed point by point: at each
// (κ, δ), p = round(d^κ) students and γ = γ0·d^(−δ) run on the region's own clock (t = ν/d in red, where
// there is none) up to a horizon, within a sample budget, with the limit ODE where it exists for comparison.
import { simulate } from "../simulate.js";
import { solveOde } from "../ode.js";
import { regionOf, timeExponentOf, type Region } from "../regions.js";
import { checkOptions, EXTENSION_OPTION_RULES, OptionError, OPTION_RULES, type ActivationName, type OptionRule } from "../validate.js";
import type { WasmBuild } from "../engine/wasm.js";
import { pow } from "../engine/detmath.js";

/** One point of the phase diagram. */
export interface PhasePointOptions {
  d: number;
  kappa: number;
  delta: number;
  k?: number;
  gamma0?: number;
  noise?: number;
  /** horizon on the point's clock (default 100) */
  tEnd?: number;
  /** most SGD samples a point may use (default 10^6) */
  budget?: number;
  /** the fixed number of samples n of the second view (default 10^5, at most the budget) */
  samplesFixed?: number;
  seed?: number;
  /** log-spaced output times of the curve (default 12) */
  points?: number;
  /** integrate the limit ODE at the final time too (default true; skipped in red and for p > odeMaxP) */
  ode?: boolean;
  odeMaxP?: number;
  /** the Wasm build that runs it (default "wasm-simd"; the browser page falls back to "wasm-scalar") */
  backend?: WasmBuild;
  /** mini-batch size B (default 1): the budget and samplesFixed count samples, B per step */
  batch?: number;
  /** weight decay λ (default 0) */
  weightDecay?: number;
  /** the teacher's second layer a* (one number or k; default 1) */
  aTeacher?: number | number[];
  /** the student's second layer at t = 0 (one number or p; default 1) */
  aInit?: number | number[];
  /** learning-rate factor of the student's second layer (default 0: a = 1 fixed) */
  gammaA?: number;
  /** the students' and the teachers' activations (default erf) */
  activation?: ActivationName;
  activationTeacher?: ActivationName;
}

export const PHASE_DEFAULTS = {
  d: 100,
  k: 1,
  gamma0: 1,
  noise: 1e-3,
  tEnd: 100,
  budget: 1e6,
  samplesFixed: 1e5,
  seed: 0,
  points: 12,
  odeMaxP: 24,
  kappa: { from: 0, to: 1, count: 7 },
  delta: { from: -1, to: 1, count: 9 },
} as const;

/** What one point measured. */
export interface PhasePoint {
  kappa: number;
  delta: number;
  d: number;
  p: number;
  k: number;
  gamma: number;
  noise: number;
  /** the region theory predicts for (κ, δ) */
  region: Region;
  /** "region": t = ν·δt with the region's δt; "d": t = ν/d (red) */
  timeScale: "region" | "d";
  timeExponent: number;
  method: "direct" | "chain";
  samples: number;
  tReached: number;
  /** the horizon needed more samples than the budget: the curve stops at the budget */
  budgetExhausted: boolean;
  risk0: number;
  riskEnd: number;
  /** riskEnd / risk0 */
  change: number;
  /** over the last decade of t: risk up or down by more than 10%, else plateau */
  trend: "down" | "up" | "plateau";
  diverged: boolean;
  divergence?: { samples: number; t: number; reason: string };
  samplesFixed: number;
  /** the risk after samplesFixed samples (null when the run stopped before) */
  riskAtSamples: number | null;
  /** the limit ODE at tReached (null where there is none: red, or p > odeMaxP, or it failed) */
  odeRisk: number | null;
  odeNote?: string;
  curve: { t: number[]; samples: number[]; risk: number[] };
  elapsedMs: number;
}

/** The options of phasePoint and their rules (the extensions are checked by simulate's own rules). */
const PHASE_RULES: Record<keyof PhasePointOptions, OptionRule> = {
  d: OPTION_RULES.positiveInteger,
  kappa: OPTION_RULES.nonNegative,
  delta: OPTION_RULES.number,
  k: OPTION_RULES.positiveInteger,
  gamma0: OPTION_RULES.positive,
  noise: OPTION_RULES.nonNegative,
  tEnd: OPTION_RULES.positive,
  budget: OPTION_RULES.positiveInteger,
  samplesFixed: OPTION_RULES.positiveInteger,
  seed: OPTION_RULES.seed,
  points: ["must be an integer ≥ 2", (v) => Number.isSafeInteger(v) && (v as number) >= 2],
  ode: OPTION_RULES.boolean,
  odeMaxP: OPTION_RULES.positiveInteger,
  ...EXTENSION_OPTION_RULES,
};

/** Checks phasePoint's options without running it (unknown keys, types and ranges): throws an OptionError. */
export function checkPhasePoint(o: PhasePointOptions): void {
  checkOptions(o, PHASE_RULES);
  for (const name of ["d", "kappa", "delta"] as const) if (o[name] === undefined) throw new OptionError(name, "is required", undefined);
  const budget = o.budget ?? PHASE_DEFAULTS.budget;
  if (o.batch !== undefined && o.batch > budget) throw new OptionError("batch", `must be an integer in [1, budget = ${budget}]`, o.batch);
}

/** Runs one (κ, δ) point: the simulation within its budget, the summary, and the limit ODE. */
export async function phasePoint(o: PhasePointOptions): Promise<PhasePoint> {
  const started = performance.now();
  checkPhasePoint(o);
  const d = o.d;
  const k = o.k ?? PHASE_DEFAULTS.k;
  const gamma0 = o.gamma0 ?? PHASE_DEFAULTS.gamma0;
  const noise = o.noise ?? PHASE_DEFAULTS.noise;
  const tEnd = o.tEnd ?? PHASE_DEFAULTS.tEnd;
  const budget = o.budget ?? PHASE_DEFAULTS.budget;
  const samplesFixed = Math.min(o.samplesFixed ?? PHASE_DEFAULTS.samplesFixed, budget);
  const points = o.points ?? PHASE_DEFAULTS.points;
  const batch = o.batch ?? 1;
  // the run counts steps of B samples: the budget and the fixed n in steps
  const stepBudget = Math.floor(budget / batch);
  const stepsFixed = Math.max(1, Math.round(samplesFixed / batch));
  const extensions = Object.fromEntries(
    (["batch", "weightDecay", "aTeacher", "aInit", "gammaA", "activation", "activationTeacher"] as const).filter((key) => o[key] !== undefined).map((key) => [key, o[key]]),
  ) as Pick<PhasePointOptions, "batch" | "weightDecay" | "aTeacher" | "aInit" | "gammaA" | "activation" | "activationTeacher">;
  const region = regionOf(o.kappa, o.delta);
  const exponent = timeExponentOf(region, o.kappa, o.delta);
  const timeScale = exponent === undefined ? "d" : "region";
  const timeExponent = exponent ?? 1;
  const perUnit = pow(d, timeExponent);
  const wanted = Math.max(1, Math.round(tEnd * perUnit));
  const endMark = Math.min(wanted, stepBudget);
  // log-spaced sample counts up to the horizon (or the budget), plus samplesFixed (the run goes on to it)
  const marks = new Set<number>();
  const first = Math.max(1, Math.round(endMark / 1e4));
  for (let j = 0; j < points; j++) marks.add(Math.max(1, Math.round(first * pow(endMark / first, points === 1 ? 1 : j / (points - 1)))));
  marks.add(endMark);
  if (stepsFixed <= stepBudget) marks.add(stepsFixed);
  const steps = [...marks].sort((a, b) => a - b);
  const sim = await simulate({
    d,
    kappa: o.kappa,
    k,
    gamma0,
    delta: o.delta,
    noise,
    timeScale,
    seed: o.seed ?? PHASE_DEFAULTS.seed,
    times: steps.map((n) => n / perUnit),
    ...extensions,
    ...(o.backend ? { backend: o.backend } : {}),
  });
  const risk = sim.risk;
  const t = sim.t;
  // the horizon's output, or the last one reached (a diverged run stops early)
  const endIndex = sim.samples.indexOf(endMark * batch) >= 0 ? sim.samples.indexOf(endMark * batch) : risk.length - 1;
  const end = Math.min(endIndex, risk.length - 1);
  const tReached = t[end];
  // the last decade before it: from the last output at or before tReached/10
  let from = 0;
  for (let j = 0; j < end; j++) if (t[j] <= tReached / 10) from = j;
  const ratio = risk[end] / risk[from];
  const trend = ratio > 1.1 ? "up" : ratio < 1 / 1.1 ? "down" : "plateau";
  const fixedIndex = sim.samples.indexOf(stepsFixed * batch);
  const point: PhasePoint = {
    kappa: o.kappa,
    delta: o.delta,
    d,
    p: sim.params.p,
    k,
    gamma: sim.params.gamma,
    noise,
    region,
    timeScale,
    timeExponent,
    method: sim.params.method,
    samples: sim.samples[end],
    tReached,
    budgetExhausted: wanted > stepBudget,
    risk0: risk[0],
    riskEnd: risk[end],
    change: risk[end] / risk[0],
    trend,
    diverged: sim.status === "diverged",
    ...(sim.divergence ? { divergence: sim.divergence } : {}),
    samplesFixed: stepsFixed * batch,
    riskAtSamples: fixedIndex >= 0 ? risk[fixedIndex] : null,
    odeRisk: null,
    curve: { t, samples: sim.samples, risk },
    elapsedMs: 0,
  };
  const odeMaxP = o.odeMaxP ?? PHASE_DEFAULTS.odeMaxP;
  if (o.ode === false) point.odeNote = "not asked";
  else if (region === "red") point.odeNote = "no deterministic limit in the red region";
  else if (point.p > odeMaxP) point.odeNote = `p = ${point.p} > ${odeMaxP}: skipped (cost)`;
  else if (tReached > 0) {
    const ode = await solveOde({
      d,
      kappa: o.kappa,
      k,
      gamma0,
      delta: o.delta,
      noise,
      init: { Q0: sim.Q[0], M0: sim.M[0], P: sim.P },
      times: [tReached],
      integrator: "dopri5",
      rtol: 1e-6,
      ...extensions,
      ...(o.backend ? { backend: o.backend } : {}),
    });
    if (ode.status === "ok") point.odeRisk = ode.risk.at(-1)!;
    else point.odeNote = ode.failure?.reason;
  }
  point.elapsedMs = performance.now() - started;
  return point;
}

/**
 * An axis written as text: "from:to:count" (count a positive integer) or a comma-separated list "0,0.5,1".
 * Throws an Error whose message is the rule broken (the caller names the field).
 */
export function parseAxisText(text: string): { from: number; to: number; count: number } | number[] {
  const num = (x: string) => (x.trim() === "" ? NaN : Number(x));
  if (text.includes(":")) {
    const parts = text.split(":").map(num);
    if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v)) || !Number.isInteger(parts[2]) || parts[2] < 1) {
      throw new Error("must be from:to:count (count a positive integer) or a comma-separated list.");
    }
    if (parts[2] > MAX_AXIS_COUNT) throw new Error(`has count ${parts[2]}: at most ${MAX_AXIS_COUNT} values per axis.`);
    return { from: parts[0], to: parts[1], count: parts[2] };
  }
  return text.split(",").map((item, i) => {
    const v = num(item);
    if (!Number.isFinite(v)) throw new Error(`item ${i + 1} (\`${item}\`) is not a number.`);
    return v;
  });
}

/** Most values of one axis of a grid (phase diagrams: a grid of 10^4 × 10^4 points is already far past a day). */
export const MAX_AXIS_COUNT = 10000;

/** n values from `from` to `to` evenly (a grid axis). */
export function axis(spec: { from: number; to: number; count: number } | number[]): number[] {
  if (Array.isArray(spec)) return spec;
  const { from, to, count } = spec;
  if (!Number.isInteger(count) || count < 1 || count > MAX_AXIS_COUNT) throw new OptionError("count", `of an axis must be an integer in [1, ${MAX_AXIS_COUNT}]`, count);
  return Array.from({ length: count }, (_, i) => (count === 1 ? from : Number((from + ((to - from) * i) / (count - 1)).toPrecision(12))));
}
