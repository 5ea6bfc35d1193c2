// Issue 14, on a real (single-node) Slurm: `sgd-phase slurm --submit` runs a sweep as a job array and merges it
// in a job that waits for every task (afterok). A 4-task array merged equals the same sweep run here; a task
// requeued while running (scontrol requeue), one warned of its time limit (USR1: it requeues itself) and one
// sent SIGTERM mid-run (it stops cleanly, the merge is cancelled, a second submission finishes) end with nothing
// lost and nothing repeated. Skipped without Slurm locally; failing under CI=true (.ci/run installs slurm-wlm
// and munge), as the browser tests do.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { partFile } from "../../src/jobs/shard.js";
import { cli } from "../helpers.js";
import { haveSlurm, SLURM_BINARIES, startCluster, type Cluster } from "./slurm-cluster.js";

const canRun = haveSlurm && process.getuid?.() === 0;

it.runIf(process.env.CI && !canRun)("Slurm is installed and this is root, for the cluster tests (CI)", () => {
  expect.fail(`need ${SLURM_BINARIES.join(", ")} and root: .ci/run installs Debian's slurm-wlm and munge`);
});

/** The lines by point, without what differs from run to run (timings, meta; a local run writes its lines in
 * the order its points finish, the merge in the spec's order). */
const timeless = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l, (k, v) => (k === "elapsedMs" || k === "meta" ? undefined : v)))
    .sort((a, b) => a.index - b.index);

const lines = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0);

