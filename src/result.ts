// see: README.md (result schema) — the shape of a simulation result, written once: the TypeScript types,
// the validation of a saved result read back (`parseResult`) and the JSON Schema (`sgd-phase schema`)
// all derive from this zod schema. No numerics here.
import { z } from "zod";
import { BACKENDS, type Backend } from "./engine/engine.js";

const matrix = z.array(z.array(z.number()));

export const paramsSchema = z
  .object({
    d: z.number().int().positive().describe("input dimension d"),
    p: z.number().int().positive().describe("student hidden units p"),
    k: z.number().int().positive().describe("teacher hidden units k"),
    kappa: z.number().describe("width exponent κ (p = round(d^κ) when given; 0 when p is given: p fixed as d grows)"),
    gamma0: z.number().describe("learning-rate prefactor γ0"),
    gamma: z.number().describe("learning rate γ = γ0 · d^(−δ)"),
    delta: z.number().describe("learning-rate exponent δ"),
    noise: z.number().describe("label-noise variance Δ"),
    seed: z.number().int().describe("seed of the SGD samples"),
    initSeed: z.number().int().describe("seed of the random initial condition"),
    region: z.enum(["green", "blue", "orange", "red"]).describe("region of (κ, δ) in the phase diagram"),
    timeScale: z.enum(["region", "d"]).describe('clock: "region" (δt of the region) or "d" (δt = 1/d)'),
    timeExponent: z.number().describe("δt = d^(−timeExponent): 1 + κ + δ (green, blue), 1 + 2(κ + δ) (orange), 1 for \"d\""),
    dt: z.number().describe("time per SGD sample δt (t = ν·δt)"),
    a1: z.number().describe("drift prefactor γ/(p d δt) of the order-parameter ODEs"),
    a2: z.number().describe("variance prefactor γ²/(p² d δt) of the order-parameter ODEs"),
    init: z.enum(["random", "informed", "weights", "overlaps"]).describe("how the initial weights were made"),
    method: z.enum(["direct", "chain"]).describe("direct SGD on the weights, or the exact reduced chain on the overlaps"),
    seeds: z.number().int().positive().describe("number of seeds run (seed, seed + 1, …); their statistics are in `ensemble`"),
    backend: z.enum(BACKENDS as [Backend, ...Backend[]]).describe("where the numerics ran"),
    batch: z.number().int().positive().default(1).describe("mini-batch size B: each SGD step averages B fresh samples (t counts steps; `samples` counts samples)"),
    weightDecay: z.number().min(0).default(0).describe("weight decay λ: w_i ← (1 − γλ/(p d)) w_i + … per step"),
    aTeacher: z.array(z.number()).optional().describe("the teacher's second layer a* (k): f*(x) = (1/k) Σ_r a*_r σ(λ*_r)"),
    aInit: z.array(z.number()).optional().describe("the student's second layer at t = 0 (p)"),
    gammaA: z.number().min(0).optional().describe("learning-rate factor of the student's second layer: γ_a = gammaA·γ/d (0: fixed)"),
    activation: z.string().default("erf").describe("the students' activation: erf, relu, linear, tanh, or custom:<name> for a user-given one"),
    activationTeacher: z.string().default("erf").describe("the teachers' activation (names as for activation)"),
    lazy: z.boolean().optional().describe("lazy training: the student linearised around its initial weights W0"),
    mcSamples: z.number().int().optional().describe("lazy training: samples of the Monte-Carlo risk"),
    mcSeed: z.number().int().optional().describe("lazy training: seed of their sample set"),
  })
  .describe("every resolved value of the run");

export const ensembleSchema = z
  .object({
    seeds: z.array(z.number().int()).describe("the SGD seeds, all from the same initial condition"),
    t: z.array(z.number()).describe("the output times of the statistics: those any seed reached (longer than t when the first seed diverged)"),
    samples: z.array(z.number()).describe("SGD samples done at each of those times"),
    runs: z.array(z.number().int()).describe("seeds that reached each output time"),
    mean: z.array(z.number()).describe("mean excess risk over the seeds at each output time"),
    std: z.array(z.number()).describe("sample standard deviation of the risk"),
    se: z.array(z.number()).describe("standard error of the mean"),
    quantiles: z.object({
      levels: z.array(z.number()).describe("quantile levels"),
      values: z.array(z.array(z.number())).describe("per level, the quantile of the risk at each output time"),
    }),
    diverged: z.number().int().describe("seeds that diverged"),
    divergences: z
      .array(z.object({ seed: z.number().int(), samples: z.number(), t: z.number(), reason: z.string() }))
      .optional()
      .describe("each diverged seed and where it stopped (its curve, and the statistics after that time, leave it out: see runs)"),
    curves: z.array(z.array(z.number())).describe("the risk curve of every seed (shorter when it diverged)"),
  })
  .describe("statistics of the risk over the seeds (only with seeds > 1)");

