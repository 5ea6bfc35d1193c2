// Two seeds of the reduced chain at once, one per f64x2 lane (assembly/chainpair.ts, src/chainpair.ts): each
// seed's numbers must be those of a one-seed run, bit for bit — Ω, generator, rank, samples and status of the
// kernel, and every curve, overlap and divergence of simulate — also with a zero pivot in one lane only, a
// divergence in one lane only, and every extension the chain has; and seed twins (one-seed runs from their own
// initial conditions, as figures and sweeps run their seeds) paired by simulateTwins and by sweeps.
import { describe, expect, it } from "vitest";
import { createEngine, setSlot, slotValue, type Engine } from "../src/engine/engine.js";
import { Activation, PairSlot, Slot, Status, Stream } from "../src/shared/layout.js";
import { simulate } from "../src/simulate.js";
import { simulateTwins, swapSeeds, twinKey } from "../src/chainpair.js";
import type { SimulateOptions } from "../src/validate.js";
import type { SimulationResult } from "../src/result.js";
import { sweep, twinUnits, type SweepSpec } from "../src/jobs/sweep.js";
import { runJob, twinKeyOf, type SimulationSummary } from "../src/jobs/tasks.js";

const P = 6, K = 3, R = P + K;

/** Ω of the simulator's initial weights at d = 2000 (full rank). */
async function startOmega(): Promise<Float64Array> {
  const start = await simulate({ d: 2000, p: P, k: K, times: [1e-3], seed: 5, method: "direct" });
  const omega = new Float64Array(R * R);
  for (let a = 0; a < R; a++) {
    for (let b = 0; b < R; b++) {
      omega[a * R + b] = a < P && b < P ? start.Q[0][a][b] : a < P ? start.M[0][a][b - P] : b < P ? start.M[0][b][a - P] : start.P[a - P][b - P];
    }
  }
  return omega;
}

/** Ω with student 1 a copy of student 0: rank R − 1, a zero pivot at j = 1 that SGD keeps (both move alike). */
function twinned(omega: Float64Array): Float64Array {
  const o = omega.slice();
  for (let b = 0; b < R; b++) o[1 * R + b] = o[0 * R + b];
  for (let a = 0; a < R; a++) o[a * R + 1] = o[a * R + 0];
  o[1 * R + 1] = o[0];
  return o;
}

function configure(e: Engine, model: { gamma: number; activation: Activation; weightDecay: number; gammaA: number }): void {
  setSlot(e, Slot.GAMMA, model.gamma);
  setSlot(e, Slot.NOISE, 1e-3);
  setSlot(e, Slot.ACT_STUDENT, model.activation);
  setSlot(e, Slot.ACT_TEACHER, model.activation);
  setSlot(e, Slot.WEIGHT_DECAY, model.weightDecay);
  setSlot(e, Slot.GAMMA_A, model.gammaA);
}

/** The state a seed's run leaves: Ω, a, the generator's words, samples, status, rank (of the header's seed). */
function stateOf(e: Engine): { omega: number[]; a: number[]; rng: number[]; samples: number; status: number; rank: number } {
  const { f64, layout } = e;
  return {
    omega: Array.from(f64.subarray(layout.omega / 8, layout.omega / 8 + R * R)),
    a: Array.from(f64.subarray(layout.a / 8, layout.a / 8 + P)),
    rng: Array.from(new Uint32Array(f64.buffer, layout.rng, 8)),
    samples: slotValue(e, Slot.SAMPLES),
    status: slotValue(e, Slot.STATUS),
    rank: slotValue(e, Slot.RANK),
  };
}

const MODELS = {
  "the paper's model": { gamma: P, activation: Activation.ERF, weightDecay: 0, gammaA: 0 },
  "weight decay and a trained second layer": { gamma: P, activation: Activation.ERF, weightDecay: 0.3, gammaA: 0.5 },
  "ReLU units": { gamma: 2, activation: Activation.RELU, weightDecay: 0, gammaA: 0 },
};

/** One-seed runs of `steps` steps from each Ω of `model` at dimension d, then a two-seed engine at the same start. */
async function twoStarts(model: Parameters<typeof configure>[1], omegas: Float64Array[], seeds: number[], steps: number, d = 100) {
  const singles = await Promise.all(
    [0, 1].map(async (i) => {
      const e = await createEngine("wasm-simd", { kind: "chain", d, p: P, k: K });
      configure(e, model);
      e.f64.set(omegas[i], e.layout.omega / 8);
      e.seed(seeds[i], Stream.SGD);
      const status = e.chainRun(steps);
      return { status, state: stateOf(e) };
    }),
  );
  const pair = await createEngine("wasm-simd", { kind: "chain", d, p: P, k: K, pair: true });
  configure(pair, model);
  pair.f64.set(omegas[1], pair.layout.omega / 8);
  pair.seed(seeds[1], Stream.SGD);
  swapSeeds(pair);
  pair.f64.set(omegas[0], pair.layout.omega / 8);
  pair.seed(seeds[0], Stream.SGD);
  return { singles, pair };
}

