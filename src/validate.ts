// see: STYLE.md §8 — every public option is checked here, once, before any work; messages name the
// option, the rule and the value received. The CLI calls the same checks, so its messages are the same.
// d input dimension, p student hidden units (p ~ d^kappa), k teacher hidden units,
// gamma = gamma0 · d^(−delta) learning rate, noise Δ label-noise variance, t = ν·δt rescaled time.
import { TABLE_NODES, TABLE_RANGE } from "./shared/layout.js";
import { z } from "zod";
import { BACKENDS, type Backend } from "./engine/engine.js";
import { MAX_MEMORY_BYTES, bufferBytes, stateSize } from "./engine/memory.js";
import { regionOf, timeExponentOf, type Region } from "./regions.js";
import { pow } from "./engine/detmath.js";

/** An invalid option: `option` is its name (a path such as `init.Q0[1][2]` for nested values). */
export class OptionError extends RangeError {
  constructor(
    readonly option: string,
    readonly rule: string,
    readonly value: unknown,
  ) {
    super(`invalid option. \`${option}\` ${rule}. Value: \`${formatValue(value)}\`.`);
    this.name = "OptionError";
  }
}

/** A value as it appears in an error message (long arrays shortened). */
export function formatValue(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "function") return "[function]";
  if (value === undefined) return "undefined";
  const text = JSON.stringify(value, (_key, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Initial condition: weights, overlaps, or an informed start W0 = A·W* (teacher drawn unless given). */
export type InitialCondition =
  | { W0: number[][]; Wstar: number[][] }
  | { Q0: number[][]; M0: number[][]; P: number[][] }
  | { A: number[][]; Wstar?: number[][] };

/** How the initial weights are made (`params.init`). */
export type InitKind = "random" | "informed" | "weights" | "overlaps";

/**
 * Progress of simulate, solveOde or compare, reported between chunks of work (one shape for the three: an
 * `onProgress` can be shared like the rest of the options).
 */
export interface Progress {
  /** time reached on the run's clock (samples · δt for simulations), and the time it ends at */
  t: number;
  tEnd: number;
  /** SGD samples done so far and in total, over all seeds (solveOde: 0) */
  samples: number;
  totalSamples: number;
  /** integration steps taken so far (simulations: 0) */
  steps: number;
}

/**
 * The options of simulate, solveOde and compare: one type, so one object of options can be spread into the three
 * (all optional; see README for defaults). An option that chooses how another function computes is ignored by
 * the function it does not concern (simulate ignores mode, integrator, rtol, atol, step, psi; solveOde ignores
 * method, seeds, quantiles, onOutput); one that changes the model where it is not supported is refused (lazy
 * training and backend "js" by solveOde); any other name is refused.
 */
export interface Options {
  d?: number;
  p?: number;
  kappa?: number;
  k?: number;
  gamma0?: number;
  delta?: number;
  noise?: number;
  tMax?: number;
  tMin?: number;
  points?: number;
  times?: number[];
  timeScale?: "region" | "d";
  seed?: number;
  initSeed?: number;
  init?: InitialCondition;
  /** mini-batch size B (default 1): each SGD step averages the gradients of B fresh samples; t counts steps */
  batch?: number;
  /** weight decay λ ≥ 0 (default 0): SGD on ½e² + (λ/2)(1/p) Σ_i Q_ii, i.e. w_i ← (1 − γλ/(p d)) w_i + … */
  weightDecay?: number;
  /** the teacher's second layer a* (k values, or one for all; default 1): f*(x) = (1/k) Σ_r a*_r σ(λ*_r) */
  aTeacher?: number | number[];
  /** the student's second layer at t = 0 (p values, or one for all; default 1): f(x) = (1/p) Σ_i a_i σ(λ_i) */
  aInit?: number | number[];
  /** learning-rate factor of the student's second layer: γ_a = gammaA·γ/d, da/dt = gammaA·a1·E[e σ(λ)] (default 0: a fixed) */
  gammaA?: number;
  /** the students' activation (default "erf": σ(u) = erf(u/√2), the paper's), or a user-given one */
  activation?: ActivationOption;
  /** the teachers' activation (default: the students') */
  activationTeacher?: ActivationOption;
  /** "direct" (SGD on the weights), "chain" (the exact reduced chain on Ω) or "auto" (the cheaper one) */
  method?: SimMethod;
  /** run this many seeds (seed, seed + 1, …) from the same initial condition and add their statistics */
  seeds?: number;
  /** levels of the quantiles of `ensemble` (default 0.1, 0.5, 0.9) */
  quantiles?: number[];
  backend?: Backend;
  onProgress?: (progress: Progress) => void;
  /**
   * stops the run at the next chunk of work (~0.1 s) once aborted: the result holds what was done, with status
   * "interrupted" (the same for solveOde)
   */
  signal?: AbortSignal;
  /** called at every output time as it is reached (t = 0 first), e.g. to draw the curve while it grows */
  onOutput?: (output: Output) => void;
  /** lazy training (the paper's code): the student linearised around its initial weights W0 (direct simulator only) */
  lazy?: boolean;
  /** lazy training and tanh units: samples of the Monte-Carlo estimate of the risk; solveOde's Monte-Carlo ψ: samples of its fixed set (even, default 20000) */
  mcSamples?: number;
  /** lazy training and tanh units: seed of that sample set; solveOde's Monte-Carlo ψ: seed of its set (default: `seed`) */
  mcSeed?: number;
  /** solveOde, compare: which terms the ODE keeps, "limit" (solveOde's default) or "finite-d" (compare's) */
  mode?: OdeMode;
  /** solveOde, compare: the integrator (default "bdf"; "dopri5" with a Monte-Carlo ψ) */
  integrator?: OdeIntegrator;
  /** solveOde, compare: relative and absolute tolerances of bdf and dopri5 */
  rtol?: number;
  atol?: number;
  /** solveOde: Euler's fixed step */
  step?: number;
  /** solveOde, compare: ψ by "closed-form" integrals (default for erf) or by "monte-carlo" (default, and the only way so far, for other activations) */
  psi?: PsiMethod;
}

/** The options of simulate (the shared `Options`). */
export type SimulateOptions = Options;

/** One output of a running simulation (`onOutput`). */
export interface Output {
  /** the seed of the run this output belongs to (runs of `seeds` come one after the other, except the chain's on
   * wasm-simd, two at once: their outputs alternate at each time, the first seed's first) */
  seed: number;
  t: number;
  samples: number;
  risk: number;
  Q: number[][];
  M: number[][];
}

/** Activations of the hidden units: erf(u/√2) (the paper's), max(0, u), u, tanh(u). */
export const ACTIVATIONS = ["erf", "relu", "linear", "tanh"] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/**
 * A user-given activation: σ = `fn` (and σ' = `derivative`, else central differences of fn), tabulated at
 * TABLE.nodes points on [−TABLE.range, TABLE.range] and interpolated in Wasm (cubic Hermite); beyond the range
 * σ continues along its end tangent. Its risk and ψ come from Monte Carlo. API only (functions are not JSON).
 */
export interface CustomActivation {
  name: string;
  fn: (u: number) => number;
  derivative?: (u: number) => number;
}
export type ActivationOption = ActivationName | CustomActivation;
/** The tables of user-given activations: nodes on [−range, range]. */
export const TABLE = { nodes: TABLE_NODES, range: TABLE_RANGE } as const;
const CODES: Record<ActivationName, number> = { erf: 0, relu: 1, linear: 2, tanh: 3 };

/** σ, σ', σ'' at the TABLE nodes of a user-given activation (σ'' by central differences of σ'); throws naming `option`. */
export function activationTable(option: string, a: CustomActivation): Float64Array {
  const { nodes: n, range: B } = TABLE;
  const h = (2 * B) / (n - 1);
  const table = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const u = -B + i * h;
    const e = 1e-5 * Math.max(1, Math.abs(u));
    const v = a.fn(u);
    const dv = a.derivative ? a.derivative(u) : (a.fn(u + e) - a.fn(u - e)) / (2 * e);
    if (typeof v !== "number" || !Number.isFinite(v) || typeof dv !== "number" || !Number.isFinite(dv)) {
      throw new OptionError(option, `must return finite numbers (and derivatives) on [−${B}, ${B}] (got ${v}, ${dv} at u = ${u})`, a.name);
    }
    table[i] = v;
    table[n + i] = dv;
  }
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - 1);
    const hi = Math.min(n - 1, i + 1);
    table[2 * n + i] = (table[n + hi] - table[n + lo]) / ((hi - lo) * h);
  }
  return table;
}

