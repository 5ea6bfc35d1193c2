// `npm run bench`: sgd-phase against native C on the same machine in the same run (one SGD sample, then one step of
// the reduced chain: bench/native/chain.c, assembly/chain.ts's algorithm and stream). bench/native/sgd.c is the
// algorithm of assembly/sgd.ts (same random stream, same order of sums), built here with the machine's C
// compiler (gcc -O3 -march=native, no contraction into FMA, so its rounding is the Wasm's); skipped with a
// notice when there is none. Its weights after 300 samples from the Wasm engine's initial weights must agree
// with the Wasm's (rounding only: exp is libm's there, musl's port here). bench/native/best.c is the fastest native
// kernel we have for the same process (not the same stream): Box–Muller normals on eight xoshiro256** streams in
// vector lanes and one pass over the student rows per sample, built with FMA contraction and no errno; its normals
// must have the moments and the tail of N(0, 1) (4·10⁶ draws, |z| < 5). Then wasm-simd, native, best native and js
// are timed in interleaved rounds, js after them (CPU time, medians), all on CPU 0 where taskset exists (harness.ts
// pinToOneCpu). Then the chain step against bench/native/chain.c, and the normal generator alone against both C
// kernels' generators. JSON in bench/results/native.json.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ZIG_F, ZIG_R, ZIG_X } from "../src/shared/ziggurat.js";
import * as ERF from "../src/shared/erf-coefficients.js";
import { Slot, Stream } from "../src/shared/layout.js";
import { slotValue } from "../src/engine/engine.js";
import { BEST_128, chainEngine, identicalEngines, median, pinToOneCpu, saveRows, startOmega, weightsOf, type Row } from "./harness.js";
import { gatedRound, startProbe, stateReport } from "./machine-state.js";

pinToOneCpu(); // both sides of every ratio on one CPU
await startProbe(); // every round in the machine's fast state (machine-state.ts)

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const build = here("./native/build/");
const compiler = ["cc", "gcc", "clang"].find((c) => spawnSync(c, ["--version"]).status === 0);
if (!compiler) {
  console.log("native C reference: no C compiler (cc, gcc or clang) on this machine: skipped");
  process.exit(0);
}

// the ziggurat tables and erf coefficients of src/, written at full precision for the C kernel
mkdirSync(build, { recursive: true });
const f = (v: number) => v.toPrecision(17);
const header = [
  "/* written by bench/native.bench.ts from src/shared/ziggurat.ts and src/shared/erf-coefficients.ts; do not edit */",
  "#ifndef SGD_PHASE_TABLES_H",
  "#define SGD_PHASE_TABLES_H",
  `static const double ZIG_R = ${f(ZIG_R)};`,
  `static const double ZIG_X[${ZIG_X.length}] = { ${ZIG_X.map(f).join(", ")} };`,
  `static const double ZIG_F[${ZIG_F.length}] = { ${ZIG_F.map(f).join(", ")} };`,
  ...Object.entries(ERF).map(([name, v]) => `static const double ${name} = ${f(v as number)};`),
  "#endif",
].join("\n");
writeFileSync(`${build}tables.h`, `${header}\n`);
const binary = `${build}sgd`;
const flags = ["-O3", "-march=native", "-ffp-contract=off", "-std=c11", `-I${build}`];
execFileSync(compiler, [...flags, "-o", binary, here("./native/sgd.c"), "-lm"]);
const compilerVersion = execFileSync(compiler, ["--version"], { encoding: "utf8" }).split("\n")[0];
const bestBinary = `${build}best`;
const bestFlags = ["-O3", "-march=native", "-fno-math-errno", "-std=c11", `-I${build}`];
execFileSync(compiler, [...bestFlags, "-o", bestBinary, here("./native/best.c"), "-lm"]);
// the same kernel within what Wasm SIMD has: 128-bit vectors and no fused multiply-add (skipped where the compiler
// lacks the flags) — the native bound for a Wasm kernel of this algorithm
const best128Binary = `${build}best128`;
const best128Flags = [...bestFlags.slice(0, 2), "-mprefer-vector-width=128", "-mno-fma", ...bestFlags.slice(2)];
const has128 = spawnSync(compiler, [...best128Flags, "-o", best128Binary, here("./native/best.c"), "-lm"]).status === 0;

