// Issue 14: `sgd-phase slurm` writes a sweep as a job array (part i of n per task, resuming its part file,
// requeueable, warned by USR1 before its time limit) and its merge as an afterok job; --submit hands them to sbatch
// in that order. Here sbatch is a stand-in script that records its arguments (on a real single-node Slurm:
// slurm-real.test.ts).
import { describe, expect, it } from "vitest";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers.js";

const spec = { kind: "simulate", base: { d: 20, p: 2, k: 1, tMax: 1, points: 2 }, grid: { seed: [0, 1, 2, 3, 4] } };

function setUp() {
  const d = mkdtempSync(join(tmpdir(), "sgd-phase-slurm-"));
  writeFileSync(join(d, "spec.json"), JSON.stringify(spec));
  return d;
}

describe("sgd-phase slurm", () => {
  it("writes the array and the merge scripts, and prints them", async () => {
    const d = setUp();
    const run = await cli(["slurm", "--spec", join(d, "spec.json"), "--out", join(d, "res", "s.jsonl"), "--tasks", "3", "--partition", "cpu", "--time", "02:00:00", "--cpus-per-task", "2", "--sbatch", "--qos=long"]);
    expect(run.code).toBe(0);
    const array = readFileSync(join(d, "res", "slurm", "array.sbatch"), "utf8");
    expect(array).toContain("#SBATCH --array=0-2");
    expect(array).toContain("#SBATCH --requeue");
    expect(array).toMatch(/#SBATCH --signal=B:USR1@\d+/);
    expect(array).toContain("#SBATCH --open-mode=append"); // a requeued task's log keeps the earlier runs
    for (const line of ["--partition=cpu", "--time=02:00:00", "--cpus-per-task=2", "--qos=long"]) expect(array).toContain(`#SBATCH ${line}`);
    // each task resumes its part files (--shard implies it): a requeued task continues
    expect(array).toMatch(/ sweep --spec \S*spec.json --out \S*s.jsonl --shard "\$SLURM_ARRAY_TASK_ID\/3" --workers "\$\{SLURM_CPUS_PER_TASK:-1\}" &/);
    expect(array).toMatch(/scontrol requeue "\$\{SLURM_ARRAY_JOB_ID\}_\$\{SLURM_ARRAY_TASK_ID\}"/);
    const merge = readFileSync(join(d, "res", "slurm", "merge.sbatch"), "utf8");
    expect(merge).toMatch(/exec .* sweep --spec \S*spec.json --out \S*s.jsonl --merge/);
    expect(merge).not.toContain("--array");
    expect(merge).toContain("#SBATCH --kill-on-invalid-dep=yes");
    expect(run.stdout).toContain(array);
  });

  it("--dry-run prints the scripts and writes nothing", async () => {
    const d = setUp();
    const run = await cli(["slurm", "--spec", join(d, "spec.json"), "--out", join(d, "res", "s.jsonl"), "--tasks", "2", "--dry-run"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("#SBATCH --array=0-1");
    expect(run.stdout).toMatch(/sweep --spec \S+ --out \S+ --merge/);
    expect((await import("node:fs")).existsSync(join(d, "res"))).toBe(false);
  });

  it("--submit: the array first, then the merge with --dependency=afterok:<array job>", async () => {
    const d = setUp();
    const bin = join(d, "bin");
    const log = join(d, "sbatch.log");
    (await import("node:fs")).mkdirSync(bin);
    writeFileSync(join(bin, "sbatch"), `#!/bin/sh\necho "$@" >> '${log}'\nn=$(wc -l < '${log}')\necho "$((1000 + n));cluster"\n`);
    chmodSync(join(bin, "sbatch"), 0o755);
    const run = await cli(["slurm", "--spec", join(d, "spec.json"), "--out", join(d, "s.jsonl"), "--tasks", "2", "--submit"], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/submitted: array job 1001 \(2 tasks\), merge job 1002/);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls[0]).toMatch(/^--parsable .*array.sbatch$/);
    expect(calls[1]).toMatch(/^--parsable --dependency=afterok:1001 .*merge.sbatch$/);
  });

  it("the tasks follow the cost plan for --target, one per point at most", async () => {
    const d = setUp();
    const run = await cli(["slurm", "--spec", join(d, "spec.json"), "--out", join(d, "s.jsonl"), "--target", "1h"], { env: { XDG_CACHE_HOME: join(d, "cache") } });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/plan: 5 points, [\d.]+ core-hours: 1 task of ~[\d.]+ s on 1 CPU each; the longest point/);
    const bad = await cli(["slurm", "--spec", join(d, "spec.json"), "--out", join(d, "s.jsonl"), "--tasks", "6"]);
    expect(bad.stderr).toMatch(/--tasks must be an integer in \[1, 5\]/);
  });

  it("checks its Slurm options, warns when a point cannot finish within --time, and adds --setup lines", async () => {
    const d = setUp();
    const base = ["slurm", "--spec", join(d, "spec.json"), "--out", join(d, "s.jsonl"), "--dry-run"];
    expect((await cli([...base, "--time", "abc"])).stderr).toMatch(/--time must be a Slurm time limit .* got "abc"/);
    expect((await cli([...base, "--mem", "lots"])).stderr).toMatch(/--mem must be a size such as 4000, 4G or 500M; got "lots"/);
    expect((await cli([...base, "--sbatch", "qos=long"])).stderr).toMatch(/--sbatch takes an sbatch option such as --qos=long; got "qos=long"/);
    expect((await cli([...base, "--cpus-per-task", "0"])).stderr).toMatch(/--cpus-per-task must be a positive integer; got 0/);
    const heavy = join(d, "heavy.json");
    writeFileSync(heavy, JSON.stringify({ kind: "simulate", points: [{ d: 1000, p: 8, k: 4, tMax: 1e5, points: 2, method: "direct" }] }));
    const warned = await cli(["slurm", "--spec", heavy, "--out", join(d, "h.jsonl"), "--time", "5", "--dry-run", "--setup", "module load nodejs", "--sbatch", "--qos=long", "--sbatch=--nice=5"]);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(/warning: the longest point alone is estimated at .* past --time 5 less the 120 s warning/);
    expect(warned.stdout).toMatch(/cd \S+\nmodule load nodejs\nrequeue=0/);
    for (const line of ["#SBATCH --qos=long", "#SBATCH --nice=5"]) expect(warned.stdout).toContain(line);
  });

  it("a split already begun is resumed with its number of parts; another --tasks is refused", async () => {
    const d = setUp();
    const out = join(d, "s.jsonl");
    expect((await cli(["sweep", "--spec", join(d, "spec.json"), "--out", out, "--shard", "0/3", "--workers", "0"])).code).toBe(0);
    const again = await cli(["slurm", "--spec", join(d, "spec.json"), "--out", out, "--dry-run"]);
    expect(again.stderr).toMatch(/resuming the split into 3 parts/);
    expect(again.stdout).toContain("#SBATCH --array=0-2");
    const other = await cli(["slurm", "--spec", join(d, "spec.json"), "--out", out, "--tasks", "2", "--dry-run"]);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/--tasks 2: the parts beside .* belong to a split into 3; use --tasks 3/);
  });
});
