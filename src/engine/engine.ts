// see: STYLE.md §3 — one flat buffer per run, driven through a handful of coarse calls. The Wasm builds and
// the plain-JS baseline (src/reference/) share the layout, so the code above them does not know which runs.
import { Slot, Status, Stream, TABLE_RANGE } from "../shared/layout.js";
import { layoutOf, writeLayout, type Layout, type Sizes } from "./memory.js";
import { instantiateBuild, type WasmBuild } from "./wasm.js";
import { ReferenceRng } from "../reference/rng.js";
import * as reference from "../reference/sgd.js";
import { driftEval as referenceDrift } from "../reference/drift.js";
import * as referenceChain from "../reference/chain.js";

/** Where the numerics run: a Wasm build, or the plain-JS baseline of the same algorithm and stream. */
export type Backend = WasmBuild | "js";
export const BACKENDS: readonly Backend[] = ["wasm-simd", "wasm-scalar", "wasm-debug", "js"];

/** One buffer laid out for (d, p, k), and the calls that work on it. */
export interface Engine {
  readonly backend: Backend;
  readonly layout: Layout;
  /** view of the whole buffer (element index = byte address / 8) */
  readonly f64: Float64Array;
  /** seeds the generator (`seed` an integer in [0, 2^53)) on one of the `Stream`s */
  seed(seed: number, stream: Stream): void;
  /** writes n standard normals at byte address ptr */
  normals(ptr: number, n: number): void;
  /** writes n uniforms on [0, 1) at byte address ptr (tests of the raw stream) */
  uniforms(ptr: number, n: number): void;
  /** runs `steps` SGD samples; returns the `Status` */
  sgdRun(steps: number): Status;
  /** computes Q, M, P from the weights and returns the excess risk */
  overlapsCompute(): number;
  /** excess risk of the Q, M, P in the buffer */
  riskCompute(): number;
  /** dy = ψ(y) for the packed states at byte addresses y and dy (needs an ODE layout) */
  driftEval(y: number, dy: number): void;
  /** starts an ODE integration from the state in the Y region (Wasm builds only) */
  odeInit(): void;
  /** continues it for at most maxSteps steps; returns the `Status` (Wasm builds only) */
  odeRun(maxSteps: number): Status;
  /** runs `steps` samples of the reduced chain on Ω (needs a chain layout); returns the `Status` */
  chainRun(steps: number): Status;
  /** copies Q, M, P out of Ω and returns the excess risk */
  chainOverlaps(): number;
  /** runs `steps` samples of two seeds of the reduced chain at once (a layout with `pair`, B = 1; wasm-simd only:
   * src/chainpair.ts); returns DIVERGED when either seed diverged */
  chainRunPair(steps: number): Status;
  /** lazy training: Q, M, P and R = W W0ᵀ/d from the weights, and the Monte-Carlo excess risk (Wasm builds only) */
  lazyOverlaps(): number;
  /** writes n draws of χ²_dof at byte address ptr (tests of the sampler) */
  chiSquares(ptr: number, n: number, dof: number): void;
}

const TWO_32 = 4294967296;
const PAGE = 65536;

/** A fresh engine for `sizes` on `backend`; its header holds the layout, every other value is zero. */
export async function createEngine(backend: Backend, sizes: Sizes): Promise<Engine> {
  if (backend === "js") return jsEngine(sizes);
  const wasm = await instantiateBuild(backend);
  const layout = layoutOf(sizes, wasm.headerPtr());
  const { d, p, k } = sizes;
  const pages = Math.ceil(layout.end / PAGE) - wasm.memory.buffer.byteLength / PAGE;
  if (pages > 0) {
    try {
      wasm.memory.grow(pages);
    } catch (error) {
      throw new Error(
        `could not allocate ${(layout.end / 2 ** 20).toFixed(1)} MiB of WebAssembly memory for ` +
          `d = ${d}, p = ${p}, k = ${k}: ${(error as Error).message}`,
      );
    }
  }
  const f64 = new Float64Array(wasm.memory.buffer);
  writeLayout(f64, layout);
  return {
    backend,
    layout,
    f64,
    seed: (seed, stream) => wasm.rngSeed(seed % TWO_32, Math.floor(seed / TWO_32), stream),
    normals: (ptr, n) => wasm.rngNormals(ptr, n),
    uniforms: (ptr, n) => wasm.rngUniforms(ptr, n),
    sgdRun: (steps) => wasm.sgdRun(steps),
    overlapsCompute: () => wasm.overlapsCompute(),
    riskCompute: () => wasm.riskCompute(),
    driftEval: (y, dy) => wasm.driftEval(y, dy),
    odeInit: () => wasm.odeInit(),
    odeRun: (maxSteps) => wasm.odeRun(maxSteps),
    chainRun: (steps) => wasm.chainRun(steps),
    chainOverlaps: () => wasm.chainOverlaps(),
    chainRunPair:
      backend === "wasm-simd"
        ? (steps) => wasm.chainRunPair(steps)
        : () => {
            throw new Error(`two seeds at once run in the wasm-simd build only (this engine is ${backend})`);
          },
    lazyOverlaps: () => wasm.lazyOverlaps(),
    chiSquares: (ptr, n, dof) => wasm.rngChiSquares(ptr, n, dof),
  };
}