/** How solveOde evaluates ψ: the closed-form integrals (erf only) or Monte Carlo over a fixed sample set. */
export const PSI_METHODS = ["closed-form", "monte-carlo"] as const;
export type PsiMethod = (typeof PSI_METHODS)[number];

/** Simulation methods; both are exact in law (theory.md §7). */
export const SIM_METHODS = ["direct", "chain", "auto"] as const;
export type SimMethod = (typeof SIM_METHODS)[number];

/** Every value a simulation uses, after defaults and derivations. */
export type Resolved = Model & {
  /** output sample counts ν (increasing, ≥ 1); t = ν·δt */
  samples: number[];
  backend: Backend;
  /** the method that runs ("auto" resolved) */
  method: "direct" | "chain";
  /** lazy training, and the samples and seed of its Monte-Carlo risk (0 without) */
  lazy: boolean;
  mcSamples: number;
  mcSeed: number;
  seeds: number;
  quantiles: number[];
};

/** Which terms the ODE keeps: the region's limit (default) or both with their finite-d prefactors. */
export const ODE_MODES = ["limit", "finite-d"] as const;
export type OdeMode = (typeof ODE_MODES)[number];
/** Integrators of solveOde: variable-order BDF (stiff, default), Dormand–Prince 5(4), fixed-step Euler. */
export const ODE_INTEGRATORS = ["bdf", "dopri5", "euler"] as const;
export type OdeIntegrator = (typeof ODE_INTEGRATORS)[number];

/** Progress of an ODE integration: the shared `Progress` (samples 0). */
export type OdeProgress = Progress;

/** The options of solveOde (the shared `Options`). */
export type OdeOptions = Options;

/** Every value an ODE integration uses. */
export type ResolvedOde = Model & {
  /** output times (increasing, > 0); t = 0 is added in front */
  times: number[];
  mode: OdeMode;
  integrator: OdeIntegrator;
  rtol: number;
  atol: number;
  step: number;
  /** the prefactors the integration uses (the region's limit may zero one of a1, a2; a2 is divided by B) */
  a1Used: number;
  a2Used: number;
  psi: PsiMethod;
  /** samples of the Monte-Carlo ψ (0 with closed forms) */
  mcSamples: number;
  mcSeed: number;
  backend: Exclude<Backend, "js">;
};

