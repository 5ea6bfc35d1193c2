// see: README.md (the measured phase diagram) and theory.md §9 — one point of the (κ, δ) plane classified
// from simulations across a ladder of input dimensions d, never from the ODEs. κ width exponent (p =
// round(d^κ)), δ learning-rate exponent (γ = γ0·d^−δ), s = κ + δ, t on the point's clock, R excess risk.
//
// Two measurements per d (both with the exact simulators, the cheaper of chain and direct):
//  1. the clock test: J(d), the mean change of the students' squared norms Q_jj in ONE SGD step (over
//     jumpSeeds seeds). A deterministic limit needs a clock δt on which one step is infinitesimal: J ∝ d^e
//     with e < 0 (then δt ∝ d^e; theory.md §9: e = −(1 + s) in green and blue, −(1 + 2s) in orange). If e > 0,
//     one step moves Q by more as d grows: no clock makes the curves concentrate (red, s < −½).
//  2. the risk test, on the clock, over the largest `top` d of the ladder (`seeds` runs each): the learning
//     time t_L (the risk first at a quarter of its start) and its exponent in t_L ∝ d^a; the risk at the
//     horizon R_end ∝ d^b; and at the largest d the time exponent c of R ∝ t^c over the last third of the
//     horizon. Bad learning (orange): a > 0 — learning is put off as d grows (the drift that learns is d^s
//     smaller on the orange clock, the variance that heats Q is not), or never happens at the largest d.
//     Perfect learning (green): b < 0, the level falls as d grows (the finite-d floor ∝ d^−s, theory.md §9.4),
//     or c < 0, no level is reached at all. Plateau (blue): b ≈ 0 and c ≈ 0, a level below the start.
import { simulate } from "../simulate.js";
import { classifyPhase, PHASE_OF_REGION, THRESHOLDS, type Exponent, type LadderStep, type MeasuredPhaseName, type PhaseEvidence } from "./phase-classify.js";
import { regionOf, timeExponentOf, type Region } from "../regions.js";
export { classifyPhase, MEASURED_PHASES, PHASE_OF_REGION, THRESHOLDS } from "./phase-classify.js";
export type { Exponent, LadderStep, MeasuredPhaseName, PhaseEvidence } from "./phase-classify.js";
import { checkOptions, EXTENSION_OPTION_RULES, cheaperMethod, costOfStep, OptionError, OPTION_RULES, type OptionRule, type SimulateOptions } from "../validate.js";
import { fitPowerLaw } from "./fit.js";
import { pow } from "../engine/detmath.js";
import type { WasmBuild } from "../engine/wasm.js";

export const MEASURE_DEFAULTS = {
  k: 1,
  gamma0: 1,
  /** Δ: the green floor ∝ Δ·d^−s must stand above the limit's own decay by the horizon (README) */
  noise: 1e-2,
  /** horizon of the risk test, on the point's clock */
  tEnd: 300,
  /** runs per d of the risk test */
  seeds: 4,
  /** one-step runs per d of the clock test */
  jumpSeeds: 64,
  /** the point's estimated cost limit in core-seconds (the ladder stops where the next d would exceed it) */
  budgetSeconds: 8,
  dMin: 8,
  dMax: 131072,
  /**
   * this machine's time per unit of the cost model, relative to COST_PER_UNIT (2.0–3.0 measured on the
   * development machines by calibrateCost). Fixed, not measured per run: the ladders, hence the numbers,
   * then depend on the options alone (the same seed gives the same diagram on any machine)
   */
  costScale: 2.5,
  ...THRESHOLDS,
  /** the risk exponent is fitted over the largest `top` d of the ladder */
  top: 3,
  seed: 0,
} as const;

/** The extensions of the model a measured point passes on to every run (README: extensions). */
export type MeasureExtensions = Pick<SimulateOptions, "batch" | "weightDecay" | "aTeacher" | "aInit" | "gammaA" | "activation" | "activationTeacher">;

