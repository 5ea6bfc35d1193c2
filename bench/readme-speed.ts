// The README's speed tables, written from the saved output of `npm run bench` (bench/results/*.json, committed):
// `npm run bench` ends by rewriting the block between <!-- speed:start --> and <!-- speed:end --> of README.md,
// and test/readme.test.ts checks that the block is what these files give. No speed figure is typed by hand.
import { readFileSync, writeFileSync } from "node:fs";
import { BEST_128, median, type Row } from "./harness.js";
import type { StateReport } from "./machine-state.js";

interface Saved {
  date: string;
  machine: { cpu?: string; cores: number; node: string; loadavg: number[]; pinnedCpu?: number };
  rows: Row[];
  [extra: string]: unknown;
}

const SUITES = ["sgd", "native", "drift", "ab", "ode", "chain", "browser"] as const;
type Suite = (typeof SUITES)[number];

/** The saved results of each suite present in bench/results/. */
export function savedResults(dir = new URL("./results/", import.meta.url)): Partial<Record<Suite, Saved>> {
  const out: Partial<Record<Suite, Saved>> = {};
  for (const name of SUITES) {
    try {
      out[name] = JSON.parse(readFileSync(new URL(`${name}.json`, dir), "utf8")) as Saved;
    } catch {
      // a suite that did not run (the browser bench without Chromium) has no table
    }
  }
  return out;
}

/** "4.40 µs", "554 ns", "1.75 ms", "85 ms": three significant digits in the natural unit. */
export function time(ns: number): string {
  const [v, unit] = ns >= 1e9 ? [ns / 1e9, "s"] : ns >= 1e6 ? [ns / 1e6, "ms"] : ns >= 1e3 ? [ns / 1e3, "µs"] : [ns, "ns"];
  return `${v >= 100 ? v.toFixed(0) : v.toPrecision(3)} ${unit}`;
}
const ratio = (x: number | undefined) => (x === undefined ? "—" : `${x >= 100 ? x.toFixed(0) : x.toPrecision(3)}×`);
const superscript = (d: number) => `10${String(Math.round(Math.log10(d))).replace(/\d/g, (c) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(c)])}`;

function row(saved: Saved, suite: string, name: string): Row | undefined {
  return saved.rows.find((r) => r.suite === suite && r.name === name);
}