/** Validates the options of solveOde; the red region is refused (no deterministic limit). Throws OptionError. */
export function resolveOde(options: OdeOptions | undefined): ResolvedOde {
  const o = parse(optionsSchema, options);
  if (o.lazy !== undefined && o.lazy !== false) {
    throw new OptionError("lazy", "is an option of the simulator only: the linearised student's dynamics is not a function of (Q, M), so it has no ODE here", o.lazy);
  }
  if (o.backend === "js") throw new OptionError("backend", `must be one of ${BACKENDS.filter((b) => b !== "js").map((b) => `"${b}"`).join(", ")} for the ODE (it has no JavaScript baseline)`, o.backend);
  const [kappa, delta] = [o.kappa ?? 0, o.delta ?? DEFAULTS.delta];
  if (regionOf(kappa, delta) === "red") {
    const which = o.delta !== undefined ? "delta" : "kappa";
    throw new OptionError(
      which,
      `puts (κ, δ) = (${kappa}, ${delta}) in the red region (κ + δ ≤ −1/2), where SGD has no deterministic limit and no ODE exists; use simulate (direct SGD) there`,
      which === "delta" ? delta : kappa,
    );
  }
  const model = resolveModel(o);
  const { d, p, k, region } = model;
  if (model.initKind !== "overlaps") checkMemory(bufferBytes({ d, p, k }), "weights", model, weightsBlame(o, model));
  const outputs = (o.times?.length ?? o.points ?? DEFAULTS.points) + 1;
  const n = stateSize(p, k);
  checkMemory(bufferBytes({ d: 0, p, k, outputs, trainA: model.gammaA > 0 }), "ODE state, Jacobian", model, odeBlame(o, model, outputs, n));
  const held = resultBytes(outputs, p, k, 1);
  if (held > Math.min(availableMemory() / 2, 2 ** 33)) {
    const [name, value] = odeBlame(o, model, outputs, 0);
    throw new OptionError(name, `would make a result of ${(held / 2 ** 30).toFixed(2)} GiB (${outputs} outputs of Q and M), more than half of this machine's available memory (at most 8 GiB)`, value);
  }
  const mode = o.mode ?? "limit";
  // closed forms of ψ so far: both erf (theory.md §4) or both linear
  const closed = model.activation === model.activationTeacher && (model.activation === "erf" || model.activation === "linear");
  const psi = o.psi ?? (closed ? "closed-form" : "monte-carlo");
  // the Monte-Carlo ψ is only continuous (ReLU: a sample crossing 0 jumps it by O(1/S)) and its error is ~1/√S:
  // Dormand–Prince at rtol 1e-5 follows it (BDF at 1e-8 crawls across the jumps)
  const mcDefaults = psi === "monte-carlo";
  const integrator = o.integrator ?? (mcDefaults ? "dopri5" : "bdf");
  const rtol = o.rtol ?? (mcDefaults ? ODE_DEFAULTS.mcRtol : ODE_DEFAULTS.rtol);
  if (o.integrator !== "euler" && o.step !== undefined) throw new OptionError("step", 'is the fixed step of integrator "euler" only', o.step);
  if (o.integrator === "euler" && (o.rtol !== undefined || o.atol !== undefined)) {
    throw new OptionError(o.rtol !== undefined ? "rtol" : "atol", 'has no effect with integrator "euler" (fixed step `step`)', o.rtol ?? o.atol);
  }
  const limit = mode === "limit";
  if (psi === "closed-form" && !closed) {
    throw new OptionError("psi", `"closed-form" exists for erf or linear students and teachers only so far (got ${model.activation} / ${model.activationTeacher}); use "monte-carlo"`, psi);
  }
  if (psi !== "monte-carlo") {
    for (const name of ["mcSamples", "mcSeed"] as const) if (o[name] !== undefined) throw new OptionError(name, 'is an option of psi "monte-carlo" only', o[name]);
  }
  const mcSamples = psi === "monte-carlo" ? (o.mcSamples ?? ODE_DEFAULTS.mcSamples) : 0;
  if (mcSamples > 0) checkMemory(bufferBytes({ d: 0, p, k, outputs, trainA: model.gammaA > 0, mcSamples }), "ODE state, Jacobian, Monte-Carlo samples", model, ["mcSamples", mcSamples]);
  // BDF's finite-difference Jacobian is n evaluations of ψ in one uninterruptible call
  if (integrator === "bdf") {
    const r = p + k;
    const psiWork = mcSamples > 0 ? mcSamples * r * r : ((p * (p + 1)) / 2) * ((r * (r + 1)) / 2);
    if (n * psiWork > MAX_MC_RISK_WORK) {
      throw new OptionError(o.integrator !== undefined ? "integrator" : o.kappa !== undefined ? "kappa" : "p", `"bdf" with p = ${p}: each Jacobian is ${n} evaluations of ψ (~${(n * psiWork).toExponential(1)} operations, minutes without a pause); use integrator "dopri5"`, o.integrator ?? o.kappa ?? p);
    }
  }
  // Euler's fixed step: a bounded number of steps
  if (integrator === "euler") {
    const tEnd = o.times?.at(-1) ?? o.tMax ?? DEFAULTS.tMax;
    const steps = tEnd / (o.step ?? ODE_DEFAULTS.step);
    if (steps > MAX_EULER_STEPS) throw new OptionError("step", `takes ${steps.toExponential(2)} Euler steps to t = ${tEnd}, more than ${MAX_EULER_STEPS.toExponential(0)} (use a larger step, or bdf/dopri5)`, o.step ?? ODE_DEFAULTS.step);
  }
  return {
    ...model,
    times: odeTimes(o, model),
    mode,
    integrator,
    rtol,
    atol: o.atol ?? (integrator === "dopri5" ? rtol * ODE_DEFAULTS.atolPerRtol : Math.max(rtol * ODE_DEFAULTS.atolPerRtol, ODE_DEFAULTS.bdfAtolFloor)),
    step: o.step ?? ODE_DEFAULTS.step,
    a1Used: limit && region === "orange" ? 0 : model.a1,
    // mini-batches divide the variance term by B (README: extensions)
    a2Used: limit && region === "green" ? 0 : model.a2 / model.batch,
    psi,
    mcSamples,
    mcSeed: o.mcSeed ?? model.seed,
    backend: (o.backend ?? "wasm-simd") as Exclude<Backend, "js">,
  };
}

/**
 * ODE output times: the explicit `times`, else those a simulation with the same options outputs (its grid of
 * whole samples, t = ν / d^θ), so that simulate and solveOde line up index by index; where no simulation can
 * run (tMax shorter than one sample, or past 2^53 samples) `points` log-spaced in [tMin, tMax].
 */
function odeTimes(o: CommonOptions, model: Model): number[] {
  if (o.times !== undefined) return outputTimes(o);
  const samplesPerUnitTime = pow(model.d, model.timeExponent);
  let samples: number[];
  try {
    samples = outputSamples(o, samplesPerUnitTime);
  } catch (error) {
    if (error instanceof OptionError && (error.option === "tMax" || error.option === "tMin")) return outputTimes(o);
    throw error;
  }
  return samples.map((nu) => nu / samplesPerUnitTime);
}

/** Output times without a sample grid: the explicit `times`, or `points` log-spaced in [tMin, tMax] (tMin default tMax·1e-4). */
function outputTimes(o: CommonOptions): number[] {
  if (o.times !== undefined) {
    for (const name of ["tMax", "tMin", "points"] as const) {
      if (o[name] !== undefined) throw new OptionError(name, "cannot be combined with `times`", o[name]);
    }
    o.times.forEach((t, j) => {
      if (j > 0 && !(t > o.times![j - 1])) throw new OptionError(`times[${j}]`, `must be later than times[${j - 1}] = ${o.times![j - 1]}`, t);
    });
    return o.times;
  }
  const tMax = o.tMax ?? DEFAULTS.tMax;
  const tMin = o.tMin ?? tMax * TMIN_RATIO;
  if (!(tMin < tMax) && (o.points ?? DEFAULTS.points) > 1) throw new OptionError("tMin", `must be smaller than tMax = ${tMax}`, tMin);
  const points = o.points ?? DEFAULTS.points;
  return Array.from({ length: points }, (_, j) => (j === points - 1 ? tMax : points === 1 ? tMax : tMin * pow(tMax / tMin, j / (points - 1))));
}

