// see: README.md (browser) — the explorer's parameters: their defaults, the shareable URL (query string) and
// the options of simulate / solveOde / phasePoint they become. Pure: no DOM, tested in Node.
import { ACTIVATIONS, type ActivationName, type OdeOptions, type SimulateOptions } from "../validate.js";
import { regionOf, type Region } from "../regions.js";
import { axis, parseAxisText } from "../phase/phase.js";

/** How the student width is given: p directly (κ = 0, p fixed as d grows) or κ with p = round(d^κ). */
export type SizeMode = "p" | "kappa";
export type RunMethod = "auto" | "direct" | "chain" | "ode";

/** One run of the explorer, in the paper's notation (names = API option names). */
export interface RunParams {
  d: number;
  size: SizeMode;
  p: number;
  kappa: number;
  k: number;
  /** null: the API's default γ0 = p */
  gamma0: number | null;
  delta: number;
  noise: number;
  seed: number;
  tMax: number;
  points: number;
  method: RunMethod;
  /** draw the ODE with the simulation (not in red) */
  ode: boolean;
  /** which terms the ODE keeps */
  mode: "finite-d" | "limit";
  /** extensions (README: extensions): activations, mini-batch size, weight decay */
  activation: ActivationName;
  activationTeacher: ActivationName;
  batch: number;
  weightDecay: number;
}

export const RUN_DEFAULTS: RunParams = {
  d: 1000,
  size: "p",
  p: 8,
  kappa: 0.3,
  k: 4,
  gamma0: null,
  delta: 0,
  noise: 1e-3,
  seed: 0,
  tMax: 100,
  points: 40,
  method: "auto",
  ode: true,
  mode: "finite-d",
  activation: "erf",
  activationTeacher: "erf",
  batch: 1,
  weightDecay: 0,
};

/** The coarse sweep of the page: a grid of the (κ, δ) plane, one phase point each. */
export interface SweepParams {
  d: number;
  k: number;
  gamma0: number;
  noise: number;
  kappa: string;
  delta: string;
  tEnd: number;
  budget: number;
}

export const SWEEP_DEFAULTS: SweepParams = { d: 100, k: 1, gamma0: 1, noise: 1e-3, kappa: "0:1:5", delta: "-1:1:5", tEnd: 10, budget: 2e5 };

const NUMBER_KEYS = ["d", "p", "kappa", "k", "delta", "noise", "seed", "tMax", "points", "batch", "weightDecay"] as const;

/** The query string of a run (every parameter, so a link reproduces it whatever the defaults become). */
export function toQuery(r: RunParams): string {
  const q = new URLSearchParams();
  q.set("d", String(r.d));
  if (r.size === "p") q.set("p", String(r.p));
  else q.set("kappa", String(r.kappa));
  for (const key of ["k", "delta", "noise", "seed", "tMax", "points"] as const) q.set(key, String(r[key]));
  if (r.gamma0 !== null) q.set("gamma0", String(r.gamma0));
  q.set("method", r.method);
  q.set("ode", r.ode ? "1" : "0");
  q.set("mode", r.mode);
  // the extensions only when they differ from the paper's model (short links for the paper's runs)
  if (r.activation !== "erf") q.set("activation", r.activation);
  if (r.activationTeacher !== r.activation) q.set("activationTeacher", r.activationTeacher);
  if (r.batch !== 1) q.set("batch", String(r.batch));
  if (r.weightDecay !== 0) q.set("weightDecay", String(r.weightDecay));
  return q.toString();
}

/**
 * The run a query string describes, over the defaults. Unknown keys are ignored; a value that is not a number
 * where one is expected is reported (name and value) and the default kept — the page shows the messages.
 */
