// `npm run bench:plan` (issue 14): the cost plan's estimates (src/jobs/plan.ts: the fixed cost model of src/jobs/shard.ts
// times this machine's calibration) against the measured wall time of the same points, one at a time in this
// thread — simulations (direct and chain), ODEs (narrow and wide students) and a measured phase point. Goal: every
// estimate within a factor 2 of its measurement. Whole points of seconds each: timed once after a warm-up, not
// by benny (whose repetitions suit the micro-benchmarks). JSON in bench/results/plan.json.
import { cpus, loadavg } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { machineCalibration, planSweep } from "../src/jobs/plan.js";
import { runJob } from "../src/jobs/tasks.js";
import type { JobKind } from "../src/jobs/tasks.js";
import { pinToOneCpu } from "./harness.js";

pinToOneCpu(); // the calibration and the points on one CPU: the two vCPUs here run at different speeds

const POINTS: { name: string; kind: JobKind; options: Record<string, unknown> }[] = [
  { name: "simulate direct d=100 p=8 k=4", kind: "simulate", options: { d: 100, p: 8, k: 4, tMax: 3000, points: 10, method: "direct", noise: 1e-3 } },
  { name: "simulate direct d=1000 p=8 k=4", kind: "simulate", options: { d: 1000, p: 8, k: 4, tMax: 300, points: 10, method: "direct", noise: 1e-3 } },
  { name: "simulate direct d=1000 p=8 k=4, 4 seeds", kind: "simulate", options: { d: 1000, p: 8, k: 4, tMax: 100, points: 10, seeds: 4, method: "direct", noise: 1e-3 } },
  { name: "simulate chain d=1e4 p=8 k=4", kind: "simulate", options: { d: 1e4, p: 8, k: 4, tMax: 100, points: 10, method: "chain", noise: 1e-3 } },
  { name: "simulate chain d=1e5 p=1 k=1", kind: "simulate", options: { d: 1e5, p: 1, k: 1, tMax: 0.3, points: 10, method: "chain", noise: 1e-3, delta: 0.5 } },
  { name: "simulate direct d=300 p=32 k=4 (κ > 0)", kind: "simulate", options: { d: 300, p: 32, k: 4, tMax: 300, points: 10, method: "direct", noise: 1e-3 } },
  { name: "ode p=8 k=4 to t=1e3", kind: "ode", options: { p: 8, k: 4, tMax: 1000, points: 20, noise: 1e-3 } },
  { name: "ode p=2 k=1 to t=1e4", kind: "ode", options: { p: 2, k: 1, tMax: 1e4, points: 20, noise: 1e-3 } },
  { name: "measure (κ, δ) = (0, 0.5), budget 4 s", kind: "measure", options: { kappa: 0, delta: 0.5, budgetSeconds: 4 } },
  { name: "measure (κ, δ) = (0.5, -0.25), budget 4 s", kind: "measure", options: { kappa: 0.5, delta: -0.25, budgetSeconds: 4 } },
];

// the calibration of this run (cached for the plans below): a day-old one would carry that hour's speed
await machineCalibration({ fresh: true });
const rows: { name: string; estimate: number; measured: number; ratio: number }[] = [];
for (const point of POINTS) {
  const plan = await planSweep({ kind: point.kind, points: [point.options] });
  const estimate = plan.rows[0].seconds;
  await runJob(point.kind, point.options); // warm-up: compilation, caches
  const started = performance.now();
  await runJob(point.kind, point.options);
  const measured = (performance.now() - started) / 1000;
  rows.push({ name: point.name, estimate, measured, ratio: estimate / measured });
  process.stdout.write(`${point.name.padEnd(44)} estimate ${estimate.toFixed(3).padStart(8)} s   measured ${measured.toFixed(3).padStart(8)} s   estimate/measured ${(estimate / measured).toFixed(2)}\n`);
}
const worst = rows.reduce((m, r) => Math.max(m, Math.max(r.ratio, 1 / r.ratio)), 1);
const pass = worst <= 2;
process.stdout.write(`worst factor ${worst.toFixed(2)} (goal ≤ 2): ${pass ? "met" : "NOT met"}\n`);
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
const file = new URL("./results/plan.json", import.meta.url);
writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), cpu: cpus()[0]?.model, load: loadavg(), pinnedCpu: process.env.SGD_PHASE_BENCH_CPU === undefined ? null : Number(process.env.SGD_PHASE_BENCH_CPU), rows, worst, goal: 2, pass }, null, 1)}\n`);
process.stdout.write(`written: bench/results/plan.json\n`);
if (!pass) process.exitCode = 1;