/**
 * Defaults of the ODE solver: rtol; atol = rtol·atolPerRtol, for BDF at least bdfAtolFloor (ψ carries rounding
 * noise of ~1e-16, which BDF's long steps near an equilibrium (h ~ 1e4–1e5) multiply past tighter tolerances;
 * its error control would then crawl); Euler's step.
 */
export const ODE_DEFAULTS = { rtol: 1e-8, atolPerRtol: 1e-4, bdfAtolFloor: 1e-12, step: 0.01, mcSamples: 20000, mcRtol: 1e-5 } as const;

export const DEFAULTS = { d: 1000, p: 8, k: 4, delta: 0, noise: 0, tMax: 100, points: 50, seed: 0 } as const;
/** Default first log-spaced time: tMax · TMIN_RATIO (four decades below tMax), but at least one SGD step. */
const TMIN_RATIO = 1e-4;

const RULES = {
  positiveInt: "must be a positive integer",
  nonNegative: "must be a finite number ≥ 0",
  positive: "must be a finite number > 0",
  finite: "must be a finite number",
  seed: "must be an integer in [0, 2^53 − 1]",
  matrix: "must be an array of rows of finite numbers",
} as const;

const num = (rule: string, ok: (v: number) => boolean = () => true) => z.number({ error: rule }).refine(ok, { error: rule });
const positiveInt = num(RULES.positiveInt, (v) => Number.isInteger(v) && v > 0);
const seed = num(RULES.seed, (v) => Number.isSafeInteger(v) && v >= 0);
const matrix = z.array(z.array(z.number({ error: RULES.matrix }), { error: RULES.matrix }), { error: RULES.matrix });

/** Options shared by simulate and solveOde (the model, its clock, the output times, the initial condition). */
const commonFields = {
  d: positiveInt,
  p: positiveInt,
  kappa: num(RULES.nonNegative, (v) => v >= 0),
  k: positiveInt,
  gamma0: num(RULES.positive, (v) => v > 0),
  delta: num(RULES.finite),
  noise: num(RULES.nonNegative, (v) => v >= 0),
  tMax: num(RULES.positive, (v) => v > 0),
  tMin: num(RULES.positive, (v) => v > 0),
  points: positiveInt,
  times: z
    .array(num(RULES.positive, (v) => v > 0), { error: "must be an array of finite numbers > 0" })
    .min(1, { error: "must hold at least one time" }),
  timeScale: z.enum(["region", "d"], { error: 'must be "region" or "d"' }),
  seed,
  initSeed: seed,
  init: z
    .object({ W0: matrix, Wstar: matrix, Q0: matrix, M0: matrix, P: matrix, A: matrix }, { error: "must be an object" })
    .partial()
    .strict(),
  onProgress: z.custom<(p: never) => void>((v) => typeof v === "function", { error: "must be a function" }),
  signal: z.custom<AbortSignal>((v) => typeof AbortSignal !== "undefined" && v instanceof AbortSignal, { error: "must be an AbortSignal" }),
  batch: num("must be an integer in [1, 4096]", (v) => Number.isInteger(v) && v >= 1 && v <= 4096),
  weightDecay: num(RULES.nonNegative, (v) => v >= 0),
  aTeacher: z.union([num(RULES.finite), z.array(num(RULES.finite), { error: "must be a finite number or an array of them" })], { error: "must be a finite number or an array of them" }),
  aInit: z.union([num(RULES.finite), z.array(num(RULES.finite), { error: "must be a finite number or an array of them" })], { error: "must be a finite number or an array of them" }),
  gammaA: num(RULES.nonNegative, (v) => v >= 0),
  activation: activationSchema(),
  activationTeacher: activationSchema(),
};

const enumOf = <T extends string>(values: readonly T[]) =>
  z.enum(values as [T, ...T[]], { error: `must be one of ${values.map((v) => `"${v}"`).join(", ")}` });

/** The one schema of `Options` (simulate, solveOde, compare): every option checked, whichever function uses it. */
const optionsSchema = z
  .object({
    ...commonFields,
    backend: enumOf(BACKENDS),
    method: enumOf(SIM_METHODS),
    seeds: num("must be an integer in [1, 10^6]", (v) => Number.isInteger(v) && v >= 1 && v <= 1e6),
    quantiles: z
      .array(num("must be a number in (0, 1)", (v) => v > 0 && v < 1), { error: "must be an array of numbers in (0, 1)" })
      .min(1, { error: "must hold at least one level" }),
    onOutput: z.custom<(o: never) => void>((v) => typeof v === "function", { error: "must be a function" }),
    lazy: z.boolean({ error: "must be true or false" }),
    mcSamples: num("must be an even integer in [2, 10^7]", (v) => Number.isInteger(v) && v >= 2 && v <= 1e7 && v % 2 === 0),
    mcSeed: seed,
    mode: enumOf(ODE_MODES),
    integrator: enumOf(ODE_INTEGRATORS),
    rtol: num("must be a finite number in (0, 1)", (v) => v > 0 && v < 1),
    atol: num(RULES.positive, (v) => v > 0),
    step: num(RULES.positive, (v) => v > 0),
    psi: enumOf(PSI_METHODS),
  })
  .partial()
  .strict();

type CommonOptions = z.infer<typeof optionsSchema>;

function pathName(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join("");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) v = v == null ? undefined : (v as Record<PropertyKey, unknown>)[key];
  return v;
}

/** A rule of `checkOptions`: the option's type and range, as a predicate and its wording. */
export type OptionRule = readonly [rule: string, ok: (v: unknown) => boolean];

export const OPTION_RULES = {
  number: ["must be a finite number", (v) => typeof v === "number" && Number.isFinite(v)],
  positive: ["must be a finite number > 0", (v) => typeof v === "number" && Number.isFinite(v) && v > 0],
  nonNegative: ["must be a finite number ≥ 0", (v) => typeof v === "number" && Number.isFinite(v) && v >= 0],
  positiveInteger: ["must be a positive integer", (v) => Number.isSafeInteger(v) && (v as number) > 0],
  seed: ["must be an integer in [0, 2^53 − 1]", (v) => Number.isSafeInteger(v) && (v as number) >= 0],
  boolean: ["must be true or false", (v) => typeof v === "boolean"],
  any: ["", () => true],
} satisfies Record<string, OptionRule>;

