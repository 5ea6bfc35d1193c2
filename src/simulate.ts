// see: theory.md §1–3, §5, §9 — one-pass SGD of a two-layer teacher–student network at finite d,
// with the order parameters and the excess risk at the requested times.
// d input dimension, p student hidden units, k teacher hidden units, gamma learning rate, t = ν·δt,
// Q (p×p), M (p×k), P (k×k) overlaps.
import { Slot, Status, Stream } from "./shared/layout.js";
import { createEngine, drawSamples, setSlot, slotValue, stopCheck, writeTables, type Engine } from "./engine/engine.js";
import { prepareInit, writeInitialWeights } from "./engine/init.js";
import { extensionParams, OptionError, resolveSimulate, TABLE, type Progress, type Resolved, type SimulateOptions } from "./validate.js";
import type { SimulationParams, SimulationResult } from "./result.js";
import { curveStatistics } from "./stats.js";
import { VERSION } from "./version.js";
import { pow } from "./engine/detmath.js";
import { runPair, runsInPairs } from "./chainpair.js";

/** Work per chunk of samples between two Wasm calls (≈ a few ms; progress and output granularity). */
const CHUNK_WORK = 2 ** 23;

/**
 * Runs one-pass SGD with the given options (README: options and defaults) and returns the learning curve
 * and the order parameters at the output times. `method` picks the direct simulator (the weights) or the
 * exact reduced chain (the overlaps only); with `seeds` > 1 the seeds seed, seed + 1, … all start from the
 * same initial condition and `ensemble` holds the statistics of their risk (the curve itself is the first
 * seed's). Rejects with an OptionError on invalid options, before any work. A run whose weights become
 * non-finite resolves with status "diverged" and the curve up to there.
 */
export async function simulate(options?: SimulateOptions): Promise<SimulationResult> {
  const r = resolveSimulate(options);
  const stepper = await createStepper(r);
  const start = performance.now();
  const total = r.samples[r.samples.length - 1] * r.batch;
  // per seed, only what the ensemble needs: the first seed's run is the result, with its Q and M at every output
  const runs: { seed: number; risk: number[]; status: SimulationResult["status"]; divergence?: SimulationResult["divergence"]; samplesDone: number }[] = [];
  let result: SimulationResult | undefined;
  let longest: { t: number[]; samples: number[] } = { t: [], samples: [] };
  const signal = options?.signal;
  const pairs = runsInPairs(r);
  for (let i = 0; i < r.seeds; ) {
    if (i > 0 && signal?.aborted) break;
    const onProgress = options?.onProgress;
    const offset = i * total;
    const progress = onProgress && ((p: Progress) => onProgress({ ...p, samples: offset + p.samples, totalSamples: total * r.seeds }));
    // the chain on the SIMD build runs two seeds at once (src/chainpair.ts), the same numbers as one by one
    const ones = pairs && i + 1 < r.seeds
      ? await runPair(stepper, [r, r], [r.seed + i, r.seed + i + 1], [() => stepper.reset(), () => stepper.reset()], progress, options?.onOutput, signal, [i === 0, false])
      : [(stepper.reset(), await run(stepper, r, r.seed + i, progress, options?.onOutput, signal, i === 0))];
    for (const one of ones) {
      if (i === 0) result = one;
      if (one.t.length > longest.t.length) longest = { t: one.t, samples: one.samples };
      runs.push({ seed: r.seed + i, risk: one.risk, status: one.status, ...(one.divergence ? { divergence: one.divergence } : {}), samplesDone: one.divergence?.samples ?? one.interruption?.samples ?? one.samples.at(-1) ?? 0 });
      i++;
    }
  }
  result = result!;
  if (runs.length < r.seeds && result.status === "ok") {
    // interrupted between seeds: the seeds not run are not in the ensemble (its `seeds` lists those that ran)
    result.status = "interrupted";
    result.interruption = { samples: result.samples.at(-1) ?? 0, t: result.t.at(-1) ?? 0 };
  }
  const samplesDone = runs.reduce((s, run) => s + run.samplesDone, 0);
  result.meta.elapsedMs = performance.now() - start;
  result.meta.nsPerSample = samplesDone > 0 ? (result.meta.elapsedMs * 1e6) / samplesDone : 0;
  if (r.seeds > 1) {
    // the statistics run over the times any seed reached (the first seed's curve stops where it diverged)
    result.ensemble = {
      seeds: runs.map((run) => run.seed),
      t: longest.t,
      samples: longest.samples,
      ...curveStatistics(runs.map((run) => run.risk), longest.t.length, r.quantiles),
      diverged: runs.filter((run) => run.status === "diverged").length,
      ...(runs.some((run) => run.status === "diverged")
        ? { divergences: runs.filter((run) => run.divergence).map((run) => ({ seed: run.seed, ...run.divergence! })) }
        : {}),
      curves: runs.map((run) => run.risk),
    };
  }
  return result;
}

