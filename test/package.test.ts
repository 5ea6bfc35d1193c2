// The package as a user installs it: `npm pack`, then `npm install <tarball>` into a new project (from the npm
// registry: its three dependencies, no optional peer). What ships, what it weighs, and that the solvers, the CLI
// and `serve` work without the optional packages, while what needs one names it.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoPath } from "./helpers.js";

/** Bytes under a directory. */
function du(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? du(path) : statSync(path).size;
  }
  return total;
}

const project = mkdtempSync(join(tmpdir(), "sgd-phase-install-"));
let files: string[] = [];
let installed = false;

describe("the npm package, installed in a new project", () => {
  beforeAll(() => {
    const [pack] = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", project], { cwd: repoPath("."), encoding: "utf8" }));
    files = pack.files.map((f: { path: string }) => f.path);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "try-sgd-phase", version: "1.0.0", type: "module", private: true }));
    const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", join(project, pack.filename)], { cwd: project, encoding: "utf8" });
    if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
    installed = true;
  }, 180_000);

  it("ships the built code, the two release Wasm builds, the page and the LICENSE; no source maps, no debug build", () => {
    expect(files).toContain("LICENSE");
    expect(files).toContain("build/simd.wasm");
    expect(files).toContain("build/scalar.wasm");
    expect(files).toContain("dist/web/index.html");
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => /debug\.wasm$/.test(f))).toEqual([]);
  });

  it("installs with its three dependencies only (no vega, resvg or piscina)", () => {
    expect(installed).toBe(true);
    const modules = join(project, "node_modules");
    const packages = readdirSync(modules).flatMap((name) => (name.startsWith("@") ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : name.startsWith(".") ? [] : [name]));
    for (const optional of ["vega", "vega-lite", "@resvg/resvg-js", "piscina"]) expect(packages).not.toContain(optional);
    for (const needed of ["sgd-phase", "zod", "commander", "cli-progress"]) expect(packages).toContain(needed);
    // the closing note of issue 15 quotes this line
    console.log(`installed: ${packages.length} packages, ${(du(modules) / 2 ** 20).toFixed(1)} MiB of node_modules`);
    expect(packages.length).toBeLessThan(15);
  });

  it("runs the solvers and the CLI; a command that draws figures names the packages to install", () => {
    const script = 'import { simulate, solveOde } from "sgd-phase"; const o = { d: 200, tMax: 1, points: 3 }; const [s, e] = [await simulate(o), await solveOde(o)]; console.log(s.t.join(","), e.t.join(","));';
    const api = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: project, encoding: "utf8" });
    expect(api.stderr).toBe("");
    const [simTimes, odeTimes] = api.stdout.trim().split(" ");
    expect(simTimes).toBe(odeTimes);
    const cli = join(project, "node_modules", ".bin", "sgd-phase");
    const run = spawnSync(cli, ["simulate", "--d", "100", "--t-max", "1", "--points", "2", "--format", "csv"], { cwd: project, encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe("t,samples,risk");
    const figure = spawnSync(cli, ["reproduce", "fig2", "--tiny", "--no-progress"], { cwd: project, encoding: "utf8" });
    expect(figure.status).toBe(1);
    expect(figure.stderr).toContain("drawing figures (SVG) needs the optional packages vega and vega-lite, not installed here: npm install vega vega-lite");
  }, 60_000);

  it("serves its own explorer page (npx sgd-phase serve, no clone)", async () => {
    const child = spawn(join(project, "node_modules", ".bin", "sgd-phase"), ["serve", "--port", "0"], { cwd: project });
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (c) => {
          out += c;
          const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on("exit", (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const page = await fetch(address);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("sgd-phase");
    } finally {
      child.kill("SIGTERM");
    }
  }, 30_000);
});
