// Issue 13: the fuzz suite (fast-check). Over the option space of simulate, solveOde, phasePoint, sweep specs and
// parseResult: every input is either refused with an OptionError naming an option that exists (or a TypeError for
// parseResult), or runs to a finite result / "diverged" / "interrupted" status in bounded time (an AbortSignal
// stops any run after BUDGET_MS). A fixed seed and a few hundred cases in CI; `npm run fuzz` runs more
// (FUZZ_RUNS, FUZZ_SEED; FUZZ_TALLY=1 prints how the simulate cases ended, FUZZ_LOG=file logs their options).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { OptionError, parseResult, phasePoint, simulate, solveOde } from "../../src/index.js";
import { expandSpec, validateSpec } from "../../src/jobs/sweep.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const BUDGET_MS = 1500;
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };
/** Each case ends within BUDGET_MS (+ its set-up): the test's own time limit follows from that. */
const TIMEOUT = RUNS * (BUDGET_MS + 500) + 30_000;

/** The options of each entry point (the documented interfaces): an OptionError must name one of these. */
const SIMULATE_OPTIONS = [
  "d", "p", "kappa", "k", "gamma0", "delta", "noise", "tMax", "tMin", "points", "times", "timeScale", "seed", "initSeed", "init",
  "batch", "weightDecay", "aTeacher", "aInit", "gammaA", "activation", "activationTeacher", "method", "seeds", "quantiles",
  "backend", "onProgress", "signal", "onOutput", "lazy", "mcSamples", "mcSeed", "options",
];
const ODE_OPTIONS = [...SIMULATE_OPTIONS.filter((o) => !["method", "seeds", "quantiles", "onOutput", "lazy"].includes(o)), "mode", "integrator", "rtol", "atol", "step", "psi", "lazy"];
const PHASE_OPTIONS = ["d", "kappa", "delta", "k", "gamma0", "noise", "tEnd", "budget", "samplesFixed", "seed", "points", "ode", "odeMaxP", "backend", "batch", "weightDecay", "aTeacher", "aInit", "gammaA", "activation", "activationTeacher", "options"];

const rootOf = (option: string) => option.split(/[.[]/)[0];

/** Numbers a careless or hostile user types: small sane values, edges, huge, negative, non-integers, NaN. */
const anyNumber = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 64 }) },
  { weight: 2, arbitrary: fc.double({ min: -2, max: 2, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 0.5, 1e-300, 1e15, 1e308, 2 ** 53, Infinity, -Infinity, NaN, -0) },
);
const anyValue = fc.oneof({ weight: 6, arbitrary: anyNumber }, { weight: 1, arbitrary: fc.constantFrom("abc", "", null, true, [], {}, [1, 2], "chain") });

/** Options drawn mostly from small sane ranges (runs stay cheap), with wild values and unknown keys mixed in. */
function optionsOf(sane: Record<string, fc.Arbitrary<unknown>>, extraKeys: string[]): fc.Arbitrary<Record<string, unknown>> {
  // about half the cases are all-sane (they run); the others carry a wild value or an unknown key
  const entries = Object.fromEntries(Object.entries(sane).map(([key, arb]) => [key, fc.oneof({ weight: 30, arbitrary: arb }, { weight: 1, arbitrary: anyValue })]));
  const extra = fc.oneof({ weight: 9, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...extraKeys), anyValue, { minKeys: 1, maxKeys: 1 }) });
  return fc.tuple(fc.record(entries, { requiredKeys: [] }), extra, fc.boolean()).map(([a, b, keepKappa]) => {
    const o: Record<string, unknown> = { ...a, ...b };
    // p and κ exclude each other (a case of its own in the limits tests): keep one of them
    if ("p" in o && "kappa" in o) delete o[keepKappa ? "p" : "kappa"];
    return o;
  });
}

const model = {
  d: fc.integer({ min: 1, max: 300 }),
  p: fc.integer({ min: 1, max: 6 }),
  k: fc.integer({ min: 1, max: 4 }),
  kappa: fc.double({ min: 0, max: 0.3, noNaN: true }),
  gamma0: fc.double({ min: 1e-3, max: 50, noNaN: true }),
  delta: fc.double({ min: -1.5, max: 1.5, noNaN: true }),
  noise: fc.constantFrom(0, 1e-3, 0.1),
  tMax: fc.double({ min: 1e-3, max: 20, noNaN: true }),
  points: fc.integer({ min: 1, max: 8 }),
  seed: fc.integer({ min: 0, max: 1000 }),
  timeScale: fc.constantFrom("region", "d"),
  activation: fc.constantFrom("erf", "relu", "linear", "tanh"),
  batch: fc.integer({ min: 1, max: 4 }),
  weightDecay: fc.constantFrom(0, 0.1),
};

/** Runs fn with an AbortSignal that fires after BUDGET_MS; returns its result or its error. */
async function bounded<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), BUDGET_MS);
  try {
    return { value: await fn(controller.signal) };
  } catch (error) {
    return { error };
  } finally {
    clearTimeout(timer);
  }
}

function expectRefusedByName(error: unknown, known: string[], input: Record<string, unknown>): void {
  expect(error, String(error)).toBeInstanceOf(OptionError);
  const root = rootOf((error as OptionError).option);
  expect(known.includes(root) || root in input, `OptionError names \`${(error as OptionError).option}\`, not an option`).toBe(true);
}

const tally: string[] = [];

