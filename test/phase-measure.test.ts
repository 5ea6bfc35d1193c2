// The measured phase diagram: the classification on synthetic evidence (every phase and every way of being
// undetermined), the ladder's budget, one point per region measured at small sizes (orange needs d up to
// 10⁵: the chain's cost does not grow with d), and a small diagram's files, agreement and picture.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyPhase, measurePhase, planLadder, type Exponent, type MeasuredPhase, type PhaseEvidence } from "../src/phase/phase-measure.js";
import { agreementOf, onBoundary, phaseDiagram } from "../src/phase/phase-diagram.js";
import { measuredDiagramSpec } from "../src/phase/phase-figure.js";
import { cli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "sgd-phase-measured-"));
const ex = (value: number, error: number, n = 4): Exponent => ({ value, error, dims: Array.from({ length: n }, (_, i) => 16 * 2 ** i) });
/** Evidence of a point with a clock (e = −1) unless given otherwise. */
const evidence = (e: Partial<Pick<PhaseEvidence, "jump" | "risk" | "learning" | "trend" | "aboveStart">>) => ({
  jump: ex(-1, 0.02),
  risk: ex(0, 0.01, 3),
  learning: { ...ex(0, 0.01, 3), never: false },
  trend: { ...ex(0, 0.01, 1), d: 64 },
  aboveStart: false,
  ladderNote: "reached dMax",
  ...e,
});

describe("the classification of a point from its evidence", () => {
  it("no deterministic limit when one step moves Q more as d grows (e > 0.15 beyond 2σ)", () => {
    expect(classifyPhase(evidence({ jump: ex(0.49, 0.02) })).phase).toBe("no deterministic limit");
  });
  it("undetermined on a marginal clock (|e| ≤ 0.15 or within 2σ), and with fewer than three d", () => {
    expect(classifyPhase(evidence({ jump: ex(-0.05, 0.02) }))).toMatchObject({ phase: "undetermined", reason: expect.stringMatching(/^marginal clock/) });
    expect(classifyPhase(evidence({ jump: ex(0.4, 0.3) })).phase).toBe("undetermined");
    expect(classifyPhase(evidence({ jump: ex(-1, 0.02, 2) }))).toMatchObject({ phase: "undetermined", reason: expect.stringMatching(/^budget: the clock test needs 3 input dimensions, 2 fit/) });
    expect(classifyPhase(evidence({ risk: null }))).toMatchObject({ phase: "undetermined", reason: expect.stringMatching(/^budget: the risk test/) });
  });
  it("bad learning when learning is put off as d grows, or never happens at the largest d", () => {
    expect(classifyPhase(evidence({ learning: { ...ex(0.55, 0.04, 3), never: false }, trend: { ...ex(-1.5, 0.02, 1), d: 64 } })).phase).toBe("bad learning");
    expect(classifyPhase(evidence({ learning: { ...ex(Infinity, 0), never: true }, aboveStart: true }))).toMatchObject({ phase: "bad learning", reason: expect.stringMatching(/does not learn .* and ends above its start$/) });
    // put off, but within its error: not decided by the learning time
    expect(classifyPhase(evidence({ learning: { ...ex(0.2, 0.15, 3), never: false } })).phase).toBe("plateau");
  });
  it("perfect learning when the level falls with d, or no level is reached", () => {
    expect(classifyPhase(evidence({ risk: ex(-0.4, 0.05, 3) })).phase).toBe("perfect learning");
    expect(classifyPhase(evidence({ risk: ex(0.3, 0.1, 3), trend: { ...ex(-0.9, 0.02, 1), d: 16 } }))).toMatchObject({ phase: "perfect learning", reason: expect.stringMatching(/^no level reached: at d = 16/) });
  });
  it("plateau for a level flat in d and in t below the start; undetermined above the start or within errors", () => {
    expect(classifyPhase(evidence({})).phase).toBe("plateau");
    expect(classifyPhase(evidence({ aboveStart: true })).phase).toBe("undetermined");
    expect(classifyPhase(evidence({ risk: ex(-0.2, 0.2, 3) })).phase).toBe("undetermined");
    expect(classifyPhase(evidence({ trend: { ...ex(0.4, 0.05, 1), d: 64 } })).phase).toBe("undetermined");
  });
});

