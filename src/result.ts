// see: README.md (result schema) — the shape of a simulation result, written once: the TypeScript types,
// the validation of a saved result read back (`parseResult`) and the JSON Schema (`sgd-phase schema`)
// all derive from this zod schema. No numerics here.
import { z } from "zod";
import { BACKENDS, type Backend } from "./engine.js";

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
    backend: z.enum(BACKENDS as [Backend, ...Backend[]]).describe("where the numerics ran"),
  })
  .describe("every resolved value of the run");

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
    samples: z.array(z.number().int()).describe("SGD samples ν at each output time"),
    risk: z.array(z.number()).describe("excess population risk ½E[(f* − f)²] at each output time; the noise floor Δ/2 is NOT included"),
    Q: z.array(matrix).describe("Q = WWᵀ/d at each output time (p×p)"),
    M: z.array(matrix).describe("M = WW*ᵀ/d at each output time (p×k)"),
    P: matrix.describe("P = W*W*ᵀ/d (k×k, constant)"),
    status: z.enum(["ok", "diverged"]).describe('"diverged": the weights became non-finite; the arrays stop at the last finite output'),
    divergence: divergenceSchema.optional(),
    meta: z
      .object({
        version: z.string().describe("sgd-phase version"),
        elapsedMs: z.number().describe("wall-clock time of the run"),
        nsPerSample: z.number().describe("wall-clock time per SGD sample"),
      })
      .describe("how the run went (differs between runs with the same seed; everything else does not)"),
  })
  .describe("result of sgd-phase simulate");

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
  return parsed.data;
}

/** The JSON Schema (draft 2020-12) of a result. */
export function resultJsonSchema(): object {
  return z.toJSONSchema(resultSchema);
}