// the best kernel's normals: mean 0, variance 1, fourth moment 3, P(|z| > 4) = 6.334e-5, each within 5 standard errors
const MOMENT_DRAWS = 4_000_000;
const [m1, m2, m4, tail4] = execFileSync(bestBinary, ["moments", String(MOMENT_DRAWS), "7"], { encoding: "utf8" }).trim().split(" ").map(Number);
const P4 = 6.334248366623996e-5; // 2(1 − Φ(4))
const zs = { mean: m1 / Math.sqrt(1 / MOMENT_DRAWS), variance: (m2 - 1) / Math.sqrt(2 / MOMENT_DRAWS), fourth: (m4 - 3) / Math.sqrt(96 / MOMENT_DRAWS), tail4: (tail4 - P4) / Math.sqrt(P4 / MOMENT_DRAWS) };
for (const [name, z] of Object.entries(zs)) {
  if (!(Math.abs(z) < 5)) throw new Error(`bench/native/best.c: its normals' ${name} is ${z.toFixed(1)} standard errors off N(0, 1)`);
}

const D = 1000, P = 8, K = 4, SEED = 1;
const CHECK = 300;
const ROUNDS = 7;
const [simd, js] = await identicalEngines(["wasm-simd", "js"], { d: D, p: P, k: K, noise: 1e-3, seed: SEED });
const gamma = slotValue(simd, Slot.GAMMA);
const row = simd.layout.row;
// the initial [W; W*] without the row padding
const all = weightsOf(simd);
const packed = new Float64Array((P + K) * D);
for (let a = 0; a < P + K; a++) packed.set(all.subarray(a * row, a * row + D), a * D);
writeFileSync(`${build}weights.bin`, packed);

/** One native round: ns per sample of each timed run (after the checked samples). */
function native(timed: number, rounds: number): number[] {
  const out = execFileSync(binary, [`${build}weights.bin`, String(D), String(P), String(K), String(gamma), "0.001", String(SEED), String(Stream.SGD), String(CHECK), String(timed), String(rounds), `${build}out.bin`], { encoding: "utf8" });
  return out.trim().split("\n").map(Number);
}

// answers first: the native weights after CHECK samples against the Wasm engine's
native(1, 1);
simd.sgdRun(CHECK);
const ours = weightsOf(simd);
const theirsFile = readFileSync(`${build}out.bin`);
const theirs = new Float64Array(theirsFile.buffer, theirsFile.byteOffset, theirsFile.byteLength / 8);
let worst = 0;
const scale = ours.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
for (let a = 0; a < P; a++) for (let j = 0; j < D; j++) worst = Math.max(worst, Math.abs(ours[a * row + j] - theirs[a * D + j]) / scale);
if (!(worst <= 1e-9)) throw new Error(`native C and wasm-simd disagree after ${CHECK} samples: max relative weight difference ${worst}`);

/** One round of a build of the best native kernel: ns per sample. */
function best(file: string, timed: number): number {
  const out = execFileSync(file, ["run", `${build}weights.bin`, String(D), String(P), String(K), String(gamma), "0.001", String(SEED), String(timed), "1"], { encoding: "utf8" });
  const [ns, last] = out.trim().split("\n");
  // its students after the run: a fast kernel that diverged or stood still is not a reference
  const meanQ = Number(last.replace(/^Q_ii /, ""));
  if (!(meanQ > 0.01 && meanQ < 100)) throw new Error(`bench/native/best.c: mean Q_ii ${last} after its run is not of order 1`);
  return Number(ns);
}

/** CPU-time ns per sample of `steps` samples of an engine. */
function timeEngine(engine: typeof simd, steps: number): number {
  const t0 = process.cpuUsage();
  engine.sgdRun(steps);
  const t = process.cpuUsage(t0);
  return ((t.user + t.system) * 1e3) / steps;
}