/** The model's extensions and the backend, as phasePoint and measurePhase pass them on (simulate checks their values). */
export const EXTENSION_OPTION_RULES = {
  backend: OPTION_RULES.any,
  batch: OPTION_RULES.positiveInteger,
  weightDecay: OPTION_RULES.any,
  aTeacher: OPTION_RULES.any,
  aInit: OPTION_RULES.any,
  gammaA: OPTION_RULES.any,
  activation: OPTION_RULES.any,
  activationTeacher: OPTION_RULES.any,
} satisfies Record<string, OptionRule>;

/**
 * Checks an options object against `rules` (option → rule): an unknown key, or a given value that breaks its
 * rule, throws an OptionError naming the option (undefined values are "not given" and pass).
 */
export function checkOptions(options: unknown, rules: Record<string, OptionRule>): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new OptionError("options", "must be an object", options);
  for (const [key, value] of Object.entries(options)) {
    const rule = rules[key];
    if (rule === undefined) throw new OptionError(key, `is not an option (known: ${Object.keys(rules).join(", ")})`, value);
    if (value !== undefined && !rule[1](value)) throw new OptionError(key, rule[0], value);
  }
}

/** Checks the structure and the per-option rules; throws the first violation as an OptionError. */
function parse<S extends z.ZodObject>(schema: S, options: unknown): z.infer<S> {
  if (options === undefined) return {} as z.infer<S>;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new OptionError("options", "must be an object", options);
  }
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === "unrecognized_keys") {
    const where = pathName(issue.path);
    const known = issue.path.length === 0 ? Object.keys(schema.shape) : ["W0", "Wstar", "Q0", "M0", "P", "A"];
    throw new OptionError(where === "" ? issue.keys[0] : `${where}.${issue.keys[0]}`, `is not an option (known: ${known.join(", ")})`, valueAt(options, [...issue.path, issue.keys[0]]));
  }
  throw new OptionError(pathName(issue.path), issue.message, valueAt(options, issue.path));
}

/** Rows × columns of a matrix, checking that every row has the same length. */
function shapeOf(name: string, m: number[][]): [number, number] {
  const cols = m.length === 0 ? 0 : m[0].length;
  m.forEach((row, i) => {
    if (row.length !== cols) throw new OptionError(`${name}[${i}]`, `must have ${cols} entries like ${name}[0]`, row);
  });
  if (m.length === 0 || cols === 0) throw new OptionError(name, "must be a non-empty matrix", m);
  return [m.length, cols];
}

function expectShape(name: string, m: number[][], rows: number, cols: number, why: string): void {
  const [r, c] = shapeOf(name, m);
  if (r !== rows || c !== cols) throw new OptionError(name, `must be ${rows}×${cols} (${why}), not ${r}×${c}`, m);
}

function expectSymmetric(name: string, m: number[][]): void {
  let scale = 0;
  for (let i = 0; i < m.length; i++) scale = Math.max(scale, Math.abs(m[i][i]));
  for (let i = 0; i < m.length; i++) {
    for (let j = i + 1; j < m.length; j++) {
      if (Math.abs(m[i][j] - m[j][i]) > 1e-12 * Math.max(1, scale)) {
        throw new OptionError(name, `must be symmetric, but ${name}[${i}][${j}] = ${m[i][j]} and ${name}[${j}][${i}] = ${m[j][i]}`, m);
      }
    }
  }
}

/** Which form of `init` was given, checked for exactly one form. */
function initKindOf(init: Record<string, unknown> | undefined): InitKind {
  if (init === undefined) return "random";
  const has = (key: string) => init[key] !== undefined;
  const keys = Object.keys(init).filter(has).sort().join(",");
  if (keys === "W0,Wstar") return "weights";
  if (keys === "M0,P,Q0") return "overlaps";
  if (keys === "A" || keys === "A,Wstar") return "informed";
  throw new OptionError("init", "must hold { W0, Wstar }, { Q0, M0, P } or { A } (optionally with Wstar)", init);
}

/** The model and its clock, resolved from the options shared by simulate and solveOde. */
export interface Model {
  d: number;
  p: number;
  k: number;
  kappa: number;
  gamma0: number;
  gamma: number;
  delta: number;
  noise: number;
  seed: number;
  initSeed: number;
  region: Region;
  timeScale: "region" | "d";
  timeExponent: number;
  dt: number;
  a1: number;
  a2: number;
  /** mini-batch size B */
  batch: number;
  /** weight decay λ */
  weightDecay: number;
  /** the teacher's second layer a* (k) */
  aTeacher: number[];
  /** the student's second layer at t = 0 (p) */
  aInit: number[];
  /** learning-rate factor of a (0: fixed) */
  gammaA: number;
  /** a or a* differ from the paper's 1, or a is trained: results carry `a` */
  secondLayer: boolean;
  /** the activations' names ("custom:<name>" for a user-given one), their codes (src/shared/layout.ts) and tables */
  activation: string;
  activationTeacher: string;
  activationCode: number;
  activationTeacherCode: number;
  tables?: { student?: Float64Array; teacher?: Float64Array };
  initKind: InitKind;
  init: InitialCondition | undefined;
}

