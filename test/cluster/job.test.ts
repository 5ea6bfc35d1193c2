// Issue 14: every sweep-shaped command (phase-diagram, reproduce, scaling, as sweep) has --plan, --shard i/n and
// --merge: its points split by estimated cost into parts run anywhere, merged into the files one machine would
// have written, after which the command writes the same JSON, tables, figures and checks as a one-machine run.
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jobPartition } from "../../src/jobs/job.js";
import { cli } from "../helpers.js";

const dir = () => mkdtempSync(join(tmpdir(), "sgd-phase-job-"));
/** A JSON file without what differs from run to run (timings, meta, file names). */
const json = (file: string) => JSON.parse(readFileSync(file, "utf8"), (k, v) => (["meta", "elapsedMs", "files", "seconds"].includes(k) ? undefined : v));

/** Runs `args` as parts 0 … n−1 then --merge in `a`, and in one go in `b`; both must succeed. */
async function splitAndWhole(args: (out: string) => string[], a: string, b: string, n: number) {
  for (let i = 0; i < n; i++) {
    const part = await cli([...args(a), "--shard", `${i}/${n}`, "--workers", "1"]);
    expect(part.code, part.stderr).toBe(0);
    expect(part.stderr).toMatch(new RegExp(`part ${i} of ${n}`));
  }
  const merged = await cli([...args(a), "--merge"]);
  expect(merged.code, merged.stderr).toBe(0);
  expect(merged.stderr).toMatch(/merged: \d+ points from \d+ parts/);
  const whole = await cli([...args(b)]);
  expect(whole.code, whole.stderr).toBe(0);
  return { merged, whole };
}