describe("the ladder of input dimensions", () => {
  const base = { kappa: 0, k: 1, tEnd: 100, seeds: 4, jumpSeeds: 64, dMin: 8, dMax: 131072, costScale: 1 };
  it("doubles d while the risk runs fit the budget, the clock test going further", () => {
    const l = planLadder({ ...base, timeExponent: 1, budgetSeconds: 1 });
    expect(l.dims.slice(0, 3)).toEqual([8, 16, 32]);
    expect(l.dims.every((d, i) => i === 0 || d === 2 * l.dims[i - 1])).toBe(true);
    expect(l.jumpDims.slice(0, l.dims.length)).toEqual(l.dims);
    expect(l.jumpDims.length).toBeGreaterThan(l.dims.length);
    expect(l.note).toMatch(/would take ≈ [\d.e+-]+ s more than the budget of 1 s/);
    // a larger budget reaches further
    expect(planLadder({ ...base, timeExponent: 1, budgetSeconds: 10 }).dims.length).toBeGreaterThan(l.dims.length);
  });
  it("takes steps of √2 (then 2^¼) when fewer than three doublings fit, and stops at the weights' memory", () => {
    const tight = planLadder({ ...base, kappa: 1, timeExponent: 3, budgetSeconds: 0.5 });
    expect(tight.dims.length).toBeGreaterThanOrEqual(3);
    expect(tight.dims[1] / tight.dims[0]).toBeLessThan(2);
    const wide = planLadder({ ...base, kappa: 2, timeExponent: 0.5, budgetSeconds: 1e9 });
    expect(wide.note).toMatch(/students of d weights/);
  });
});

describe("one point per region, measured at small sizes, comes out as the theory says", () => {
  const small = { budgetSeconds: 1.5, costScale: 3 };
  it("green (0, ½): perfect learning", async () => {
    const m = await measurePhase({ kappa: 0, delta: 0.5, ...small });
    expect(m).toMatchObject({ region: "green", phase: "perfect learning", agrees: true });
    expect(m.evidence.risk!.value).toBeLessThan(-0.2);
    expect(m.evidence.jump!.value).toBeCloseTo(-1.5, 0);
  }, 60_000);
  it("blue (0, 0): plateau", async () => {
    const m = await measurePhase({ kappa: 0, delta: 0, ...small });
    expect(m).toMatchObject({ region: "blue", phase: "plateau", agrees: true });
    expect(m.evidence.jump!.value).toBeCloseTo(-1, 0);
  }, 60_000);
  it("orange (0, −¼): bad learning, with d up to 10⁵", async () => {
    const m = await measurePhase({ kappa: 0, delta: -0.25, ...small });
    expect(m).toMatchObject({ region: "orange", phase: "bad learning", agrees: true });
    expect(Math.max(...m.evidence.ladder.map((l) => l.d))).toBeGreaterThanOrEqual(65536);
  }, 60_000);
  it("red (0, −¾): no deterministic limit", async () => {
    const m = await measurePhase({ kappa: 0, delta: -0.75, ...small });
    expect(m).toMatchObject({ region: "red", phase: "no deterministic limit", agrees: true });
    expect(m.evidence.jump!.value).toBeGreaterThan(0.3);
  }, 60_000);
  it("a point its budget cannot decide is undetermined, with the reason", async () => {
    const m = await measurePhase({ kappa: 1, delta: 1, budgetSeconds: 0.001, costScale: 3 });
    expect(m).toMatchObject({ phase: "undetermined", agrees: null });
    expect(m.reason).toMatch(/^budget/);
  }, 60_000);
  it("gives the same numbers for the same options (the ladder is planned from the options alone)", async () => {
    const strip = (m: MeasuredPhase) => ({ ...m, elapsedMs: 0, evidence: { ...m.evidence, ladder: m.evidence.ladder.map((l) => ({ ...l, seconds: 0 })) } });
    const a = await measurePhase({ kappa: 0, delta: -0.75, budgetSeconds: 0.3 });
    const b = await measurePhase({ kappa: 0, delta: -0.75, budgetSeconds: 0.3 });
    expect(strip(b)).toEqual(strip(a));
  }, 60_000);
  it("refuses bad options by name", async () => {
    await expect(measurePhase({ kappa: -1, delta: 0 })).rejects.toThrow(/`kappa` must be a finite number ≥ 0/);
    await expect(measurePhase({ kappa: 0, delta: 0, seeds: 1 })).rejects.toThrow(/`seeds` must be an integer ≥ 2/);
  });
});