function jsEngine(sizes: Sizes): Engine {
  const layout = layoutOf(sizes, 0);
  const buffer = new ArrayBuffer(layout.end);
  const f64 = new Float64Array(buffer);
  const u32 = new Uint32Array(buffer);
  writeLayout(f64, layout);
  const rng = new ReferenceRng();
  const rngWord = layout.rng / 4;
  return {
    backend: "js",
    layout,
    f64,
    seed(seed, stream) {
      rng.seed(seed, stream);
      rng.save(u32, rngWord);
    },
    normals(ptr, n) {
      rng.load(u32, rngWord);
      const at = ptr / 8;
      for (let j = 0; j < n; j++) f64[at + j] = rng.normal();
      rng.save(u32, rngWord);
    },
    uniforms(ptr, n) {
      rng.load(u32, rngWord);
      const at = ptr / 8;
      for (let j = 0; j < n; j++) f64[at + j] = rng.uniform();
      rng.save(u32, rngWord);
    },
    sgdRun: (steps) => reference.sgdRun(f64, u32, 0, rng, steps),
    overlapsCompute: () => reference.overlapsCompute(f64, 0),
    riskCompute: () => reference.riskCompute(f64, 0),
    driftEval: (y, dy) => referenceDrift(f64, 0, y / 8, dy / 8),
    odeInit: () => {
      throw new Error('the "js" backend evaluates ψ (driftEval) but has no ODE integrator; use a Wasm build');
    },
    odeRun: () => {
      throw new Error('the "js" backend evaluates ψ (driftEval) but has no ODE integrator; use a Wasm build');
    },
    chainRun: (steps) => referenceChain.chainRun(f64, u32, 0, rng, steps),
    chainOverlaps: () => referenceChain.chainOverlaps(f64, 0),
    chainRunPair: () => {
      throw new Error('two seeds at once run in the wasm-simd build only (the "js" baseline runs them one after the other)');
    },
    lazyOverlaps: () => {
      throw new Error('lazy training runs in the Wasm builds only (the "js" backend has no linearised student)');
    },
    chiSquares(ptr, n, dof) {
      rng.load(u32, rngWord);
      const at = ptr / 8;
      for (let j = 0; j < n; j++) f64[at + j] = rng.chiSquare(dof);
      rng.save(u32, rngWord);
    },
  };
}

/**
 * A fixed Monte-Carlo sample set at the engine's MC region: S/2 vectors of `dims` standard normals from the
 * seed's MC stream, then their negatives (antithetic pairs). Used by the Monte-Carlo ψ and risks.
 */
export function drawSamples(engine: Engine, seed: number, dims: number): void {
  const { f64, layout } = engine;
  const half = (layout.mcSamples / 2) * dims;
  const at = layout.mc / 8;
  engine.seed(seed, Stream.MC);
  engine.normals(layout.mc, half);
  for (let i = 0; i < half; i++) f64[at + half + i] = -f64[at + i];
}

/** The tables of user-given activations (validate.ts `activationTable`) into the engine's table regions. */
export function writeTables(engine: Engine, model: { tables?: { student?: Float64Array; teacher?: Float64Array } }): void {
  const { tables } = model;
  if (!tables) return;
  const { f64, layout } = engine;
  f64[layout.header / 8 + Slot.ACT_TABLE_RANGE] = TABLE_RANGE;
  if (tables.student) f64.set(tables.student, layout.tableStudent / 8);
  if (tables.teacher) f64.set(tables.teacher, layout.tableTeacher / 8);
}

/** The value in header slot `s`. */
export function slotValue(engine: Engine, s: Slot): number {
  return engine.f64[engine.layout.header / 8 + s];
}

/** Writes `value` into header slot `s`. */
export function setSlot(engine: Engine, s: Slot, value: number): void {
  engine.f64[engine.layout.header / 8 + s] = value;
}

/** Excess risk of the packed ODE state at byte address `ptr` (unpacked into the Q, M and — when trained — a regions first). */
export function riskOfState(engine: Engine, ptr: number): number {
  const { f64, layout } = engine;
  const { p, k } = layout;
  let at = ptr / 8;
  for (let j = 0; j < p; j++) {
    for (let l = j; l < p; l++) {
      f64[layout.Q / 8 + j * p + l] = f64[at];
      f64[layout.Q / 8 + l * p + j] = f64[at++];
    }
  }
  for (let i = 0; i < p * k; i++) f64[layout.M / 8 + i] = f64[at++];
  if (layout.trainA) for (let j = 0; j < p; j++) f64[layout.a / 8 + j] = f64[at++];
  return engine.riskCompute();
}

/**
 * For a run that may be stopped by `signal` (simulate, solveOde): called between chunks of Wasm work, it lets the
 * event loop run every 50 ms (so the signal's abort, or a SIGINT handler, can happen during the run) and says
 * whether the signal is aborted. Without a signal it does nothing and says false.
 */
export function stopCheck(signal: AbortSignal | undefined): () => Promise<boolean> {
  if (!signal) return async () => false;
  let yielded = performance.now();
  return async () => {
    if (performance.now() - yielded > 50) {
      // setImmediate in Node, a macrotask in browsers
      await new Promise<void>((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));
      yielded = performance.now();
    }
    return signal.aborted;
  };
}
