// `npm run bench`: one SGD sample (random numbers included) at d ∈ {100, 1000, 10000}, p = 8, k = 4, erf,
// for wasm-simd, wasm-scalar and js on identical inputs, plus the public simulate() at d = 1000 and the
// normal generator alone.
// Median ns/sample and the ratio to js; JSON in bench/results/sgd.json. Goal (issue 2): ≤ 8 µs at
// d = 1000 on one core and ≥ 4× the js baseline.
import b from "benny";
import type { Backend } from "../src/engine/engine.js";
import { simulate } from "../src/simulate.js";
import { assertFinite, checkAgreement, identicalEngines, pinToOneCpu, printRows, saveRows, type Row } from "./harness.js";
import { gatedSuite, startProbe, stateReport } from "./machine-state.js";

pinToOneCpu(); // every suite on CPU 0 (harness.ts): the two vCPUs here run at different speeds
await startProbe(); // every case in the machine's fast state (machine-state.ts)

const BACKENDS: Backend[] = ["wasm-simd", "wasm-scalar", "js"];
const SIZES = [100, 1000, 10000];
const options = (d: number) => ({ d, p: 8, k: 4, noise: 1e-3, seed: 1 });
/** benchmark.js timing per case: ≥ 20 timed samples of ≥ 0.1 s each (a median on a noisy machine), ≤ 3 s */
const TIMING = { minTime: 0.1, maxTime: 3, minSamples: 20 };

const rows: Row[] = [];
const checks: Record<string, number> = {};

for (const d of SIZES) {
  // answers first: 300 samples from identical inputs must agree (SIMD reorders sums; js differs in exp ulps)
  checks[`d=${d}`] = await checkAgreement(BACKENDS, options(d), 300, 1e-9);
  const engines = await identicalEngines(BACKENDS, options(d));
  const samplesPerOp = Math.max(1, Math.round(2e5 / d)); // ≈ 1 ms per call in Wasm: call overhead negligible
  for (const e of engines) e.sgdRun(samplesPerOp * 20); // warm-up: leave Liftoff for optimised code
  rows.push(...(await gatedSuite(`sgd sample, d = ${d}`, (gate) => engines.map((e) => b.add(e.backend, () => e.sgdRun(samplesPerOp), { ...TIMING, ...gate })), samplesPerOp)));
  engines.forEach((e) => assertFinite(e, `${e.backend}, d = ${d}`));
}

// the public API, copy in and out included: a 10^4-sample run of simulate() (init, overlaps at 51 times)
{
  const samples = 10_000;
  rows.push(
    ...(await gatedSuite(
      "simulate(), d = 1000",
      (gate) =>
        (["wasm-simd", "js"] as const).map((backend) =>
          b.add(backend, async () => {
            const r = await simulate({ ...options(1000), tMax: samples / 1000, backend });
            if (r.status !== "ok" || !r.risk.every(Number.isFinite)) throw new Error(`simulate (${backend}) failed`);
          }, { ...TIMING, minSamples: 5, ...gate }),
        ),
      samples,
    )),
  );
}

// the generator alone: 1000 normals per call, as one SGD sample at d = 1000 draws them ("sample" = one normal)
{
  const engines = await identicalEngines(["wasm-simd", "js"], options(1000));
  rows.push(...(await gatedSuite("normals (per draw)", (gate) => engines.map((e) => b.add(e.backend, () => e.normals(e.layout.x, 1000), { ...TIMING, ...gate })), 1000)));
}

console.log();
printRows(rows);
const file = saveRows("sgd", rows, { p: 8, k: 4, agreement: checks, state: stateReport(), command: "npm run bench" });
console.log(`\nagreement of the backends after 300 samples (max relative weight difference): ${JSON.stringify(checks)}`);
console.log(`written: ${file}`);
