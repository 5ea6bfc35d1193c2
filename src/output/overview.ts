// see: README.md (npm start) — one learning curve per region of the phase diagram: green, blue, orange (each
// on its own clock, simulations against the limit ODE) and red (on t = ν/d: no ODE there).
import { join } from "node:path";
import { writeAtomic } from "../jobs/files.js";
import { curvesSpec, panelsSpec, REGION_COLOURS, type Series } from "./plot.js";
import { delimited, type Cell } from "../records.js";
import { checkRenderer, writeFigure } from "./render.js";
import { odeSeries, runOdes, runSims, simSeries } from "../figures/runs.js";

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
  await checkRenderer();
  const sims = await runSims(
    REGION_EXAMPLES.map((r) => ({ ...common, delta: r.delta, tMax, points: 20, seeds, quantiles: [0.1, 0.9], ...(r.region === "red" ? { timeScale: "d" as const } : {}) })),
    workers,
  );
  const withOde = REGION_EXAMPLES.filter((r) => r.region !== "red");
  const odes = await runOdes(withOde.map((r) => ({ ...common, delta: r.delta, tMax, points: 40 })), workers);
  // one panel per region, its x axis naming its own clock (κ = 0: δt = d^−(1+δ) in green and on the blue line,
  // d^−(1+2δ) in orange, ν/d in red, which has none)
  const clockOf = (region: string, delta: number) =>
    region === "red" ? "t = ν/d" : region === "orange" ? `t = ν/d^(1+2δ) = ν/d^${1 + 2 * delta}` : `t = ν/d^(1+δ) = ν/d^${1 + delta}`;
  const panels = REGION_EXAMPLES.map((r, i) => {
    const colour = REGION_COLOURS[r.region];
    const series: Series[] = [simSeries(`simulations (${seeds} seeds, 10–90%)`, sims[i], colour)];
    const j = withOde.findIndex((w) => w.region === r.region);
    if (j >= 0) series.push(odeSeries("limit ODE", odes[j], "dashed", "#333"));
    return { region: r.region, delta: r.delta, clock: clockOf(r.region, r.delta), series };
  });
  const dir = join(outDir, "regions");
  const spec = panelsSpec(
    `One learning curve per region: κ = 0, d = ${d}, p = 8, k = 4, γ0 = 8, Δ = 1e−3`,
    panels.map((p) => curvesSpec({ title: `${p.region} (δ = ${p.delta})`, xTitle: p.clock, yTitle: "excess risk R", series: p.series, width: 300, height: 220 })),
    2,
  );
  const files = await writeFigure(dir, "figure", { ...spec, config: { legend: { orient: "bottom", direction: "vertical" } } });
  await writeAtomic(join(dir, "data.json"), `${JSON.stringify({ params: { ...common, seeds, tMax }, panels }, null, 1)}\n`);
  const rows = panels.flatMap((p) => p.series.flatMap((s): Cell[][] => s.x.map((x, i) => [p.region, p.delta, p.clock, s.name.startsWith("limit") ? "limit_ode" : "simulations", x, s.y[i], s.lo?.[i] ?? null, s.hi?.[i] ?? null])));
  await writeAtomic(join(dir, "data.csv"), delimited({ columns: ["region", "delta", "clock", "curve", "t", "risk", "q10", "q90"], rows }));
  return [...files, join(dir, "data.json"), join(dir, "data.csv")];
}