// interleaved rounds: wasm-simd, native, best native, each ~0.2 s
const steps = { simd: 40_000, native: 40_000, best: 40_000, js: 2_000 };
simd.sgdRun(steps.simd); // warm-up: optimised code
js.sgdRun(steps.js);
const times = { simd: [] as number[], native: [] as number[], best: [] as number[], best128: [] as number[], js: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  const [s, n, o, o128] = gatedRound(() => [timeEngine(simd, steps.simd), native(steps.native, 1)[0], best(bestBinary, steps.best), has128 ? best(best128Binary, steps.best) : NaN]);
  times.simd.push(s);
  times.native.push(n);
  times.best.push(o);
  times.best128.push(o128);
}
// js after the others: process CPU time counts V8's helper threads too, and the js engine's garbage collection
// would land in the next wasm round
for (let r = 0; r < ROUNDS; r++) times.js.push(gatedRound(() => timeEngine(js, steps.js)));
const ns = { simd: median(times.simd), native: median(times.native), best: median(times.best), best128: has128 ? median(times.best128) : NaN, js: median(times.js) };
const rows: Row[] = [
  { suite: `sgd sample, d = ${D}, one core`, name: "wasm-simd", nsPerSample: ns.simd, marginPercent: NaN, runs: ROUNDS },
  { suite: `sgd sample, d = ${D}, one core`, name: "native C", nsPerSample: ns.native, marginPercent: NaN, runs: ROUNDS },
  { suite: `sgd sample, d = ${D}, one core`, name: "native C, best", nsPerSample: ns.best, marginPercent: NaN, runs: ROUNDS },
  { suite: `sgd sample, d = ${D}, one core`, name: "js", nsPerSample: ns.js, marginPercent: NaN, runs: ROUNDS },
];
if (has128) rows.push({ suite: `sgd sample, d = ${D}, one core`, name: BEST_128, nsPerSample: ns.best128, marginPercent: NaN, runs: ROUNDS });
console.log(`one SGD sample, d = ${D}, p = ${P}, k = ${K} (CPU time, median of ${ROUNDS} interleaved rounds):`);
console.log(`  wasm-simd ${(ns.simd / 1e3).toFixed(2)} µs   native C (${compiler} -O3 -march=native) ${(ns.native / 1e3).toFixed(2)} µs   js ${(ns.js / 1e3).toFixed(1)} µs`);
console.log(`  wasm-simd / native C = ${(ns.simd / ns.native).toFixed(2)}×   js / wasm-simd = ${(ns.js / ns.simd).toFixed(1)}×   (agreement after ${CHECK} samples: ${worst.toExponential(1)})`);
console.log(`  best native (Box–Muller ×8, one pass; ${bestFlags.filter((f) => !f.startsWith("-I")).join(" ")}) ${(ns.best / 1e3).toFixed(2)} µs: wasm-simd / best native = ${(ns.simd / ns.best).toFixed(2)}×   (its normals: ${Object.entries(zs).map(([k, z]) => `${k} ${z.toFixed(1)}σ`).join(", ")})`);
if (has128) console.log(`  best native within Wasm SIMD's means (128-bit vectors, no FMA) ${(ns.best128 / 1e3).toFixed(2)} µs: wasm-simd / it = ${(ns.simd / ns.best128).toFixed(2)}×`);
// 2. one step of the reduced chain (p = 8, k = 4, d = 10⁵, the chain suite's state): bench/native/chain.c, the
// algorithm of assembly/chain.ts on the same stream; its Ω after CHAIN_CHECK steps against the Wasm's, then
// interleaved rounds
const R = P + K;
// 15 rounds of ~0.1 s each (the median of 7 moved by up to 2× between unpinned runs: see pinToOneCpu)
const CHAIN_D = 1e5, CHAIN_CHECK = 2000, CHAIN_STEPS = 200_000, CHAIN_ROUNDS = 15;
const chainBinary = `${build}chain`;
execFileSync(compiler, [...flags, "-o", chainBinary, here("./native/chain.c"), "-lm"]);
const omega0 = await startOmega(P, K);
writeFileSync(`${build}omega.bin`, omega0);
const chain = await chainEngine("wasm-simd", CHAIN_D, P, K, omega0);
const chainGamma = slotValue(chain, Slot.GAMMA);
function nativeChain(timed: number): number {
  const out = execFileSync(chainBinary, [`${build}omega.bin`, String(P), String(K), String(CHAIN_D), String(chainGamma), "0.001", "1", String(Stream.SGD), String(CHAIN_CHECK), String(timed), "1", `${build}omega-out.bin`], { encoding: "utf8" });
  return Number(out.trim());
}
nativeChain(1);
chain.chainRun(CHAIN_CHECK);
const omegaWasm = chain.f64.slice(chain.layout.omega / 8, chain.layout.omega / 8 + R * R);
const omegaFile = readFileSync(`${build}omega-out.bin`);
const omegaNative = new Float64Array(omegaFile.buffer, omegaFile.byteOffset, omegaFile.byteLength / 8);
const omegaScale = omegaWasm.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
let chainWorst = 0;
omegaWasm.forEach((v, i) => (chainWorst = Math.max(chainWorst, Math.abs(v - omegaNative[i]) / omegaScale)));
if (!(chainWorst <= 1e-9)) throw new Error(`native C and wasm-simd chains disagree after ${CHAIN_CHECK} steps: max relative Ω difference ${chainWorst}`);
const chainTimes = { simd: [] as number[], native: [] as number[] };
chain.chainRun(CHAIN_STEPS); // warm-up
// each round of both from the same state (Ω₀, seed 1), as the native binary starts from it every time: the same work
// on both sides (the Wasm step's cost did not move as Ω did: 503–529 ns in 8 rounds of 2·10⁵ steps from Ω₀, at fa794b3)
const restart = () => {
  chain.f64.set(omega0, chain.layout.omega / 8);
  chain.seed(1, Stream.SGD);
};
for (let r = 0; r < CHAIN_ROUNDS; r++) {
  const [s, n] = gatedRound(() => {
    restart();
    const t0 = process.cpuUsage();
    chain.chainRun(CHAIN_STEPS);
    const t = process.cpuUsage(t0);
    return [((t.user + t.system) * 1e3) / CHAIN_STEPS, nativeChain(CHAIN_STEPS)];
  });
  chainTimes.simd.push(s);
  chainTimes.native.push(n);
}
const chainNs = { simd: median(chainTimes.simd), native: median(chainTimes.native) };
rows.push(
  { suite: `chain step, p = ${P}, k = ${K}, one core`, name: "wasm-simd", nsPerSample: chainNs.simd, marginPercent: NaN, runs: CHAIN_ROUNDS },
  { suite: `chain step, p = ${P}, k = ${K}, one core`, name: "native C", nsPerSample: chainNs.native, marginPercent: NaN, runs: CHAIN_ROUNDS },
);
console.log(`one chain step, p = ${P}, k = ${K}, d = 10^5: wasm-simd ${chainNs.simd.toFixed(0)} ns, native C ${chainNs.native.toFixed(0)} ns: wasm-simd / native C = ${(chainNs.simd / chainNs.native).toFixed(2)}× (agreement after ${CHAIN_CHECK} steps: ${chainWorst.toExponential(1)})`);