export const divergenceSchema = z
  .object({
    samples: z.number().describe("SGD samples done when non-finite values were found (a step, or an output time)"),
    t: z.number().describe("the time of those samples"),
    reason: z.string(),
  })
  .describe("where and why the run stopped early (status \"diverged\" only)");

export const resultSchema = z
  .object({
    params: paramsSchema,
    t: z.array(z.number()).describe("output times t = ν·δt; t[0] = 0 is the initial condition"),
    samples: z.array(z.number().int()).describe("SGD samples used by each output time: ν·B after ν steps of mini-batches of B (ν when B = 1)"),
    risk: z.array(z.number()).describe("excess population risk ½E[(f* − f)²] at each output time; the noise floor Δ/2 is NOT included"),
    Q: z.array(matrix).describe("Q = WWᵀ/d at each output time (p×p)"),
    M: z.array(matrix).describe("M = WW*ᵀ/d at each output time (p×k)"),
    P: matrix.describe("P = W*W*ᵀ/d (k×k, constant)"),
    a: matrix.optional().describe("the student's second layer a (p) at each output time (when a or a* is not the paper's 1, or a is trained)"),
    R: z.array(matrix).optional().describe("lazy training: R = W W0ᵀ/d (p×p), the overlap with the initial weights, at each output time"),
    riskStandardError: z.array(z.number()).optional().describe("lazy training: the standard error of each Monte-Carlo risk"),
    status: z.enum(["ok", "diverged", "interrupted"]).describe('"diverged": the weights became non-finite; "interrupted": stopped by its signal (Ctrl-C); the arrays stop at the last output reached'),
    divergence: divergenceSchema.optional(),
    interruption: z.object({ samples: z.number(), t: z.number() }).optional().describe('where an "interrupted" run stopped (samples done; the outputs stop at the last output time before)'),
    ensemble: ensembleSchema.optional(),
    meta: z
      .object({
        version: z.string().describe("sgd-phase version"),
        elapsedMs: z.number().describe("wall-clock time of the run"),
        nsPerSample: z.number().describe("wall-clock time per SGD sample"),
      })
      .describe("how the run went (differs between runs with the same seed; everything else does not)"),
  })
  .describe("result of sgd-phase simulate");

export const odeParamsSchema = z
  .object({
    d: z.number().int().positive().describe("input dimension d (sets the clock and the finite-d prefactors)"),
    p: paramsSchema.shape.p,
    k: paramsSchema.shape.k,
    kappa: paramsSchema.shape.kappa,
    gamma0: paramsSchema.shape.gamma0,
    gamma: paramsSchema.shape.gamma,
    delta: paramsSchema.shape.delta,
    noise: paramsSchema.shape.noise,
    region: paramsSchema.shape.region,
    timeScale: paramsSchema.shape.timeScale,
    timeExponent: paramsSchema.shape.timeExponent,
    dt: z.number().describe("δt of the clock at this d (t = ν·δt for the SGD it describes)"),
    mode: z.enum(["limit", "finite-d"]).describe('"limit": the region drops the vanishing term; "finite-d": both terms at this d'),
    a1: z.number().describe("drift prefactor used (0 in orange in limit mode: M frozen)"),
    a2: z.number().describe("variance prefactor used, divided by the mini-batch size B (0 in green in limit mode)"),
    a1FiniteD: z.number().describe("γ/(p d δt) at this d"),
    a2FiniteD: z.number().describe("γ²/(p² d δt) at this d"),
    integrator: z.enum(["bdf", "dopri5", "euler"]).describe("ODE integrator"),
    rtol: z.number(),
    atol: z.number(),
    step: z.number().describe("Euler's fixed step (integrator euler)"),
    init: paramsSchema.shape.init,
    seed: paramsSchema.shape.seed,
    initSeed: paramsSchema.shape.initSeed,
    backend: paramsSchema.shape.backend,
    batch: paramsSchema.shape.batch,
    weightDecay: paramsSchema.shape.weightDecay,
    aTeacher: paramsSchema.shape.aTeacher,
    aInit: paramsSchema.shape.aInit,
    gammaA: paramsSchema.shape.gammaA,
    activation: paramsSchema.shape.activation,
    activationTeacher: paramsSchema.shape.activationTeacher,
    psi: z.enum(["closed-form", "monte-carlo"]).default("closed-form").describe("how ψ was evaluated"),
    mcSamples: z.number().int().optional().describe("Monte-Carlo ψ: the size of its fixed sample set"),
    mcSeed: z.number().int().optional().describe("Monte-Carlo ψ: the seed of its sample set"),
  })
  .describe("every resolved value of the integration");

