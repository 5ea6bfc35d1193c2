// Every figure of `reproduce` at tiny sizes: it runs and writes a valid SVG, its Vega-Lite spec, a PNG, and
// its data as JSON and CSV (smoke tests: the numbers themselves are tested in the other files).
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIGURE_IDS, reproduce } from "../src/reproduce.js";
import { cli } from "./helpers.js";

const outDir = mkdtempSync(join(tmpdir(), "sgd-phase-figures-"));

describe("reproduce --tiny", () => {
  it("builds fig2 … fig9", () => {
    expect(FIGURE_IDS).toEqual(["fig2", "fig3", "fig4", "fig5", "fig6", "fig7", "fig8", "fig9"]);
  });

  it("writes every figure: SVG with plotted marks, spec, PNG, data JSON and CSV", async () => {
    const done = await reproduce(["all"], { size: "tiny", outDir, workers: 2 });
    expect(Object.keys(done)).toEqual(FIGURE_IDS);
    for (const id of FIGURE_IDS) {
      const svg = readFileSync(join(outDir, id, "figure.svg"), "utf8");
      expect(svg.startsWith("<svg"), id).toBe(true);
      expect(svg.trim().endsWith("</svg>"), id).toBe(true);
      expect((svg.match(/<path/g) ?? []).length, id).toBeGreaterThan(3);
      expect(JSON.parse(readFileSync(join(outDir, id, "figure.vl.json"), "utf8")).$schema, id).toMatch(/vega-lite/);
      expect(existsSync(join(outDir, id, "figure.png")), id).toBe(true);
      const data = JSON.parse(readFileSync(join(outDir, id, "data.json"), "utf8"));
      expect(data.figure).toBe(id);
      expect(data.series.length, id).toBeGreaterThan(0);
      expect(data.series.every((s: { x: number[]; y: number[] }) => s.x.length === s.y.length && s.y.every(Number.isFinite)), id).toBe(true);
      expect(readFileSync(join(outDir, id, "data.csv"), "utf8").split("\n")[0]).toBe("series,x,y,lo,hi");
    }
  }, 120_000);

  it("runs from the CLI and refuses unknown figures", async () => {
    const run = await cli(["reproduce", "fig7", "--tiny", "--out-dir", join(outDir, "cli")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^fig7 \(tiny\): [\d.]+ s → /);
    const bad = await cli(["reproduce", "fig1"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: unknown figure "fig1": the figures are fig2, fig3, .*fig9 \(or all\)/);
  }, 60_000);
});
