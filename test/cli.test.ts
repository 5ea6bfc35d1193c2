// `sgd-phase simulate` as a user runs it: the built CLI spawned with flags; stdout, stderr and the exit
// code checked separately, files written and read back.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fixture } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "sgd-phase-cli-"));
const small = ["--d", "100", "--p", "4", "--k", "2", "--noise", "1e-3"];

describe("sgd-phase simulate", () => {
  it("prints a table of t, samples and risk on stdout, with the parameters in a header line", async () => {
    const run = await cli(["simulate", ...small, "--t-max", "2", "--points", "4"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^# blue region \(κ = 0, δ = 0\), d = 100, p = 4, k = 2, γ = 4, Δ = 0.001, δt = 0.01, seed 0/);
    expect(lines[1].trim().split(/\s+/)).toEqual(["t", "samples", "risk"]);
    expect(lines.at(-1)!.trim().split(/\s+/).slice(0, 2)).toEqual(["2", "200"]);
  });

  it("writes JSON and CSV with --out; the JSON holds the same numbers as the API", async () => {
    const json = join(dir, "run.json");
    const csv = join(dir, "sub", "run.csv");
    const run = await cli(["simulate", ...small, "--times", "0.5,1,2", "--seed", "3", "--out", json, csv]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    const result = JSON.parse(readFileSync(json, "utf8"));
    expect(result.samples).toEqual([0, 50, 100, 200]);
    expect(result.params).toMatchObject({ d: 100, p: 4, k: 2, seed: 3, noise: 1e-3, region: "blue" });
    const { simulate } = await import("../src/simulate.js");
    const api = await simulate({ d: 100, p: 4, k: 2, noise: 1e-3, times: [0.5, 1, 2], seed: 3 });
    expect(result.risk).toEqual(api.risk);
    expect(result.Q).toEqual(api.Q);
    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows[0]).toBe("t,samples,risk");
    expect(rows.slice(1).map((r) => Number(r.split(",")[2]))).toEqual(api.risk);
  });

  it("--save-init writes the initial overlaps, and --init of that file starts from the same overlaps", async () => {
    const init = join(dir, "init.json");
    const first = join(dir, "first.json");
    const second = join(dir, "second.json");
    expect((await cli(["simulate", ...small, "--times", "1", "--save-init", init, "--out", first])).code).toBe(0);
    const saved = JSON.parse(readFileSync(init, "utf8"));
    expect(Object.keys(saved).sort()).toEqual(["M0", "P", "Q0"]);
    expect((await cli(["simulate", "--d", "100", "--noise", "1e-3", "--times", "1", "--init", init, "--out", second])).code).toBe(0);
    const [a, b] = [first, second].map((f) => JSON.parse(readFileSync(f, "utf8")));
    expect(b.params).toMatchObject({ p: 4, k: 2, init: "overlaps" });
    for (const key of ["Q", "M"] as const) {
      a[key][0].flat().forEach((v: number, i: number) => expect(Math.abs(v - b[key][0].flat()[i])).toBeLessThan(1e-13));
    }
  });

  it("--init reads weights { W0, Wstar } and takes d, p, k from them", async () => {
    const sgd = fixture("refs/sgd_stats.json");
    const file = join(dir, "weights.json");
    writeFileSync(file, JSON.stringify({ W0: sgd.W0, Wstar: sgd.Wstar, note: "extra keys are ignored" }));
    const run = await cli(["simulate", "--init", file, "--times", "1", "--out", join(dir, "w.json")]);
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "w.json"), "utf8")).params).toMatchObject({ d: 200, p: 6, k: 3, init: "weights" });
  });

  it("--method chain --seeds 5 adds the ensemble: mean, std, se and the quantiles as CSV columns", async () => {
    const csv = join(dir, "ensemble.csv");
    const run = await cli(["simulate", ...small, "--t-max", "2", "--points", "3", "--method", "chain", "--seeds", "5", "--quantiles", "0.25,0.75", "--out", csv]);
    expect(run.code).toBe(0);
    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows[0]).toBe("t,samples,risk,runs,mean,std,se,q25,q75");
    expect(rows.length).toBe(5);
    expect(rows.at(-1)!.split(",")[3]).toBe("5");
    const bad = await cli(["simulate", "--method", "exact"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/argument 'exact' is invalid. Allowed choices are direct, chain, auto./);
  });

  it("shows progress on stderr with --progress (100% at the end), and none with --no-progress", async () => {
    const out = join(dir, "progress.json");
    const shown = await cli(["simulate", ...small, "--t-max", "20", "--points", "3", "--progress", "--out", out]);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toMatch(/SGD \|.*\| 100% \| 2000\/2000 samples \| t = 20/);
    const hidden = await cli(["simulate", ...small, "--t-max", "20", "--points", "3", "--no-progress", "--out", out]);
    expect(hidden.stderr).not.toMatch(/SGD \|/);
    expect(hidden.stderr).toMatch(/^written: /);
  });

  it("exits with 3 and a warning on stderr when SGD diverges, after writing the partial result", async () => {
    const out = join(dir, "diverged.json");
    const run = await cli(["simulate", "--d", "1", "--p", "1", "--k", "1", "--gamma0", "1e150", "--noise", "1e300", "--times", "10", "--out", out]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^warning: SGD diverged after \d+ samples/);
    expect(JSON.parse(readFileSync(out, "utf8")).status).toBe("diverged");
  });
});