describe("fuzz: every input is refused by name or runs to an honest end", () => {
  it("simulate", async () => {
    await fc.assert(
      fc.asyncProperty(optionsOf({ ...model, method: fc.constantFrom("direct", "chain", "auto"), seeds: fc.integer({ min: 1, max: 4 }) }, ["tend", "Seeds", "dim"]), async (o) => {
        if (process.env.FUZZ_LOG) (await import("node:fs")).appendFileSync(process.env.FUZZ_LOG, JSON.stringify(o) + "\n");
        const { value, error } = await bounded((signal) => simulate({ ...o, signal } as never));
        tally.push(error !== undefined ? "refused" : value!.status);
        if (error !== undefined) return expectRefusedByName(error, SIMULATE_OPTIONS, o);
        expect(["ok", "diverged", "interrupted"]).toContain(value!.status);
        expect(value!.risk.every(Number.isFinite)).toBe(true);
        expect(value!.Q.flat(2).every(Number.isFinite)).toBe(true);
        expect(() => parseResult(JSON.parse(JSON.stringify(value)))).not.toThrow();
      }),
      params,
    );
    if (process.env.FUZZ_TALLY) console.log("simulate", tally.reduce((m: Record<string, number>, v) => ((m[v] = (m[v] ?? 0) + 1), m), {}));
  }, TIMEOUT);

  it("solveOde", async () => {
    await fc.assert(
      fc.asyncProperty(optionsOf({ ...model, mode: fc.constantFrom("limit", "finite-d"), integrator: fc.constantFrom("bdf", "dopri5", "euler"), rtol: fc.constantFrom(1e-4, 1e-8) }, ["method", "tEnd"]), async (o) => {
        const { value, error } = await bounded((signal) => solveOde({ ...o, signal } as never));
        if (error !== undefined) return expectRefusedByName(error, ODE_OPTIONS, o);
        expect(["ok", "diverged", "interrupted"]).toContain(value!.status);
        expect(value!.risk.every(Number.isFinite)).toBe(true);
        expect(value!.t.length).toBe(value!.risk.length);
        if (value!.status !== "ok") expect(value!.failure?.reason).toBeTruthy();
      }),
      params,
    );
  }, TIMEOUT);

  it("phasePoint", async () => {
    const sane = { d: fc.integer({ min: 2, max: 200 }), kappa: model.kappa, delta: model.delta, k: model.k, tEnd: fc.constantFrom(1, 10), budget: fc.integer({ min: 100, max: 20000 }), samplesFixed: fc.integer({ min: 1, max: 1000 }), points: fc.integer({ min: 2, max: 6 }), ode: fc.boolean() };
    await fc.assert(
      fc.asyncProperty(optionsOf(sane, ["tend", "seeds"]), async (o) => {
        // phasePoint has no signal: its budget bounds it (a wild budget is a refused option or small here)
        if (typeof o.budget === "number" && o.budget > 1e5) o.budget = 1e5;
        const { value, error } = await bounded(() => phasePoint({ d: 50, kappa: 0, delta: 0, ...o } as never));
        if (error !== undefined) return expectRefusedByName(error, PHASE_OPTIONS, o);
        expect(Number.isFinite(value!.risk0)).toBe(true);
        expect(value!.diverged || Number.isFinite(value!.riskEnd)).toBe(true);
      }),
      { ...params, numRuns: Math.max(10, Math.round(RUNS / 3)) },
    );
  }, TIMEOUT);

  it("sweep specs", () => {
    const spec = fc.record(
      {
        kind: fc.oneof(fc.constantFrom("simulate", "ode", "phase", "measure"), anyValue),
        base: fc.oneof(fc.dictionary(fc.constantFrom("d", "tMax", "p", "x"), anyValue, { maxKeys: 2 }), anyValue),
        grid: fc.oneof(fc.dictionary(fc.constantFrom("d", "seed", "delta"), fc.oneof(fc.array(anyValue, { maxLength: 3 }), anyValue), { maxKeys: 2 }), anyValue),
        points: fc.oneof(fc.array(fc.oneof(fc.dictionary(fc.constantFrom("d", "kappa", "delta", "tMax"), anyValue, { maxKeys: 2 }), anyValue), { maxLength: 3 }), anyValue),
        extra: anyValue,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(spec, (s) => {
        try {
          validateSpec(s as never, expandSpec(s as never));
        } catch (error) {
          expect(error, String(error)).toBeInstanceOf(OptionError);
          expect((error as OptionError).option).toMatch(/^spec(\.|\[|$)/);
        }
      }),
      { ...params, numRuns: RUNS * 5 },
    );
  });

  it("parseResult", async () => {
    const valid = JSON.parse(JSON.stringify(await simulate({ d: 30, p: 2, k: 1, tMax: 1, points: 3, seeds: 2 })));
    const paths = ["t", "samples", "risk", "Q", "M", "P", "status", "params.p", "params.k", "ensemble.mean", "meta"];
    const mutation = fc.record({ path: fc.constantFrom(...paths), value: fc.oneof(anyValue, fc.array(anyValue, { maxLength: 5 }), fc.constant(undefined)) });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const r = structuredClone(valid);
        for (const { path, value } of mutations) {
          const keys = path.split(".");
          const parent = keys.slice(0, -1).reduce((o: Record<string, unknown>, k) => o[k] as Record<string, unknown>, r);
          parent[keys.at(-1)!] = value;
        }
        let parsed;
        try {
          parsed = parseResult(r);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          return;
        }
        // accepted: then it is consistent
        const n = parsed.t.length;
        for (const a of [parsed.samples, parsed.risk, parsed.Q, parsed.M]) expect(a.length).toBe(n);
        expect(parsed.Q.every((m) => m.length === parsed.params.p)).toBe(true);
      }),
      { ...params, numRuns: RUNS * 5 },
    );
  });
});