describe("sweep-shaped jobs: plan, parts and merge", () => {
  it("the partition of a job is one split of all its sweeps' points, balanced by cost", () => {
    const sweeps = [
      { spec: { kind: "ode" as const, points: [{ tMax: 10 }, { tMax: 10 }] }, out: "a.jsonl" },
      { spec: { kind: "simulate" as const, points: [{ d: 100, tMax: 100 }, { d: 100, tMax: 100 }, { d: 100, tMax: 10 }] }, out: "b.jsonl" },
    ];
    const parts = jobPartition(sweeps, 2);
    expect(parts.map((p) => p.length)).toEqual([2, 3]);
    // the two heavy simulations go to different parts
    expect(parts[1][0]).not.toBe(parts[1][1]);
    expect(jobPartition(sweeps, 2)).toEqual(parts);
  });

  it("reproduce: three parts merged give the same figures' data and checks as one machine", async () => {
    const d = dir();
    const args = (out: string) => ["reproduce", "fig3", "fig7", "--tiny", "--out-dir", join(d, out)];
    await splitAndWhole(args, "split", "one", 3);
    for (const f of ["fig3", "fig7"]) expect(json(join(d, "split", f, "data.json"))).toEqual(json(join(d, "one", f, "data.json")));
    expect(json(join(d, "split", "checks.json"))).toEqual(json(join(d, "one", "checks.json")));
    expect(existsSync(join(d, "split", "fig3", "figure.png"))).toBe(true);
  }, 120_000);

  it("phase-diagram: two parts merged give the same measured points, CSV and agreement", async () => {
    const d = dir();
    const args = (out: string) => ["phase-diagram", "--kappa", "0", "--delta", "-1.5,-1.25,0.75", "--budget-seconds", "0.5", "--out-dir", join(d, out), ...(out === "one" ? ["--progress"] : [])];
    const { merged, whole } = await splitAndWhole(args, "split", "one", 2);
    expect(merged.stdout).toMatch(/measured phase diagram: 3 points/);
    // progress: a line per point with --progress, weighed by the points' planned ladders
    const shares = [...whole.stderr.matchAll(/phase diagram: (\d)\/3 points, (\d+)% of the estimated work/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(shares.map(([n]) => n)).toEqual([0, 1, 2, 3]);
    expect(shares.at(-1)![1]).toBe(100);
    expect(json(join(d, "split", "phase-diagram.json"))).toEqual(json(join(d, "one", "phase-diagram.json")));
    const csv = (f: string) => readFileSync(f, "utf8").split("\n").map((l) => l.split(",").slice(0, -1).join(",")); // elapsedMs last
    expect(csv(join(d, "split", "phase-diagram.csv"))).toEqual(csv(join(d, "one", "phase-diagram.csv")));
  }, 120_000);

  it("scaling: parts of its d merged give the same fit", async () => {
    const d = dir();
    const args = (out: string) => ["scaling", "--dims", "30,60,90", "--seeds", "2", "--t-max", "5", "--out", join(d, `${out}.json`)];
    const { merged, whole } = await splitAndWhole(args, "split", "one", 2);
    expect(existsSync(join(d, "split.runs.jsonl"))).toBe(true);
    expect(merged.stdout).toBe(whole.stdout);
    expect(json(join(d, "split.json"))).toEqual(json(join(d, "one.json")));
  }, 120_000);

  it("--plan prints every point and the total, --json the plan as data; a missing part is named at --merge", async () => {
    const d = dir();
    const plan = await cli(["phase-diagram", "--kappa", "0,0.5", "--delta", "0,0.5,1", "--plan", "--json", "--target", "1m"], { env: { XDG_CACHE_HOME: join(d, "cache") } });
    expect(plan.code, plan.stderr).toBe(0);
    const p = JSON.parse(plan.stdout);
    expect(p.rows).toHaveLength(6);
    expect(p.rows.every((r: { kind: string }) => r.kind === "measure")).toBe(true);
    expect(p.shards).toBeGreaterThanOrEqual(1);
    const text = await cli(["reproduce", "fig3", "--quick", "--plan"], { env: { XDG_CACHE_HOME: join(d, "cache") } });
    expect(text.stdout).toMatch(/total: \d+ points, .* core-hours/);
    const args = ["scaling", "--dims", "30,60", "--seeds", "2", "--t-max", "5", "--runs", join(d, "r.jsonl")];
    expect((await cli([...args, "--shard", "0/2", "--workers", "0"])).code).toBe(0);
    const merge = await cli([...args, "--merge"]);
    expect(merge.code).not.toBe(0);
    expect(merge.stderr).toMatch(/parts 1 of 2 are missing \(r\.part-1-of-2\.jsonl/);
    expect((await cli(["scaling", "--dims", "30,60", "--merge"])).stderr).toMatch(/--shard and --merge need --runs/);
    expect((await cli(["reproduce", "fig3", "--tiny", "--plan", "--merge"])).stderr).toMatch(/give one of --plan, --shard, --merge/);
  }, 120_000);

  it("sgd-phase slurm -- <command>: each task runs --shard i/n, the merge --merge; other commands refused", async () => {
    const d = dir();
    const run = await cli(["slurm", "--tasks", "2", "--dir", join(d, "s"), "--dry-run", "--", "phase-diagram", "--kappa", "0", "--delta", "0,0.5", "--out-dir", join(d, "pd")]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/phase-diagram --kappa 0 --delta 0,0.5 --out-dir \S+ --shard "\$SLURM_ARRAY_TASK_ID\/2" --workers/);
    expect(run.stdout).toMatch(/exec \S+ \S+ phase-diagram --kappa 0 --delta 0,0.5 --out-dir \S+ --merge/);
    expect(existsSync(join(d, "s"))).toBe(false);
    expect((await cli(["slurm", "--dry-run", "--", "simulate", "--d", "10"])).stderr).toMatch(/"simulate" does not run as a job array/);
    expect((await cli(["slurm", "--dry-run", "--", "reproduce", "fig3", "--shard", "0/2"])).stderr).toMatch(/must not hold --shard/);
    expect((await cli(["slurm", "--dry-run", "--", "reproduce", "fig99"])).stderr).toMatch(/does not plan: .*unknown figure "fig99"/);
  }, 60_000);

  it("a part stopped before any of its points finished exits 124 (a Slurm task is then not requeued for ever)", async () => {
    const { spawn } = await import("node:child_process");
    const { repoPath } = await import("../helpers.js");
    const { writeFileSync } = await import("node:fs");
    const d = dir();
    writeFileSync(join(d, "spec.json"), JSON.stringify({ kind: "simulate", points: [{ d: 500, p: 8, k: 4, tMax: 1e5, points: 2, method: "direct" }, { d: 20, tMax: 1, points: 2 }] }));
    const child = spawn(process.execPath, [repoPath("dist/cli/main.js"), "sweep", "--spec", join(d, "spec.json"), "--out", join(d, "s.jsonl"), "--shard", "0/2", "--workers", "1"]);
    let stderr = "";
    child.stderr.on("data", (b) => (stderr += b));
    const exited = new Promise((r) => child.on("exit", (c) => r(c)));
    await new Promise((r) => setTimeout(r, 2000));
    child.kill("SIGTERM");
    expect(await exited).toBe(124);
    expect(stderr).toMatch(/stopped before any point finished in this run: its points need a longer run/);
  }, 60_000);

  it("a merge with a point missing names the part to rerun", async () => {
    const d = dir();
    const args = ["scaling", "--dims", "30,60,90", "--seeds", "2", "--t-max", "5", "--runs", join(d, "r.jsonl")];
    for (const i of [0, 1]) expect((await cli([...args, "--shard", `${i}/2`, "--workers", "0"])).code).toBe(0);
    const part = join(d, "r.part-1-of-2.jsonl");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(part, readFileSync(part, "utf8").split("\n").filter(Boolean).slice(1).map((l) => `${l}\n`).join(""));
    const merge = await cli([...args, "--merge"]);
    expect(merge.code).not.toBe(0);
    expect(merge.stderr).toMatch(/1 of 3 points are in none of the parts:\n {2}point \d \(part 1 of 2: rerun it\)/);
  }, 60_000);
});
