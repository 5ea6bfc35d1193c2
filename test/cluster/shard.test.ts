// Issue 14 (first part): a sweep split into parts (--shard i/n, or a job array's environment), each into its own
// part file, and `merge` joining them into what one machine writes — refusing cut, repeated, foreign or missing
// points. The Slurm cluster tests come with `sgd-phase slurm`.
import { describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mergeSweep, sweep, type SweepLine, type SweepSpec } from "../../src/jobs/sweep.js";
import { parseShard, partFile, partition, shardFromEnvironment } from "../../src/jobs/shard.js";
import { cli } from "../helpers.js";

const dir = () => mkdtempSync(join(tmpdir(), "sgd-phase-shard-"));
const spec: SweepSpec = { kind: "simulate", base: { p: 2, k: 1, tMax: 2, points: 3, noise: 1e-3 }, grid: { d: [20, 40, 80], seed: [0, 1, 2] } };

/** A line without its timings (elapsedMs, meta), which differ from run to run. */
const timeless = (line: SweepLine) => JSON.parse(JSON.stringify(line, (k, v) => (k === "elapsedMs" || k === "meta" ? undefined : v)));

describe("shards", () => {
  it("parse i/n and read a Slurm or Kubernetes job array's environment", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    for (const bad of ["4/4", "-1/4", "1/0", "a/b", "1"]) expect(() => parseShard(bad)).toThrow(/`shard` must be i\/n/);
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "5" })).toEqual({ index: 3, count: 5 });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: "1", SGD_PHASE_SHARDS: "2" })).toEqual({ index: 1, count: 2 });
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: "1" })).toThrow(/SGD_PHASE_SHARDS/);
    expect(shardFromEnvironment({})).toBeUndefined();
    expect(partFile("out/sweep.jsonl", { index: 1, count: 3 })).toBe("out/sweep.part-1-of-3.jsonl");
  });

  it("partition every point once, within Graham's bound of the balance (max load ≤ mean + largest cost)", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (const count of [1, 2, 3, 7]) {
      const costs = Array.from({ length: 40 }, () => rand() ** 3 * 100);
      const part = partition(costs, count);
      expect(part).toEqual(partition([...costs], count)); // a function of the costs alone
      const load = new Array(count).fill(0);
      part.forEach((s, i) => (load[s] += costs[i]));
      const total = costs.reduce((a, b) => a + b, 0);
      expect(Math.max(...load)).toBeLessThanOrEqual(total / count + Math.max(...costs) + 1e-9);
    }
  });

  it("three parts merged equal the same sweep on one machine, line for line (timings aside)", async () => {
    const d = dir();
    const whole = await sweep(spec, { out: join(d, "whole.jsonl"), workers: 0 });
    const out = join(d, "split.jsonl");
    const parts = [];
    for (let i = 0; i < 3; i++) {
      const file = partFile(out, { index: i, count: 3 });
      const lines = await sweep(spec, { out: file, shard: { index: i, count: 3 }, workers: 0 });
      expect(lines.length).toBeGreaterThan(0);
      parts.push(file);
    }
    const merged = await mergeSweep(spec, parts, out);
    expect(merged.lines.map(timeless)).toEqual(whole.map(timeless));
    expect(readFileSync(out, "utf8").trim().split("\n").map((l) => timeless(JSON.parse(l)))).toEqual(whole.map(timeless));
  });

  it("merge refuses a cut last line, a repeated point, another spec's line, and lists the missing points", async () => {
    const d = dir();
    const out = join(d, "s.jsonl");
    const files = [0, 1].map((i) => partFile(out, { index: i, count: 2 }));
    await sweep(spec, { out: files[0], shard: { index: 0, count: 2 }, workers: 0 });
    await expect(mergeSweep(spec, [files[0]], out)).rejects.toThrow(/points are in none of the parts:\n {2}point \d+: /);
    await sweep(spec, { out: files[1], shard: { index: 1, count: 2 }, workers: 0 });
    const good = readFileSync(files[1], "utf8");
    appendFileSync(files[1], '{"spec":"cut');
    await expect(mergeSweep(spec, files, out)).rejects.toThrow(/part-1-of-2.jsonl: its last line is cut/);
    writeFileSync(files[1], good + good.split("\n")[0] + "\n");
    await expect(mergeSweep(spec, files, out)).rejects.toThrow(/repeats point/);
    await expect(mergeSweep({ ...spec, base: { ...spec.base, noise: 0 } }, [files[0]], out)).rejects.toThrow(/belongs to another spec/);
  });

  it("the CLI: sweep takes its part from SLURM_ARRAY_TASK_ID/COUNT, merge finds the parts beside --out", async () => {
    const d = dir();
    const specFile = join(d, "spec.json");
    writeFileSync(specFile, JSON.stringify(spec));
    const out = join(d, "s.jsonl");
    for (const i of [0, 1]) {
      const run = await cli(["sweep", "--spec", specFile, "--out", out, "--workers", "0"], { env: { SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_COUNT: "2" } });
      expect(run.stderr).toMatch(new RegExp(`part ${i} of 2 \\(from the job array's environment\\)`));
      expect(run.code).toBe(0);
    }
    const merged = await cli(["merge", "--spec", specFile, "--out", out]);
    expect(merged.stderr).toMatch(/9 points from 2 parts \(0 failed\); written: /);
    expect(readFileSync(out, "utf8").trim().split("\n").length).toBe(9);
  });
});

describe("a task stopped by SIGTERM (Slurm's warning before a kill)", () => {
  it("ends with every finished point on disk as a whole line and exit 143; --resume runs the rest, none twice", async () => {
    const { spawn } = await import("node:child_process");
    const { repoPath } = await import("../helpers.js");
    const d = dir();
    const slow: SweepSpec = { kind: "simulate", base: { d: 400, p: 8, k: 4, tMax: 1000, points: 3, method: "direct" }, grid: { seed: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] } };
    const specFile = join(d, "spec.json");
    writeFileSync(specFile, JSON.stringify(slow));
    const out = join(d, "s.jsonl");
    const child = spawn(process.execPath, [repoPath("dist/cli/main.js"), "sweep", "--spec", specFile, "--out", out, "--workers", "2"]);
    let stderr = "";
    child.stderr.on("data", (b) => (stderr += b));
    const exited = new Promise((r) => child.on("exit", (c) => r(c)));
    // stopped once a first point is on disk (the others still to do), whatever the machine's speed
    const { existsSync: exists } = await import("node:fs");
    while (!(exists(out) && readFileSync(out, "utf8").includes("\n"))) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGTERM");
    const code = await exited;
    expect(code).toBe(143);
    expect(stderr).toMatch(/SIGTERM: stopped with \d+ points on disk/);
    const text = readFileSync(out, "utf8");
    expect(text === "" || text.endsWith("\n")).toBe(true);
    const first = text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as SweepLine);
    expect(first.every((l) => l.result !== undefined)).toBe(true); // nothing recorded as failed by the stop
    expect(first.length).toBeLessThan(12);
    const rest = await cli(["sweep", "--spec", specFile, "--out", out, "--resume", "--workers", "2"]);
    expect(rest.code).toBe(0);
    const all = readFileSync(out, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as SweepLine);
    expect(all.length).toBe(12);
    expect(new Set(all.map((l) => l.key)).size).toBe(12);
  }, 120_000);
});
