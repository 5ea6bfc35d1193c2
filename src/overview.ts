// see: README.md (npm start) — one learning curve per region of the phase diagram: green, blue, orange (each
// on its own clock, simulations against the limit ODE) and red (on t = ν/d: no ODE there).
import { join } from "node:path";
import { writeAtomic } from "./files.js";
import { curvesSpec, REGION_COLOURS, type Series } from "./plot.js";
import { writeFigure } from "./render.js";
import { odeSeries, runOdes, runSims, simSeries } from "./figures/runs.js";

/** The regions' example points: κ = 0, p = 8, k = 4, γ0 = 8, Δ = 1e−3 (the paper's setting), d = 1000. */
export const REGION_EXAMPLES = [
  { region: "green", delta: 0.5 },
  { region: "blue", delta: 0 },
  { region: "orange", delta: -0.375 },
  { region: "red", delta: -0.75 },
] as const;

/** Writes <outDir>/regions/{figure.*, data.json, data.csv}: one learning curve per region. Returns the files. */
export async function regionCurves(options: { outDir?: string; d?: number; seeds?: number; tMax?: number; workers?: number } = {}): Promise<string[]> {
  const { outDir = "out", d = 1000, seeds = 5, tMax = 100, workers } = options;
  const common = { d, p: 8, k: 4, gamma0: 8, noise: 1e-3, seed: 0 };
  const sims = await runSims(
    REGION_EXAMPLES.map((r) => ({ ...common, delta: r.delta, tMax, points: 20, seeds, quantiles: [0.1, 0.9], ...(r.region === "red" ? { timeScale: "d" as const } : {}) })),
    workers,
  );
  const withOde = REGION_EXAMPLES.filter((r) => r.region !== "red");
  const odes = await runOdes(withOde.map((r) => ({ ...common, delta: r.delta, tMax, points: 40 })), workers);
  const series: Series[] = REGION_EXAMPLES.flatMap((r, i) => {
    const colour = REGION_COLOURS[r.region];
    const clock = r.region === "red" ? "t = ν/d" : "own clock";
    const s = [simSeries(`${r.region} (δ = ${r.delta}, ${clock}): simulations`, sims[i], colour)];
    const j = withOde.findIndex((w) => w.region === r.region);
    if (j >= 0) s.push(odeSeries(`${r.region}: limit ODE`, odes[j], "dashed", colour));
    return s;
  });
  const dir = join(outDir, "regions");
  const spec = curvesSpec({ title: `One learning curve per region: κ = 0, d = ${d}, p = 8, k = 4, γ0 = 8, Δ = 1e−3`, xTitle: "t (each region's clock; red: ν/d)", yTitle: "excess risk R", series });
  const files = await writeFigure(dir, "figure", spec);
  await writeAtomic(join(dir, "data.json"), `${JSON.stringify({ params: { ...common, seeds, tMax }, series }, null, 1)}\n`);
  const rows = series.flatMap((s) => s.x.map((x, i) => [JSON.stringify(s.name), x, s.y[i], s.lo?.[i] ?? "", s.hi?.[i] ?? ""].join(",")));
  await writeAtomic(join(dir, "data.csv"), `${["series,x,y,lo,hi", ...rows].join("\n")}\n`);
  return [...files, join(dir, "data.json"), join(dir, "data.csv")];
}
