// see: theory.md §1–3, §5, §9 — one-pass SGD of a two-layer teacher–student network at finite d,
// with the order parameters and the excess risk at the requested times.
// d input dimension, p student hidden units, k teacher hidden units, gamma learning rate, t = ν·δt,
// Q (p×p), M (p×k), P (k×k) overlaps.
import { Slot, Status, Stream } from "./layout.js";
import { createEngine, setSlot, slotValue, type Engine } from "./engine.js";
import { prepareInit, writeInitialWeights } from "./init.js";
import { OptionError, resolveSimulate, type Resolved, type SimulateOptions } from "./validate.js";
import type { SimulationParams, SimulationResult } from "./result.js";
import { VERSION } from "./version.js";

/** Work per chunk of samples between two Wasm calls (≈ a few ms; progress and output granularity). */
const CHUNK_WORK = 2 ** 23;

/**
 * Runs one-pass SGD with the given options (README: options and defaults) and returns the learning curve
 * and the order parameters at the output times. Rejects with an OptionError on invalid options, before
 * any work. A run whose weights become non-finite resolves with status "diverged" and the curve up to there.
 */
export async function simulate(options?: SimulateOptions): Promise<SimulationResult> {
  const resolved = resolveSimulate(options);
  const factor = prepareInit(resolved);
  const engine = await createEngine(resolved.backend, { d: resolved.d, p: resolved.p, k: resolved.k });
  writeInitialWeights(engine, resolved, factor);
  return run(engine, resolved, options?.onProgress);
}

async function run(engine: Engine, r: Resolved, onProgress: SimulateOptions["onProgress"]): Promise<SimulationResult> {
  const start = performance.now();
  setSlot(engine, Slot.GAMMA, r.gamma);
  setSlot(engine, Slot.NOISE, r.noise);
  engine.seed(r.seed, Stream.SGD);
  const { p, k } = r;
  const { f64, layout } = engine;
  const result: SimulationResult = {
    params: paramsOf(r),
    t: [],
    samples: [],
    risk: [],
    Q: [],
    M: [],
    P: [],
    status: "ok",
    meta: { version: VERSION, elapsedMs: 0, nsPerSample: 0 },
  };
  // t = ν·δt computed as ν / d^θ: exact for integer θ (ν·0.001 is not)
  const samplesPerUnitTime = r.d ** r.timeExponent;
  const timeOf = (samples: number) => samples / samplesPerUnitTime;
  const diverge = (samples: number, reason: string) => {
    result.status = "diverged";
    result.divergence = { samples, t: timeOf(samples), reason };
  };
  const record = (samples: number): boolean => {
    const risk = engine.overlapsCompute();
    const Q = matrixAt(f64, layout.Q, p, p);
    const M = matrixAt(f64, layout.M, p, k);
    if (!Number.isFinite(risk) || !allFinite(Q) || !allFinite(M)) {
      diverge(samples, "Q, M or the risk are non-finite at this output: the weights overflowed after the previous one");
      return false;
    }
    if (samples === 0) result.P = matrixAt(f64, layout.P, k, k);
    result.t.push(timeOf(samples));
    result.samples.push(samples);
    result.risk.push(risk);
    result.Q.push(Q);
    result.M.push(M);
    return true;
  };

  const total = r.samples[r.samples.length - 1];
  const chunk = Math.max(1, Math.min(2 ** 30, Math.floor(CHUNK_WORK / ((2 * p + k + 8) * r.d))));
  let done = 0;
  if (!record(0)) {
    throw new OptionError("init", "gives non-finite overlaps Q = WWᵀ/d, M = WW*ᵀ/d, P = W*W*ᵀ/d or risk (entries too large)", r.init);
  }
  let ok = true;
  for (const target of r.samples) {
    if (!ok) break;
    while (done < target) {
      const status = engine.sgdRun(Math.min(chunk, target - done));
      done = slotValue(engine, Slot.SAMPLES);
      onProgress?.({ samples: done, totalSamples: total, t: timeOf(done) });
      if (status === Status.DIVERGED) {
        diverge(done, "a local field or the error signal became non-finite (learning rate too large?)");
        ok = false;
        break;
      }
    }
    ok = ok && record(target);
  }
  result.meta.elapsedMs = performance.now() - start;
  result.meta.nsPerSample = done > 0 ? (result.meta.elapsedMs * 1e6) / done : 0;
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
    backend: r.backend,
  };
}

/** rows×cols row-major matrix at byte address `ptr`, as nested arrays. */
function matrixAt(f64: Float64Array, ptr: number, rows: number, cols: number): number[][] {
  const at = ptr / 8;
  return Array.from({ length: rows }, (_, i) => Array.from(f64.subarray(at + i * cols, at + (i + 1) * cols)));
}

function allFinite(m: number[][]): boolean {
  return m.every((row) => row.every(Number.isFinite));
}
