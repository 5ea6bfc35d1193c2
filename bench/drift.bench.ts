// `npm run bench` (part 2): evaluations of ψ, the drift of the order parameters, for p ∈ {4, 8, 16, 32, 64}, k = 4,
// on identical states (the initial overlaps of the simulator at d = 1000, Δ = 1e-3, blue line a1 = a2 = 1),
// for wasm-simd, wasm-scalar and js; answers checked first. JSON in bench/results/drift.json.
// Goal (issue 3): ψ in Wasm ≥ 3× the js baseline.
import b from "benny";
import type { Backend, Engine } from "../src/engine/engine.js";
import { stateSize } from "../src/engine/memory.js";
import { driftEngine, pinToOneCpu, printRows, saveRows, type Row } from "./harness.js";
import { gatedSuite, startProbe, stateReport } from "./machine-state.js";

pinToOneCpu(); // every suite on CPU 0 (harness.ts): the two vCPUs here run at different speeds
await startProbe(); // every case in the machine's fast state (machine-state.ts)

const BACKENDS: Backend[] = ["wasm-simd", "wasm-scalar", "js"];
const TIMING = { minTime: 0.1, maxTime: 3, minSamples: 20 };
const K = 4;

function driftOf(e: Engine, n: number): Float64Array {
  e.driftEval(e.layout.y, e.layout.scratch);
  return e.f64.slice(e.layout.scratch / 8, e.layout.scratch / 8 + n);
}

const rows: Row[] = [];
const agreement: Record<string, number> = {};
for (const p of [4, 8, 16, 32, 64]) {
  const n = stateSize(p, K);
  const engines = await Promise.all(BACKENDS.map((backend) => driftEngine(backend, p, K)));
  const reference = driftOf(engines[0], n);
  const scale = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worst = 0;
  for (const e of engines.slice(1)) driftOf(e, n).forEach((v, i) => (worst = Math.max(worst, Math.abs(v - reference[i]) / scale)));
  if (!(worst < 1e-12)) throw new Error(`ψ disagrees between backends at p = ${p}: ${worst}`);
  agreement[`p=${p}`] = worst;
  const timed = await gatedSuite(`ψ, p = ${p}, k = ${K}`, (gate) => engines.map((e) => b.add(e.backend, () => e.driftEval(e.layout.y, e.layout.scratch), { ...TIMING, ...gate })), 1);
  rows.push(...timed.map((r) => ({ ...r, evaluationsPerSecond: 1e9 / r.nsPerSample })));
}

console.log();
printRows(rows, "ns/eval");
const file = saveRows("drift", rows, { k: K, agreement, state: stateReport(), command: "npm run bench" });
console.log(`\nbackends agree to ${JSON.stringify(agreement)} (max relative difference); written: ${file}`);