/** One engine running either method from a fixed initial state, which `reset` restores. */
export interface Stepper {
  engine: Engine;
  /** `steps` samples; returns the Status */
  run(steps: number): Status;
  /** Q, M, P into their regions; returns the excess risk */
  overlaps(): number;
  /** back to the initial state, no samples done */
  reset(): void;
  /** work of one sample in units of CHUNK_WORK */
  workPerSample: number;
}

/**
 * The initial weights (direct) or overlaps (chain) of `r`, in an engine ready to run; `pair`: the chain's engine
 * with a second seed's regions (src/chainpair.ts).
 */
export async function createStepper(r: Resolved, pair = runsInPairs(r)): Promise<Stepper> {
  const factor = prepareInit(r);
  const { d, p, k } = r;
  let engine: Engine;
  let state: { at: number; values: Float64Array };
  let stepper: Omit<Stepper, "reset" | "engine">;
  if (r.method === "direct") {
    engine = await createEngine(r.backend, { kind: "direct", d, p, k, batch: r.batch, lazy: r.lazy, mcSamples: r.mcSamples, tableNodes: r.tables ? TABLE.nodes : 0 });
    writeInitialWeights(engine, r, factor);
    const { W, row } = engine.layout;
    if (r.lazy) prepareLazy(engine, r.mcSeed);
    state = { at: W / 8, values: engine.f64.slice(W / 8, W / 8 + (p + k) * row) };
    stepper = {
      run: (n) => engine.sgdRun(n),
      overlaps: r.lazy ? () => engine.lazyOverlaps() : () => engine.overlapsCompute(),
      workPerSample: r.batch * ((r.lazy ? 3 * p : 2 * p) + k + 8) * d,
    };
  } else {
    engine = await createEngine(r.backend, { kind: "chain", d, p, k, batch: r.batch, mcSamples: r.mcSamples, tableNodes: r.tables ? TABLE.nodes : 0, pair });
    const omega = await initialOmega(r, factor);
    state = { at: engine.layout.omega / 8, values: omega };
    const rr = p + k;
    stepper = { run: (n) => engine.chainRun(n), overlaps: () => engine.chainOverlaps(), workPerSample: (rr * rr * rr) / 6 + r.batch * 30 * rr + r.batch * r.batch * p * p };
  }
  setSlot(engine, Slot.GAMMA, r.gamma);
  setSlot(engine, Slot.NOISE, r.noise);
  setSlot(engine, Slot.WEIGHT_DECAY, r.weightDecay);
  setSlot(engine, Slot.GAMMA_A, r.gammaA);
  setSlot(engine, Slot.ACT_STUDENT, r.activationCode);
  setSlot(engine, Slot.ACT_TEACHER, r.activationTeacherCode);
  writeTables(engine, r);
  // tanh units: their risk is a Monte-Carlo mean over a fixed sample set of the r fields
  if (r.mcSamples > 0 && !r.lazy) drawSamples(engine, r.mcSeed, p + k);
  engine.f64.set(r.aTeacher, engine.layout.aStar / 8);
  return {
    engine,
    ...stepper,
    reset() {
      engine.f64.set(state.values, state.at);
      engine.f64.set(r.aInit, engine.layout.a / 8);
      setSlot(engine, Slot.SAMPLES, 0);
      setSlot(engine, Slot.STATUS, Status.OK);
    },
  };
}