// 3. the normal generator alone, 1000 normals per call as one sample at d = 1000 draws them: wasm-simd's ziggurat,
// sgd.c's (the same stream: its first 1000 normals against the Wasm's), best.c's Box–Muller at the machine's vector
// width and at 128 bits, the width of Wasm SIMD (skipped where the compiler has no -mprefer-vector-width)
const NORMALS = 100_000_000; // ≈ 0.2 s per round
const [generator] = await identicalEngines(["wasm-simd"], { d: D, p: P, k: K, noise: 1e-3, seed: SEED });
generator.seed(SEED, Stream.SGD);
generator.normals(generator.layout.x, 1000);
const ourNormals = generator.f64.slice(generator.layout.x / 8, generator.layout.x / 8 + 1000);
const nativeNormals = (timed: number) => Number(execFileSync(binary, ["normals", String(SEED), String(Stream.SGD), String(timed), `${build}normals.bin`], { encoding: "utf8" }).split(" ")[0]);
const bestNormals = (file: string, timed: number) => Number(execFileSync(file, ["normals", String(timed), String(SEED)], { encoding: "utf8" }).split(" ")[0]);
nativeNormals(1000);
const normalsFile = readFileSync(`${build}normals.bin`);
const theirNormals = new Float64Array(normalsFile.buffer, normalsFile.byteOffset, normalsFile.byteLength / 8);
const normalsEqual = ourNormals.filter((v, i) => v === theirNormals[i]).length;
const normalsWorst = ourNormals.reduce((m, v, i) => Math.max(m, Math.abs(v - theirNormals[i])), 0);
if (!(normalsWorst <= 1e-14)) throw new Error(`native C and wasm-simd normals disagree: max difference ${normalsWorst} in the first 1000`);
const normalTimes = { simd: [] as number[], native: [] as number[], best: [] as number[], best128: [] as number[] };
const timeNormals = (calls: number) => {
  const t0 = process.cpuUsage();
  for (let c = 0; c < calls; c++) generator.normals(generator.layout.x, 1000);
  const t = process.cpuUsage(t0);
  return ((t.user + t.system) * 1e3) / (calls * 1000);
};
timeNormals(NORMALS / 1000 / 4); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  const [s, n, o, o128] = gatedRound(() => [timeNormals(NORMALS / 1000), nativeNormals(NORMALS), bestNormals(bestBinary, NORMALS), has128 ? bestNormals(best128Binary, NORMALS) : NaN]);
  normalTimes.simd.push(s);
  normalTimes.native.push(n);
  normalTimes.best.push(o);
  if (has128) normalTimes.best128.push(o128);
}
const normalNs = { simd: median(normalTimes.simd), native: median(normalTimes.native), best: median(normalTimes.best), best128: has128 ? median(normalTimes.best128) : NaN };
const normalRow = (name: string, v: number): Row => ({ suite: "normals, one core", name, nsPerSample: v, marginPercent: NaN, runs: ROUNDS });
rows.push(normalRow("wasm-simd", normalNs.simd), normalRow("native C", normalNs.native), normalRow("native C, best", normalNs.best));
if (has128) rows.push(normalRow(BEST_128, normalNs.best128));
console.log(
  `standard normals (1000 per call): wasm-simd ${normalNs.simd.toFixed(2)} ns, native C (the same ziggurat and stream: ${normalsEqual} of the first 1000 equal, the rest within ${normalsWorst.toExponential(1)}) ${normalNs.native.toFixed(2)} ns: wasm-simd / native C = ${(normalNs.simd / normalNs.native).toFixed(2)}×; ` +
    `best native (Box–Muller ×8) ${normalNs.best.toFixed(2)} ns${has128 ? `, with 128-bit vectors and no FMA ${normalNs.best128.toFixed(2)} ns` : ""}`,
);

const file = saveRows("native", rows, { compiler: compilerVersion, flags: flags.filter((f) => !f.startsWith("-I")), agreement: worst, ratios: { simdOverNative: ns.simd / ns.native, simdOverBest: ns.simd / ns.best, simdOverBest128: ns.simd / ns.best128, jsOverSimd: ns.js / ns.simd, chainSimdOverNative: chainNs.simd / chainNs.native, normalsSimdOverNative: normalNs.simd / normalNs.native },
  chainAgreement: chainWorst, best: { flags: bestFlags.filter((f) => !f.startsWith("-I")), normals: { draws: MOMENT_DRAWS, mean: m1, variance: m2, fourth: m4, tail4, z: zs } },
  normalsAgreement: { equal: normalsEqual, of: 1000, worst: normalsWorst }, best128: has128 ? { flags: best128Flags.filter((f) => !f.startsWith("-I")) } : null, state: stateReport(), command: "npm run bench" });
console.log(`written: ${file}`);
