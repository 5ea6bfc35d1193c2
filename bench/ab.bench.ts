// `npm run bench:ab [-- <commit> [p,p,…]]`: ψ (the ODE's drift) of this tree against an earlier commit's, both
// wasm-simd, in one process and in interleaved rounds — on these shared machines the time of one build drifts by
// up to 2× between runs, so a speed-up is only measured side by side. The commit (default 11b2464, where issue 16
// measured ψ) is checked out in a git worktree under the system's temporary folder and its Wasm built there; both
// trees evaluate ψ on the same state (the simulator's initial overlaps at d = 1000, Δ = 1e-3, a1 = a2 = 1, as
// bench/drift.bench.ts) and their outputs are compared first. Each round: 7 medians of process CPU time per call,
// alternating the builds (which goes first alternates too); the ratio of each round is printed. JSON in
// bench/results/ab.json. The old sources are compiled with this tree's AssemblyScript (node_modules linked), so the
// A/B compares sources under one compiler. Without git or the commit (a shallow clone, a package) it says so and
// exits 0, writing nothing. The worktree stays registered for the next run (`git worktree remove <dir>` drops it).
import { execFileSync } from "node:child_process";
import { existsSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { stateSize } from "../src/engine/memory.js";
import { driftEngine, median, pinToOneCpu, saveRows, type Row } from "./harness.js";
import { gatedRound, startProbe, stateReport } from "./machine-state.js";

pinToOneCpu(); // every suite on CPU 0 (harness.ts): the two vCPUs here run at different speeds
await startProbe(); // every round in the machine's fast state (machine-state.ts)

const K = 4;
const ROUNDS = 5;
const commit = process.argv[2] ?? "11b2464";
const ps = (process.argv[3] ?? "32,64").split(",").map(Number);
const root = resolve(import.meta.dirname, "..");

/** The worktree of `commit` with its three Wasm builds (made once, reused); undefined without git or the commit. */
function worktree(rev: string): string | undefined {
  let full: string;
  try {
    full = execFileSync("git", ["rev-parse", "--verify", `${rev}^{commit}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
  const dir = join(tmpdir(), `sgd-phase-ab-${full.slice(0, 12)}`);
  if (!existsSync(join(dir, "build", "simd.wasm"))) {
    if (!existsSync(dir)) execFileSync("git", ["worktree", "add", "--detach", "-f", dir, full], { cwd: root, stdio: "ignore" });
    if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    for (const target of ["debug", "scalar", "simd"]) execFileSync(join(root, "node_modules", ".bin", "asc"), ["assembly/index.ts", "--target", target], { cwd: dir, stdio: "inherit" });
  }
  return dir;
}

/** The first of `paths` (relative to `dir`) that exists, imported (the layout of src/ changed at e889432). */
async function importFirst(dir: string, paths: string[]): Promise<Record<string, any>> {
  const found = paths.find((p) => existsSync(join(dir, p)));
  if (!found) throw new Error(`none of ${paths.join(", ")} in ${dir}`);
  return import(pathToFileURL(join(dir, found)).href);
}

type Evaluator = { run: () => void; out: () => Float64Array };

function evaluator(e: any, n: number): Evaluator {
  return { run: () => e.driftEval(e.layout.y, e.layout.scratch), out: () => e.f64.slice(e.layout.scratch / 8, e.layout.scratch / 8 + n) };
}

function cpuMicroseconds(f: () => void, reps: number): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / reps;
}

const dir = worktree(commit);
if (dir === undefined) {
  console.log(`bench:ab skipped: commit ${commit} is not in this checkout (or git is missing); nothing written`);
  process.exit(0);
}
const baseEngine = await importFirst(dir, ["src/engine/engine.ts", "src/engine.ts"]);
const baseLayout = await importFirst(dir, ["src/shared/layout.ts", "src/layout.ts"]);
const rows: Row[] = [];
const ratios: Record<string, number[]> = {};
console.log(`ψ, wasm-simd: ${commit} (${dir}) against this tree; CPU time per evaluation, ${ROUNDS} interleaved rounds`);
for (const p of ps) {
  const n = stateSize(p, K);
  const cur = await driftEngine("wasm-simd", p, K);
  const base = await baseEngine.createEngine("wasm-simd", { d: 0, p, k: K, outputs: 1 });
  for (const [slot, v] of [["A1", 1], ["A2", 1], ["NOISE", 1e-3]] as const) baseEngine.setSlot(base, baseLayout.Slot[slot], v);
  base.f64.set(cur.f64.subarray(cur.layout.P / 8, cur.layout.P / 8 + K * K), base.layout.P / 8);
  base.f64.set(cur.f64.subarray(cur.layout.y / 8, cur.layout.y / 8 + n), base.layout.y / 8);
  const [a, b] = [evaluator(base, n), evaluator(cur, n)];
  a.run();
  b.run();
  const [ya, yb] = [a.out(), b.out()];
  const scale = ya.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const agreement = ya.reduce((m, v, i) => Math.max(m, Math.abs(v - yb[i])), 0) / scale;
  if (!(agreement < 1e-13)) throw new Error(`ψ of ${commit} and of this tree differ at p = ${p}: ${agreement}`);
  const reps = Math.max(1, Math.round(2e4 / (p * p)));
  const times: [number[], number[]] = [[], []];
  for (let r = 0; r < ROUNDS; r++) {
    const m = gatedRound(() => {
      const m: [number[], number[]] = [[], []];
      for (let i = 0; i < 7; i++) {
        const order = (r + i) % 2 === 0 ? [0, 1] : [1, 0];
        for (const j of order) m[j].push(cpuMicroseconds([a, b][j].run, reps));
      }
      return m;
    });
    m.forEach((v, j) => times[j].push(median(v)));
  }
  ratios[`p=${p}`] = times[0].map((t, i) => t / times[1][i]);
  console.log(
    `p = ${p}, k = ${K} (outputs agree to ${agreement.toExponential(1)}): ${commit} ${times[0].map((t) => t.toFixed(0)).join(" ")} µs, ` +
      `this tree ${times[1].map((t) => t.toFixed(0)).join(" ")} µs; ${commit} / this tree ${ratios[`p=${p}`].map((x) => x.toFixed(2)).join(" ")}`,
  );
  for (const [name, t] of [[commit, times[0]], ["this tree", times[1]]] as const) {
    // margin: the spread of the rounds' medians around their median (%)
    const spread = ((Math.max(...t) - Math.min(...t)) / 2 / median(t)) * 100;
    rows.push({ suite: `ψ, p = ${p}, k = ${K}`, name, nsPerSample: median(t) * 1e3, marginPercent: spread, runs: ROUNDS, evaluationsPerSecond: 1e6 / median(t) });
  }
}
const file = saveRows("ab", rows, { commit, k: K, ratios, state: stateReport(), command: `npm run bench:ab -- ${commit} ${ps.join(",")}` });
console.log(`written: ${file}`);
