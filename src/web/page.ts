// see: README.md (browser) — pure helpers of the explorer page (no DOM, tested in Node): the messages shown
// when the browser lacks a feature, the names of exported files and the CSV of a run.
import type { OdeResult, SimulationResult } from "../result.js";
import { odeOptions, regionOfRun, simulateOptions, type RunParams } from "./params.js";
import { OptionError, resolveOde, resolveSimulate } from "../validate.js";

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

/**
 * What keeps a run from starting, checked in the page before anything is drawn or linked (the rules are the
 * API's, so the page refuses what the CLI refuses): the option and the message, or undefined.
 */
export function runProblem(r: RunParams): { option: string; message: string } | undefined {
  const red = regionOfRun(r) === "red";
  try {
    if (r.method !== "ode") resolveSimulate(simulateOptions(r));
    if (r.method === "ode" && red) return { option: "method", message: NO_ODE_IN_RED };
    if (!red && (r.method === "ode" || r.ode)) resolveOde(odeOptions(r));
  } catch (error) {
    if (error instanceof OptionError) return { option: error.option, message: error.message };
    throw error;
  }
  return undefined;
}

/** Why the ODE is not on the curve panel (or stopped early), or undefined when it is drawn whole. */
export function odeNote(r: RunParams, ode?: OdeResult, failure?: string): string | undefined {
  if (regionOfRun(r) === "red") return `No ODE: ${NO_ODE_IN_RED}.`;
  if (r.method !== "ode" && !r.ode) return "No ODE: “with the ODE” is off.";
  if (failure !== undefined) return `No ODE: it failed (${failure}).`;
  if (ode?.failure) return `The ODE stops at t = ${Number(ode.failure.t.toPrecision(4))}: ${ode.failure.reason}.`;
  return undefined;
}
