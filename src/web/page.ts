// see: README.md (browser) — pure helpers of the explorer page (no DOM, tested in Node): the messages shown
// when the browser lacks a feature, the names of exported files and the CSV of a run.
import type { OdeResult, SimulationResult } from "../result.js";
import type { RunParams } from "./params.js";

export const WASM_MISSING =
  "This browser has no WebAssembly, so sgd-phase cannot run here. Use a current Chrome, Firefox, Safari or Edge " +
  "(or the Node package: npx sgd-phase simulate).";

export const SIMD_MISSING =
  "This browser's WebAssembly has no SIMD (Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4 have it). The page runs the " +
  "scalar build instead: the same algorithm and random numbers, results equal to the SIMD build's within rounding " +
  "(≈1e-15) and bit for bit to Node's backend \"wasm-scalar\", about 1.5× slower.";

export const NO_ODE_IN_RED = "the ODE does not exist in the red region (κ + δ < −1/2: no deterministic limit)";

/** A file name for the exports of a run: its parameters, readable and safe in every file system. */
export function fileStem(r: RunParams): string {
  const size = r.size === "p" ? `p${r.p}` : `kappa${r.kappa}`;
  const gamma = r.gamma0 === null ? "" : `-gamma0_${r.gamma0}`;
  return `sgd-phase-d${r.d}-${size}-k${r.k}-delta${r.delta}${gamma}-noise${r.noise}-seed${r.seed}`.replace(/[^A-Za-z0-9_.-]/g, "_");
}

/**
 * The learning curves of a run as one CSV in long format (one row per output: series, t, samples, risk;
 * samples empty for the ODE), numbers at full precision: ready for pandas, R or Vega.
 */
export function resultCsv(simulation?: SimulationResult, ode?: OdeResult): string {
  const lines = ["series,t,samples,risk"];
  if (simulation) simulation.t.forEach((t, j) => lines.push(`simulation,${t},${simulation.samples[j]},${simulation.risk[j]}`));
  if (ode) ode.t.forEach((t, j) => lines.push(`ode,${t},,${ode.risk[j]}`));
  return `${lines.join("\n")}\n`;
}