export interface MeasurePointOptions extends MeasureExtensions {
  kappa: number;
  delta: number;
  k?: number;
  gamma0?: number;
  noise?: number;
  tEnd?: number;
  seeds?: number;
  jumpSeeds?: number;
  budgetSeconds?: number;
  dMin?: number;
  dMax?: number;
  seed?: number;
  slopeThreshold?: number;
  jumpThreshold?: number;
  learnThreshold?: number;
  trendThreshold?: number;
  top?: number;
  /** time per unit of the cost model relative to COST_PER_UNIT (default MEASURE_DEFAULTS.costScale; calibrateCost measures it) */
  costScale?: number;
  backend?: WasmBuild;
}

/** One point of the measured diagram. */
export interface MeasuredPhase {
  kappa: number;
  delta: number;
  /** s = κ + δ */
  s: number;
  region: Region;
  phase: MeasuredPhaseName;
  reason: string;
  /** the measured phase is the theory's (null: undetermined) */
  agrees: boolean | null;
  evidence: PhaseEvidence;
  params: { k: number; gamma0: number; noise: number; tEnd: number; seeds: number; jumpSeeds: number; budgetSeconds: number; slopeThreshold: number; jumpThreshold: number; learnThreshold: number; trendThreshold: number; top: number };
  elapsedMs: number;
}

/** Estimated seconds per SGD sample for (d, p, k): the cheaper method's COST_PER_UNIT model, times costScale. */
export function secondsPerSample(d: number, p: number, k: number, costScale = 1): { seconds: number; method: "direct" | "chain" } {
  const method = cheaperMethod(d, p, k);
  return { seconds: costOfStep(d, p, k, method) * 1e-9 * costScale, method };
}

/** Outputs of a risk run: 24 log-spaced, a third of the horizon, t = 0. */
const RISK_OUTPUTS = 26;

/** Bytes of the weights a direct run at d holds (the chain never forms them beyond its start). */
const weightBytes = (d: number, p: number, k: number) => 8 * (p + k) * d;
const MAX_WEIGHT_BYTES = 512 * 2 ** 20;

/**
 * The work of the risk runs at one d, in the cost model: SGD steps (each priced by costOfStep of the cheaper
 * method) and the rest in model ns — Q, M at each of the ≈ 26 outputs (p·(p + k)·d each: it matters for wide
 * students). planLadder prices it for the ladders, src/jobs/plan.ts on a given machine.
 */
export function riskRunWork(d: number, p: number, o: { k: number; tEnd: number; timeExponent: number; seeds: number }): { steps: number; other: number } {
  return { steps: o.seeds * o.tEnd * pow(d, o.timeExponent), other: o.seeds * RISK_OUTPUTS * p * (p + o.k) * d * 0.3 };
}

/** The work of the clock test's one-step runs at one d: per seed the step and Q, M at two outputs (p·r·d each);
 * once the weights (and the chain's overlaps). */
export function jumpRunWork(d: number, p: number, o: { k: number; jumpSeeds: number }): { steps: number; other: number } {
  const r = p + o.k;
  return { steps: o.jumpSeeds, other: r * d * 10 + r * r * d + o.jumpSeeds * 2 * p * r * d * 0.3 };
}

/**
 * The ladders of input dimensions. The risk runs: d = dMin·f^i up to dMax while their estimated cost (seeds ×
 * tEnd·d^θ' samples) stays within the budget, with f = 2, else √2, else 2^¼ — the coarsest giving three d. The
 * one-step runs of the clock test cost little: that ladder goes on doubling past the risk ladder, while the
 * weights fit in memory and a quarter of the budget. Returns both ladders and why the risk ladder stopped.
 */
