// The package's two entry points, as a user imports them (by name, through package.json's "exports", from
// the built dist/ in a separate Node process): "sgd-phase" (also for browsers) and "sgd-phase/node".
import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";
import { repoPath } from "./helpers.js";

function exportedNames(entry: string): string[] {
  const script = `const m = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(m).sort()));`;
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: repoPath("."), encoding: "utf8" }));
}

it("sgd-phase exports the solvers, the phase point, the scaling fit and the figure specs", () => {
  const names = exportedNames("sgd-phase");
  for (const name of ["simulate", "solveOde", "compare", "phasePoint", "scaling", "fitPowerLaw", "regionOf", "curvesSpec", "planeSpec", "OptionError"]) {
    expect(names).toContain(name);
  }
  // Node-only parts stay out of the main entry
  for (const name of ["sweep", "phaseDiagram", "writeFigure"]) expect(names).not.toContain(name);
});

it("sgd-phase/node adds sweeps, the phase diagram, the figures and their rendering", () => {
  const names = exportedNames("sgd-phase/node");
  for (const name of ["simulate", "sweep", "expandSpec", "phaseDiagram", "reproduce", "FIGURES", "regionCurves", "writeFigure", "renderSvg"]) {
    expect(names).toContain(name);
  }
});
