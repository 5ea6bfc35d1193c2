// Output for pipes: --format table|csv|tsv|json|jsonl and `--out -` on the commands that print results. Data on
// stdout only (every line parses in its format), messages on stderr; the same numbers as the API's result.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { delimited, jsonLines, joined } from "../src/records.js";
import { cli, repoPath } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "sgd-phase-format-"));
const small = ["--d", "100", "--p", "4", "--k", "2", "--noise", "1e-3", "--t-max", "2", "--points", "4"];

/** A minimal RFC 4180 reader, written apart from src/records.ts: fields split at sep outside quotes. */
function readDelimited(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) row.push(field), (field = "");
    else if (c === "\n") row.push(field), rows.push(row), (row = []), (field = "");
    else field += c;
  }
  return rows;
}

describe("records", () => {
  it("quotes a CSV field that holds a comma, a quote or a line break, and nothing else; TSV keeps one line per row", () => {
    const records = { columns: ["a", "b"], rows: [["x, y", 'say "hi"'], [1.5, null], ["two\nlines", true]] };
    const csv = joined(delimited(records));
    expect(csv).toBe('a,b\n"x, y","say ""hi"""\n1.5,\n"two\nlines",true\n');
    expect(readDelimited(csv, ",")).toEqual([["a", "b"], ["x, y", 'say "hi"'], ["1.5", ""], ["two\nlines", "true"]]);
    expect(joined(delimited(records, "\t")).split("\n")).toHaveLength(5);
    expect(joined(jsonLines(records)).trim().split("\n").map((l) => JSON.parse(l))).toEqual([{ a: "x, y", b: 'say "hi"' }, { a: 1.5, b: null }, { a: "two\nlines", b: true }]);
  });
});

describe("--format and --out -", () => {
  it("simulate --format csv: only the CSV on stdout (t, samples, risk at full precision), what ran on stderr", async () => {
    const run = await cli(["simulate", ...small, "--seed", "5", "--format", "csv"]);
    expect(run.code).toBe(0);
    const rows = readDelimited(run.stdout, ",");
    expect(rows[0]).toEqual(["t", "samples", "risk"]);
    const { simulate } = await import("../src/simulate.js");
    const api = await simulate({ d: 100, p: 4, k: 2, noise: 1e-3, tMax: 2, points: 4, seed: 5 });
    expect(rows.slice(1).map((r) => Number(r[2]))).toEqual(api.risk);
    expect(run.stderr).toMatch(/^# blue region .* seed 5; .*\((chain|direct), /);
  });

  it("simulate --seeds 3 --format jsonl and tsv: one object / one line per output time with the ensemble's columns", async () => {
    const jsonl = await cli(["simulate", ...small, "--seeds", "3", "--format", "jsonl"]);
    expect(jsonl.code).toBe(0);
    const objects = jsonl.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(objects).toHaveLength(5);
    expect(Object.keys(objects[0])).toEqual(["t", "samples", "risk", "runs", "mean", "std", "se", "q10", "q50", "q90"]);
    const tsv = await cli(["simulate", ...small, "--seeds", "3", "--format", "tsv"]);
    const rows = tsv.stdout.trim().split("\n").map((l) => l.split("\t"));
    expect(rows.every((r) => r.length === 10)).toBe(true);
    expect(rows.slice(1).map((r) => Number(r[4]))).toEqual(objects.map((o) => o.mean));
  });

  it("ode --format json is the whole result; --out - beside a file prints the table and writes the file", async () => {
    const json = await cli(["ode", "--t-max", "2", "--points", "4", "--format", "json"]);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.params.region).toBe("blue");
    const file = join(dir, "ode.tsv");
    const both = await cli(["ode", "--t-max", "2", "--points", "4", "--out", "-", file]);
    expect(both.code).toBe(0);
    expect(both.stdout.split("\n")[0]).toMatch(/^# ODE, blue region/);
    const rows = readFileSync(file, "utf8").trim().split("\n").map((l) => l.split("\t"));
    expect(rows[0]).toEqual(["t", "risk"]);
    expect(rows.slice(1).map((r) => Number(r[1]))).toEqual(result.risk);
    expect(both.stderr).toMatch(/written: .*ode\.tsv/);
  });

  it("compare --format tsv: every row has as many fields as the header; a --format with --out files only is refused", async () => {
    const run = await cli(["compare", ...small, "--seeds", "2", "--format", "tsv"]);
    expect(run.code).toBe(0);
    const rows = run.stdout.trim().split("\n").map((l) => l.split("\t"));
    expect(rows[0]).toEqual(["t", "samples", "ode_risk", "sim_runs", "sim_mean", "sim_std", "sim_se", "sim_q10", "sim_q50", "sim_q90"]);
    expect(rows.every((r) => r.length === rows[0].length)).toBe(true);
    expect(run.stderr).toMatch(/^# blue region .* SGD \w+, 2 seeds \(0 … 1\)/m);
    const refused = await cli(["compare", ...small, "--seeds", "2", "--format", "csv", "--out", join(dir, "c.json")]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--format csv: nothing goes to stdout when --out names files only");
  });

  it("reproduce --format jsonl: one object per check on stdout, the per-figure lines on stderr", async () => {
    const run = await cli(["reproduce", "fig2", "--tiny", "--no-progress", "--out-dir", join(dir, "repro"), "--format", "jsonl"]);
    expect(run.code).toBe(0);
    const checks = run.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(checks.length).toBeGreaterThan(0);
    expect(Object.keys(checks[0])).toEqual(["figure", "claim", "paper", "ours", "tolerance", "pass"]);
    expect(run.stderr).toMatch(/fig2 \(tiny\): \d+ checks/);
    const csv = readDelimited(readFileSync(join(dir, "repro", "checks.csv"), "utf8"), ",");
    expect(csv.slice(1).map((r) => r[1])).toEqual(checks.map((c) => c.claim));
  });

  it("a reader that closes the pipe early (… | head -1) ends the command quietly with exit 0", async () => {
    const child = spawn(process.execPath, [repoPath("dist/cli/main.js"), "simulate", "--d", "50", "--t-max", "50", "--points", "20000", "--format", "csv"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error/);
  });
});
