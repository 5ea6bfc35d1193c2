// `npm run bench` (part 4): the exact reduced chain. One chain step at p = 8, k = 4 (wasm-simd, wasm-scalar,
// js on identical states, answers checked); the direct step against the chain step at d ∈ {10³, 10⁴, 10⁵}
// (wasm-simd); two seeds at once in the lanes (wasm-simd, per seed-step); and one blue-line curve at d = 10⁶ to t = 100 (10⁸ samples) with the chain, timed once.
// JSON in bench/results/chain.json. Goals (issue 4): chain step ≤ 1 µs; at d = 10⁴ the chain ≥ 100× faster
// per sample than the direct simulator; the d = 10⁶ curve in < 3 minutes on one core.
import b from "benny";
import type { Backend } from "../src/engine/engine.js";
import { Status } from "../src/shared/layout.js";
import { simulate } from "../src/simulate.js";
import { chainEngine, chainPairEngine, identicalEngines, pinToOneCpu, printRows, saveRows, startOmega, type Row } from "./harness.js";
import { awaitFastState, gatedSuite, slowFactor, startProbe, stateReport } from "./machine-state.js";

pinToOneCpu(); // every suite on CPU 0 (harness.ts): the two vCPUs here run at different speeds
await startProbe(); // every case in the machine's fast state (machine-state.ts)

const TIMING = { minTime: 0.1, maxTime: 3, minSamples: 20 };
const P = 8, K = 4, R = P + K;
const STEPS = 2000;

async function suite(name: string, cases: [string, () => void][], unitsPerOp: number): Promise<Row[]> {
  return gatedSuite(name, (gate) => cases.map(([label, fn]) => b.add(label, fn, { ...TIMING, ...gate })), unitsPerOp);
}

const omega = await startOmega(P, K);
const rows: Row[] = [];

// 1. one chain step, three backends; answers first: 2000 steps from the same state agree
const backends: Backend[] = ["wasm-simd", "wasm-scalar", "js"];
const check = await Promise.all(backends.map((backend) => chainEngine(backend, 1e5, P, K, omega)));
check.forEach((e) => {
  if (e.chainRun(STEPS) !== Status.OK) throw new Error(`${e.backend}: the chain diverged`);
});
const ref = check[0].f64.slice(check[0].layout.omega / 8, check[0].layout.omega / 8 + R * R);
let agreement = 0;
for (const e of check.slice(1)) {
  e.f64.subarray(e.layout.omega / 8, e.layout.omega / 8 + R * R).forEach((v, i) => (agreement = Math.max(agreement, Math.abs(v - ref[i]) / Math.max(1, Math.abs(ref[i])))));
}
if (!(agreement < 1e-10)) throw new Error(`chain backends disagree: ${agreement}`);
const engines = await Promise.all(backends.map((backend) => chainEngine(backend, 1e5, P, K, omega)));
rows.push(...(await suite("chain step, p = 8, k = 4", engines.map((e) => [e.backend, () => e.chainRun(STEPS)]), STEPS)));

// 1b. two seeds at once in the f64x2 lanes (per seed-step: each call does 2·STEPS seed-steps), after checking that
// the first seed lands bit for bit where chainRun takes it
const pairCheck = await chainPairEngine(1e5, P, K, omega);
if (pairCheck.chainRunPair(STEPS) !== Status.OK) throw new Error("two-seed chain diverged");
const pairOmega = pairCheck.f64.subarray(pairCheck.layout.omega / 8, pairCheck.layout.omega / 8 + R * R);
if (pairOmega.some((v, i) => v !== ref[i])) throw new Error("the two-seed chain's first seed differs from the one-seed chain");
const pair = await chainPairEngine(1e5, P, K, omega);
rows.push(...(await suite("chain step, two seeds in the lanes, p = 8, k = 4", [["wasm-simd", () => pair.chainRunPair(STEPS)]], 2 * STEPS)));

// 2. direct against chain per sample, wasm-simd
const perSample: Record<string, { direct: number; chain: number; ratio: number }> = {};
for (const d of [1e3, 1e4, 1e5]) {
  const [direct] = await identicalEngines(["wasm-simd"], { d, p: P, k: K, noise: 1e-3, seed: 1 });
  const chain = await chainEngine("wasm-simd", d, P, K, omega);
  const directSteps = Math.max(1, Math.round(2e5 / d));
  direct.sgdRun(directSteps * 10);
  chain.chainRun(STEPS);
  const [dr] = await suite(`direct step, d = ${d}`, [["wasm-simd", () => direct.sgdRun(directSteps)]], directSteps);
  const [cr] = await suite(`chain step, d = ${d}`, [["wasm-simd", () => chain.chainRun(STEPS)]], STEPS);
  rows.push(dr, cr);
  perSample[`d=${d}`] = { direct: dr.nsPerSample, chain: cr.nsPerSample, ratio: dr.nsPerSample / cr.nsPerSample };
}

// 3. the whole blue-line curve at d = 10^6 to t = 100 (10^8 samples), once
awaitFastState();
const started = performance.now();
const curve = await simulate({ d: 1e6, p: P, k: K, noise: 1e-3, tMax: 100, points: 20, method: "chain", seed: 1 });
const curveSeconds = (performance.now() - started) / 1000;
const curveSlow = slowFactor(); // the machine's state at its end (1: fast)
if (curve.status !== "ok" || curve.samples.at(-1) !== 1e8) throw new Error("d = 1e6 curve failed");

console.log();
printRows(rows, "ns/sample");
for (const [d, v] of Object.entries(perSample)) console.log(`${d}: direct ${v.direct.toFixed(0)} ns, chain ${v.chain.toFixed(0)} ns per sample: chain ${v.ratio.toFixed(1)}× faster`);
console.log(`blue line, d = 10^6, t = 0 → 100 (10^8 samples, chain, wasm-simd): ${curveSeconds.toFixed(1)} s, final excess risk ${curve.risk.at(-1)!.toExponential(4)}`);
const file = saveRows("chain", rows, { perSample, agreement, state: stateReport(), curve: { seconds: curveSeconds, samples: 1e8, finalRisk: curve.risk.at(-1), slowFactorAfter: curveSlow }, command: "npm run bench" });
console.log(`written: ${file}`);
