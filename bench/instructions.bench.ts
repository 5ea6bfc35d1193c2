// `npm run bench:instructions [kernel …]`: machine instructions per unit of work of the wasm-simd kernels,
// counted by valgrind's callgrind (skipped with a notice without valgrind). Time on a shared virtual machine
// varies by up to 2× between two runs of the same code; the count of instructions executed varies by a few per cent,
// so it is the measure of an A/B change to a kernel there: build both, run this on each. Each kernel runs N₁ and
// N₂ units in two processes (bench/instructions-worker.ts, V8 with --no-liftoff: optimised code from the first
// call) and the count is (I₂ − I₁)/(N₂ − N₁), start-up and compilation cancelling. The worker is bundled to
// plain JS first (esbuild) and V8 runs single-threaded: tsx's loader thread and V8's background threads
// otherwise add a varying count of their own. The counts compare two builds on one machine; they are not time
// (a division counts one instruction) nor comparable with native C, so a speed claim still needs `npm run
// bench`. JSON in bench/results/instructions.json (or instructions-<kernels>.json for a subset).
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

/** kernel → [what one unit is, N₁, N₂] (N₂ − N₁ units: 10⁸ to 3·10⁹ instructions, under a minute each in callgrind) */
const KERNELS: Record<string, [string, number, number]> = {
  sample: ["one SGD sample, d = 1000, p = 8, k = 4", 10000, 40000],
  chain: ["one chain step, p = 8, k = 4, d = 10⁵", 20000, 120000],
  psi: ["one ψ evaluation, p = 32, k = 4", 10, 60],
  normal: ["one standard normal", 1e6, 5e6],
};

function valgrindVersion(): string | undefined {
  const r = spawnSync("valgrind", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Instructions executed by `node … worker kernel units` (the whole process), and the worker's checksum. */
function count(kernel: string, units: number): { instructions: number; checksum: string } {
  const r = spawnSync(
    "valgrind",
    ["--tool=callgrind", "--callgrind-out-file=/dev/null", process.execPath, "--no-liftoff", "--single-threaded", WORKER, kernel, String(units)],
    { encoding: "utf8", maxBuffer: 1 << 26 },
  );
  const collected = /Collected\s*:\s*(\d+)/.exec(r.stderr);
  const checksum = /checksum (\S+)/.exec(r.stdout);
  if (r.status !== 0 || !collected || !checksum) throw new Error(`callgrind run of ${kernel} × ${units} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  return { instructions: Number(collected[1]), checksum: checksum[1] };
}

/** The bundled worker, two folders down as src/engine/wasm.ts is, so that its ../../build/simd.wasm is the one
 * `npm run build` wrote. */
const WORKER = "build/bench/instructions-worker.mjs";

const version = valgrindVersion();
if (version === undefined) {
  console.log("bench:instructions: valgrind is not installed here (Debian: apt-get install valgrind); nothing counted.");
} else {
  const only = process.argv.slice(2);
  const unknown = only.filter((k) => !(k in KERNELS));
  if (unknown.length > 0) throw new Error(`unknown kernel ${unknown.join(", ")}: the kernels are ${Object.keys(KERNELS).join(", ")}`);
  await build({ entryPoints: ["bench/instructions-worker.ts"], bundle: true, platform: "node", format: "esm", outfile: WORKER, logLevel: "warning" });
  const rows = [];
  for (const [kernel, [unit, n1, n2]] of Object.entries(KERNELS)) {
    if (only.length > 0 && !only.includes(kernel)) continue;
    const a = count(kernel, n1);
    const b = count(kernel, n2);
    const perUnit = (b.instructions - a.instructions) / (n2 - n1);
    console.log(`${unit.padEnd(42)} ${perUnit.toFixed(0).padStart(9)} instructions   (checksum after ${n2}: ${b.checksum})`);
    rows.push({ kernel, unit, instructionsPerUnit: perUnit, units: [n1, n2], instructions: [a.instructions, b.instructions], checksum: b.checksum });
  }
  mkdirSync("bench/results", { recursive: true });
  const file = only.length > 0 ? `bench/results/instructions-${only.join("-")}.json` : "bench/results/instructions.json";
  const report = { date: new Date().toISOString(), machine: { cpu: cpus()[0]?.model, node: process.version, valgrind: version }, command: `npm run bench:instructions${only.length ? " -- " + only.join(" ") : ""}`, rows };
  writeFileSync(file, JSON.stringify(report, null, 1) + "\n");
  console.log(`saved ${file}`);
}