export const odeResultSchema = z
  .object({
    params: odeParamsSchema,
    t: resultSchema.shape.t,
    risk: resultSchema.shape.risk,
    Q: resultSchema.shape.Q,
    M: resultSchema.shape.M,
    P: resultSchema.shape.P,
    a: resultSchema.shape.a,
    monteCarlo: z
      .object({
        samples: z.number().int(),
        seed: z.number().int(),
        standardError: z.object({ start: z.number(), end: z.number() }).describe("RMS over the components of the standard error of ψ, at the first and the last output"),
        relativeError: z.object({ start: z.number(), end: z.number() }).describe("‖standard error of ψ‖/‖ψ‖ at the first and the last output (large near a fixed point, where ψ → 0)"),
      })
      .optional()
      .describe("Monte-Carlo ψ: its sample set and its statistical error"),
    status: z.enum(["ok", "diverged", "interrupted"]).describe('"diverged": a blow-up or a step-size underflow; "interrupted": stopped by its signal; the arrays stop at the last output reached'),
    failure: z
      .object({
        t: z.number().describe("last time reached"),
        quantity: z.string().optional().describe("the order parameter that became non-finite, e.g. Q[0][2]"),
        reason: z.string(),
      })
      .optional(),
    stats: z
      .object({
        steps: z.number(),
        rejected: z.number(),
        rhsEvaluations: z.number().describe("evaluations of ψ, Jacobians included"),
        jacobians: z.number(),
        factorizations: z.number(),
      })
      .describe("work done by the integrator"),
    meta: z.object({ version: z.string(), elapsedMs: z.number() }),
  })
  .describe("result of sgd-phase ode");

export type OdeResult = z.infer<typeof odeResultSchema>;
export type SimulationParams = z.infer<typeof paramsSchema>;
export type Divergence = z.infer<typeof divergenceSchema>;
export type SimulationResult = z.infer<typeof resultSchema>;

/** A saved result read back (JSON text or parsed object), checked against the schema; throws on mismatch. */
export function parseResult(input: string | unknown): SimulationResult {
  const data = typeof input === "string" ? JSON.parse(input) : input;
  const parsed = resultSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`not an sgd-phase result: at \`${issue.path.join(".") || "(root)"}\`: ${issue.message}`);
  }
  const problem = consistencyProblem(parsed.data);
  if (problem) throw new TypeError(`not a consistent sgd-phase result: ${problem}`);
  return parsed.data;
}

/** The first way in which a result's arrays disagree with each other or with its parameters (undefined: none). */
function consistencyProblem(r: SimulationResult): string | undefined {
  const n = r.t.length;
  const { p, k } = r.params;
  for (const [name, array] of [["samples", r.samples], ["risk", r.risk], ["Q", r.Q], ["M", r.M]] as const) {
    if (array.length !== n) return `\`${name}\` has ${array.length} entries for ${n} output times`;
  }
  for (let j = 1; j < n; j++) {
    if (!(r.t[j] > r.t[j - 1])) return `\`t[${j}]\` = ${r.t[j]} is not later than t[${j - 1}] = ${r.t[j - 1]}`;
    if (!(r.samples[j] >= r.samples[j - 1])) return `\`samples[${j}]\` = ${r.samples[j]} is fewer than samples[${j - 1}]`;
  }
  // rounding leaves an excess risk near 0 a few ulp either side (an ODE's, ~1e-12 below); below that it is wrong
  const negative = r.risk.findIndex((v) => !(v >= -1e-9));
  if (negative >= 0) return `\`risk[${negative}]\` = ${r.risk[negative]} (an excess risk is ≥ 0, up to rounding)`;
  const shape = (m: number[][], rows: number, cols: number) => m.length === rows && m.every((row) => row.length === cols);
  const badQ = r.Q.findIndex((m) => !shape(m, p, p));
  if (badQ >= 0) return `\`Q[${badQ}]\` is not ${p}×${p} (params.p = ${p})`;
  const badM = r.M.findIndex((m) => !shape(m, p, k));
  if (badM >= 0) return `\`M[${badM}]\` is not ${p}×${k}`;
  if (!shape(r.P, k, k)) return `\`P\` is not ${k}×${k} (params.k = ${k})`;
  if (r.status === "diverged" && !r.divergence) return "status \"diverged\" without `divergence`";
  return undefined;
}

/** The JSON Schema (draft 2020-12) of a result. */
export function resultJsonSchema(): object {
  return z.toJSONSchema(resultSchema);
}
