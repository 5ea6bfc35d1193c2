// `reproduce` end to end at tiny sizes (seconds): every figure of the paper writes its picture, its data,
// its checks; the CLI prints the table of checks; --full estimates its cost first and needs --yes above
// one core-hour; values a log axis cannot show are reported, not dropped.
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { divergedRuns, FIGURE_IDS, reproduce, undrawnValues } from "../src/jobs/reproduce.js";
import type { FigureData, Results } from "../src/figures/types.js";
import { cli } from "./helpers.js";

const outDir = mkdtempSync(join(tmpdir(), "sgd-phase-figures-"));

describe("reproduce --tiny", () => {
  it("has one figure per figure of the paper, in its numbering", () => {
    expect(FIGURE_IDS).toEqual(["fig1", "fig2", "fig3", "fig4a", "fig4b", "fig5a", "fig5b", "fig6", "fig7", "fig8", "fig9"]);
  });

  it("writes every figure: SVG with marks, spec, PNG, data JSON and CSV, its checks; and the table of all checks", async () => {
    const done = await reproduce(["all"], { size: "tiny", outDir, workers: 2 });
    expect(Object.keys(done.figures)).toEqual(FIGURE_IDS);
    expect(done.judged).toBe(false);
    for (const id of FIGURE_IDS) {
      const dir = join(outDir, id);
      const svg = readFileSync(join(dir, "figure.svg"), "utf8");
      expect(svg.startsWith("<svg"), id).toBe(true);
      expect((svg.match(/<path/g) ?? []).length, id).toBeGreaterThan(3);
      expect(JSON.parse(readFileSync(join(dir, "figure.vl.json"), "utf8")).$schema, id).toMatch(/vega-lite/);
      expect(existsSync(join(dir, "figure.png")), id).toBe(true);
      const data = JSON.parse(readFileSync(join(dir, "data.json"), "utf8")) as FigureData;
      expect(data.figure).toBe(id);
      expect(data.curves.length, id).toBeGreaterThan(1);
      expect(data.xTitle.length, id).toBeGreaterThan(0);
      expect(data.curves.every((c) => c.x.length === c.y.length), id).toBe(true);
      expect(readFileSync(join(dir, "data.csv"), "utf8").split("\n")[0]).toBe("curve,role,x,y,lo,hi,runs");
      const checks = JSON.parse(readFileSync(join(dir, "checks.json"), "utf8"));
      expect(checks.length, id).toBe(done.figures[id].checks.length);
      expect(checks.length, id).toBeGreaterThanOrEqual(id === "fig1" ? 3 : 4);
    }
    // the start of Figs 2–7 is the paper's R(0) ≈ 0.016, Fig 9's a random one
    expect(done.figures.fig2.data.curves[0].x[0]).toBe(0);
    expect(done.figures.fig2.data.curves[0].y[0]).toBeCloseTo(0.01648, 4);
    expect(done.figures.fig9.data.params.risk0).toBeDefined();
    const all = JSON.parse(readFileSync(join(outDir, "checks.json"), "utf8"));
    expect(all.checks.length).toBe(done.checks.length);
    expect(readFileSync(join(outDir, "checks.csv"), "utf8").split("\n")[0]).toBe("figure,claim,paper,ours,tolerance,pass");
  }, 180_000);

  it("runs from the CLI with the table of checks, and refuses unknown figures", async () => {
    const run = await cli(["reproduce", "fig2", "fig7", "--tiny", "--out-dir", join(outDir, "cli")]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^estimated cost: 4 simulation jobs \([\d.e+]+ SGD samples\) and 6 ODEs: [\d.]+ core-hours/);
    expect(run.stdout).toMatch(/^fig2 \(tiny\): 7 checks, all pass → /m);
    expect(run.stdout).toMatch(/^figure +claim +paper +ours +pass \(not judged: tiny\)$/m);
    expect(run.stdout).toMatch(/^fig2 +orange peaks at t ≈ 200 +≈ 200 +\d+ +yes$/m);
    expect(run.stdout).toMatch(/\d+\/\d+ checks pass \(tiny sizes: not judged\)/);
    const bad = await cli(["reproduce", "fig10"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: unknown figure "fig10": the figures are fig1, fig2, .*fig9 \(or all\)/);
  }, 60_000);
});

describe("reproduce --resume", () => {
  it("keeps the finished jobs of an earlier run and runs none of them again", async () => {
    const dir = join(outDir, "resume");
    const first = await reproduce(["fig7"], { size: "tiny", outDir: dir, workers: 2 });
    let ran = 0;
    const again = await reproduce(["fig7"], { size: "tiny", outDir: dir, workers: 2, resume: true, onProgress: () => ran++ });
    expect(ran).toBe(0);
    expect(readFileSync(join(dir, "runs-tiny-simulate.jsonl"), "utf8").trim().split("\n")).toHaveLength(4);
    expect(again.figures.fig7.data.curves).toEqual(first.figures.fig7.data.curves);
  }, 60_000);
});

describe("reproduce --full", () => {
  it("prints its estimate and refuses to start above one core-hour without --yes", async () => {
    const dir = join(outDir, "full");
    // fig4b at the paper's sizes: 1.3·10¹⁰ samples, hours on any machine (5.7 core-hours here)
    const run = await cli(["reproduce", "fig4b", "--full", "--out-dir", dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/estimated cost: 153 simulation jobs \(1\.31e\+10 SGD samples\) and 0 ODEs: [\d.]+ core-hours/);
    const hours = Number(/are estimated at ([\d.]+) core-hours/.exec(run.stderr)?.[1]);
    expect(hours).toBeGreaterThan(1);
    expect(run.stderr).toMatch(/add --yes \(API: yes: true\) to start/);
    expect(existsSync(join(dir, "runs-full-simulate.jsonl"))).toBe(false);
  }, 60_000);
});

describe("runs that diverged", () => {
  it("are named in the figure's warnings with where and why", () => {
    const results = {
      sims: {
        "d=30#0": { status: "ok", t: [0, 1], risk: [1, 1] },
        "d=30#1": { status: "diverged", t: [0], risk: [1], divergence: { samples: 1234, t: 41.1, reason: "a local field became non-finite" } },
      },
      odes: {},
    } as unknown as Results;
    expect(divergedRuns(results)).toEqual([
      "simulation d=30#1 diverged at t = 41.1 (a local field became non-finite); its curve stops there and the means after it are over the runs that reached each time (data.csv: runs)",
    ]);
  });
});

describe("values a log axis cannot show", () => {
  it("are reported with where they start and their smallest value", () => {
    const data = {
      figure: "x",
      curves: [
        { name: "limit ODE, green", role: "limit ODE", x: [1, 10, 100], y: [1e-3, 1e-9, -4.9e-12] },
        { name: "SGD", role: "simulation", x: [1, 10], y: [1e-3, NaN] },
        { name: "fine", role: "simulation", x: [1], y: [1] },
      ],
    } as unknown as FigureData;
    const w = undrawnValues(data);
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^limit ODE, green: 1 value ≤ 0 or not finite \(from x = 100, smallest -4.90e-12\) not drawn on the log axis: the risk has reached the rounding level/);
    expect(w[1]).toMatch(/^SGD: 1 value ≤ 0 or not finite \(from x = 10\) not drawn/);
  });
});
