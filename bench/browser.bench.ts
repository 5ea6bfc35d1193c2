// `npm run bench` (part 5): the same SGD run in Node and in a Web Worker of the explorer page in Chromium
// (the page's own worker code, the same SIMD Wasm): answers checked equal bit for bit first, then benny times
// both; the report gives SGD samples per second and the ratio. JSON in bench/results/browser.json.
// Goal (issue 6): Chromium within 1.5× of Node. Needs /usr/bin/chromium (or CHROMIUM_PATH) and dist/web.
import b from "benny";
import { simulate } from "../src/simulate.js";
import type { SimulateOptions } from "../src/validate.js";
import type { SimulationResult } from "../src/result.js";
import { servePage } from "../test/chromium.js";
import { pinToOneCpu, printRows, saveRows, type Row } from "./harness.js";
import { gatedSuite, startProbe, stateReport } from "./machine-state.js";

pinToOneCpu(); // Node and Chromium (its processes inherit the pinning) on CPU 0: the two vCPUs here run at different speeds
await startProbe(); // every case in the machine's fast state (machine-state.ts)

const TIMING = { minTime: 0.1, maxTime: 4, minSamples: 15 };

/** The runs (p = 8, k = 4, blue line): the direct simulator at d = 1000 (the SIMD hot loop) and the reduced chain. */
const RUNS: { name: string; options: SimulateOptions }[] = [
  { name: "direct, d = 1000", options: { d: 1000, p: 8, k: 4, noise: 1e-3, seed: 1, tMax: 40, points: 2, method: "direct" } },
  { name: "chain, d = 10^5", options: { d: 1e5, p: 8, k: 4, noise: 1e-3, seed: 1, tMax: 4, points: 2, method: "chain" } },
];

declare const window: { sgdPhase: { ready: Promise<string>; runJob(job: unknown): Promise<{ result: SimulationResult; ms: number }> } };

const served = await servePage();
const page = await served.browser.newPage();
const errors: string[] = [];
page.on("pageerror", (e) => errors.push(e.message));
await page.goto(served.base);
const build = await page.evaluate(() => window.sgdPhase.ready);
if (build !== "wasm-simd") throw new Error(`Chromium runs ${build}, not wasm-simd`);
const inBrowser = (options: SimulateOptions) => page.evaluate((o) => window.sgdPhase.runJob({ type: "simulate", options: o }), options as never);

const rows: Row[] = [];
const ratios: Record<string, { nodeSamplesPerSecond: number; chromiumSamplesPerSecond: number; chromiumOverNodeTime: number }> = {};
for (const { name, options } of RUNS) {
  // answers first: the same trajectory in both
  const [node, browser] = [await simulate(options), (await inBrowser(options)).result];
  for (const key of ["t", "samples", "risk", "Q", "M"] as const) {
    if (JSON.stringify(node[key]) !== JSON.stringify(browser[key])) throw new Error(`${name}: Chromium's ${key} differs from Node's`);
  }
  const samples = node.samples.at(-1)!;
  const [n, c] = await gatedSuite(
    `SGD run, ${name}`,
    // benny's form for asynchronous cases (a function returning the timed async function)
    (gate) => [
      b.add("node", async () => async () => {
        await simulate(options);
      }, { ...TIMING, ...gate }),
      b.add("chromium", async () => async () => {
        await inBrowser(options);
      }, { ...TIMING, ...gate }),
    ],
    samples,
  );
  rows.push(n, c);
  ratios[name] = { nodeSamplesPerSecond: 1e9 / n.nsPerSample, chromiumSamplesPerSecond: 1e9 / c.nsPerSample, chromiumOverNodeTime: c.nsPerSample / n.nsPerSample };
}
const chromiumVersion = served.browser.version();
await served.close();
if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);

console.log();
printRows(rows, "ns/sample");
for (const [name, r] of Object.entries(ratios)) {
  console.log(`${name}: Node ${(r.nodeSamplesPerSecond / 1e3).toFixed(0)}k samples/s, Chromium ${(r.chromiumSamplesPerSecond / 1e3).toFixed(0)}k samples/s: Chromium takes ${r.chromiumOverNodeTime.toFixed(2)}× Node's time (goal ≤ 1.5×)`);
}
const file = saveRows("browser", rows, { ratios, chromium: chromiumVersion, node: process.version, state: stateReport(), command: "npm run bench" });
console.log(`written: ${file}`);
