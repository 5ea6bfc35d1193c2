// see: theory.md §8–9 — the deterministic limit: the order-parameter ODEs dM/dt = a1·G^M,
// dQ/dt = a1·(G^Q + G^Qᵀ) + a2·Φ, with P fixed; ψ in assembly/drift.ts, integrators in assembly/integrate.ts.
// d input dimension, p student and k teacher hidden units, Q (p×p), M (p×k), P (k×k), t the region's clock.
import { Activation, Method, Slot, Status, Stream } from "./shared/layout.js";
import { createEngine, drawSamples, riskOfState, setSlot, slotValue, stopCheck, writeTables, type Engine } from "./engine/engine.js";
import { stateSize } from "./engine/memory.js";
import { prepareInit, writeInitialWeights } from "./engine/init.js";
import { extensionParams, OptionError, resolveOde, TABLE, type OdeOptions, type ResolvedOde } from "./validate.js";
import type { OdeResult } from "./result.js";
import { VERSION } from "./version.js";

const INTEGRATORS = { bdf: Method.BDF, dopri5: Method.DOPRI5, euler: Method.EULER } as const;
/** Steps per Wasm call between two progress reports. */
const STEPS_PER_CALL = 25;

/**
 * Integrates the order-parameter ODEs (README: options and defaults) and returns the excess risk and the
 * overlaps at the output times, in the same shape as `simulate`. Rejects with an OptionError on invalid
 * options (the red region has no ODE). A blow-up resolves with status "diverged" and the curve up to it.
 */
export async function solveOde(options?: OdeOptions): Promise<OdeResult> {
  const r = resolveOde(options);
  const { Q0, M0, P } = await initialOverlaps(r);
  const engine = await createEngine(r.backend, { d: 0, p: r.p, k: r.k, outputs: r.times.length + 1, trainA: r.gammaA > 0, mcSamples: r.mcSamples, tableNodes: r.tables ? TABLE.nodes : 0 });
  writeTables(engine, r);
  return integrate(engine, r, Q0, M0, P, options?.onProgress, options?.signal);
}

/**
 * The initial overlaps: given ({ Q0, M0, P }, checked PSD), or those of the weights the simulator would
 * start from (random for `d` and `initSeed`, informed, or given weights).
 */
export async function initialOverlaps(r: ResolvedOde): Promise<{ Q0: number[][]; M0: number[][]; P: number[][] }> {
  const factor = prepareInit(r); // for overlaps: checks PSD (throws OptionError)
  if (r.initKind === "overlaps") {
    const { Q0, M0, P } = r.init as { Q0: number[][]; M0: number[][]; P: number[][] };
    return { Q0, M0, P };
  }
  const engine = await createEngine(r.backend, { d: r.d, p: r.p, k: r.k });
  writeInitialWeights(engine, r, factor);
  engine.overlapsCompute();
  const { f64, layout } = engine;
  const read = (ptr: number, rows: number, cols: number) =>
    Array.from({ length: rows }, (_, i) => Array.from(f64.subarray(ptr / 8 + i * cols, ptr / 8 + (i + 1) * cols)));
  return { Q0: read(layout.Q, r.p, r.p), M0: read(layout.M, r.p, r.k), P: read(layout.P, r.k, r.k) };
}

/** Name of component `index` of the packed state: Q[j][l] (j ≤ l), M[j][t] or a[j] (a trained second layer). */
export function componentName(index: number, p: number, k: number): string {
  let i = index;
  for (let j = 0; j < p; j++) {
    if (i < p - j) return `Q[${j}][${j + i}]`;
    i -= p - j;
  }
  if (i >= p * k) return `a[${i - p * k}]`;
  return `M[${Math.floor(i / k)}][${i % k}]`;
}

