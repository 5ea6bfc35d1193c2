// Run by bench/instructions.bench.ts under callgrind: `node <bundle> <kernel> <units>` runs `units` units of one
// wasm-simd kernel on the inputs of the time benchmarks (one SGD sample, one chain step, one ψ evaluation, one
// normal) and prints a checksum of the result, so that a kernel that skips its work cannot pass unnoticed.
import { createEngine } from "../src/engine/engine.js";
import { Status, Stream } from "../src/shared/layout.js";
import { chainEngine, driftEngine, identicalEngines, startOmega, weightsOf } from "./harness.js";

const KERNELS = ["sample", "chain", "psi", "normal"] as const;
type Kernel = (typeof KERNELS)[number];
const sum = (v: Iterable<number>) => [...v].reduce((s, x) => s + x, 0);

async function run(kernel: Kernel, units: number): Promise<number> {
  if (kernel === "sample") {
    const [e] = await identicalEngines(["wasm-simd"], { d: 1000, p: 8, k: 4, noise: 1e-3, seed: 1 });
    if (e.sgdRun(units) !== Status.OK) throw new Error("the SGD run diverged");
    return sum(weightsOf(e));
  }
  if (kernel === "chain") {
    const e = await chainEngine("wasm-simd", 1e5, 8, 4, await startOmega(8, 4));
    if (e.chainRun(units) !== Status.OK) throw new Error("the chain diverged");
    return sum(e.f64.subarray(e.layout.omega / 8, e.layout.omega / 8 + 144));
  }
  if (kernel === "psi") {
    const e = await driftEngine("wasm-simd", 32, 4);
    for (let i = 0; i < units; i++) e.driftEval(e.layout.y, e.layout.scratch);
    return e.f64[e.layout.scratch / 8];
  }
  const e = await createEngine("wasm-simd", { d: 1000, p: 1, k: 1 });
  e.seed(1, Stream.SGD);
  const chunk = 1000; // W's first 1000 doubles as the buffer, 1000 normals per call
  let first = 0;
  for (let done = 0; done < units; done += chunk) {
    e.normals(e.layout.W, Math.min(chunk, units - done));
    first += e.f64[e.layout.W / 8];
  }
  return first;
}

const [kernel, units] = [process.argv[2] as Kernel, Number(process.argv[3])];
if (!KERNELS.includes(kernel) || !Number.isInteger(units) || units < 0) {
  throw new Error(`usage: instructions-worker <${KERNELS.join("|")}> <units ≥ 0>; got ${process.argv.slice(2).join(" ")}`);
}
console.log(`checksum ${await run(kernel, units)}`);
