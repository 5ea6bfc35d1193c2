// Issue 14: the cost plan of a sweep (--plan, --target): nothing runs, every point gets an estimate from the
// fixed cost model times this machine's calibration (cached once), and the parts for a target wall time follow.
// (How close the estimates come to measured times is a benchmark's question, not a timed test's.)
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDuration, planSweep } from "../../src/jobs/plan.js";
import { cli } from "../helpers.js";

const spec = { kind: "simulate" as const, base: { p: 8, k: 4, tMax: 100, points: 5 }, grid: { d: [100, 1000], seeds: [1, 10] } };

describe("the cost plan", () => {
  it("scales with the work: 10 seeds cost 10 × one, and the parts follow the target", async () => {
    const plan = await planSweep(spec, { costScale: 2, targetSeconds: 1 });
    const [d100s1, d100s10] = plan.rows;
    expect(d100s10.samples).toBe(10 * d100s1.samples!);
    expect(d100s10.seconds / d100s1.seconds).toBeGreaterThan(8); // a fixed overhead per point aside
    expect(plan.coreHours).toBeCloseTo(plan.seconds / 3600, 12);
    expect(plan.shards).toBe(Math.min(plan.rows.length, Math.max(1, Math.ceil(plan.seconds / 1))));
    const twice = await planSweep(spec, { costScale: 4 });
    expect(twice.seconds).toBeCloseTo(2 * plan.seconds, 9);
  });

  it("parses wall times", () => {
    expect(parseDuration("90")).toBe(90);
    expect(parseDuration("45m")).toBe(2700);
    expect(parseDuration("2h")).toBe(7200);
    expect(parseDuration("1.5d")).toBe(129600);
    expect(() => parseDuration("soon")).toThrow(/`target` must be a duration/);
  });

  it("the CLI prints the plan, runs nothing, and calibrates this machine once (cached)", async () => {
    const d = mkdtempSync(join(tmpdir(), "sgd-phase-plan-"));
    writeFileSync(join(d, "spec.json"), JSON.stringify(spec));
    const env = { XDG_CACHE_HOME: join(d, "cache") };
    const run = await cli(["sweep", "--spec", join(d, "spec.json"), "--plan", "--target", "2h"], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/total: 4 points, .* core-hours \(this machine: direct [\d.]+ × the cost model, chain \d+ ns \+ [\d.]+ ×/);
    expect(run.stdout).toMatch(/for a wall time of 2.00 h: --shard i\/1 /);
    const cache = join(d, "cache", "sgd-phase", "calibration.json");
    expect(existsSync(cache)).toBe(true);
    const written = statSync(cache).mtimeMs;
    const c = Object.values(JSON.parse(readFileSync(cache, "utf8")) as Record<string, { direct: number; chain: number; chainFixed: number }>)[0];
    expect(c.direct).toBeGreaterThan(0);
    expect(c.chain).toBeGreaterThan(0);
    expect(c.chainFixed).toBeGreaterThanOrEqual(0);
    const again = await cli(["sweep", "--spec", join(d, "spec.json"), "--plan"], { env });
    expect(again.stdout).toContain(`this machine: direct ${c.direct.toFixed(2)} ×`);
    expect(statSync(cache).mtimeMs).toBe(written);
  });
});

describe("sweep progress in a log file (stderr not a terminal)", () => {
  it("--progress writes a line per finished point with the share of the estimated work and an ETA", async () => {
    const d = mkdtempSync(join(tmpdir(), "sgd-phase-progress-"));
    writeFileSync(join(d, "spec.json"), JSON.stringify({ kind: "simulate", base: { d: 30, p: 2, k: 1, tMax: 1, points: 2 }, grid: { d: [20, 200] } }));
    const run = await cli(["sweep", "--spec", join(d, "spec.json"), "--out", join(d, "o.jsonl"), "--workers", "0", "--progress"]);
    expect(run.code).toBe(0);
    const lines = run.stderr.split("\n").filter((l) => l.startsWith("sweep: "));
    expect(lines.length).toBe(3);
    expect(lines[0]).toMatch(/^sweep: 0\/2 points, 0% of the estimated work, \d+ s elapsed, ETA \?$/);
    // the d = 200 point is ~10 × the work of the d = 20 one: after one point the share says which ran
    const share = Number(/(\d+)% of the estimated work/.exec(lines[1])![1]);
    expect(share === 9 || share === 91 || (share > 5 && share < 95)).toBe(true);
    expect(lines[2]).toMatch(/^sweep: 2\/2 points, 100% of the estimated work, \d+ s elapsed, ETA 0 s$/);
    const quiet = await cli(["sweep", "--spec", join(d, "spec.json"), "--out", join(d, "q.jsonl"), "--workers", "0"]);
    expect(quiet.stderr.split("\n").filter((l) => l.startsWith("sweep: "))).toEqual([]); // short runs log nothing
  });
});