describe.runIf(canRun)("sgd-phase slurm on a single-node Slurm cluster", () => {
  let cluster: Cluster;
  const work = mkdtempSync(join(tmpdir(), "sgd-phase-slurm-real-"));
  beforeAll(async () => {
    cluster = await startCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  /** Writes the spec, runs it here (the reference) and returns the paths. */
  async function prepare(name: string, spec: object) {
    const dir = join(work, name);
    const specFile = join(work, `${name}.json`);
    writeFileSync(specFile, JSON.stringify(spec));
    const local = join(work, `${name}-local.jsonl`);
    const here = await cli(["sweep", "--spec", specFile, "--out", local, "--workers", "2"]);
    expect(here.code, here.stderr).toBe(0);
    return { specFile, local, out: join(dir, "sweep.jsonl") };
  }

  async function submit(specFile: string, out: string, tasks: number) {
    const run = await cli(["slurm", "--spec", specFile, "--out", out, "--tasks", String(tasks), "--submit"], { env: cluster.env });
    expect(run.code, run.stderr).toBe(0);
    const m = /array job (\d+) \((\d+) tasks\), merge job (\d+)/.exec(run.stdout)!;
    expect(m, run.stdout).not.toBeNull();
    return { array: m[1], merge: m[3] };
  }

  const finished = (records: Record<string, string>[]) => records.every((r) => /COMPLETED|FAILED|CANCELLED|TIMEOUT/.test(r.JobState));
  const taskOf = (records: Record<string, string>[], i: number) => records.find((r) => r.ArrayTaskId === String(i))!;
  /** Waits until task i is running with at least one finished line in its part (and more to do). */
  async function midRun(array: string, out: string, i: number, n: number) {
    const file = partFile(out, { index: i, count: n });
    await cluster.waitFor(array, (rs) => taskOf(rs, i)?.JobState === "RUNNING" && lines(file) >= 1, `task ${i} running with a line written`);
    return file;
  }

  it("a 4-task array merged equals the same sweep run here; the merge starts after every task ended", async () => {
    const spec = { kind: "simulate", base: { d: 100, p: 4, k: 2, tMax: 2000, points: 4, method: "direct", noise: 1e-3 }, grid: { seed: [1, 2, 3, 4, 5, 6, 7, 8] } };
    const { specFile, local, out } = await prepare("four", spec);
    const { array, merge } = await submit(specFile, out, 4);
    const done = await cluster.waitFor(merge, finished, "merge finished");
    expect(done[0].JobState, readFileSync(join(work, "four", "slurm", `${merge}-merge.log`), "utf8")).toBe("COMPLETED");
    const tasks = await cluster.jobs(array);
    expect(tasks.map((t) => t.JobState)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"]);
    const mergeStart = Date.parse(done[0].StartTime);
    for (const t of tasks) expect(mergeStart).toBeGreaterThanOrEqual(Date.parse(t.EndTime));
    expect(timeless(readFileSync(out, "utf8"))).toEqual(timeless(readFileSync(local, "utf8")));
  }, 180_000);

  it("reproduce as a 2-task array: the merge job writes the figures and checks of a one-machine run", async () => {
    const outDir = join(work, "figures");
    const run = await cli(["slurm", "--tasks", "2", "--dir", join(work, "figures-slurm"), "--submit", "--", "reproduce", "fig3", "--tiny", "--out-dir", outDir], { env: cluster.env });
    expect(run.code, run.stderr).toBe(0);
    const [, , merge] = /array job (\d+) \(2 tasks\), merge job (\d+)/.exec(run.stdout)!;
    const done = await cluster.waitFor(merge, finished, "merge finished");
    expect(done[0].JobState).toBe("COMPLETED");
    const here = await cli(["reproduce", "fig3", "--tiny", "--out-dir", join(work, "figures-here")]);
    expect(here.code, here.stderr).toBe(0);
    const data = (d: string) => JSON.parse(readFileSync(join(d, "fig3", "data.json"), "utf8"), (k, v) => (k === "meta" || k === "elapsedMs" ? undefined : v));
    expect(data(outDir)).toEqual(data(join(work, "figures-here")));
    expect(existsSync(join(outDir, "fig3", "figure.png"))).toBe(true);
  }, 180_000);

  // points of ~1 s each, three per task, so that a task can be caught between two of them
  const slow = { kind: "simulate", base: { d: 100, p: 4, k: 2, tMax: 10000, points: 4, method: "direct", noise: 1e-3 }, grid: { seed: [11, 12, 13, 14, 15, 16] } };

  it("a task requeued while running (scontrol requeue) and one warned of its time limit (USR1) lose and repeat nothing", async () => {
    const { specFile, local, out } = await prepare("requeue", slow);
    const { array, merge } = await submit(specFile, out, 2);
    const [file0, file1] = await Promise.all([midRun(array, out, 0, 2), midRun(array, out, 1, 2)]);
    await cluster.slurm("scontrol", ["requeue", `${array}_0`]);
    await cluster.slurm("scancel", ["--batch", "--signal=USR1", `${array}_1`]);
    const done = await cluster.waitFor(merge, finished, "merge finished");
    expect(done[0].JobState).toBe("COMPLETED");
    const tasks = await cluster.jobs(array);
    for (const t of tasks) {
      expect(t.JobState).toBe("COMPLETED");
      expect(Number(t.Restarts)).toBe(1);
    }
    expect(lines(file0) + lines(file1)).toBe(6); // each point once: nothing repeated
    expect(readFileSync(join(work, "requeue", "slurm", `${array}_1.log`), "utf8")).toMatch(/requeueing task 1/);
    expect(timeless(readFileSync(out, "utf8"))).toEqual(timeless(readFileSync(local, "utf8")));
  }, 300_000);

  it("a task sent SIGTERM mid-run stops cleanly, the merge never runs, a second submission finishes the rest", async () => {
    const { specFile, local, out } = await prepare("sigterm", slow);
    const first = await submit(specFile, out, 2);
    const file = await midRun(first.array, out, 0, 2);
    await cluster.slurm("scancel", ["--batch", "--signal=TERM", `${first.array}_0`]);
    const records = await cluster.waitFor(first.array, finished, "both tasks ended");
    expect(taskOf(records, 0).JobState).toBe("FAILED");
    expect(taskOf(records, 0).ExitCode).toBe("143:0");
    expect(taskOf(records, 1).JobState).toBe("COMPLETED");
    const part = readFileSync(file, "utf8");
    expect(part.endsWith("\n")).toBe(true); // only whole lines
    const kept = lines(file);
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(3);
    const merge = await cluster.waitFor(first.merge, finished, "merge cancelled");
    expect(merge[0].JobState).toBe("CANCELLED");
    expect(existsSync(out)).toBe(false);

    const second = await submit(specFile, out, 2);
    const done = await cluster.waitFor(second.merge, finished, "merge finished");
    expect(done[0].JobState).toBe("COMPLETED");
    expect(readFileSync(file, "utf8").startsWith(part)).toBe(true); // the kept lines untouched
    expect(lines(file)).toBe(3);
    expect(timeless(readFileSync(out, "utf8"))).toEqual(timeless(readFileSync(local, "utf8")));
  }, 300_000);
});