/** Sizes, initial condition, learning rate, region and clock (shared rules of simulate and solveOde). */
function resolveModel(o: CommonOptions): Model {
  const init = o.init as Record<string, number[][]> | undefined;
  const initKind = initKindOf(init);
  if (o.p !== undefined && o.kappa !== undefined) {
    throw new OptionError("kappa", "cannot be given together with `p` (p = round(d^κ) when `kappa` is given)", o.kappa);
  }

  // sizes: explicit options, else what the initial condition implies, else the defaults
  const first = init?.W0 ?? init?.Q0 ?? init?.A;
  const firstName = init?.W0 ? "init.W0" : init?.Q0 ? "init.Q0" : "init.A";
  const teacher = init?.Wstar ?? init?.P;
  const teacherName = init?.Wstar ? "init.Wstar" : "init.P";
  const d = o.d ?? (init?.W0 ? shapeOf("init.W0", init.W0)[1] : init?.Wstar ? shapeOf("init.Wstar", init.Wstar)[1] : DEFAULTS.d);
  const p =
    o.p ?? (o.kappa !== undefined ? Math.max(1, Math.round(pow(d, o.kappa))) : first ? shapeOf(firstName, first)[0] : DEFAULTS.p);
  const k = o.k ?? (teacher ? shapeOf(teacherName, teacher)[0] : init?.A ? shapeOf("init.A", init.A)[1] : DEFAULTS.k);
  const kappa = o.kappa ?? 0;
  // no memory holds more units than this (checked before anything is sized by p or k)
  if (p > MAX_UNITS) {
    const [name, value] = o.kappa !== undefined ? ["kappa", o.kappa] : ["p", p];
    throw new OptionError(name, `gives p = ${p} student units, more than ${MAX_UNITS} (their overlaps alone would need ${((p * p * 8) / 2 ** 30).toFixed(0)} GiB)${o.kappa !== undefined ? ` at d = ${d}` : ""}`, value);
  }
  if (k > MAX_UNITS) throw new OptionError("k", `must be at most ${MAX_UNITS} teacher units`, k);

  switch (initKind) {
    case "weights":
      expectShape("init.W0", init!.W0, p, d, "p × d");
      expectShape("init.Wstar", init!.Wstar, k, d, "k × d");
      break;
    case "overlaps":
      expectShape("init.Q0", init!.Q0, p, p, "p × p");
      expectShape("init.M0", init!.M0, p, k, "p × k");
      expectShape("init.P", init!.P, k, k, "k × k");
      expectSymmetric("init.Q0", init!.Q0);
      expectSymmetric("init.P", init!.P);
      break;
    case "informed":
      expectShape("init.A", init!.A, p, k, "p × k");
      if (init!.Wstar) expectShape("init.Wstar", init!.Wstar, k, d, "k × d");
      break;
  }
  if (!init?.Wstar && initKind !== "weights" && initKind !== "overlaps" && k > d) {
    throw new OptionError("k", `must be ≤ d = ${d}: the teacher rows are drawn orthogonal`, k);
  }

  const gamma0 = o.gamma0 ?? p;
  const delta = o.delta ?? DEFAULTS.delta;
  const gamma = gamma0 * pow(d, -delta);
  const region = regionOf(kappa, delta);
  const timeScale = o.timeScale ?? "region";
  let timeExponent = 1;
  if (timeScale === "region") {
    const exponent = timeExponentOf(region, kappa, delta);
    if (exponent === undefined) {
      throw new OptionError(
        "timeScale",
        `"region" has no clock in the red region (κ + δ = ${kappa + delta} ≤ −1/2: no deterministic limit); use timeScale "d" (t = ν/d)`,
        timeScale,
      );
    }
    timeExponent = exponent;
  }
  const dt = pow(d, -timeExponent);
  const a1 = gamma / (p * d * dt);
  const a2 = (gamma * gamma) / (p * p * d * dt);
  // blame the option that was given: δ when γ0 is the default
  const [lrName, lrValue] = o.gamma0 === undefined && o.delta !== undefined ? ["delta", delta] : ["gamma0", gamma0];
  if (!(gamma > 0)) {
    throw new OptionError(lrName, `gives γ = γ0·d^(−δ) = ${gamma0}·${d}^(${-delta}) = ${gamma}: it underflows to 0 (no learning)`, lrValue);
  }
  if (!Number.isFinite(gamma) || !Number.isFinite(a2)) {
    throw new OptionError(lrName, `gives γ = γ0·d^(−δ) = ${gamma}, too large: γ²/(p² d δt) overflows a double`, lrValue);
  }
  const weightDecay = o.weightDecay ?? 0;
  if (!(gamma * weightDecay < p * d)) {
    throw new OptionError(
      "weightDecay",
      `must be < p·d/γ = ${(p * d) / gamma} (the per-step decay factor 1 − γλ/(p d) must stay positive)`,
      weightDecay,
    );
  }
  return {
    d,
    p,
    k,
    kappa,
    gamma0,
    gamma,
    delta,
    noise: o.noise ?? DEFAULTS.noise,
    seed: o.seed ?? DEFAULTS.seed,
    initSeed: o.initSeed ?? o.seed ?? DEFAULTS.seed,
    region,
    timeScale,
    timeExponent,
    dt,
    a1,
    a2,
    batch: o.batch ?? 1,
    weightDecay,
    aTeacher: layerOf("aTeacher", o.aTeacher, k, "k"),
    aInit: layerOf("aInit", o.aInit, p, "p"),
    gammaA: o.gammaA ?? 0,
    secondLayer: o.aTeacher !== undefined || o.aInit !== undefined || (o.gammaA ?? 0) > 0,
    ...activationsOf(o.activation as ActivationOption | undefined, (o.activationTeacher ?? o.activation) as ActivationOption | undefined),
    initKind,
    init: o.init as InitialCondition | undefined,
  };
}

function activationSchema() {
  const rule = `must be one of ${ACTIVATIONS.map((v) => `"${v}"`).join(", ")} or { name, fn, derivative? }`;
  return z.union(
    [
      z.enum(ACTIVATIONS),
      z
        .object({
          name: z.string().min(1),
          fn: z.custom<(u: number) => number>((v) => typeof v === "function"),
          derivative: z.custom<(u: number) => number>((v) => typeof v === "function").optional(),
        })
        .strict(),
    ],
    { error: rule },
  );
}

/** The students' and teachers' activations: names, codes and (user-given ones) their tables. */
function activationsOf(student: ActivationOption | undefined, teacher: ActivationOption | undefined) {
  const one = (a: ActivationOption | undefined, option: string, tableCode: number) =>
    a === undefined || typeof a === "string"
      ? { name: a ?? "erf", code: CODES[a ?? "erf"] }
      : { name: `custom:${a.name}`, code: tableCode, table: activationTable(option, a) };
  const s = one(student, "activation", 4);
  const t = one(teacher, teacher === student ? "activation" : "activationTeacher", 5);
  return {
    activation: s.name,
    activationTeacher: t.name,
    activationCode: s.code,
    activationTeacherCode: t.code,
    ...(s.table || t.table ? { tables: { student: s.table, teacher: t.table } } : {}),
  };
}

/** The extensions' values a result records in its `params` (the same for simulations and ODE solutions). */
export function extensionParams(r: Model & { mcSamples: number; mcSeed: number }) {
  return {
    batch: r.batch,
    weightDecay: r.weightDecay,
    aTeacher: r.aTeacher,
    aInit: r.aInit,
    gammaA: r.gammaA,
    activation: r.activation,
    activationTeacher: r.activationTeacher,
    ...(r.mcSamples > 0 ? { mcSamples: r.mcSamples, mcSeed: r.mcSeed } : {}),
  };
}