/** The markdown of the speed tables from the saved results. */
export function speedTables(results: Partial<Record<Suite, Saved>>): string {
  const parts: string[] = [];
  const { sgd, native, drift, ab, ode, chain, browser } = results;
  if (sgd) {
    const ds = [...new Set(sgd.rows.filter((r) => r.suite.startsWith("sgd sample, d = ")).map((r) => Number(r.suite.slice(16))))];
    parts.push(
      `**One SGD sample** (random numbers included; p = ${sgd.p}, k = ${sgd.k}, erf; \`bench/sgd.bench.ts\`):`,
      "",
      "| d | wasm-simd | wasm-scalar | js | simd vs js |",
      "|---:|---:|---:|---:|---:|",
      ...ds.map((d) => {
        const s = `sgd sample, d = ${d}`;
        const [simd, scalar, js] = ["wasm-simd", "wasm-scalar", "js"].map((b) => row(sgd, s, b));
        return `| ${d} | ${simd ? time(simd.nsPerSample) : "—"} | ${scalar ? time(scalar.nsPerSample) : "—"} | ${js ? time(js.nsPerSample) : "—"} | ${ratio(simd?.speedupVsJs)} |`;
      }),
      "",
    );
    const api = row(sgd, "simulate(), d = 1000", "wasm-simd");
    const apiJs = row(sgd, "simulate(), d = 1000", "js");
    const normal = row(sgd, "normals (per draw)", "wasm-simd");
    const normalJs = row(sgd, "normals (per draw)", "js");
    const notes: string[] = [];
    if (api) notes.push(`the public \`simulate()\` at d = 1000 (\`method\` "auto", instantiation and outputs included): ${time(api.nsPerSample)} per sample${apiJs ? ` (js: ${time(apiJs.nsPerSample)})` : ""}`);
    if (normal) notes.push(`one standard normal: ${time(normal.nsPerSample)}${normalJs ? ` (js: ${time(normalJs.nsPerSample)})` : ""}`);
    if (notes.length > 0) parts.push(`${notes.join("; ").replace(/^./, (c) => c.toUpperCase())}.`, "");
  }
  if (native) {
    const r = (name: string) => native.rows.find((x) => x.suite.startsWith("sgd sample") && x.name === name)!;
    const ratios = native.ratios as { simdOverNative: number; simdOverBest?: number; simdOverBest128?: number | null; jsOverSimd: number; chainSimdOverNative?: number; normalsSimdOverNative?: number };
    const chainRows = native.rows.filter((x) => x.suite.startsWith("chain step"));
    const best = native.rows.find((x) => x.suite.startsWith("sgd sample") && x.name === "native C, best");
    const best128 = native.rows.find((x) => x.suite.startsWith("sgd sample") && x.name === BEST_128);
    const normalRow = (name: string) => native.rows.find((x) => x.suite.startsWith("normals") && x.name === name);
    const [normalSimd, normalNative, normalBest, normalBest128] = ["wasm-simd", "native C", "native C, best", BEST_128].map(normalRow);
    const normalsAgreement = native.normalsAgreement as { equal: number; of: number; worst: number } | undefined;
    const bestFlags = (native.best as { flags: string[] } | undefined)?.flags ?? [];
    parts.push(
      `**Against native C** (\`bench/native/sgd.c\`: the same algorithm, random stream and order of sums, built by the bench with ${native.compiler} and \`${(native.flags as string[]).join(" ")}\`; its weights agree with the Wasm's to ${(native.agreement as number).toExponential(1)} after 300 samples; CPU time, medians of ${r("wasm-simd").runs} interleaved rounds in one run — the speed of these shared machines drifts, by up to 2× within an hour, so only ratios measured side by side compare):`,
      "",
      "| one SGD sample, d = 1000, p = 8, k = 4 | wasm-simd | native C | js | wasm-simd / native | js / wasm-simd |",
      "|---|---:|---:|---:|---:|---:|",
      `| one core | ${time(r("wasm-simd").nsPerSample)} | ${time(r("native C").nsPerSample)} | ${time(r("js").nsPerSample)} | ${ratio(ratios.simdOverNative)} | ${ratio(ratios.jsOverSimd)} |`,
      "",
      ...(chainRows.length === 2 && ratios.chainSimdOverNative
        ? [
            `One step of the reduced chain (p = 8, k = 4, d = 10⁵; \`bench/native/chain.c\`: the algorithm, random stream and order of sums of \`assembly/chain.ts\`, its Ω ${(native.chainAgreement as number) === 0 ? "equal to the Wasm's, bit for bit," : `within ${(native.chainAgreement as number).toExponential(1)} of the Wasm's`} after 2000 steps), ${chainRows[0].runs} interleaved rounds of 2·10⁵ steps, each of both from the same Ω and seed: wasm-simd ${time(chainRows[0].nsPerSample)}, native C ${time(chainRows[1].nsPerSample)}: wasm-simd / native = ${ratio(ratios.chainSimdOverNative)}.`,
            "",
          ]
        : []),
      ...(best && ratios.simdOverBest
        ? [
            `The fastest native kernel we have for the same process (\`bench/native/best.c\`: not the same stream — Box–Muller normals on eight xoshiro256** streams in vector lanes, one pass over the student rows per sample; \`${bestFlags.join(" ")}\`; its normals pass the moment and tail checks of the bench) takes ${time(best.nsPerSample)} in the same rounds: wasm-simd / best native = ${ratio(ratios.simdOverBest)}.` +
              (best128 && ratios.simdOverBest128
                ? ` Built within what Wasm SIMD has (\`-mprefer-vector-width=128 -mno-fma\`: 128-bit vectors, no fused multiply-add) it takes ${time(best128.nsPerSample)}: wasm-simd / it = ${ratio(ratios.simdOverBest128)}.`
                : ""),
            "",
          ]
        : []),
      ...(normalSimd && normalNative && normalBest && normalsAgreement && ratios.normalsSimdOverNative
        ? [
            `The normal generator alone (1000 per call, ${normalSimd.runs} interleaved rounds of 10⁸): wasm-simd's ziggurat ${time(normalSimd.nsPerSample)} per normal, sgd.c's (the same ziggurat and stream: ${normalsAgreement.equal === normalsAgreement.of ? `its first ${normalsAgreement.of} normals equal to the Wasm's, bit for bit` : `${normalsAgreement.equal} of its first ${normalsAgreement.of} normals equal to the Wasm's, the rest within ${normalsAgreement.worst.toExponential(1)}`}) ${time(normalNative.nsPerSample)}: wasm-simd / native = ${ratio(ratios.normalsSimdOverNative)}; best.c's Box–Muller ×8 ${time(normalBest.nsPerSample)}${normalBest128 ? `, and ${time(normalBest128.nsPerSample)} with 128-bit vectors and no FMA` : ""}.`,
            "",
          ]
        : []),
    );
  }
  if (drift) {
    const ps = [...new Set(drift.rows.map((r) => r.suite))];
    parts.push(
      `**ψ**, one drift evaluation of the ODE (k = ${drift.k}; \`bench/drift.bench.ts\`):`,
      "",
      "| ψ | wasm-simd | wasm-scalar | js | simd vs js |",
      "|---:|---:|---:|---:|---:|",
      ...ps.map((s) => {
        const [simd, scalar, js] = ["wasm-simd", "wasm-scalar", "js"].map((b) => row(drift, s, b));
        return `| ${s.replace(/^ψ, /, "").replace(/, k = \d+$/, "")} | ${simd ? time(simd.nsPerSample) : "—"} | ${scalar ? time(scalar.nsPerSample) : "—"} | ${js ? time(js.nsPerSample) : "—"} | ${ratio(simd?.speedupVsJs)} |`;
      }),
      "",
    );
  }
  if (ab) {
    const ratios = ab.ratios as Record<string, number[]>;
    const ps = Object.keys(ratios);
    const suite = (p: string) => `ψ, p = ${p.slice(2)}, k = ${ab.k}`;
    parts.push(
      `**ψ against commit ${ab.commit}** (wasm-simd both, side by side in one process, ${ab.rows[0]?.runs ?? "?"} interleaved rounds; \`bench/ab.bench.ts\`): ` +
        ps.map((p) => `${p.replace("p=", "p = ")}: ${time(row(ab, suite(p), ab.commit as string)?.nsPerSample ?? NaN)} then, ${time(row(ab, suite(p), "this tree")?.nsPerSample ?? NaN)} now, ${ratio(median(ratios[p]))} faster (rounds ${ratios[p].map((x) => x.toFixed(2)).join(", ")})`).join("; ") +
        ".",
      "",
    );
  }
  if (ode) {
    const stats = ode.stats as Record<string, { steps: number; rhsEvaluations: number }>;
    parts.push(
      "**Whole ODE runs** (blue line, p = 8, k = 4, γ0 = 8, Δ = 10⁻³, rtol 10⁻⁸; `bench/ode.bench.ts`):",
      "",
      "| run | median | steps | ψ evaluations |",
      "|---|---:|---:|---:|",
      ...ode.rows.map((r) => {
        const name = r.suite.replace(/^blue line, p = 8, k = 4, /, "");
        const s = stats[name];
        return `| ${name} | ${time(r.nsPerSample)} | ${s?.steps ?? "—"} | ${s?.rhsEvaluations ?? "—"} |`;
      }),
      "",
    );
  }
  if (chain) {
    const per = chain.perSample as Record<string, { direct: number; chain: number; ratio: number }>;
    const step = (b: string) => row(chain, "chain step, p = 8, k = 4", b);
    const pairStep = row(chain, "chain step, two seeds in the lanes, p = 8, k = 4", "wasm-simd");
    const curve = chain.curve as { seconds: number; samples: number };
    parts.push(
      "**The reduced chain** (p = 8, k = 4; `bench/chain.bench.ts`):",
      "",
      "| chain step | wasm-simd | wasm-scalar | js |",
      "|---|---:|---:|---:|",
      `| d = 10⁵ | ${["wasm-simd", "wasm-scalar", "js"].map((b) => (step(b) ? time(step(b)!.nsPerSample) : "—")).join(" | ")} |`,
      ...(pairStep ? [`| d = 10⁵, two seeds at once (per seed-step) | ${time(pairStep.nsPerSample)} | — | — |`] : []),
      "",
      "| d | direct step | chain step | chain faster by |",
      "|---:|---:|---:|---:|",
      ...Object.entries(per).map(([d, v]) => `| ${superscript(Number(d.slice(2)))} | ${time(v.direct)} | ${time(v.chain)} | ${ratio(v.ratio)} |`),
      "",
      `The blue line at d = 10⁶ from t = 0 to 100 (${superscript(curve.samples)} samples) with the chain: ${curve.seconds.toFixed(1)} s.`,
      "",
    );
  }
  if (browser) {
    const ratios = browser.ratios as Record<string, { nodeSamplesPerSecond: number; chromiumSamplesPerSecond: number; chromiumOverNodeTime: number }>;
    parts.push(
      `**In the browser** (Chromium ${browser.chromium} against Node ${browser.node}, the same .wasm; \`bench/browser.bench.ts\`):`,
      "",
      "| run | Node | Chromium | Chromium / Node time |",
      "|---|---:|---:|---:|",
      ...Object.entries(ratios).map(([name, r]) => `| ${name} | ${time(1e9 / r.nodeSamplesPerSecond)}/sample | ${time(1e9 / r.chromiumSamplesPerSecond)}/sample | ${r.chromiumOverNodeTime.toFixed(2)} |`),
      "",
    );
  }
  const runs = SUITES.filter((s) => results[s]).map((s) => results[s]!);
  if (runs.length > 0) {
    const m = runs[0].machine;
    const dates = runs.map((r) => r.date.slice(0, 10)).sort();
    const pinned = runs.filter((r) => r.machine.pinnedCpu !== undefined);
    parts.push(
      `Medians from \`npm run bench\` (or one of its suites run again alone, \`tsx bench/<suite>.bench.ts\`) on ${m.cores} cores of ${m.cpu ?? "an unnamed CPU"}, Node ${m.node}, ${dates[0] === dates.at(-1) ? dates[0] : `${dates[0]} to ${dates.at(-1)}`} ` +
        `(each suite's time, UTC, and the load average at its start: ${SUITES.filter((s) => results[s]).map((s) => `${s} ${results[s]!.date.slice(11, 16)}, ${results[s]!.machine.loadavg[0].toFixed(1)}`).join("; ")}); the files are bench/results/{${SUITES.filter((s) => results[s]).join(",")}}.json.` +
        (pinned.length > 0 ? ` Pinned to CPU ${pinned[0].machine.pinnedCpu} (taskset; \`pinToOneCpu\` in bench/harness.ts — the two vCPUs of this machine ran at steadily different speeds): ${SUITES.filter((s) => results[s]?.machine.pinnedCpu !== undefined).join(", ")}.` : "") +
        gateSentence(results),
    );
  }
  return parts.join("\n");
}