describe("two seeds of the chain at once (chainRunPair)", () => {
  it.each(Object.entries(MODELS))("leave each seed where a one-seed run leaves it, bit for bit, with a zero pivot in one lane (%s)", async (_name, model) => {
    const omega = await startOmega();
    const { singles, pair } = await twoStarts(model, [omega, twinned(omega)], [11, 12], 1500, 500);
    expect(singles.map((s) => s.status)).toEqual([Status.OK, Status.OK]);
    expect(singles[0].state.rank).toBe(R);
    expect(singles[1].state.rank).toBe(R - 1);
    for (const steps of [1, 499, 1000]) expect(pair.chainRunPair(steps)).toBe(Status.OK); // split into calls: the same
    expect(stateOf(pair)).toEqual(singles[0].state);
    swapSeeds(pair);
    expect(stateOf(pair)).toEqual(singles[1].state);
  });

  it("stop a seed whose fields are NaN where a one-seed run stops it, while the other completes its step", async () => {
    const omega = await startOmega();
    // a NaN off the diagonal: the diagonal check passes, the factor and the fields turn NaN after the step's draws
    const broken = omega.slice();
    broken[0 * R + 1] = NaN;
    const { singles, pair } = await twoStarts(MODELS["the paper's model"], [omega, broken], [3, 4], 500);
    expect(singles.map((s) => s.status)).toEqual([Status.OK, Status.DIVERGED]);
    expect(singles[1].state.samples).toBe(0);
    expect(pair.chainRunPair(500)).toBe(Status.DIVERGED);
    swapSeeds(pair);
    expect(stateOf(pair)).toEqual(singles[1].state);
    swapSeeds(pair);
    // the other did the step on which the second diverged, and no more; then it goes on alone
    expect(slotValue(pair, Slot.SAMPLES)).toBe(1);
    expect(slotValue(pair, Slot.STATUS)).toBe(Status.OK);
    expect(pair.chainRun(499)).toBe(Status.OK);
    expect(stateOf(pair)).toEqual(singles[0].state);
  });

  it("stop a seed whose Ω overflows before the step's draws, as a one-seed run does, and the other before that step too", async () => {
    const omega = await startOmega();
    // linear units far beyond stability: Ω·10²⁵⁰ overflows to ∞ within a few dozen steps (its diagonal: DIVERGED,
    // no draw); from Ω the same happens later
    const linear = { gamma: 400, activation: Activation.LINEAR, weightDecay: 0, gammaA: 0 };
    const { singles, pair } = await twoStarts(linear, [omega.map((v) => v * 1e250), omega], [4, 4], 2000);
    expect(singles.map((s) => s.status)).toEqual([Status.DIVERGED, Status.DIVERGED]);
    const [stopA, stopB] = singles.map((s) => s.state.samples);
    expect(stopA).toBeGreaterThan(10);
    expect(stopA).toBeLessThan(stopB);
    expect(singles[0].state.omega.some((v) => !Number.isFinite(v))).toBe(true);
    expect(pair.chainRunPair(2000)).toBe(Status.DIVERGED);
    expect(stateOf(pair)).toEqual(singles[0].state);
    swapSeeds(pair);
    expect(slotValue(pair, Slot.SAMPLES)).toBe(stopA);
    expect(slotValue(pair, Slot.STATUS)).toBe(Status.OK);
    expect(pair.chainRun(2000 - stopA)).toBe(Status.DIVERGED);
    expect(stateOf(pair)).toEqual(singles[1].state);
  });

  it("run in the wasm-simd build only", async () => {
    for (const backend of ["wasm-scalar", "js"] as const) {
      const e = await createEngine(backend, { kind: "chain", d: 100, p: P, k: K, pair: true });
      expect(() => e.chainRunPair(1)).toThrow(/wasm-simd build only/);
    }
  });
});

