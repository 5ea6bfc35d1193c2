// `npm run bench` (part 3): whole ODE integrations with solveOde (default BDF): the blue line, p = 8, k = 4,
// γ0 = 8, Δ = 1e-3, from t = 0 to 1e4 at rtol 1e-8, and on to t = 1e7 where R∞ ≈ 0.11403·Δ is reached.
// Answers checked (the plateau of theory.md §11). JSON in bench/results/ode.json.
// Goals (issue 3): to t = 1e4 in ≤ 1 s on one core; to t = 1e7 in a few seconds.
import b from "benny";
import { solveOde } from "../src/ode.js";
import type { OdeResult } from "../src/result.js";
import { pinToOneCpu, printRows, saveRows, type Row } from "./harness.js";
import { gatedSuite, startProbe, stateReport } from "./machine-state.js";

pinToOneCpu(); // every suite on CPU 0 (harness.ts): the two vCPUs here run at different speeds
await startProbe(); // every case in the machine's fast state (machine-state.ts)

const TIMING = { minTime: 0.05, maxTime: 8, minSamples: 5 };
const task = (tMax: number, integrator: "bdf" | "dopri5" = "bdf") => () =>
  solveOde({ d: 1000, p: 8, k: 4, gamma0: 8, noise: 1e-3, tMax, points: 50, rtol: 1e-8, integrator, seed: 0 });

const stats: Record<string, OdeResult["stats"] & { finalRisk: number }> = {};
const cases: [string, () => Promise<OdeResult>][] = [
  ["bdf, t = 1e4", task(1e4)],
  ["dopri5, t = 1e4", task(1e4, "dopri5")],
  ["bdf, t = 1e7", task(1e7)],
];
for (const [name, run] of cases) {
  const r = await run();
  if (r.status !== "ok") throw new Error(`${name}: ${r.failure?.reason}`);
  stats[name] = { ...r.stats, finalRisk: r.risk.at(-1)! };
}
// the t = 1e7 run must sit on the plateau R∞ = 1.1403125731e−4 (theory.md §11), and the two methods agree at 1e4
if (Math.abs(stats["bdf, t = 1e7"].finalRisk / 1.1403125731e-4 - 1) > 1e-6) throw new Error("t = 1e7: wrong plateau");
if (Math.abs(stats["bdf, t = 1e4"].finalRisk / stats["dopri5, t = 1e4"].finalRisk - 1) > 1e-5) throw new Error("t = 1e4: methods disagree");

const rows: Row[] = [];
for (const [name, run] of cases) {
  rows.push(
    ...(await gatedSuite(
      `blue line, p = 8, k = 4, ${name}`,
      (gate) => [
        b.add(name.split(",")[0], async () => {
          await run();
        }, { ...TIMING, ...gate }),
      ],
      1,
    )),
  );
}
console.log();
printRows(rows, "ns/run");
for (const [name, s] of Object.entries(stats)) console.log(`${name}: ${JSON.stringify(s)}`);
const file = saveRows("ode", rows, { stats, state: stateReport(), command: "npm run bench" });
console.log(`written: ${file}`);