/**
 * Ω0 = [[Q0, M0], [M0ᵀ, P]] (students first) for the chain: the given overlaps, or those of the initial
 * weights the direct simulator would use (so both methods start from the same state for the same seed).
 */
export async function initialOmega(r: Resolved, factor: Float64Array | undefined): Promise<Float64Array> {
  const { p, k } = r;
  const rr = p + k;
  let Q: number[][], M: number[][], P: number[][];
  if (r.initKind === "overlaps") {
    ({ Q0: Q, M0: M, P } = r.init as { Q0: number[][]; M0: number[][]; P: number[][] });
  } else {
    const weights = await createEngine(r.backend, { kind: "direct", d: r.d, p, k });
    writeInitialWeights(weights, r, factor);
    weights.overlapsCompute(); // (the initial weights need no batch buffers)
    const { f64, layout } = weights;
    [Q, M, P] = [matrixAt(f64, layout.Q, p, p), matrixAt(f64, layout.M, p, k), matrixAt(f64, layout.P, k, k)];
  }
  const omega = new Float64Array(rr * rr);
  for (let a = 0; a < rr; a++) {
    for (let b = 0; b < rr; b++) omega[a * rr + b] = a < p && b < p ? Q[a][b] : a < p ? M[a][b - p] : b < p ? M[b][a - p] : P[a - p][b - p];
  }
  return omega;
}

/** One seed's result and how it records its outputs (shared by the one-seed and the two-seed drivers). */
export interface Recorder {
  result: SimulationResult;
  /** t of `steps` steps */
  timeOf(steps: number): number;
  /** the overlaps and risk of the engine's (first) seed after `steps` steps; false (and status "diverged") if non-finite */
  record(steps: number): boolean;
  /** status "diverged" after `steps` steps */
  diverge(steps: number, reason: string): void;
  /** status "interrupted" after `steps` steps */
  interrupt(steps: number): void;
}

/** The reason of a divergence found by the simulator itself (rather than at an output). */
export const FIELD_DIVERGENCE = "a local field, the error signal or (chain) the diagonal of the overlaps became non-finite (learning rate too large?)";

/** A Recorder for `seed`, reading the engine's regions (of its first seed, for the chain's two-seed engine). */
export function recorder(stepper: Stepper, r: Resolved, seed: number, onOutput: SimulateOptions["onOutput"], keepOverlaps: boolean): Recorder {
  const { engine } = stepper;
  const { p, k } = r;
  const { f64, layout } = engine;
  const result: SimulationResult = {
    params: { ...paramsOf(r), seed },
    t: [],
    samples: [],
    risk: [],
    Q: [],
    M: [],
    P: [],
    status: "ok",
    meta: { version: VERSION, elapsedMs: 0, nsPerSample: 0 },
  };
  // t = ν·δt computed as ν / d^θ: exact for integer θ (ν·0.001 is not); ν counts steps, each of B samples
  const samplesPerUnitTime = pow(r.d, r.timeExponent);
  const timeOf = (steps: number) => steps / samplesPerUnitTime;
  const B = r.batch;
  const diverge = (steps: number, reason: string) => {
    result.status = "diverged";
    result.divergence = { samples: steps * B, t: timeOf(steps), reason };
  };
  const record = (steps: number): boolean => {
    const risk = stepper.overlaps();
    const Q = matrixAt(f64, layout.Q, p, p);
    const M = matrixAt(f64, layout.M, p, k);
    if (!Number.isFinite(risk) || !allFinite(Q) || !allFinite(M)) {
      diverge(steps, `Q, M or the risk are non-finite at this output: the ${r.method === "direct" ? "weights" : "overlaps"} overflowed after the previous one`);
      return false;
    }
    if (steps === 0) result.P = matrixAt(f64, layout.P, k, k);
    result.t.push(timeOf(steps));
    result.samples.push(steps * B);
    result.risk.push(risk);
    if (keepOverlaps) {
      result.Q.push(Q);
      result.M.push(M);
    }
    if (r.secondLayer) (result.a ??= []).push(Array.from(f64.subarray(layout.a / 8, layout.a / 8 + p)));
    if (r.lazy) (result.R ??= []).push(matrixAt(f64, layout.R, p, p));
    if (r.mcSamples > 0) (result.riskStandardError ??= []).push(slotValue(engine, Slot.RISK_SE));
    onOutput?.({ seed, t: timeOf(steps), samples: steps * B, risk, Q, M });
    return true;
  };
  const interrupt = (steps: number) => {
    result.status = "interrupted";
    result.interruption = { samples: steps * B, t: timeOf(steps) };
  };
  return { result, timeOf, record, diverge, interrupt };
}