/**
 * What bench/machine-state.ts's gate did, per suite that has it: the machine's fast state as its probe (wasm-simd's
 * normals) measured it, the waits for that state and the re-runs; any case that ended in the slow state anyway.
 */
function gateSentence(results: Partial<Record<Suite, Saved>>): string {
  const gated = SUITES.filter((s) => results[s]?.state !== undefined).map((s) => [s, results[s]!.state as StateReport] as const);
  if (gated.length === 0) return "";
  const slow = gated.filter(([, g]) => g.slowCases > 0);
  return (
    ` Each timed case or round waited for the machine's fast state (bench/machine-state.ts: these machines switch between two speeds ~1.35× apart for tens of seconds at a time) and was run again when it ended in the slow one; probe, waits and re-runs per suite: ` +
    gated.map(([s, g]) => `${s} ${g.probeNsPerNormal.toFixed(2)} ns per normal, ${g.waits} wait${g.waits === 1 ? "" : "s"} (${g.waitedSeconds} s), ${g.reruns} re-run${g.reruns === 1 ? "" : "s"}`).join("; ") +
    "." +
    (slow.length > 0 ? ` Cases that still ended in the slow state (their rows may be inflated): ${slow.map(([s, g]) => `${s} ${g.slowCases}`).join(", ")}.` : "")
  );
}

const START = "<!-- speed:start -->";
const END = "<!-- speed:end -->";

/** The README's speed block (between the markers), or undefined when it has none. */
export function readmeSpeedBlock(readme: string): string | undefined {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  return a < 0 || b < a ? undefined : readme.slice(a + START.length, b).trim();
}

/** Rewrites the README's speed block from the saved results. */
export function writeReadmeSpeed(file = new URL("../README.md", import.meta.url)): void {
  const readme = readFileSync(file, "utf8");
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} … ${END} block`);
  writeFileSync(file, `${readme.slice(0, a + START.length)}\n${speedTables(savedResults())}\n${readme.slice(b)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeReadmeSpeed();
  console.log("README.md: the speed tables rewritten from bench/results/*.json");
}