describe("sgd-phase simulate rejects bad input on stderr with exit code 1 and nothing on stdout", () => {
  it.each([
    [["--p", "0"], "error: invalid option. `--p` must be a positive integer. Value: `0`."],
    [["--t-max", "-1"], "error: invalid option. `--t-max` must be a finite number > 0. Value: `-1`."],
    [["--noise", "-0.1"], "error: invalid option. `--noise` must be a finite number ≥ 0. Value: `-0.1`."],
    [["--gamma0", "0"], "error: invalid option. `--gamma0` must be a finite number > 0. Value: `0`."],
    [["--kappa", "0.5", "--p", "3"], "error: invalid option. `--kappa` cannot be given together with `p`"],
    [["--times", "2,1"], "error: invalid option. `--times[1]` must be later than times[0] = 2"],
    [["--delta", "-0.75"], "error: invalid option. `--time-scale` \"region\" has no clock in the red region"],
    [["--seed", "-3"], "error: invalid option. `--seed` must be an integer in [0, 2^53 − 1]. Value: `-3`."],
    [["--d", "abc"], "error: option '--d <n>' argument 'abc' is invalid. must be a number."],
    [["--times", "1,x"], "error: option '--times <list>' argument '1,x' is invalid. item 2 (`x`) is not a number."],
    [["--time-scale", "s"], "error: option '--time-scale <scale>' argument 's' is invalid. Allowed choices are region, d."],
    [["--bogus"], "error: unknown option '--bogus'"],
    [["--out", "x.xlsx"], "error: --out x.xlsx: unknown extension (use .json, .csv, .tsv, .jsonl, .txt, or - for stdout)."],
    [["--init", "no-such-file.json"], "error: --init no-such-file.json: cannot read the file (ENOENT)."],
  ])("%j", async (args, message) => {
    const run = await cli(["simulate", "--d", "50", ...args]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")[0]).toContain(message);
  });

  it("names the --init file's own entries: bad JSON, and overlaps that are not PSD", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ not json");
    const run = await cli(["simulate", "--init", bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: --init .*bad\.json: not valid JSON/);
    const notPsd = join(dir, "not-psd.json");
    writeFileSync(notPsd, JSON.stringify({ Q0: [[1, 2], [2, 1]], M0: [[0], [0]], P: [[1]] }));
    const run2 = await cli(["simulate", "--d", "20", "--init", notPsd]);
    expect(run2.code).toBe(1);
    expect(run2.stderr).toMatch(/^error: invalid option. `init` \(from --init\) must have Ω = \[\[P, M0ᵀ\], \[M0, Q0\]\] positive semi-definite/);
  });
});

describe("sgd-phase ode and compare", () => {
  it("ode prints the risk curve with the prefactors and the solver's work in a header line", async () => {
    const run = await cli(["ode", "--noise", "1e-3", "--t-max", "100", "--points", "3"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^# ODE, blue region \(κ = 0, δ = 0\), limit prefactors a1 = 1, a2 = 1 \(d = 1000\), p = 8, k = 4, Δ = 0.001; bdf rtol 1e-8: \d+ steps/);
    expect(lines[1].trim().split(/\s+/)).toEqual(["t", "risk"]);
    expect(lines.length).toBe(6);
  });

  it("ode --init reads the overlaps written by simulate --save-init: both start from the same risk", async () => {
    const init = join(dir, "shared-init.json");
    const sim = join(dir, "shared-sim.json");
    const ode = join(dir, "shared-ode.json");
    expect((await cli(["simulate", ...small, "--times", "1", "--save-init", init, "--out", sim])).code).toBe(0);
    const run = await cli(["ode", "--d", "100", "--noise", "1e-3", "--init", init, "--times", "1", "--out", ode, join(dir, "shared-ode.csv")]);
    expect(run.code).toBe(0);
    const [a, b] = [sim, ode].map((f) => JSON.parse(readFileSync(f, "utf8")));
    expect(b.risk[0]).toBeCloseTo(a.risk[0], 14);
    expect(readFileSync(join(dir, "shared-ode.csv"), "utf8").split("\n")[0]).toBe("t,risk");
  });

  it("ode refuses the red region and bad tolerances on stderr with exit code 1", async () => {
    const red = await cli(["ode", "--delta", "-0.75"]);
    expect(red.code).toBe(1);
    expect(red.stderr).toMatch(/^error: invalid option. `--delta` puts \(κ, δ\) = \(0, -0.75\) in the red region .* use simulate/);
    const rtol = await cli(["ode", "--rtol", "0"]);
    expect(rtol.code).toBe(1);
    expect(rtol.stderr).toMatch(/^error: invalid option. `--rtol` must be a finite number in \(0, 1\). Value: `0`./);
  });

  it("ode exits with 3 and a warning naming the quantity when the integration blows up", async () => {
    const run = await cli(["ode", "--p", "4", "--k", "2", "--integrator", "euler", "--step", "10", "--t-max", "1e4", "--points", "3"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^warning: the integration stopped at t = [\d.]+: (Q|M)\[\d\]\[\d\] became non-finite/);
  });

  it("compare writes the ODE and the simulations' statistics to JSON and a plot-ready CSV", async () => {
    const json = join(dir, "compare.json");
    const csv = join(dir, "compare.csv");
    const run = await cli(["compare", "--d", "200", "--p", "4", "--k", "2", "--noise", "1e-3", "--t-max", "5", "--points", "4", "--seeds", "3", "--out", json, csv]);
    expect(run.code).toBe(0);
    const c = JSON.parse(readFileSync(json, "utf8"));
    expect(c.params.seeds).toEqual([0, 1, 2]);
    expect(c.t.length).toBe(5);
    expect(c.ode.risk.length).toBe(5);
    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows[0]).toBe("t,samples,ode_risk,sim_runs,sim_mean,sim_std,sim_se,sim_q10,sim_q50,sim_q90");
    expect(rows.length).toBe(6);
    expect(rows.slice(1).every((r) => r.split(",").every((v) => Number.isFinite(Number(v))))).toBe(true);
  });

  it("compare's table: one token per column name (as whitespace-separated readers split it), the method and seeds in its head", async () => {
    const run = await cli(["compare", "--d", "200", "--p", "4", "--k", "2", "--noise", "1e-3", "--t-max", "5", "--points", "4", "--seeds", "3", "--seed", "5", "--method", "direct"]);
    expect(run.code).toBe(0);
    const [head, header, ...rows] = run.stdout.trim().split("\n");
    expect(head).toMatch(/; SGD direct, 3 seeds \(5 … 7\)$/);
    expect(header.trim().split(/\s+/)).toEqual(["t", "samples", "ode", "sim_mean", "sim_se", "sim_q10", "sim_q90"]);
    for (const row of rows) expect(row.trim().split(/\s+/)).toHaveLength(7);
  });
});
