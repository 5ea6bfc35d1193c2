// Regenerates the README's gallery of the paper's figures: runs `reproduce all --quick` (resuming the jobs
// of an earlier run in out/reproduce-quick), writes each figure as a small PNG into docs/figures/, and
// rewrites the README block between <!-- gallery:start --> and <!-- gallery:end --> with one row per figure:
// what the paper's figure shows, ours, and its checks. Usage: npm run gallery (after npm run build).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { reproduce } from "../src/jobs/reproduce.js";

const outDir = join("out", "reproduce-quick");
const started = performance.now();
const result = await reproduce(["all"], { size: "quick", outDir, resume: process.argv.includes("--fresh") ? false : true });
const rows: string[] = [];
for (const [id, { data, checks }] of Object.entries(result.figures)) {
  const svg = readFileSync(join(outDir, id, "figure.svg"), "utf8");
  writeFileSync(join("docs", "figures", `${id}.png`), new Resvg(svg, { background: "white", fitTo: { mode: "zoom", value: 1.25 }, font: { loadSystemFonts: true } }).render().asPng());
  const passed = checks.filter((c) => c.pass).length;
  const verdict = checks.length === 0 ? "no quantitative claim" : `${passed}/${checks.length} checks pass${passed < checks.length ? ` — failed: ${checks.filter((c) => !c.pass).map((c) => c.claim).join("; ")}` : ""}`;
  rows.push(`| **${id}** — ${data.paper} <br>*${verdict}* | <img src="docs/figures/${id}.png" width="420" alt="${id}"> |`);
}
const seconds = (performance.now() - started) / 1000;
const block = [
  "<!-- gallery:start -->",
  `<!-- written by scripts/gallery.ts (npm run gallery); reproduce all --quick: ${result.checks.length - result.failed}/${result.checks.length} checks pass -->`,
  "| the paper's figure, and our checks of it | `reproduce --quick` |",
  "|---|---|",
  ...rows,
  "<!-- gallery:end -->",
].join("\n");
const readme = readFileSync("README.md", "utf8");
const at = readme.indexOf("<!-- gallery:start -->");
const end = readme.indexOf("<!-- gallery:end -->");
if (at < 0 || end < 0) throw new Error("README.md has no <!-- gallery:start --> … <!-- gallery:end --> block");
writeFileSync("README.md", readme.slice(0, at) + block + readme.slice(end + "<!-- gallery:end -->".length));
console.log(`${Object.keys(result.figures).length} figures into docs/figures/ and README.md; ${result.checks.length - result.failed}/${result.checks.length} checks pass (${seconds.toFixed(0)} s)`);
