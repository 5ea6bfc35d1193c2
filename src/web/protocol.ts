// see: README.md (browser) — the messages between the page and its workers (worker.ts).
import type { OdeOptions, Output, SimulateOptions } from "../validate.js";
import type { OdeResult, SimulationResult } from "../result.js";
import type { PhasePoint, PhasePointOptions } from "../phase/phase.js";
import type { WasmBuild } from "../engine/wasm.js";

export type Job =
  | { type: "simulate"; options: SimulateOptions }
  | { type: "ode"; options: OdeOptions }
  | { type: "phase"; options: PhasePointOptions };

export type JobResult = SimulationResult | OdeResult | PhasePoint;

export type ToWorker = { type: "init"; build: WasmBuild; module: WebAssembly.Module } | (Job & { id: number });

export type FromWorker =
  | { type: "ready" }
  | { type: "output"; id: number; output: Output }
  | { type: "progress"; id: number; fraction: number; t: number }
  | { type: "done"; id: number; result: JobResult }
  | { type: "error"; id: number; error: { name: string; message: string; option?: string } };
