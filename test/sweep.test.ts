// Sweeps: points in parallel on worker threads give the numbers of single runs; an interrupted sweep resumed
// loses nothing and repeats nothing; specs are checked.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalJson, expandSpec, sweep, type SweepLine, type SweepSpec } from "../src/jobs/sweep.js";
import { simulate } from "../src/simulate.js";
import { solveOde } from "../src/ode.js";
import type { OdeSummary, SimulationSummary } from "../src/jobs/tasks.js";
import { OptionError } from "../src/validate.js";

const dir = mkdtempSync(join(tmpdir(), "sgd-phase-sweep-"));
const spec: SweepSpec = { kind: "simulate", base: { d: 150, p: 4, k: 2, noise: 1e-3, tMax: 3, points: 4 }, grid: { seed: [0, 1], delta: [0, 0.25] }, points: [{ seed: 7, method: "direct" }] };
const readLines = (file: string) => readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as SweepLine);

describe("sweep", () => {
  it("expands a grid (last key fastest) and a list over the base options", () => {
    const points = expandSpec(spec);
    expect(points.map((q) => [q.seed, q.delta])).toEqual([[0, 0], [0, 0.25], [1, 0], [1, 0.25], [7, undefined]]);
    expect(points.every((q) => q.d === 150)).toBe(true);
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });

  it("gives, on two worker threads, the numbers of single runs with the same options, one JSON line per point", async () => {
    const out = join(dir, "grid.jsonl");
    const lines = await sweep(spec, { out, workers: 2 });
    expect(lines.map((l) => l.index)).toEqual([0, 1, 2, 3, 4]);
    for (const line of lines) {
      const single = await simulate(line.options as never);
      expect((line.result as SimulationSummary).risk).toEqual(single.risk);
      expect((line.result as SimulationSummary).final.Q).toEqual(single.Q.at(-1));
    }
    const written = readLines(out);
    expect(written.map((l) => l.key).sort()).toEqual(lines.map((l) => l.key).sort());
  });

  it("runs ODE points too, in this thread with workers = 0", async () => {
    const [line] = await sweep({ kind: "ode", points: [{ d: 100, p: 3, k: 2, noise: 1e-3, tMax: 10, points: 3 }] }, { workers: 0 });
    const single = await solveOde({ d: 100, p: 3, k: 2, noise: 1e-3, tMax: 10, points: 3 });
    expect((line.result as OdeSummary).risk).toEqual(single.risk);
  });

  it("resumes an interrupted sweep: keeps the finished points, reruns the cut one, repeats none", async () => {
    const out = join(dir, "resume.jsonl");
    const full = await sweep(spec, { out, workers: 2 });
    // an interruption: two complete lines and half of a third
    const text = readFileSync(out, "utf8").split("\n");
    writeFileSync(out, `${text[0]}\n${text[1]}\n${text[2].slice(0, 40)}`);
    const kept = [JSON.parse(text[0]).key, JSON.parse(text[1]).key];
    const ran: string[] = [];
    const starts: { total: number; skipped: number }[] = [];
    const resumed = await sweep(spec, { out, resume: true, workers: 2, onStart: (s) => starts.push(s), onProgress: (p) => ran.push(p.line.key) });
    expect(starts).toMatchObject([{ total: 5, skipped: 2 }]);
    expect(ran.length).toBe(3);
    expect(ran.some((key) => kept.includes(key))).toBe(false);
    const keys = readLines(out).map((l) => l.key); // every line parses: the cut one is gone
    expect(new Set(keys).size).toBe(5); // every point exactly once among the complete lines
    expect(resumed.map((l) => (l.result as SimulationSummary).risk)).toEqual(full.map((l) => (l.result as SimulationSummary).risk));
    // a finished sweep resumed runs nothing and says it kept everything
    const again: { total: number; skipped: number }[] = [];
    await sweep(spec, { out, resume: true, workers: 2, onStart: (s) => again.push(s), onProgress: () => again.push({ total: -1, skipped: -1 }) });
    expect(again).toMatchObject([{ total: 5, skipped: 5 }]);
    expect(readLines(out).length).toBe(5);
  });

  it("records a point that fails while running with its error instead of dropping it", async () => {
    // an initial condition that is not positive semi-definite is found when the run factors it
    const lines = await sweep({ kind: "simulate", points: [{ d: 50, tMax: 1, points: 2 }, { d: 50, p: 1, k: 1, init: { Q0: [[1]], M0: [[2]], P: [[1]] } }] }, { workers: 0 });
    expect(lines[0].result).toBeDefined();
    expect(lines[1].error).toMatch(/positive semi-definite/);
  });

  it("refuses a point with a bad option before any work, naming it as written in the spec", async () => {
    await expect(sweep({ kind: "simulate", points: [{ d: 50, tMax: 1, points: 2 }, { d: 0 }] }, { workers: 0 })).rejects.toThrow(/`spec.points\[1\].d` must be a positive integer/);
    await expect(sweep({ kind: "simulate", grid: { d: [50, -1] } }, { workers: 0 })).rejects.toThrow(/`spec.grid.d` must be a positive integer/);
    await expect(sweep({ kind: "simulate", points: [1, 2] as never })).rejects.toThrow(/`spec.points\[0\]` must be an object/);
    await expect(sweep({ kind: "simulate", points: "abc" as never })).rejects.toThrow(/`spec.points` must be an array/);
    await expect(sweep({ kind: "phase", points: [{ d: 50, kappa: 0, delta: 0, tend: 5 }] })).rejects.toThrow(/`spec.points\[0\].tend` is not an option/);
  });

  it("refuses a spec without points or with an unknown kind", async () => {
    await expect(sweep({ kind: "simulate" })).rejects.toBeInstanceOf(OptionError);
    await expect(sweep({ kind: "train" as never, points: [{}] })).rejects.toThrow(/`spec.kind` must be one of/);
    await expect(sweep({ kind: "ode", grid: { d: [] } })).rejects.toThrow(/`spec.grid.d` must be a non-empty array/);
  });
});
