// Run by bench/instructions.bench.ts under callgrind: `tsx bench/instructions-worker.ts <kernel> <units>` runs
// `units` units of one wasm-simd kernel on fixed inputs (one SGD sample, one chain step, one ψ evaluation, one
// normal) and prints a checksum of the result, so that a kernel that skips its work cannot pass unnoticed.
import { createEngine, setSlot, type Engine } from "../src/engine.js";
import { Slot, Status, Stream } from "../src/layout.js";
import { initialOverlaps, packState } from "../src/ode.js";
import { resolveOde } from "../src/validate.js";
import { identicalEngines, weightsOf } from "./harness.js";

/** The kernels counted, with the size of one unit. */
const KERNELS = {
  sample: "one SGD sample, d = 1000, p = 8, k = 4 (wasm-simd)",
  chain: "one chain step, p = 8, k = 4, d = 10⁵ (wasm-simd)",
  psi: "one ψ evaluation, p = 32, k = 4 (wasm-simd)",
  normal: "one standard normal (wasm-simd)",
} as const;
type Kernel = keyof typeof KERNELS;

async function chainEngine(): Promise<Engine> {
  const P = 8, K = 4, R = P + K;
  const e = await createEngine("wasm-simd", { kind: "chain", d: 1e5, p: P, k: K });
  const omega = new Float64Array(R * R);
  // Ω: unit diagonal, each student overlapping one teacher by 0.1 (a valid covariance)
  for (let a = 0; a < R; a++) omega[a * R + a] = 1;
  for (let j = 0; j < P; j++) omega[j * R + P + (j % K)] = omega[(P + (j % K)) * R + j] = 0.1;
  e.f64.set(omega, e.layout.omega / 8);
  setSlot(e, Slot.GAMMA, P);
  setSlot(e, Slot.NOISE, 1e-3);
  e.seed(1, Stream.SGD);
  return e;
}

async function run(kernel: Kernel, units: number): Promise<number> {
  if (kernel === "sample") {
    const [e] = await identicalEngines(["wasm-simd"], { d: 1000, p: 8, k: 4, noise: 1e-3, seed: 1 });
    if (e.sgdRun(units) !== Status.OK) throw new Error("the SGD run diverged");
    return weightsOf(e).reduce((s, v) => s + v, 0);
  }
  if (kernel === "chain") {
    const e = await chainEngine();
    if (e.chainRun(units) !== Status.OK) throw new Error("the chain diverged");
    return e.f64.subarray(e.layout.omega / 8, e.layout.omega / 8 + 144).reduce((s, v) => s + v, 0);
  }
  if (kernel === "psi") {
    const p = 32;
    const { Q0, M0, P } = await initialOverlaps(resolveOde({ d: 1000, p, k: 4, seed: 1 }));
    const e = await createEngine("wasm-simd", { d: 0, p, k: 4, outputs: 1 });
    setSlot(e, Slot.A1, 1);
    setSlot(e, Slot.A2, 1);
    setSlot(e, Slot.NOISE, 1e-3);
    e.f64.set(P.flat(), e.layout.P / 8);
    e.f64.set(packState(Q0, M0), e.layout.y / 8);
    for (let i = 0; i < units; i++) e.driftEval(e.layout.y, e.layout.scratch);
    return e.f64[e.layout.scratch / 8];
  }
  const e = await createEngine("wasm-simd", { d: 1000, p: 1, k: 1 });
  e.seed(1, Stream.SGD);
  const chunk = 1000; // W's first 1000 doubles as the buffer, 1000 normals per call
  let sum = 0;
  for (let done = 0; done < units; done += chunk) {
    e.normals(e.layout.W, Math.min(chunk, units - done));
    sum += e.f64[e.layout.W / 8];
  }
  return sum;
}

const [kernel, units] = [process.argv[2] as Kernel, Number(process.argv[3])];
if (!(kernel in KERNELS) || !Number.isInteger(units) || units < 0) {
  throw new Error(`usage: tsx bench/instructions-worker.ts <${Object.keys(KERNELS).join("|")}> <units ≥ 0>; got ${process.argv.slice(2).join(" ")}`);
}
console.log(`checksum ${await run(kernel, units)}`);