/** The chunk of steps between two Wasm calls. */
export function chunkSteps(stepper: Stepper): number {
  return Math.max(1, Math.min(2 ** 30, Math.floor(CHUNK_WORK / stepper.workPerSample)));
}

/** The error for an initial condition whose overlaps or risk are not finite. */
export function badInit(r: Resolved): OptionError {
  return new OptionError("init", "gives non-finite overlaps Q = WWᵀ/d, M = WW*ᵀ/d, P = W*W*ᵀ/d or risk (entries too large)", r.init);
}

/** One seed from the stepper's current (initial) state. */
async function run(
  stepper: Stepper,
  r: Resolved,
  seed: number,
  onProgress: SimulateOptions["onProgress"],
  onOutput: SimulateOptions["onOutput"],
  signal: AbortSignal | undefined,
  keepOverlaps: boolean,
): Promise<SimulationResult> {
  const { engine } = stepper;
  engine.seed(seed, Stream.SGD);
  const rec = recorder(stepper, r, seed, onOutput, keepOverlaps);
  const { result, timeOf } = rec;
  const B = r.batch;
  const total = r.samples[r.samples.length - 1];
  const chunk = chunkSteps(stepper);
  let done = 0;
  if (!rec.record(0)) throw badInit(r);
  let ok = true;
  const stopped = stopCheck(signal);
  for (const target of r.samples) {
    if (!ok) break;
    while (done < target) {
      const status = stepper.run(Math.min(chunk, target - done));
      done = slotValue(engine, Slot.SAMPLES);
      onProgress?.({ samples: done * B, totalSamples: total * B, t: timeOf(done), tEnd: timeOf(total), steps: 0 });
      if (status === Status.DIVERGED) {
        rec.diverge(done, FIELD_DIVERGENCE);
        ok = false;
        break;
      }
      if (await stopped()) {
        rec.interrupt(done);
        return result;
      }
    }
    ok = ok && rec.record(target);
  }
  return result;
}

function paramsOf(r: Resolved): SimulationParams {
  return {
    d: r.d,
    p: r.p,
    k: r.k,
    kappa: r.kappa,
    gamma0: r.gamma0,
    gamma: r.gamma,
    delta: r.delta,
    noise: r.noise,
    seed: r.seed,
    initSeed: r.initSeed,
    region: r.region,
    timeScale: r.timeScale,
    timeExponent: r.timeExponent,
    dt: r.dt,
    a1: r.a1,
    a2: r.a2,
    init: r.initKind,
    method: r.method,
    seeds: r.seeds,
    backend: r.backend,
    ...extensionParams(r),
    ...(r.lazy ? { lazy: true } : {}),
  };
}

/**
 * Lazy training: W0 := the initial W (the p rows after W*, fixed), and the fixed sample set of the Monte-Carlo
 * risk (antithetic pairs of 2p + k standard normals from the seed's MC stream).
 */
function prepareLazy(engine: Engine, mcSeed: number): void {
  const { f64, layout } = engine;
  const { W, W0, row, p, k } = layout;
  f64.copyWithin(W0 / 8, W / 8, W / 8 + p * row);
  drawSamples(engine, mcSeed, 2 * p + k);
}

/** rows×cols row-major matrix at byte address `ptr`, as nested arrays. */
function matrixAt(f64: Float64Array, ptr: number, rows: number, cols: number): number[][] {
  const at = ptr / 8;
  return Array.from({ length: rows }, (_, i) => Array.from(f64.subarray(at + i * cols, at + (i + 1) * cols)));
}

function allFinite(m: number[][]): boolean {
  return m.every((row) => row.every(Number.isFinite));
}