describe("simulate with seeds > 1 on the chain (two seeds at once)", () => {
  /** The ensemble of `seeds` seeds against the same seeds run one by one (same initial condition). */
  async function againstOneByOne(options: SimulateOptions) {
    const all = await simulate({ ...options, method: "chain", backend: "wasm-simd" });
    const ones = [];
    for (let i = 0; i < options.seeds!; i++) {
      ones.push(await simulate({ ...options, method: "chain", backend: "wasm-simd", seeds: 1, seed: options.seed! + i, initSeed: options.seed!, ...(options.activation === "tanh" ? { mcSeed: options.seed! } : {}) }));
    }
    return { all, ones };
  }

  it.each<[string, SimulateOptions]>([
    ["the paper's model", {}],
    ["weight decay and a trained second layer", { weightDecay: 0.2, gammaA: 0.5 }],
    ["ReLU units", { activation: "relu", gamma0: 2 }],
    ["tanh units (Monte-Carlo risk)", { activation: "tanh" }],
  ])("gives each seed's one-seed curve, bit for bit, with an odd number of seeds (%s)", async (_name, extra) => {
    const { all, ones } = await againstOneByOne({ d: 400, p: P, k: K, tMax: 5, points: 6, seeds: 3, seed: 40, ...extra });
    expect(all.ensemble!.curves).toEqual(ones.map((o) => o.risk));
    expect(all.Q).toEqual(ones[0].Q);
    expect(all.M).toEqual(ones[0].M);
    if (extra.gammaA) expect(all.a).toEqual(ones[0].a);
    expect(all.ensemble!.diverged).toBe(0);
  });

  it("records each seed's divergence as a one-seed run does (linear units, seeds diverging at different steps)", async () => {
    const { all, ones } = await againstOneByOne({ d: 100, p: 8, k: 4, activation: "linear", gamma0: 200, tMax: 400, seeds: 5, seed: 3 });
    const samples = ones.map((o) => o.divergence?.samples);
    expect(samples.every((s) => s !== undefined)).toBe(true);
    expect(new Set(samples).size).toBeGreaterThan(1); // not all at the same step: one lane goes on alone
    expect(all.ensemble!.divergences).toEqual(ones.map((o) => ({ seed: o.params.seed, ...o.divergence })));
    expect(all.ensemble!.curves).toEqual(ones.map((o) => o.risk));
  });

  it("stops both seeds of a pair when interrupted, each with a prefix of its full curve", async () => {
    const options: SimulateOptions = { d: 1000, p: P, k: K, tMax: 1000, points: 40, seeds: 2, seed: 7, method: "chain", backend: "wasm-simd" };
    const full = await simulate(options);
    const controller = new AbortController();
    let outputs = 0;
    const cut = await simulate({
      ...options,
      signal: controller.signal,
      onOutput: () => {
        if (++outputs === 10) controller.abort();
      },
    });
    expect(cut.status).toBe("interrupted");
    const curves = cut.ensemble!.curves;
    expect(curves).toHaveLength(2);
    curves.forEach((curve, i) => {
      expect(curve.length).toBeLessThan(full.ensemble!.curves[i].length);
      expect(curve).toEqual(full.ensemble!.curves[i].slice(0, curve.length));
    });
  }, 60_000);
});

