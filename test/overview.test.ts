// The main job (npm start = sgd-phase overview) on a one-point grid: it writes every file the README lists for it
// (the listing is read from README.md, brace groups expanded) and says where they are.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { cli, repoPath } from "./helpers.js";

/** "a/b.{json,csv}, c.{svg,png}" → every name. */
function expand(names: string): string[] {
  return names.split(/,\s+/).flatMap((name) => {
    const m = /^(.*)\{([^}]*)\}(.*)$/.exec(name);
    return m ? m[2].split(",").map((x) => `${m[1]}${x}${m[3]}`) : [name];
  });
}

it("overview writes the phase diagram and the region curves the README lists, and names them", async () => {
  const readme = readFileSync(repoPath("README.md"), "utf8");
  const listing = /<!-- readme: not run \(a listing of the files npm start writes[^\n]*\n```\n([\s\S]*?)\n```/.exec(readme)![1];
  // a line: "out/regions/figure.{svg,png}, data.{json,csv}   what they hold" — the names after the first share its directory
  const files = listing.split("\n").flatMap((line) => {
    const [first, ...rest] = line.split(/\s{2,}/)[0].split(/,\s+/);
    const dir = first.slice(0, first.lastIndexOf("/") + 1);
    return [...expand(first), ...rest.flatMap((name) => expand(dir + name))];
  });
  const out = mkdtempSync(join(tmpdir(), "sgd-phase-overview-"));
  const run = await cli(["overview", "--kappa", "0", "--delta", "0", "--budget-seconds", "2", "--no-progress", "--out-dir", out]);
  expect(run.code).toBe(0);
  expect(files.length).toBeGreaterThanOrEqual(9);
  for (const file of new Set(files)) {
    const path = join(out, file.replace(/^out\//, ""));
    expect(existsSync(path), path).toBe(true);
    expect(run.stdout).toContain(path);
  }
  expect(run.stdout).toMatch(/measured phase diagram: 1 points/);
}, 120_000);