async function integrate(
  engine: Engine,
  r: ResolvedOde,
  Q0: number[][],
  M0: number[][],
  P: number[][],
  onProgress: OdeOptions["onProgress"],
  signal?: AbortSignal,
): Promise<OdeResult> {
  const start = performance.now();
  const { p, k } = r;
  const { f64, layout } = engine;
  const n = layout.n;
  const trainA = layout.trainA;
  const times = [0, ...r.times];
  f64.set(P.flat(), layout.P / 8);
  f64.set(r.aTeacher, layout.aStar / 8);
  f64.set(r.aInit, layout.a / 8);
  f64.set([...packState(Q0, M0), ...(trainA ? r.aInit : [])], layout.y / 8);
  f64.set(times, layout.tOut / 8);
  for (const [slot, value] of [
    [Slot.NOISE, r.noise],
    [Slot.WEIGHT_DECAY, r.weightDecay],
    [Slot.GAMMA_A, r.gammaA],
    [Slot.ACT_STUDENT, r.activationCode],
    [Slot.ACT_TEACHER, r.activationTeacherCode],
    [Slot.A1, r.a1Used],
    [Slot.A2, r.a2Used],
    [Slot.METHOD, INTEGRATORS[r.integrator]],
    [Slot.RTOL, r.rtol],
    [Slot.ATOL, r.atol],
    [Slot.STEP, r.step],
  ] as const) {
    setSlot(engine, slot, value);
  }
  if (!Number.isFinite(riskOfState(engine, layout.y))) {
    throw new OptionError("init", "gives a non-finite risk (overlaps too large)", r.init ?? "(random)");
  }
  if (r.mcSamples > 0) drawSamples(engine, r.mcSeed, p + k);
  const errorAtStart = r.mcSamples > 0 ? monteCarloError(engine, layout.y) : undefined;
  engine.odeInit();
  let status = Status.RUNNING;
  const tEnd = times[times.length - 1];
  let interrupted = false;
  const stopped = stopCheck(signal);
  while (status === Status.RUNNING) {
    status = engine.odeRun(STEPS_PER_CALL);
    onProgress?.({ t: slotValue(engine, Slot.T), tEnd, steps: slotValue(engine, Slot.NSTEPS), samples: 0, totalSamples: 0 });
    if (status === Status.RUNNING && (await stopped())) {
      interrupted = true;
      break;
    }
  }
  const reached = slotValue(engine, Slot.OUT_NEXT);
  const result: OdeResult = {
    params: {
      d: r.d,
      p,
      k,
      kappa: r.kappa,
      gamma0: r.gamma0,
      gamma: r.gamma,
      delta: r.delta,
      noise: r.noise,
      region: r.region,
      timeScale: r.timeScale,
      timeExponent: r.timeExponent,
      dt: r.dt,
      mode: r.mode,
      a1: r.a1Used,
      a2: r.a2Used,
      a1FiniteD: r.a1,
      a2FiniteD: r.a2,
      integrator: r.integrator,
      rtol: r.rtol,
      atol: r.atol,
      step: r.step,
      init: r.initKind,
      seed: r.seed,
      initSeed: r.initSeed,
      backend: r.backend,
      ...extensionParams(r),
      psi: r.psi,
    },
    t: times.slice(0, reached),
    risk: [],
    Q: [],
    M: [],
    P,
    status: interrupted ? "interrupted" : status === Status.OK ? "ok" : "diverged",
    stats: {
      steps: slotValue(engine, Slot.NSTEPS),
      rejected: slotValue(engine, Slot.NREJECT),
      rhsEvaluations: slotValue(engine, Slot.NFEV),
      jacobians: slotValue(engine, Slot.NJEV),
      factorizations: slotValue(engine, Slot.NLU),
    },
    meta: { version: VERSION, elapsedMs: 0 },
  };
  let nonFiniteRisk = false;
  for (let j = 0; j < reached; j++) {
    const at = layout.yOut + j * n * 8;
    const risk = riskOfState(engine, at);
    if (!Number.isFinite(risk)) {
      // the state is finite but its risk is not (it overflowed): the curve stops at the last finite output
      nonFiniteRisk = true;
      result.t = result.t.slice(0, j);
      result.status = "diverged";
      result.failure = { t: times[j], quantity: "risk", reason: `the risk became non-finite (${risk}) at t = ${times[j]}: the overlaps grew past what a double can hold` };
      break;
    }
    const { Q, M } = unpackState(f64.subarray(at / 8, at / 8 + n), p, k);
    result.Q.push(Q);
    result.M.push(M);
    if (r.secondLayer) (result.a ??= []).push(trainA ? Array.from(f64.subarray(at / 8 + stateSize(p, k), at / 8 + n)) : [...r.aInit]);
    result.risk.push(risk);
  }
  if (interrupted) {
    result.failure = { t: slotValue(engine, Slot.T), reason: `interrupted at t = ${slotValue(engine, Slot.T)} (its signal was aborted)` };
  } else if (status !== Status.OK && !nonFiniteRisk) {
    const t = slotValue(engine, Slot.T);
    result.failure =
      status === Status.DIVERGED
        ? { t, quantity: componentName(slotValue(engine, Slot.FAIL_INDEX), p, k), reason: `${componentName(slotValue(engine, Slot.FAIL_INDEX), p, k)} became non-finite after t = ${t} (blow-up)` }
        : { t, reason: `no step ≥ 10 ulp of t could be taken at t = ${t} (ψ is not finite there, or the solution is too stiff or blows up)` };
  }
  if (errorAtStart && reached > 0) {
    const end = monteCarloError(engine, layout.yOut + (reached - 1) * n * 8);
    result.monteCarlo = {
      samples: r.mcSamples,
      seed: r.mcSeed,
      standardError: { start: errorAtStart.standardError, end: end.standardError },
      relativeError: { start: errorAtStart.relative, end: end.relative },
    };
  }
  result.meta.elapsedMs = performance.now() - start;
  return result;
}