export function planLadder(o: { kappa: number; k: number; timeExponent: number; tEnd: number; seeds: number; jumpSeeds: number; budgetSeconds: number; dMin: number; dMax: number; costScale: number }): { dims: number[]; jumpDims: number[]; note: string; seconds: number } {
  const studentsAt = (d: number) => Math.max(1, Math.round(pow(d, o.kappa)));
  const plan = (factor: number) => {
    const dims: number[] = [];
    let spent = 0;
    let note = `reached dMax = ${o.dMax}`;
    for (let i = 0; ; i++) {
      const d = Math.round(o.dMin * factor ** i);
      if (d > o.dMax) break;
      if (dims.includes(d)) continue;
      const p = studentsAt(d);
      const w = riskRunWork(d, p, o);
      const cost = w.steps * secondsPerSample(d, p, o.k, o.costScale).seconds + w.other * 1e-9 * o.costScale;
      if (weightBytes(d, p, o.k) > MAX_WEIGHT_BYTES) {
        note = `d = ${d} needs p = ${p} students of d weights (${(weightBytes(d, p, o.k) / 2 ** 20).toFixed(0)} MB)`;
        break;
      }
      if (spent + cost > o.budgetSeconds) {
        note = `d = ${d} would take ≈ ${cost.toPrecision(2)} s more than the budget of ${o.budgetSeconds} s`;
        break;
      }
      spent += cost;
      dims.push(d);
    }
    return { dims, note, spent };
  };
  let risk = plan(2);
  for (const factor of [Math.SQRT2, 2 ** 0.25]) if (risk.dims.length < 3) risk = plan(factor);
  const jumpDims = [...risk.dims];
  let spent = 0;
  for (let d = (jumpDims.at(-1) ?? o.dMin / 2) * 2; d <= o.dMax; d *= 2) {
    const p = studentsAt(d);
    const w = jumpRunWork(d, p, o);
    const cost = w.other * 1e-9 * o.costScale + w.steps * secondsPerSample(d, p, o.k, o.costScale).seconds;
    if (weightBytes(d, p, o.k) > MAX_WEIGHT_BYTES || spent + cost > o.budgetSeconds / 4) break;
    spent += cost;
    jumpDims.push(d);
  }
  return { dims: risk.dims, jumpDims, note: risk.note, seconds: risk.spent + spent };
}

/** The ladders a measured point will plan and their estimated seconds at its costScale (fixed by its options:
 * the sweeps' cost of the point, src/jobs/shard.ts; priced on a given machine by src/jobs/plan.ts). */
export function plannedLadders(o: ReturnType<typeof checkMeasureOptions>): { dims: number[]; jumpDims: number[]; note: string; seconds: number; timeExponent: number; studentsAt: (d: number) => number } {
  const region = regionOf(o.kappa, o.delta);
  const timeExponent = timeExponentOf(region, o.kappa, o.delta) ?? 1;
  const ladders = planLadder({ kappa: o.kappa, k: o.k, timeExponent, tEnd: o.tEnd, seeds: o.seeds, jumpSeeds: o.jumpSeeds, budgetSeconds: o.budgetSeconds, dMin: o.dMin, dMax: o.dMax, costScale: o.costScale });
  return { ...ladders, timeExponent, studentsAt: (d) => Math.max(1, Math.round(pow(d, o.kappa))) };
}

/** The machine's speed against the cost model: measured/model time of a short chain run (≈ 0.1 s). */
export async function calibrateCost(): Promise<number> {
  const d = 1000;
  const n = 40000;
  await simulate({ d, p: 8, k: 4, times: [2000 / d], method: "chain" });
  const started = performance.now();
  await simulate({ d, p: 8, k: 4, times: [n / d], method: "chain" });
  const measured = (performance.now() - started) / 1000 / n;
  return measured / secondsPerSample(d, 8, 4, 1).seconds;
}

