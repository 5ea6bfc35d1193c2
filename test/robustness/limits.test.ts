// Issue 13, items 9–12: limits from the machine, messages that name the right option (flags, API options and
// spec fields), nothing accepted that cannot run, and integrators that cannot spin forever.
import { describe, expect, it } from "vitest";
import { simulate, solveOde, phasePoint, parseResult } from "../../src/index.js";
import { scaling } from "../../src/node.js";
import { sweep } from "../../src/jobs/sweep.js";
import { cli } from "../helpers.js";

/** Runs `fn` and returns the message it rejects with. */
const message = async (fn: () => Promise<unknown>) => fn().then(() => "resolved", (e: Error) => e.message);

describe("refused up front, with the right option named", () => {
  it.each([
    [["simulate", "--p", "1e6"], /`--p` gives p = 1000000 student units, more than 32768/],
    [["simulate", "--kappa", "5"], /`--kappa` gives p = .* student units/],
    [["ode", "--points", "1e9"], /`--points` with d = 1000/],
    [["simulate", "--delta", "1e308"], /`--delta` gives γ = .* underflows to 0/],
    [["simulate", "--points", "1e9", "--d", "10", "--t-max", "1e6"], /`--points` would make a result of .* GiB/],
    [["ode", "--integrator", "euler", "--step", "1e-9"], /`--step` takes 1.00e\+11 Euler steps/],
    [["simulate", "--seed", "9007199254740990", "--seeds", "4", "--d", "50", "--t-max", "1", "--points", "2"], /`--seeds` runs seeds .* past 2\^53 − 1/],
    [["scaling", "--dims", "100,100", "--t-max", "1"], /`--dims` must hold at least two different input dimensions/],
    [["phase-diagram", "--kappa", "0:1:1e9"], /at most 10000 values per axis/],
    [["phase-diagram", "--t-end", "0"], /`--t-end` must be a finite number > 0/],
    // item 4: this ran 12 s and then failed to write anything ("Invalid string length")
    [["simulate", "--d", "100", "--t-max", "10000", "--points", "1e6", "--out", "never-written.json"], /`--points` would make a result of .* GiB/],
  ])("%j", async (args, pattern) => {
    const run = await cli(args);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(pattern);
  });

  it("a sweep grid past 10^6 points is refused before it is built (item 11: a 2000 × 2000 seed grid ran out of memory)", async () => {
    const seeds = Array.from({ length: 2000 }, (_, i) => i);
    expect(await message(() => sweep({ kind: "simulate", base: { d: 20 }, grid: { seed: seeds, initSeed: seeds } }))).toMatch(/`spec.grid` expands to 4000000 points, more than 1000000/);
  });

  it("sweep workers are at most 4 × cores", async () => {
    expect(await message(() => sweep({ kind: "simulate", points: [{ d: 20 }] }, { workers: 1e9 }))).toMatch(/`workers` must be an integer in \[0, \d+\]/);
  });

  it("phasePoint refuses unknown keys and wrong types (item 9)", async () => {
    const base = { d: 50, kappa: 0, delta: 0 };
    expect(await message(() => phasePoint({ ...base, tend: 5 } as never))).toMatch(/`tend` is not an option/);
    expect(await message(() => phasePoint({ ...base, ode: "no" } as never))).toMatch(/`ode` must be true or false/);
    expect(await message(() => phasePoint({ ...base, points: 2.5 }))).toMatch(/`points` must be an integer ≥ 2/);
    expect(await message(() => phasePoint({ ...base, samplesFixed: 0 }))).toMatch(/`samplesFixed` must be a positive integer/);
  });
});

describe("parseResult checks that the arrays agree (item 9)", () => {
  it("refuses a short risk, a wrong Q, a negative risk and decreasing t", async () => {
    const r = JSON.parse(JSON.stringify(await simulate({ d: 30, p: 2, k: 1, tMax: 1, points: 3 })));
    expect(() => parseResult(r)).not.toThrow();
    expect(() => parseResult({ ...r, risk: r.risk.slice(1) })).toThrow(/`risk` has 3 entries for 4 output times/);
    expect(() => parseResult({ ...r, Q: r.Q.map(() => [[1]]) })).toThrow(/`Q\[0\]` is not 2×2/);
    expect(() => parseResult({ ...r, risk: r.risk.map((v: number, j: number) => (j === 2 ? -0.5 : v)) })).toThrow(/`risk\[2\]` = -0.5/);
    expect(() => parseResult({ ...r, t: [...r.t].reverse() })).toThrow(/is not later than/);
  });
});

describe("integrators that cannot step report it, in bounded time (item 10)", () => {
  const eye = (n: number, s: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? s : 0)));
  const zeros = (r: number, c: number) => Array.from({ length: r }, () => new Array<number>(c).fill(0));
  it.each(["bdf", "dopri5"] as const)("Q0 = 1e8·I (%s): stops at t = 0 with a reason (it stayed at t = 0 for over 10 minutes)", async (integrator) => {
    const started = Date.now();
    const r = await solveOde({ d: 1000, init: { Q0: eye(8, 1e8), M0: zeros(8, 4), P: eye(4, 1) }, integrator, tMax: 100, points: 4 });
    expect(r.status).toBe("diverged");
    expect(r.failure?.reason).toMatch(/no step/);
    expect(Date.now() - started).toBeLessThan(30000);
  });
});

describe("scaling refuses a fit it cannot make", () => {
  it("one distinct d", async () => {
    expect(await message(() => scaling({ dims: [100, 100], tMax: 1 }))).toMatch(/at least two different/);
  });
});

describe("spec fields are named as fields of the spec, not as flags (item 12)", () => {
  it.each([
    [{ kind: "train", points: [{}] }, /`spec.kind` \(from --spec\) must be one of/],
    [{ kind: "ode", grid: { d: [] } }, /`spec.grid.d` \(from --spec\) must be a non-empty array/],
    [{ kind: "simulate", points: "abc" }, /`spec.points` \(from --spec\) must be an array/],
    [{ kind: "simulate", points: [{ d: 20 }, { d: 20, tmax: 3 }] }, /`spec.points\[1\].tmax` \(from --spec\) is not an option/],
  ])("%j", async (spec, pattern) => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "sgd-phase-spec-"));
    writeFileSync(join(dir, "spec.json"), JSON.stringify(spec));
    const run = await cli(["sweep", "--spec", join(dir, "spec.json"), "--out", join(dir, "o.jsonl")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(pattern);
  });
});