/**
 * The statistical error of the Monte-Carlo part of ψ (the variance term Φ) at the state at byte address `ptr`:
 * the RMS over the components of se_i = √((mean of squares − mean²)/S) (the antithetic pairs make it an upper
 * bound), and ‖se‖ relative to ‖a2·Φ‖. Uses the scratch vectors.
 */
function monteCarloError(engine: Engine, ptr: number): { standardError: number; relative: number } {
  const { layout, f64 } = engine;
  const n = layout.n;
  const dy = layout.scratch;
  const squares = layout.scratch + n * 8;
  f64.copyWithin(layout.scratch / 8 + 2 * n, ptr / 8, ptr / 8 + n); // the state, where evaluating cannot move it
  // the sampled part alone (Φ, the a2 term): the gradient terms are in closed form (but for tanh units, whose
  // gradient terms are sampled too), so a1 is set aside
  const a1 = slotValue(engine, Slot.A1);
  const tanh = slotValue(engine, Slot.ACT_STUDENT) >= Activation.TANH || slotValue(engine, Slot.ACT_TEACHER) >= Activation.TANH;
  if (!tanh) setSlot(engine, Slot.A1, 0);
  setSlot(engine, Slot.MC_SQUARES_PTR, squares);
  engine.driftEval(layout.scratch + 2 * n * 8, dy);
  setSlot(engine, Slot.MC_SQUARES_PTR, 0);
  setSlot(engine, Slot.A1, a1);
  let se2 = 0;
  let norm2 = 0;
  for (let i = 0; i < n; i++) {
    const mean = f64[dy / 8 + i];
    se2 += Math.max(0, f64[squares / 8 + i] - mean * mean) / layout.mcSamples;
    norm2 += mean * mean;
  }
  return { standardError: Math.sqrt(se2 / n), relative: norm2 > 0 ? Math.sqrt(se2 / norm2) : 0 };
}

/** The packed ODE state: Q's upper triangle row by row, then M row by row. */
export function packState(Q: number[][], M: number[][]): number[] {
  const y: number[] = [];
  Q.forEach((row, j) => y.push(...row.slice(j)));
  M.forEach((row) => y.push(...row));
  return y;
}

/** Q (symmetric) and M from a packed state. */
export function unpackState(y: ArrayLike<number>, p: number, k: number): { Q: number[][]; M: number[][] } {
  const Q = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  let at = 0;
  for (let j = 0; j < p; j++) {
    for (let l = j; l < p; l++) {
      Q[j][l] = y[at];
      Q[l][j] = y[at++];
    }
  }
  const M = Array.from({ length: p }, () => Array.from({ length: k }, () => y[at++]));
  return { Q, M };
}
