// Ranks the candidate starts of scripts/paper-start.py by how close their limit ODEs come to the values read
// off the paper's Fig 2 (src/figures/start.ts). Usage, after `npm run build`:
//   mkdir -p out && python3 scripts/paper-start.py > out/paper-start-candidates.json
//   npx tsx scripts/paper-start-select.ts out/paper-start-candidates.json
import { readFileSync } from "node:fs";
import { solveOde } from "../src/index.js";

/** Read off the paper's Fig 2 (±10–20%): [t, R] per limit ODE. */
const READINGS = {
  green: { delta: 0.5, points: [[100, 5e-4], [1000, 4e-6], [10000, 6e-8]] },
  blue: { delta: 0, points: [[10, 2e-3], [100, 7e-4], [1000, 1.15e-4]] },
  orange: { delta: -0.375, points: [[200, 0.2], [10000, 0.14]] },
} as const;

const candidates: [number, number, number[][]][] = JSON.parse(readFileSync(process.argv[2], "utf8"));
const rows: { seed: number; r0: number; rms: number; blueEnd: number }[] = [];
for (const [seed, r0, A] of candidates) {
  const Q0 = A.map((a) => A.map((b) => a.reduce((s, v, i) => s + v * b[i], 0)));
  const P = A[0].map((_, r) => A[0].map((_, s) => (r === s ? 1 : 0)));
  let sum = 0;
  let n = 0;
  let blueEnd = NaN;
  for (const [name, { delta, points }] of Object.entries(READINGS)) {
    const times = [...points.map(([t]) => t), 1e5];
    const o = await solveOde({ d: 1000, p: 8, k: 4, gamma0: 8, noise: 1e-3, delta, times, init: { Q0, M0: A, P } });
    points.forEach(([, r], i) => {
      sum += Math.log10(o.risk[i + 1] / r) ** 2;
      n++;
    });
    if (name === "blue") blueEnd = o.risk.at(-1)!;
  }
  rows.push({ seed, r0, rms: Math.sqrt(sum / n), blueEnd });
}
rows.sort((a, b) => a.rms - b.rms);
for (const r of rows) console.log(`${r.seed}\tR(0) = ${r.r0.toFixed(5)}\trms ${r.rms.toFixed(3)} decades\tblue R(1e5) = ${r.blueEnd.toExponential(3)}`);
const median = rows[Math.floor(rows.length / 2)].rms;
const other = rows.filter((r) => Math.abs(r.blueEnd / 1.14e-4 - 1) > 0.05).length;
console.log(`${rows.length} candidates; best ${rows[0].seed} (${rows[0].rms.toFixed(3)}); median ${median.toFixed(3)} decades; ${other} end off the two-copies plateau R∞ = 1.14e-4`);
