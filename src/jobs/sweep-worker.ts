// see: src/jobs/sweep.ts — the worker thread of a sweep: takes the main thread's compiled Wasm modules (no
// recompilation), then runs one job per task.
import { workerData } from "node:worker_threads";
import { provideModule, type WasmBuild } from "../engine/wasm.js";
import { runJob, runTwinJobs, type JobKind } from "./tasks.js";

const modules = (workerData as { modules?: Record<WasmBuild, WebAssembly.Module> } | undefined)?.modules ?? {};
for (const [build, module] of Object.entries(modules) as [WasmBuild, WebAssembly.Module][]) provideModule(build, module);

/** One point of a sweep, or two seed twins (`twins`: src/jobs/tasks.ts runTwinJobs). */
export default function run(task: { kind: JobKind; options: Record<string, unknown>; twins?: [Record<string, unknown>, Record<string, unknown>] }) {
  return task.twins ? runTwinJobs(task.kind, ...task.twins) : runJob(task.kind, task.options);
}