export function fromQuery(query: string): { params: RunParams; problems: string[] } {
  const q = new URLSearchParams(query);
  const params: RunParams = { ...RUN_DEFAULTS };
  const problems: string[] = [];
  for (const key of NUMBER_KEYS) {
    const text = q.get(key);
    if (text === null) continue;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value)) problems.push(`${key} must be a finite number (got "${text}")`);
    else params[key] = value;
  }
  if (q.has("kappa") && !q.has("p")) params.size = "kappa";
  const gamma0 = q.get("gamma0");
  if (gamma0 !== null && gamma0 !== "") {
    const value = Number(gamma0);
    if (Number.isFinite(value)) params.gamma0 = value;
    else problems.push(`gamma0 must be a finite number (got "${gamma0}")`);
  }
  const method = q.get("method");
  if (method !== null) {
    if (["auto", "direct", "chain", "ode"].includes(method)) params.method = method as RunMethod;
    else problems.push(`method must be auto, direct, chain or ode (got "${method}")`);
  }
  const ode = q.get("ode");
  if (ode !== null) params.ode = ode !== "0" && ode !== "false";
  const mode = q.get("mode");
  if (mode !== null) {
    if (mode === "finite-d" || mode === "limit") params.mode = mode;
    else problems.push(`mode must be finite-d or limit (got "${mode}")`);
  }
  for (const key of ["activation", "activationTeacher"] as const) {
    const value = q.get(key);
    if (value === null) continue;
    if ((ACTIVATIONS as readonly string[]).includes(value)) params[key] = value as ActivationName;
    else problems.push(`${key} must be one of ${ACTIVATIONS.join(", ")} (got "${value}")`);
  }
  if (!q.has("activationTeacher")) params.activationTeacher = params.activation;
  return { params, problems };
}

/** κ of a run as the API reads it: given, or 0 when p is (p fixed as d grows, the paper's code). */
export function kappaOf(r: RunParams): number {
  return r.size === "kappa" ? r.kappa : 0;
}

/** The region of a run (of its κ as the API reads it). */
export function regionOfRun(r: RunParams): Region {
  return regionOf(kappaOf(r), r.delta);
}

/** The options of `simulate` for a run. */
export function simulateOptions(r: RunParams): SimulateOptions {
  return {
    d: r.d,
    ...(r.size === "p" ? { p: r.p } : { kappa: r.kappa }),
    k: r.k,
    ...(r.gamma0 !== null ? { gamma0: r.gamma0 } : {}),
    delta: r.delta,
    noise: r.noise,
    seed: r.seed,
    tMax: r.tMax,
    points: r.points,
    method: r.method === "ode" ? "auto" : r.method,
    ...extensionsOf(r),
    ...(regionOfRun(r) === "red" ? { timeScale: "d" as const } : {}),
  };
}

/** The options of `solveOde` for a run: the same model, initial condition (from the seed) and output times. */
export function odeOptions(r: RunParams): OdeOptions {
  const { d, p, kappa, k, gamma0, delta, noise, seed, tMax, points } = simulateOptions(r);
  const model = Object.fromEntries(Object.entries({ d, p, kappa, k, gamma0, delta, noise, seed, tMax, points }).filter(([, v]) => v !== undefined));
  return { ...model, mode: r.mode, ...extensionsOf(r) };
}

/** The extensions' options of a run, only those that differ from the paper's model (so its runs keep their options). */
function extensionsOf(r: RunParams): Pick<SimulateOptions, "activation" | "activationTeacher" | "batch" | "weightDecay"> {
  return {
    ...(r.activation !== "erf" || r.activationTeacher !== "erf" ? { activation: r.activation, activationTeacher: r.activationTeacher } : {}),
    ...(r.batch !== 1 ? { batch: r.batch } : {}),
    ...(r.weightDecay !== 0 ? { weightDecay: r.weightDecay } : {}),
  };
}

/** The values of an axis typed in the page ("from:to:count" or "a,b,c"), at most 50; throws naming the field. */
export function axisValues(name: string, text: string): number[] {
  let values: number[];
  try {
    values = axis(parseAxisText(text));
  } catch (error) {
    throw new Error(`${name} ${(error as Error).message} (got "${text}")`);
  }
  if (values.length > 50) throw new Error(`${name} must have at most 50 values (got ${values.length})`);
  return values;
}
