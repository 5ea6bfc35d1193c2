// Shared by the benchmark suites: identical inputs for every backend, answer checks, and the report
// (median ns per sample and the ratio to the `js` case, as a table and as JSON in bench/results/).
import { cpus, loadavg } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { swapSeeds } from "../src/chainpair.js";
import { createEngine, setSlot, type Backend, type Engine } from "../src/engine/engine.js";
import { Slot, Stream } from "../src/shared/layout.js";
import { prepareInit, writeInitialWeights } from "../src/engine/init.js";
import { resolveOde, resolveSimulate, type SimulateOptions } from "../src/validate.js";
import { simulate } from "../src/simulate.js";
import { initialOverlaps, packState } from "../src/ode.js";
import type { Summary } from "benny/lib/internal/common-types.js";

/**
 * Re-runs this script pinned to CPU 0 (Linux `taskset`; the native binaries it starts inherit the pinning) unless it
 * already runs so, and exits with the pinned run's status; does nothing without taskset. For suites that compare
 * two programs side by side: the two vCPUs of these machines ran at steadily different speeds (2026-12-02: CPU 1
 * ~1.5× slower than CPU 0, for Wasm and C alike), so a Node process and a C child on different CPUs compared the
 * CPUs, not the programs (wasm-simd / native C of one chain step: 0.76×–1.62× unpinned, 1.07× on CPU 0, 1.13× on 1).
 */
export function pinToOneCpu(): void {
  if (process.env.SGD_PHASE_BENCH_CPU !== undefined || process.platform !== "linux") return;
  if (spawnSync("taskset", ["-c", "0", "true"]).status !== 0) return;
  const run = spawnSync("taskset", ["-c", "0", process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, SGD_PHASE_BENCH_CPU: "0" },
  });
  process.exit(run.status ?? 1);
}

/** Engines on `backends` holding the same initial weights, learning rate, noise and SGD seed. */
export async function identicalEngines(backends: Backend[], options: SimulateOptions): Promise<Engine[]> {
  const resolved = resolveSimulate(options);
  const engines = await Promise.all(backends.map((b) => createEngine(b, { d: resolved.d, p: resolved.p, k: resolved.k })));
  const [first] = engines;
  writeInitialWeights(first, resolved, prepareInit(resolved));
  const count = (resolved.p + resolved.k) * first.layout.row; // W and W* are contiguous
  const weights = first.f64.slice(first.layout.W / 8, first.layout.W / 8 + count);
  for (const e of engines) {
    e.f64.set(weights, e.layout.W / 8);
    setSlot(e, Slot.GAMMA, resolved.gamma);
    setSlot(e, Slot.NOISE, resolved.noise);
    e.seed(resolved.seed, Stream.SGD);
  }
  return engines;
}

/**
 * An engine ready for driftEval(y → scratch) on the ODE's initial state at d = 1000 (seed 1), blue line
 * a1 = a2 = 1, Δ = 1e-3: the state y (packed Q, M) with P (the ψ benchmarks).
 */
export async function driftEngine(backend: Backend, p: number, k: number): Promise<Engine> {
  const { Q0, M0, P } = await initialOverlaps(resolveOde({ d: 1000, p, k, seed: 1 }));
  const e = await createEngine(backend, { d: 0, p, k, outputs: 1 });
  setSlot(e, Slot.A1, 1);
  setSlot(e, Slot.A2, 1);
  setSlot(e, Slot.NOISE, 1e-3);
  e.f64.set(P.flat(), e.layout.P / 8);
  e.f64.set(packState(Q0, M0), e.layout.y / 8);
  return e;
}

/** The initial Ω = [[Q, M], [Mᵀ, P]] of the simulator (d = 1000, seed 1), students first (the chain benchmarks). */
export async function startOmega(p: number, k: number): Promise<Float64Array> {
  const s = await simulate({ d: 1000, p, k, times: [1e-3], seed: 1, method: "direct" });
  const r = p + k;
  const omega = new Float64Array(r * r);
  for (let a = 0; a < r; a++) {
    for (let c = 0; c < r; c++) omega[a * r + c] = a < p && c < p ? s.Q[0][a][c] : a < p ? s.M[0][a][c - p] : c < p ? s.M[0][c][a - p] : s.P[a - p][c - p];
  }
  return omega;
}

/** A chain engine at d holding Ω = `omega` (r×r), with γ = p, Δ = 1e-3 and SGD seed 1. */
export async function chainEngine(backend: Backend, d: number, p: number, k: number, omega: Float64Array): Promise<Engine> {
  const e = await createEngine(backend, { kind: "chain", d, p, k });
  e.f64.set(omega, e.layout.omega / 8);
  setSlot(e, Slot.GAMMA, p);
  setSlot(e, Slot.NOISE, 1e-3);
  e.seed(1, Stream.SGD);
  return e;
}

