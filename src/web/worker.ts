// see: README.md (browser) — a Web Worker of the page: receives the page's compiled Wasm module once, then
// runs jobs (a simulation, an ODE, a phase-diagram point) and posts outputs, progress and the result back.
// All numerics of the page run here; the page cancels a job by terminating the worker.
import { simulate } from "../simulate.js";
import { solveOde } from "../ode.js";
import { phasePoint } from "../phase/phase.js";
import { provideModule, type WasmBuild } from "../engine/wasm.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const post = (message: FromWorker) => postMessage(message);

/** Progress is posted at most every 50 ms (outputs always: they are few). */
function throttled<T>(send: (value: T) => void, ms = 50): (value: T) => void {
  let last = -Infinity;
  return (value) => {
    const now = performance.now();
    if (now - last >= ms) {
      last = now;
      send(value);
    }
  };
}

let backend: WasmBuild = "wasm-simd";

onmessage = async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "init") {
    backend = message.build;
    provideModule(message.build, message.module);
    post({ type: "ready" });
    return;
  }
  const { id } = message;
  try {
    if (message.type === "simulate") {
      const progress = throttled((p: { samples: number; totalSamples: number; t: number }) => post({ type: "progress", id, fraction: p.samples / p.totalSamples, t: p.t }));
      const result = await simulate({
        ...message.options,
        backend,
        onProgress: progress,
        onOutput: (output) => post({ type: "output", id, output }),
      });
      post({ type: "done", id, result });
    } else if (message.type === "ode") {
      const progress = throttled((p: { t: number; tEnd: number }) => post({ type: "progress", id, fraction: p.t / p.tEnd, t: p.t }));
      const result = await solveOde({ ...message.options, backend, onProgress: progress });
      post({ type: "done", id, result });
    } else {
      const result = await phasePoint({ ...message.options, backend });
      post({ type: "done", id, result });
    }
  } catch (error) {
    const e = error as Error & { option?: string };
    post({ type: "error", id, error: { name: e.name, message: e.message, ...(e.option ? { option: e.option } : {}) } });
  }
};