/** A second layer of `n` units from its option: one number for all, or n numbers (default 1). */
function layerOf(name: string, value: number | number[] | undefined, n: number, size: string): number[] {
  if (value === undefined) return new Array<number>(n).fill(1);
  if (typeof value === "number") return new Array<number>(n).fill(value);
  if (value.length === 1) return new Array<number>(n).fill(value[0]);
  if (value.length !== n) throw new OptionError(name, `must hold one number or ${size} = ${n} numbers, not ${value.length}`, value);
  return [...value];
}

/** Most units p + k of the exact chain: a step is one r×r Cholesky factorisation (~1 s at r = 2048). */
export const MAX_CHAIN_UNITS = 2048;

/** Most work (samples × r²) of one output's Monte-Carlo risk, done in one uninterruptible call (~10 s). */
export const MAX_MC_RISK_WORK = 2e10;

/** Most steps of the fixed-step Euler integrator (~1 s per 10^6 steps at p = 8: 10^9 is a quarter of an hour). */
export const MAX_EULER_STEPS = 1e9;

/** Most student or teacher units a run may have (p² overlaps of 8 bytes: 8 GiB, past any wasm32 memory). */
export const MAX_UNITS = 32768;

/**
 * The memory this machine can still give a run (bytes): Node's process.availableMemory() (which honours
 * cgroup limits), or Infinity where it is unknown (browsers: the 4 GiB wasm32 limit still applies).
 */
export function availableMemory(): number {
  const proc = (globalThis as { process?: { availableMemory?: () => number } }).process;
  const bytes = typeof proc?.availableMemory === "function" ? proc.availableMemory() : NaN;
  return Math.min(Number.isFinite(bytes) && bytes > 0 ? bytes : Infinity, heapLimit);
}

let heapLimit = Infinity;

/**
 * The JavaScript heap's limit (bytes), which results held in JavaScript must fit: set by the Node entry points
 * (node.ts, the CLI) from v8.getHeapStatistics() — the browser-safe modules cannot import v8.
 */
export function setHeapLimit(bytes: number): void {
  heapLimit = bytes > 0 ? bytes : Infinity;
}

/**
 * Throws unless a buffer of `bytes` fits a wasm32 memory and this machine's available memory. `blame` is the
 * option that made it large (the one the user can change), with its value.
 */
function checkMemory(bytes: number, what: string, m: { d: number; p: number; k: number }, blame: [string, unknown]): void {
  const machine = availableMemory();
  if (bytes > MAX_MEMORY_BYTES - 2 ** 20 || bytes > machine) {
    const limit = bytes > MAX_MEMORY_BYTES - 2 ** 20 ? "the 4 GiB a wasm32 memory holds" : `the ${(machine / 2 ** 30).toFixed(1)} GiB this machine has available`;
    throw new OptionError(blame[0], `with d = ${m.d}, p = ${m.p} and k = ${m.k} needs ${(bytes / 2 ** 30).toFixed(2)} GiB of ${what} and buffers, more than ${limit}`, blame[1]);
  }
}

/** The option that sized the weights: κ or p when the students outnumber the input dimension, else d. */
function weightsBlame(o: CommonOptions, m: { d: number; p: number; k: number }): [string, unknown] {
  if (m.p + m.k > m.d) return o.kappa !== undefined ? ["kappa", o.kappa] : o.p !== undefined ? ["p", m.p] : ["k", m.k];
  return ["d", m.d];
}

/** The option that sized an ODE buffer: the output times when they outweigh the Jacobian, else κ or p. */
function odeBlame(o: CommonOptions, m: { p: number }, outputs: number, n: number): [string, unknown] {
  if (outputs * n > n * n) return o.times !== undefined ? ["times", `${o.times.length} times`] : ["points", o.points ?? DEFAULTS.points];
  return o.kappa !== undefined ? ["kappa", o.kappa] : ["p", m.p];
}

/**
 * Bytes the result of a simulation holds in JavaScript: per output of the first seed its Q and M (nested arrays:
 * ~16 bytes a number with the arrays' headers), and per seed its risk curve and a small record (~0.5 KiB).
 */
export function resultBytes(outputs: number, p: number, k: number, seeds: number): number {
  return outputs * (16 * (p * p + p * k + 4) + 64 * (2 * p + 4)) + seeds * (outputs * 16 + 512);
}