/**
 * A two-seed chain engine (src/chainpair.ts) with both seeds at Ω `omega`, γ = p, Δ = 10⁻³: the first on seed 1 (as
 * chainEngine), the second on seed 2.
 */
export async function chainPairEngine(d: number, p: number, k: number, omega: Float64Array): Promise<Engine> {
  const e = await createEngine("wasm-simd", { kind: "chain", d, p, k, pair: true });
  setSlot(e, Slot.GAMMA, p);
  setSlot(e, Slot.NOISE, 1e-3);
  e.f64.set(omega, e.layout.omega / 8);
  e.seed(2, Stream.SGD);
  swapSeeds(e);
  e.f64.set(omega, e.layout.omega / 8);
  e.seed(1, Stream.SGD);
  return e;
}

/** The student and teacher weights of an engine (a copy). */
export function weightsOf(e: Engine): Float64Array {
  const { W, row, p, k } = e.layout;
  return e.f64.slice(W / 8, W / 8 + (p + k) * row);
}

/**
 * Runs `steps` samples on fresh identical engines and throws unless every backend's weights agree with
 * the first one's to `tol` (relative to the largest weight): a fast wrong kernel must fail the bench.
 */
export async function checkAgreement(backends: Backend[], options: SimulateOptions, steps: number, tol: number): Promise<number> {
  const engines = await identicalEngines(backends, options);
  for (const e of engines) e.sgdRun(steps);
  const ref = weightsOf(engines[0]);
  const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worst = 0;
  for (const e of engines.slice(1)) {
    const w = weightsOf(e);
    for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(w[j] - ref[j]) / scale);
  }
  if (!(worst <= tol)) throw new Error(`backends disagree after ${steps} samples: max relative difference ${worst} > ${tol}`);
  return worst;
}

/** Throws if an engine's weights are not all finite (after timing). */
export function assertFinite(e: Engine, what: string): void {
  if (!weightsOf(e).every(Number.isFinite)) throw new Error(`${what}: non-finite weights after the benchmark`);
}

/** The native suite's rows of bench/native/best.c built within Wasm SIMD's means (128-bit vectors, no FMA). */
export const BEST_128 = "native C, best, 128-bit vectors, no FMA";

/** One row of the report. */
export interface Row {
  suite: string;
  name: string;
  /** median time per sample (per ψ evaluation, per run: per unit of the suite) (ns) */
  nsPerSample: number;
  /** relative margin of error of the mean (%), as benchmark.js reports it */
  marginPercent: number;
  runs: number;
  /** median time of the js case / median time of this case */
  speedupVsJs?: number;
  evaluationsPerSecond?: number;
}

/** The median of `v` (the middle value; the mean of the two middle ones for an even count). */
export function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Rows of one finished benny suite; each timed call ran `samplesPerOp` SGD samples. */
export function rowsOf(summary: Summary, samplesPerOp: number): Row[] {
  const rows: Row[] = summary.results.map((r) => ({
    suite: summary.name,
    name: r.name,
    nsPerSample: (r.details.median * 1e9) / samplesPerOp,
    marginPercent: r.margin,
    runs: r.samples,
  }));
  const js = rows.find((r) => r.name === "js");
  if (js) for (const r of rows) r.speedupVsJs = js.nsPerSample / r.nsPerSample;
  return rows;
}

/** Prints the rows as a table (`unit`: what the time column measures). */
export function printRows(rows: Row[], unit = "ns/sample"): void {
  const lines = rows.map((r) =>
    [r.suite.padEnd(34), r.name.padEnd(12), (r.nsPerSample < 100 ? r.nsPerSample.toPrecision(3) : r.nsPerSample.toFixed(0)).padStart(10), `±${r.marginPercent.toFixed(1)}%`.padStart(8), (r.speedupVsJs === undefined ? "" : `${r.speedupVsJs.toFixed(2)}×`).padStart(8)].join(" "),
  );
  console.log(["suite".padEnd(34), "case".padEnd(12), unit.padStart(10), "margin".padStart(8), "vs js".padStart(8)].join(" "));
  for (const line of lines) console.log(line);
}

/** Writes bench/results/<name>.json with the rows, the machine and the load. */
export function saveRows(name: string, rows: Row[], extra: Record<string, unknown>): string {
  const file = new URL(`./results/${name}.json`, import.meta.url);
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  const pinnedCpu = process.env.SGD_PHASE_BENCH_CPU; // set by pinToOneCpu
  const machine = { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, loadavg: loadavg(), ...(pinnedCpu !== undefined ? { pinnedCpu: Number(pinnedCpu) } : {}) };
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, ...extra, rows }, null, 1)}\n`);
  return file.pathname;
}