/** Exponent of y ∝ d^slope by weighted least squares (fitPowerLaw), or null with fewer than two points. */
function exponent(points: { d: number; y: number; se: number }[]): Exponent | null {
  const use = points.filter((q) => q.y > 0 && Number.isFinite(q.y));
  if (use.length < 2) return null;
  const fit = fitPowerLaw(use.map((q) => ({ x: q.d, y: q.y, se: Math.max(q.se, 1e-3 * q.y) })));
  return { value: fit.slope, error: fit.slopeError, dims: use.map((q) => q.d) };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const stdErr = (v: number[]) => (v.length > 1 ? Math.sqrt(v.reduce((a, x) => a + (x - mean(v)) ** 2, 0) / (v.length - 1) / v.length) : 0);

/** The options of measurePhase and their types (ranges: measurePhase's own checks; extensions: simulate's). */
const MEASURE_RULES: Record<keyof MeasurePointOptions, OptionRule> = {
  kappa: OPTION_RULES.number,
  delta: OPTION_RULES.number,
  k: OPTION_RULES.positiveInteger,
  gamma0: OPTION_RULES.positive,
  noise: OPTION_RULES.nonNegative,
  tEnd: OPTION_RULES.number,
  seeds: OPTION_RULES.number,
  jumpSeeds: OPTION_RULES.number,
  budgetSeconds: OPTION_RULES.number,
  dMin: OPTION_RULES.number,
  dMax: OPTION_RULES.number,
  seed: OPTION_RULES.seed,
  slopeThreshold: OPTION_RULES.positive,
  jumpThreshold: OPTION_RULES.positive,
  learnThreshold: OPTION_RULES.positive,
  trendThreshold: OPTION_RULES.positive,
  top: OPTION_RULES.number,
  costScale: OPTION_RULES.positive,
  ...EXTENSION_OPTION_RULES,
};

/** The defaults merged with the given options, checked (ranges); throws the first OptionError. */
function measureParameters(options: MeasurePointOptions): Required<Omit<MeasurePointOptions, "backend" | keyof MeasureExtensions>> & MeasureExtensions & { backend?: WasmBuild } {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as MeasurePointOptions;
  const o = { ...MEASURE_DEFAULTS, ...given } as Required<Omit<MeasurePointOptions, "backend" | keyof MeasureExtensions>> & MeasureExtensions & { backend?: WasmBuild };
  for (const [name, rule, ok] of [
    ["kappa", "must be a finite number ≥ 0", Number.isFinite(o.kappa) && o.kappa >= 0],
    ["delta", "must be a finite number", Number.isFinite(o.delta)],
    ["tEnd", "must be a finite number > 0", Number.isFinite(o.tEnd) && o.tEnd > 0],
    ["seeds", "must be an integer ≥ 2 (the risk's standard error)", Number.isInteger(o.seeds) && o.seeds >= 2],
    ["jumpSeeds", "must be an integer ≥ 2", Number.isInteger(o.jumpSeeds) && o.jumpSeeds >= 2],
    ["budgetSeconds", "must be a finite number > 0", Number.isFinite(o.budgetSeconds) && o.budgetSeconds > 0],
    ["dMin", "must be an integer ≥ 2", Number.isInteger(o.dMin) && o.dMin >= 2],
    ["dMax", "must be an integer ≥ dMin", Number.isInteger(o.dMax) && o.dMax >= o.dMin],
    ["top", "must be an integer ≥ 3", Number.isInteger(o.top) && o.top >= 3],
  ] as const) {
    if (!ok) throw new OptionError(name, rule, (o as Record<string, unknown>)[name]);
  }
  return o;
}

/** Checks measurePhase's options without running it (throws the first OptionError); returns them with the defaults. */
export function checkMeasureOptions(options: MeasurePointOptions): ReturnType<typeof measureParameters> {
  checkOptions(options, MEASURE_RULES);
  for (const name of ["kappa", "delta"] as const) if (options[name] === undefined) throw new OptionError(name, "is required", undefined);
  return measureParameters(options);
}

/** Measures one (κ, δ) point across its ladder of d and classifies it (README: the measured phase diagram). */
export async function measurePhase(options: MeasurePointOptions): Promise<MeasuredPhase> {
  const started = performance.now();
  const o = checkMeasureOptions(options);
  const { kappa, delta, k, gamma0, noise, tEnd } = o;
  const s = kappa + delta;
  const region = regionOf(kappa, delta);
  const theoryExponent = timeExponentOf(region, kappa, delta);
  const extensions = Object.fromEntries(
    (["batch", "weightDecay", "aTeacher", "aInit", "gammaA", "activation", "activationTeacher"] as const).filter((key) => options[key] !== undefined).map((key) => [key, options[key]]),
  ) as MeasureExtensions;
  const model = { kappa, delta, k, gamma0, noise, ...extensions, ...(o.backend ? { backend: o.backend } : {}) };
  // the ladder is planned on the theory's clock (ν/d in red, where the risk runs only feed the risk map)
  const { dims, jumpDims, note } = plannedLadders(o);
  const ladder: LadderStep[] = [];
  // 1. the clock test: one step, jumpSeeds seeds, every d of its (longer) ladder
  for (const d of jumpDims) {
    const t0 = performance.now();
    let q0: number[] = [];
    const jumps: number[] = [];
    const r = await simulate({
      ...model,
      d,
      timeScale: "d",
      times: [1 / d],
      seed: o.seed,
      seeds: o.jumpSeeds,
      quantiles: [0.5],
      onOutput: (out) => {
        const diag = out.Q.map((row, j) => row[j]);
        if (out.samples === 0) q0 = diag;
        else jumps.push(mean(diag.map((v, j) => Math.abs(v - q0[j]))));
      },
    });
    ladder.push({ d, p: r.params.p, method: r.params.method, jump: mean(jumps), jumpSe: stdErr(jumps), seconds: (performance.now() - t0) / 1000 });
  }
  const jump = exponent(ladder.map((l) => ({ d: l.d, y: l.jump, se: l.jumpSe })));
  // 2. the risk test on the clock: the theory's, or in red (no clock in theory) the measured one if there is one
  let clock: PhaseEvidence["clock"] = "theory";
  let clockExponent: number | null = theoryExponent ?? null;
  if (theoryExponent === undefined) {
    if (jump && jump.value < -o.jumpThreshold) {
      clock = "measured";
      clockExponent = Number((-jump.value).toFixed(2));
    } else {
      // no clock: the runs go on t = ν/d, for the risk map only
      clock = "none";
      clockExponent = null;
    }
  }
  const exponentUsed = clockExponent ?? 1;
  for (const step of ladder.filter((l) => dims.includes(l.d))) {
    const t0 = performance.now();
    const d = step.d;
    const perUnit = pow(d, exponentUsed);
    const last = Math.max(1, Math.round(tEnd * perUnit));
    const third = Math.max(1, Math.round(last / 3));
    // 24 log-spaced outputs from last/1000 (the learning time), and a third of the horizon (the trend)
    const first = Math.max(1, last / 1000);
    const logMarks = Array.from({ length: 24 }, (_, i) => Math.round(first * (last / first) ** (i / 23)));
    const marks = [...new Set([...logMarks, third, last].filter((n) => n >= 1))].sort((x, y) => x - y);
    const m0: number[][] = [];
    const mEnd: number[][] = [];
    const r = await simulate({
      ...model,
      d,
      timeScale: "d",
      times: marks.map((n) => n / d),
      seed: o.seed,
      seeds: o.seeds,
      quantiles: [0.1, 0.9],
      onOutput: (out) => {
        if (out.samples === 0) m0.push(out.M.flat());
        if (out.samples === last) mEnd.push(out.M.flat());
      },
    });
    const e = r.ensemble!;
    const j = e.mean.length - 1;
    const jThird = 1 + marks.indexOf(third);
    const t = [0, ...marks.map((n) => n / perUnit)];
    // each run's learning time: its risk first at a quarter of its start (log-interpolated between outputs)
    const times = e.curves.map((c) => {
      for (let i = 1; i < c.length; i++) {
        const level = c[0] / 4;
        if (c[i] <= level) return i === 1 ? t[1] : t[i - 1] * (t[i] / t[i - 1]) ** (Math.log(c[i - 1] / level) / Math.log(c[i - 1] / c[i]));
      }
      return Infinity;
    });
    const reached = times.filter(Number.isFinite);
    Object.assign(step, {
      samples: last,
      risk0: e.mean[0],
      riskEnd: e.mean[j],
      riskSe: e.se[j],
      learnTime: reached.length ? mean(reached) : Infinity,
      learnTimeSe: stdErr(reached),
      learned: reached.length,
      curve: { t, risk: e.mean },
      riskThird: e.mean[jThird],
      riskThirdSe: e.se[jThird],
      riskQ10: e.quantiles.values[0][j],
      riskQ90: e.quantiles.values[1][j],
      mChange: mean(mEnd.map((m, i) => Math.sqrt(mean(m.map((v, c) => (v - m0[Math.min(i, m0.length - 1)][c]) ** 2))))),
      diverged: e.diverged,
      seconds: step.seconds + (performance.now() - t0) / 1000,
    });
  }
  const measured = ladder.filter((l) => l.riskEnd !== undefined && (l.diverged ?? 0) === 0);
  const topSteps = measured.slice(-o.top);
  const risk = clock === "none" ? null : exponent(topSteps.map((l) => ({ d: l.d, y: l.riskEnd!, se: l.riskSe! })));
  // the learning time over the top d where every seed learned; or the largest d did not learn though a smaller one did
  const learnedAll = topSteps.filter((l) => l.learned === o.seeds);
  const never = measured.length >= 2 && (measured.at(-1)!.learned ?? 0) * 2 < o.seeds && measured.some((l) => l.learned === o.seeds);
  const fit = exponent(learnedAll.map((l) => ({ d: l.d, y: l.learnTime!, se: l.learnTimeSe! })));
  const learning = clock === "none" ? null : never ? { value: Infinity, error: 0, dims: measured.map((l) => l.d), never: true } : fit && fit.dims.length >= 3 ? { ...fit, never: false } : null;
  const lastStep = measured.at(-1);
  const aboveStart = lastStep ? lastStep.riskEnd! > lastStep.risk0! : null;
  const trend =
    clock === "none" || !lastStep || !(lastStep.riskThird! > 0) || !(lastStep.riskEnd! > 0) || lastStep.riskThird === lastStep.riskEnd
      ? null
      : {
          value: Math.log(lastStep.riskEnd! / lastStep.riskThird!) / Math.log(lastStep.samples! / Math.max(1, Math.round(lastStep.samples! / 3))),
          error: Math.hypot(lastStep.riskSe! / lastStep.riskEnd!, lastStep.riskThirdSe! / lastStep.riskThird!) / Math.log(3),
          dims: [lastStep.d],
          d: lastStep.d,
        };
  const mChange = exponent(measured.map((l) => ({ d: l.d, y: l.mChange!, se: 0 })));
  const evidence: PhaseEvidence = { ladder, jump, clock, clockExponent, risk, learning, trend, aboveStart, mChange, ladderNote: note };
  const verdict = classifyPhase(evidence, o);
  return {
    kappa,
    delta,
    s,
    region,
    phase: verdict.phase,
    reason: verdict.reason,
    agrees: verdict.phase === "undetermined" ? null : verdict.phase === PHASE_OF_REGION[region],
    evidence,
    params: { k, gamma0, noise, tEnd, seeds: o.seeds, jumpSeeds: o.jumpSeeds, budgetSeconds: o.budgetSeconds, slopeThreshold: o.slopeThreshold, jumpThreshold: o.jumpThreshold, learnThreshold: o.learnThreshold, trendThreshold: o.trendThreshold, top: o.top },
    elapsedMs: performance.now() - started,
  };
}
