// The package's two entry points, as a user imports them (by name, through package.json's "exports", from
// the built dist/ in a separate Node process): "sgd-phase" (also for browsers) and "sgd-phase/node".
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { expect, it } from "vitest";
import { repoPath } from "./helpers.js";

function exportedNames(entry: string): string[] {
  const script = `const m = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(m).sort()));`;
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: repoPath("."), encoding: "utf8" }));
}

it("sgd-phase exports the solvers, the phase point, the scaling fit and the figure specs", () => {
  const names = exportedNames("sgd-phase");
  for (const name of ["simulate", "solveOde", "compare", "phasePoint", "fitPowerLaw", "regionOf", "curvesSpec", "planeSpec", "OptionError", "ACTIVATIONS"]) {
    expect(names).toContain(name);
  }
  // Node-only parts stay out of the main entry
  for (const name of ["sweep", "phaseDiagram", "writeFigure", "scaling"]) expect(names).not.toContain(name);
});

it("sgd-phase/node adds sweeps, the phase diagram, the figures and their rendering", () => {
  const names = exportedNames("sgd-phase/node");
  for (const name of ["simulate", "sweep", "expandSpec", "phaseDiagram", "reproduce", "FIGURES", "regionCurves", "writeFigure", "renderSvg", "scaling"]) {
    expect(names).toContain(name);
  }
});

it("the main entry imports nothing from Node (node:…) and no package but zod: what a bundler for the browser sees", () => {
  // every module reachable from dist/index.js by static or dynamic import, read as the bundler reads it
  const seen = new Set<string>();
  const external = new Set<string>();
  const queue = [repoPath("dist/index.js")];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*"([^"]+)"|(?:^|\n)\s*import\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/g)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec.startsWith(".")) queue.push(resolve(dirname(file), spec));
      else external.add(spec);
    }
  }
  expect(seen.size).toBeGreaterThan(10);
  expect([...external].sort()).toEqual(["zod"]);
});

it("an app that imports sgd-phase builds with Vite without a warning, and ships only the release Wasm builds", async () => {
  const { build, createLogger } = await import("vite");
  const root = repoPath("out/vite-app");
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, "index.html"), '<!doctype html><script type="module" src="./main.js"></script>');
  writeFileSync(join(root, "main.js"), 'import { simulate } from "../../dist/index.js";\nsimulate({ d: 100, tMax: 1 }).then((r) => console.log(r.risk.at(-1)));\n');
  const warnings: string[] = [];
  const logger = createLogger("warn");
  logger.warn = (message) => void warnings.push(message);
  logger.warnOnce = (message) => void warnings.push(message);
  await build({ root, logLevel: "warn", customLogger: logger, configFile: false, build: { outDir: join(root, "dist"), emptyOutDir: true, target: "es2022" } });
  expect(warnings).toEqual([]);
  const assets = readdirSync(join(root, "dist", "assets"));
  expect(assets.filter((f) => f.endsWith(".wasm")).map((f) => f.replace(/-[\w-]+\.wasm$/, "")).sort()).toEqual(["scalar", "simd"]);
}, 60_000);