describe("seed twins: one-seed runs that differ only in seed, run as a pair (simulateTwins, sweeps)", () => {
  /** A result without its timing (meta): what must equal the one-seed run's. */
  const numbers = ({ meta: _meta, ...rest }: SimulationResult) => rest;

  it.each<[string, SimulateOptions]>([
    ["the paper's model, random starts", {}],
    ["informed starts (teachers of their own seeds)", { init: { A: Array.from({ length: P }, (_, i) => Array.from({ length: K }, (_, r) => (i % K === r ? 0.5 : 0.1))) } }],
    ["weight decay and a trained second layer", { weightDecay: 0.2, gammaA: 0.5 }],
    ["tanh units, one Monte-Carlo sample set", { activation: "tanh", mcSeed: 9 }],
  ])("give each seed's own run, bit for bit, from its own initial condition (%s)", async (_name, extra) => {
    const base: SimulateOptions = { d: 400, p: P, k: K, tMax: 5, points: 6, method: "chain", backend: "wasm-simd", ...extra };
    const [a, b] = await simulateTwins({ ...base, seed: 11 }, { ...base, seed: 12 });
    const [oneA, oneB] = [await simulate({ ...base, seed: 11 }), await simulate({ ...base, seed: 12 })];
    expect(numbers(a)).toEqual(numbers(oneA));
    expect(numbers(b)).toEqual(numbers(oneB));
    expect(a.Q[0]).not.toEqual(b.Q[0]); // two initial conditions, not one
  });

  it("record each seed's divergence as its own run does (linear units)", async () => {
    const base: SimulateOptions = { d: 100, p: 8, k: 4, activation: "linear", gamma0: 200, tMax: 400, method: "chain", backend: "wasm-simd" };
    const twins = await simulateTwins({ ...base, seed: 3 }, { ...base, seed: 4 });
    const ones = [await simulate({ ...base, seed: 3 }), await simulate({ ...base, seed: 4 })];
    expect(ones.map((o) => o.divergence?.samples).every((s) => s !== undefined)).toBe(true);
    twins.forEach((t, i) => expect(numbers(t)).toEqual(numbers(ones[i])));
  });

  it("pair only one-seed chain runs on wasm-simd without callbacks, equal but for seed (twinKey)", () => {
    const base: SimulateOptions = { d: 400, p: P, k: K, tMax: 5, method: "chain", backend: "wasm-simd" };
    expect(twinKey({ ...base, seed: 1 })).toBeDefined();
    expect(twinKey({ ...base, seed: 1 })).toBe(twinKey({ ...base, seed: 2 }));
    expect(twinKey({ ...base, seed: 1 })).not.toBe(twinKey({ ...base, seed: 2, d: 500 }));
    // tanh: the risk's sample set is the seed's unless mcSeed is given
    expect(twinKey({ ...base, activation: "tanh", seed: 1 })).not.toBe(twinKey({ ...base, activation: "tanh", seed: 2 }));
    expect(twinKey({ ...base, activation: "tanh", seed: 1, mcSeed: 5 })).toBe(twinKey({ ...base, activation: "tanh", seed: 2, mcSeed: 5 }));
    // a user-given activation: its function is not in the key, so it never pairs
    const custom = { name: "soft", fn: (u: number) => u / (1 + Math.abs(u)) };
    for (const alone of [{ method: "direct" }, { backend: "wasm-scalar" }, { seeds: 2 }, { batch: 2 }, { onOutput: () => {} }, { activation: custom }] as SimulateOptions[]) {
      expect(twinKey({ ...base, ...alone, seed: 1 }), JSON.stringify(alone)).toBeUndefined();
    }
    // a sweep's key of options the run will refuse: undefined (the point runs alone and records its error)
    expect(twinKeyOf("simulate", { ...base, d: -1 })).toBeUndefined();
    expect(twinKeyOf("ode", { ...base, seed: 1 })).toBeUndefined();
  });

  it("are grouped by a sweep while at least as many units as workers remain (twinUnits)", () => {
    const key = (j: string) => (j.startsWith("x") ? undefined : j[0]);
    // a1 a2 b1 x a3 b2 a4: a's pair in order of appearance, b's too, x alone
    const jobs = ["a1", "a2", "b1", "x", "a3", "b2", "a4"];
    expect(twinUnits(jobs, key, 0)).toEqual([["a1", "a2"], ["b1", "b2"], ["x"], ["a3", "a4"]]);
    expect(twinUnits(jobs, key, 2)).toEqual([["a1", "a2"], ["b1", "b2"], ["x"], ["a3", "a4"]]);
    expect(twinUnits(jobs, key, 4)).toEqual([["a1", "a2"], ["b1", "b2"], ["x"], ["a3", "a4"]]);
    expect(twinUnits(jobs, key, 5)).toEqual([["a1", "a2"], ["b1", "b2"], ["x"], ["a3"], ["a4"]]);
    expect(twinUnits(jobs, key, 7)).toEqual(jobs.map((j) => [j]));
  });

  it.each([0, 2])("give a sweep of seeds the lines of runs one by one (workers: %i)", async (workers) => {
    const spec: SweepSpec = { kind: "simulate", base: { d: 300, p: 4, k: 2, tMax: 3, points: 4, method: "chain", backend: "wasm-simd" }, grid: { seed: [1, 2, 3, 4, 5], noise: [0, 1e-3] } };
    const lines = await sweep(spec, { workers });
    expect(lines).toHaveLength(10);
    // seeds 1–4 of each noise level in pairs (the grid's noise varies fastest), seed 5 of each alone
    expect(twinUnits(lines, (l) => twinKeyOf(l.kind, l.options), workers).map((u) => u.map((l) => l.index))).toEqual([[0, 2], [1, 3], [4, 6], [5, 7], [8], [9]]);
    for (const line of lines) {
      const alone = (await runJob("simulate", line.options)) as SimulationSummary;
      const { elapsedMs: _e, ...got } = line.result as SimulationSummary;
      const { elapsedMs: _f, ...want } = alone;
      expect(got, line.key).toEqual(want);
    }
  }, 60_000);
});