describe("the measured diagram", () => {
  it("counts points within one grid spacing of a boundary apart", () => {
    expect(onBoundary(0.5, -0.5, 0.25)).toBe(true);
    expect(onBoundary(0, -0.5, 0.25)).toBe(true);
    expect(onBoundary(0, -0.25, 0.25)).toBe(false);
    expect(onBoundary(0, 0.25, 0.25)).toBe(false);
    const point = (kappa: number, delta: number, phase: string, agrees: boolean | null) => ({ kappa, delta, phase, agrees, region: "x", reason: "r" }) as unknown as MeasuredPhase;
    const a = agreementOf([point(0, 0.5, "perfect learning", true), point(0, -0.25, "plateau", false), point(0, 0.75, "undetermined", null), point(0, 0, "plateau", true)], 0.25);
    expect(a).toMatchObject({ points: 4, onBoundary: 1, offBoundary: 3, agree: 1, undetermined: 1, share: 1 / 3 });
    expect(a.disagree).toEqual([{ kappa: 0, delta: -0.25, region: "x", phase: "plateau", reason: "r" }]);
  });

  it("never colours an undetermined point as a phase", () => {
    const p = { kappa: 0, delta: 0, phase: "undetermined", agrees: null, region: "blue", reason: "budget", evidence: { ladder: [] } } as unknown as MeasuredPhase;
    const spec = measuredDiagramSpec({ points: [p], kappas: [0], deltas: [0], agreement: agreementOf([p], 0.25), params: {} }) as { hconcat: { layer: { encoding?: { color?: { scale?: { domain: string[]; range: string[] } } } }[] }[] };
    const scale = spec.hconcat[0].layer[0].encoding!.color!.scale!;
    const grey = scale.range[scale.domain.indexOf("undetermined")];
    expect(grey).toBe("#d9d9d9");
    expect(scale.range.filter((c) => c === grey)).toHaveLength(1);
  });

  it("writes JSON lines, JSON, CSV and its picture, with the agreement, for a small grid", async () => {
    const outDir = join(dir, "small");
    const r = await phaseDiagram({ kappa: [0], delta: [-0.75, -0.25, 0.5], budgetSeconds: 1, costScale: 3, outDir, workers: 2 });
    expect(r.points.map((p) => ("phase" in p ? p.phase : p.error))).toEqual(["no deterministic limit", "bad learning", "perfect learning"]);
    // δ every ½ or more: the grid's spacing is ½, and (0, −¾), (0, −¼) lie within it of a boundary
    expect(r.agreement).toMatchObject({ onBoundary: 2, offBoundary: 1, agree: 1, undetermined: 0, spacing: 0.5 });
    const csv = readFileSync(join(outDir, "phase-diagram.csv"), "utf8").trim().split("\n");
    expect(csv[0].split(",").slice(0, 7)).toEqual(["kappa", "delta", "s", "region", "phase", "agrees", "onBoundary"]);
    expect(csv).toHaveLength(4);
    const svg = readFileSync(join(outDir, "phase-diagram.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(JSON.parse(readFileSync(join(outDir, "phase-diagram.json"), "utf8")).points[0].evidence.ladder.length).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it("runs from the CLI and prints the agreement", async () => {
    const outDir = join(dir, "cli");
    const run = await cli(["phase-diagram", "--kappa", "0", "--delta", "-1.5,-1.25,0.75", "--budget-seconds", "0.5", "--out-dir", outDir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^measured phase diagram: 3 points in [\d.]+ s\n {2}agreement with the theory: 3\/3 points off the boundaries \(100%\), 0 undetermined; 0 on a boundary \(within 0.25 of/);
    expect((await cli(["phase-diagram", "--kappa", "0:1"])).stderr).toMatch(/must be from:to:count/);
  }, 120_000);
});