/** Validates `options`, applies the defaults and derives every value of the run. Throws OptionError. */
export function resolveSimulate(options: SimulateOptions | undefined): Resolved {
  const o = parse(optionsSchema, options);
  const model = resolveModel(o);
  const { d, p, k } = model;
  if (model.initKind === "overlaps" && p + k > d) {
    throw new OptionError("d", `must be ≥ p + k = ${p + k} to realise the overlaps of \`init\` as weights`, d);
  }
  const lazy = o.lazy ?? false;
  // tanh units: the risk is a Monte-Carlo mean (no closed-form I2 here), which the js baseline does not have
  const tanh = model.activationCode >= 3 || model.activationTeacherCode >= 3;
  if (tanh && o.backend === "js") throw new OptionError("backend", 'must be a Wasm build with tanh or user-given units (their risk is estimated by Monte Carlo in Wasm)', o.backend);
  if (lazy) {
    if (o.method === "chain") throw new OptionError("method", 'must be "direct" (or "auto") with lazy training: the linearised student is no function of (Q, M) alone', o.method);
    if (model.gammaA > 0) throw new OptionError("gammaA", "must be 0 with lazy training (its second layer stays at aInit)", model.gammaA);
    if (o.backend === "js") throw new OptionError("backend", 'must be a Wasm build with lazy training (the "js" baseline has no linearised student)', o.backend);
  } else if (!tanh) {
    for (const name of ["mcSamples", "mcSeed"] as const) if (o[name] !== undefined) throw new OptionError(name, "is an option of lazy training (`lazy: true`) and tanh units only (their Monte-Carlo risk)", o[name]);
  }
  const method = lazy ? "direct" : o.method === "direct" || o.method === "chain" ? o.method : cheaperMethod(d, p, k, model.batch);
  // one chain step factors the (p+k)² overlaps and cannot be interrupted: keep it under ~1 s
  if (method === "chain" && p + k > MAX_CHAIN_UNITS) {
    throw new OptionError("method", `"chain" with p + k = ${p + k} > ${MAX_CHAIN_UNITS}: each step factors a ${p + k}×${p + k} matrix (~${((COST_PER_UNIT.chain * (p + k) ** 3) / 6e9).toFixed(0)} s a step); use "direct" or "auto"`, o.method);
  }
  // the Monte-Carlo risk (tanh and user-given units, lazy training) costs mcSamples·r² per output, in one call
  const mcRisk = lazy || tanh ? (o.mcSamples ?? ODE_DEFAULTS.mcSamples) : 0;
  if (mcRisk * (p + k) ** 2 > MAX_MC_RISK_WORK) {
    throw new OptionError(o.mcSamples !== undefined ? "mcSamples" : o.kappa !== undefined ? "kappa" : "p", `makes each output's Monte-Carlo risk cost ${mcRisk} samples × (p + k)² = ${(mcRisk * (p + k) ** 2).toExponential(1)} operations, more than ${MAX_MC_RISK_WORK.toExponential(0)} (~10 s): fewer samples or units`, o.mcSamples ?? (o.kappa ?? p));
  }
  // the chain starts from the overlaps of the simulator's initial weights unless it is given overlaps
  if (method === "direct" || model.initKind !== "overlaps") checkMemory(bufferBytes({ d, p, k, batch: method === "direct" ? model.batch : 1, lazy, mcSamples: lazy || tanh ? (o.mcSamples ?? ODE_DEFAULTS.mcSamples) : 0 }), "weights", model, weightsBlame(o, model));
  const seeds = o.seeds ?? 1;
  if (model.seed + seeds - 1 > Number.MAX_SAFE_INTEGER) {
    throw new OptionError("seeds", `runs seeds ${model.seed} … ${model.seed} + ${seeds} − 1, past 2^53 − 1 (the largest exact seed): lower \`seed\` or \`seeds\``, seeds);
  }
  const outputs = (o.times?.length ?? o.points ?? DEFAULTS.points) + 1;
  const held = resultBytes(outputs, p, k, seeds);
  const room = Math.min(availableMemory() / 2, 2 ** 33);
  if (held > room) {
    const [name, value] = seeds * (outputs * 16 + 512) > outputs * (16 * (p * p + p * k + 4)) ? ["seeds", seeds] : o.times !== undefined ? ["times", `${o.times.length} times`] : ["points", o.points ?? DEFAULTS.points];
    throw new OptionError(name, `would make a result of ${(held / 2 ** 30).toFixed(2)} GiB (${outputs} outputs of Q and M, ${seeds} risk curves), more than the ${(room / 2 ** 30).toFixed(1)} GiB allowed (half of this machine's available memory, at most 8 GiB)`, value);
  }
  return {
    ...model,
    samples: outputSamples(o, pow(d, model.timeExponent)),
    backend: o.backend ?? "wasm-simd",
    method,
    seeds,
    quantiles: o.quantiles ?? [0.1, 0.5, 0.9],
    lazy,
    mcSamples: lazy || tanh ? (o.mcSamples ?? ODE_DEFAULTS.mcSamples) : 0,
    mcSeed: o.mcSeed ?? model.seed,
  };
}

/** Measured costs per unit of work (ns, wasm-simd, `npm run bench`): direct (2p + k + 8)·d, chain r³/6 + 30r. */
export const COST_PER_UNIT = { direct: 0.2, chain: 0.9 } as const;

/**
 * The cheaper exact method for (d, p, k): the direct step does ≈ (2p + k + 8)·d units of work (the fields,
 * the update and d Gaussian draws, in f64x2 SIMD), the chain step ≈ r³/6 + 30·r (a Cholesky factorisation of
 * the r×r overlaps and the r activations, scalar), r = p + k, at the measured COST_PER_UNIT of each.
 */
export function cheaperMethod(d: number, p: number, k: number, batch = 1): "direct" | "chain" {
  return costOfStep(d, p, k, "direct", batch) > costOfStep(d, p, k, "chain", batch) ? "chain" : "direct";
}

/**
 * The cost model of one SGD step of B samples (ns at COST_PER_UNIT): direct (2p + k + 8)·d·B units, chain
 * r³/6 + 30·r·B + B²·p² (r = p + k). cheaperMethod, the sweeps' cost plan and the measured ladders all use it.
 */
export function costOfStep(d: number, p: number, k: number, method: "direct" | "chain", batch = 1): number {
  const r = p + k;
  return method === "direct" ? COST_PER_UNIT.direct * batch * (2 * p + k + 8) * d : COST_PER_UNIT.chain * ((r * r * r) / 6 + batch * 30 * r + batch * batch * p * p);
}

/** Output sample counts ν_j = round(t_j/δt): the explicit `times`, or `points` log-spaced in [tMin, tMax]. */
function outputSamples(o: CommonOptions, samplesPerUnitTime: number): number[] {
  const dt = 1 / samplesPerUnitTime;
  const toSamples = (t: number) => Math.round(t * samplesPerUnitTime);
  if (o.times !== undefined) {
    for (const name of ["tMax", "tMin", "points"] as const) {
      if (o[name] !== undefined) throw new OptionError(name, "cannot be combined with `times`", o[name]);
    }
    const samples = o.times.map(toSamples);
    samples.forEach((nu, j) => {
      if (!Number.isSafeInteger(nu)) throw new OptionError(`times[${j}]`, `needs more than 2^53 samples at δt = ${dt}`, o.times![j]);
      if (nu < 1) throw new OptionError(`times[${j}]`, `is shorter than half an SGD step (δt = ${dt})`, o.times![j]);
      if (j > 0 && nu <= samples[j - 1]) {
        throw new OptionError(`times[${j}]`, `must be later than times[${j - 1}] = ${o.times![j - 1]} by at least one SGD step (δt = ${dt})`, o.times![j]);
      }
    });
    return samples;
  }
  const tMax = o.tMax ?? DEFAULTS.tMax;
  const last = toSamples(tMax);
  if (last < 1) throw new OptionError("tMax", `must be at least one SGD step (δt = ${dt})`, tMax);
  if (!Number.isSafeInteger(last)) throw new OptionError("tMax", `needs more than 2^53 samples at δt = ${dt}`, tMax);
  const tMin = o.tMin ?? Math.max(dt, tMax * TMIN_RATIO);
  if (o.tMin !== undefined && !(tMin < tMax)) throw new OptionError("tMin", `must be smaller than tMax = ${tMax}`, tMin);
  const points = o.points ?? DEFAULTS.points;
  const samples: number[] = [];
  for (let j = 0; j < points; j++) {
    const t = points === 1 ? tMax : tMin * pow(tMax / tMin, j / (points - 1));
    const nu = j === points - 1 ? last : Math.max(1, toSamples(t));
    if (nu > (samples.at(-1) ?? 0)) samples.push(nu);
  }
  return samples;
}
