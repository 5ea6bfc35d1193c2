// see: README.md (the paper's figures) and the seed slides — the learning-curve figures of Veiga et al.
// (2022), regenerated: simulations (mean and 10–90% band over seeds) against the ODEs, on each region's clock.
// Each figure writes data.json, data.csv and figure.{vl.json,svg,png} into <outDir>/<figure>/. Sizes: "full"
// (the paper's sizes), "quick" (minutes on two cores), "tiny" (seconds: the smoke tests).
import { join } from "node:path";
import { writeFile } from "node:fs/promises";
import { sweep } from "./sweep.js";
import type { OdeSummary, SimulationSummary } from "./tasks.js";
import { curvesSpec, fitSpec, panelsSpec, REGION_COLOURS, type Series, type VegaLiteSpec } from "./plot.js";
import { writeFigure } from "./render.js";
import { regionOf } from "./regions.js";
import { scaling } from "./scaling.js";
import type { OdeOptions, SimulateOptions } from "./validate.js";

export type FigureSize = "tiny" | "quick" | "full";

interface FigureOutput {
  spec: VegaLiteSpec;
  series: Series[];
  params: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

export interface Figure {
  id: string;
  title: string;
  description: string;
  build: (size: FigureSize, workers: number | undefined) => Promise<FigureOutput>;
}

const pick = <T>(size: FigureSize, values: { tiny: T; quick: T; full: T }): T => values[size];

export async function runSims(points: SimulateOptions[], workers: number | undefined): Promise<SimulationSummary[]> {
  const lines = await sweep({ kind: "simulate", points: points as Record<string, unknown>[] }, { workers });
  return lines.map((l) => {
    if (!l.result) throw new Error(`a simulation of the figure failed: ${l.error}`);
    return l.result as SimulationSummary;
  });
}

export async function runOdes(points: OdeOptions[], workers: number | undefined): Promise<OdeSummary[]> {
  const lines = await sweep({ kind: "ode", points: points as Record<string, unknown>[] }, { workers });
  return lines.map((l) => {
    if (!l.result) throw new Error(`an ODE of the figure failed: ${l.error}`);
    return l.result as OdeSummary;
  });
}

/** The simulations' mean with its 10–90% band (t = 0 dropped: log axes). */
export function simSeries(name: string, s: SimulationSummary, colour?: string): Series {
  const e = s.ensemble;
  const [lo, hi] = e ? [e.quantiles.values[0], e.quantiles.values[e.quantiles.values.length - 1]] : [s.risk, s.risk];
  return { name, x: s.t.slice(1), y: (e?.mean ?? s.risk).slice(1), lo: lo.slice(1), hi: hi.slice(1), mark: "line", colour };
}

export function odeSeries(name: string, o: OdeSummary, mark: Series["mark"] = "dashed", colour?: string): Series {
  return { name, x: o.t.slice(1), y: o.risk.slice(1), mark, colour };
}

const QUANTILES = [0.1, 0.9];

export const FIGURES: Figure[] = [
  {
    id: "fig2",
    title: "The three regimes: green (δ = 1/2 − κ), blue (δ = −κ), orange (δ = −1/2), κ = 1/4",
    description: "Simulations (mean, 10–90% band) against the finite-d ODE and the limit ODE, each region on its own clock.",
    async build(size, workers) {
      const kappa = 0.25;
      const d = pick(size, { tiny: 100, quick: 1000, full: 10000 });
      const seeds = pick(size, { tiny: 2, quick: 10, full: 40 });
      const tMax = pick(size, { tiny: 1, quick: 100, full: 1000 });
      const regimes = [
        { region: "green", delta: 0.5 - kappa },
        { region: "blue", delta: -kappa },
        { region: "orange", delta: -0.5 },
      ] as const;
      const common = { d, kappa, k: 4, gamma0: 1, noise: 1e-3, seed: 0 };
      const sims = await runSims(regimes.map((r) => ({ ...common, delta: r.delta, tMax, points: 20, seeds, quantiles: QUANTILES })), workers);
      const odes = await runOdes(
        regimes.flatMap((r) => (["finite-d", "limit"] as const).map((mode) => ({ ...common, delta: r.delta, tMax, points: 40, mode }))),
        workers,
      );
      const series: Series[] = [];
      const panels = regimes.map((r, i) => {
        const s = [simSeries(`simulations (${r.region})`, sims[i], REGION_COLOURS[r.region]), odeSeries("ODE, finite d", odes[2 * i], "dashed", "#444"), odeSeries("ODE, limit", odes[2 * i + 1], "points", "#999")];
        series.push(...s.map((x) => ({ ...x, name: `${r.region}: ${x.name}` })));
        return curvesSpec({ title: `${r.region}: κ = ${kappa}, δ = ${r.delta}`, xTitle: "t", yTitle: "excess risk R", series: s, width: 300, height: 260 });
      });
      return { spec: panelsSpec(this.title, panels), series, params: { ...common, seeds, tMax, deltas: regimes.map((r) => r.delta) } };
    },
  },
  {
    id: "fig3",
    title: "The blue line (κ = δ = 0) at Δ ∈ {1e−2, 1e−3, 1e−4, 0}: simulations on the ODE",
    description: "p = 8, k = 4, γ0 = 8 (a1 = a2 = 1); the ODE continues past the simulations to its plateau R∞ ≈ 0.11·Δ (R∞/Δ = 0.108, 0.114, 0.115 at Δ = 1e−2, 1e−3, 1e−4).",
    async build(size, workers) {
      const d = pick(size, { tiny: 100, quick: 1000, full: 10000 });
      const seeds = pick(size, { tiny: 2, quick: 5, full: 20 });
      const tSim = pick(size, { tiny: 10, quick: 1000, full: 10000 });
      const tOde = pick(size, { tiny: 100, quick: 1e5, full: 1e7 });
      const noises = [1e-2, 1e-3, 1e-4, 0];
      const common = { d, p: 8, k: 4, gamma0: 8, seed: 0 };
      const sims = await runSims(noises.map((noise) => ({ ...common, noise, tMax: tSim, points: 25, seeds, quantiles: QUANTILES })), workers);
      const odes = await runOdes(noises.map((noise) => ({ ...common, noise, tMax: tOde, points: 60, tMin: 0.1 })), workers);
      const series = noises.flatMap((noise, i) => [simSeries(`Δ = ${noise}: simulations`, sims[i]), odeSeries(`Δ = ${noise}: ODE`, odes[i])]);
      return { spec: curvesSpec({ title: this.title, xTitle: "t = ν/d", yTitle: "excess risk R", series }), series, params: { ...common, noises, seeds, tSim, tOde } };
    },
  },
  {
    id: "fig4",
    title: "The green region (κ = 0) at δ = 1/2 and δ = 1/4 for several d, against the ODE",
    description: "p = 8, k = 4, γ0 = 8, Δ = 1e−3; simulations (mean) and the finite-d ODE (dashed) per d.",
    async build(size, workers) {
      const dims = pick(size, { tiny: [30, 100], quick: [30, 100, 300, 1000], full: [30, 100, 300, 1000] });
      const seeds = pick(size, { tiny: 2, quick: 5, full: 20 });
      const tMax = pick(size, { tiny: 2, quick: 100, full: 1000 });
      const deltas = [0.5, 0.25];
      const common = { p: 8, k: 4, gamma0: 8, noise: 1e-3, seed: 0 };
      const grid = deltas.flatMap((delta) => dims.map((d) => ({ ...common, d, delta })));
      const sims = await runSims(grid.map((g) => ({ ...g, tMax, points: 20, seeds, quantiles: QUANTILES })), workers);
      const odes = await runOdes(grid.map((g) => ({ ...g, tMax, points: 40, mode: "finite-d" as const })), workers);
      const series: Series[] = [];
      const panels = deltas.map((delta) => {
        const s = grid.flatMap((g, i) =>
          g.delta === delta ? [{ ...simSeries(`d = ${g.d}`, sims[i]), lo: undefined, hi: undefined }, { ...odeSeries(`d = ${g.d} (ODE)`, odes[i]) }] : [],
        );
        series.push(...s.map((x) => ({ ...x, name: `δ = ${delta}, ${x.name}` })));
        return curvesSpec({ title: `green, κ = 0, δ = ${delta}`, xTitle: "t = ν/d^(1+δ)", yTitle: "excess risk R", series: s, width: 340, height: 280 });
      });
      return { spec: panelsSpec(this.title, panels), series, params: { ...common, dims, deltas, seeds, tMax } };
    },
  },
  {
    id: "fig5",
    title: "Finite-size scaling in the green region: R∞ against d, κ = 0, δ = 1/2",
    description:
      "p = k = 1, γ0 = 1, Δ = 1e−2 (no duplicated students, so the plateau is reached fast); R∞ = the risk averaged over t ∈ [tMax/2, tMax] per seed, mean ± standard error over seeds; weighted power-law fit (theory: R∞ ~ d^−δ).",
    async build(size) {
      const dims = pick(size, { tiny: [30, 60], quick: [30, 100, 300, 1000], full: [30, 100, 300, 1000, 3000] });
      const seeds = pick(size, { tiny: 3, quick: 10, full: 40 });
      const tMax = pick(size, { tiny: 20, quick: 100, full: 200 });
      const delta = 0.5;
      const model = { p: 1, k: 1, gamma0: 1, noise: 1e-2 };
      const result = await scaling({ dims, seeds, tMax, delta, ...model, seed: 0, tail: 0.5 });
      const { slope, slopeError, intercept } = result.fit;
      const points = result.points.map((q) => ({ x: q.d, y: q.rInf, lo: q.rInf - q.se, hi: q.rInf + q.se }));
      const fit = dims.map((d) => ({ x: d, y: 10 ** intercept * d ** slope }));
      const label = `fit: slope ${slope.toFixed(3)} ± ${slopeError.toFixed(3)} (theory −${delta})`;
      const series: Series[] = [
        { name: "R∞", x: points.map((q) => q.x), y: points.map((q) => q.y), lo: points.map((q) => q.lo), hi: points.map((q) => q.hi), mark: "points" },
        { name: label, x: fit.map((q) => q.x), y: fit.map((q) => q.y), mark: "dashed" },
      ];
      return {
        spec: fitSpec({ title: this.title, xTitle: "d", yTitle: "R∞ (excess)", points, fit, fitLabel: label }),
        series,
        params: { dims, seeds, tMax, delta, ...model },
        extra: { fit: result.fit, points: result.points },
      };
    },
  },
  {
    id: "fig6",
    title: "The learning-rate trade-off: κ = 0, d = 1000, Δ = 1e−3, γ = p·d^−δ, on t = ν/d",
    description: "Smaller learning rates (larger δ) reach lower risk but need d^δ times more samples (n ~ d^(1+δ)); simulations and finite-d ODE.",
    async build(size, workers) {
      const d = pick(size, { tiny: 100, quick: 1000, full: 1000 });
      const seeds = pick(size, { tiny: 2, quick: 3, full: 10 });
      const tMax = pick(size, { tiny: 10, quick: 1000, full: 10000 });
      const deltas = [0, 0.25, 0.375, 0.5];
      const common = { d, p: 8, k: 4, gamma0: 8, noise: 1e-3, seed: 0, timeScale: "d" as const };
      const sims = await runSims(deltas.map((delta) => ({ ...common, delta, tMax, points: 25, seeds, quantiles: QUANTILES })), workers);
      const odes = await runOdes(deltas.map((delta) => ({ ...common, delta, tMax, points: 40, mode: "finite-d" as const })), workers);
      const series = deltas.flatMap((delta, i) => [simSeries(`δ = ${delta}: simulations`, sims[i]), odeSeries(`δ = ${delta}: ODE`, odes[i])]);
      return { spec: curvesSpec({ title: this.title, xTitle: "t = ν/d", yTitle: "excess risk R", series }), series, params: { ...common, deltas, seeds, tMax } };
    },
  },
  {
    id: "fig7",
    title: "The orange region: κ = 0, δ = −3/8, several d, against the ODEs",
    description: "The limit ODE freezes M (its drift prefactor vanishes like d^(κ+δ)); finite-d simulations follow the finite-d ODE (theory.md §9.5).",
    async build(size, workers) {
      const dims = pick(size, { tiny: [100, 200], quick: [1000, 1500, 4000], full: [1000, 1500, 4000] });
      const seeds = pick(size, { tiny: 2, quick: 10, full: 40 });
      const tMax = pick(size, { tiny: 5, quick: 100, full: 1000 });
      const delta = -0.375;
      const common = { p: 8, k: 4, gamma0: 8, noise: 1e-3, delta, seed: 0 };
      const sims = await runSims(dims.map((d) => ({ ...common, d, tMax, points: 20, seeds, quantiles: QUANTILES })), workers);
      const odes = await runOdes([...dims.map((d) => ({ ...common, d, tMax, points: 40, mode: "finite-d" as const })), { ...common, d: dims[dims.length - 1], tMax, points: 40, mode: "limit" as const }], workers);
      const series = [
        ...dims.flatMap((d, i) => [simSeries(`d = ${d}: simulations`, sims[i]), odeSeries(`d = ${d}: finite-d ODE`, odes[i])]),
        odeSeries("limit ODE", odes[dims.length], "points", "#333"),
      ];
      return { spec: curvesSpec({ title: this.title, xTitle: "t = ν/d^(1+2(κ+δ))", yTitle: "excess risk R", series }), series, params: { ...common, dims, seeds, tMax } };
    },
  },
  {
    id: "fig8",
    title: "Learning curves across the regions, each on its clock t = ν/d^(1+θ)",
    description: "p = round(d^κ), k = 1, γ0 = 1, Δ = 1e−3; simulations (mean) and the limit ODE (dashed) where it exists; colours by region.",
    async build(size, workers) {
      const d = pick(size, { tiny: 100, quick: 1000, full: 10000 });
      const seeds = pick(size, { tiny: 2, quick: 3, full: 10 });
      const tMax = pick(size, { tiny: 2, quick: 100, full: 1000 });
      const pairs = [
        [0, 0.5],
        [0.25, 0.25],
        [0, 0],
        [0.5, -0.5],
        [0, -0.25],
        [0.25, -0.5],
      ] as const;
      const common = { d, k: 1, gamma0: 1, noise: 1e-3, seed: 0 };
      const sims = await runSims(pairs.map(([kappa, delta]) => ({ ...common, kappa, delta, tMax, points: 20, seeds, quantiles: QUANTILES })), workers);
      const odes = await runOdes(pairs.map(([kappa, delta]) => ({ ...common, kappa, delta, tMax, points: 40 })), workers);
      const series = pairs.flatMap(([kappa, delta], i) => {
        const colour = REGION_COLOURS[regionOf(kappa, delta)];
        const name = `κ = ${kappa}, δ = ${delta} (${regionOf(kappa, delta)})`;
        return [{ ...simSeries(name, sims[i], colour), lo: undefined, hi: undefined }, odeSeries(`${name}: ODE`, odes[i], "dashed", colour)];
      });
      return { spec: curvesSpec({ title: this.title, xTitle: "t = ν/d^(1+θ)", yTitle: "excess risk R", series }), series, params: { ...common, pairs, seeds, tMax } };
    },
  },
  {
    id: "fig9",
    title: "Concentration on the blue line: simulations around the ODE as d grows",
    description: "κ = δ = 0, p = 8, k = 4, γ0 = 8, Δ = 1e−3: the 10–90% band of the simulations narrows like 1/√d around the ODE.",
    async build(size, workers) {
      const dims = pick(size, { tiny: [30, 100], quick: [30, 100, 300, 1000], full: [30, 100, 300, 1000] });
      const seeds = pick(size, { tiny: 4, quick: 20, full: 100 });
      const tMax = pick(size, { tiny: 5, quick: 100, full: 1000 });
      const common = { p: 8, k: 4, gamma0: 8, noise: 1e-3, seed: 0 };
      const sims = await runSims(dims.map((d) => ({ ...common, d, tMax, points: 25, seeds, quantiles: QUANTILES })), workers);
      const odes = await runOdes([{ ...common, d: dims[dims.length - 1], tMax, points: 60 }], workers);
      const series = [...dims.map((d, i) => simSeries(`d = ${d}`, sims[i])), odeSeries(`ODE (initial condition of d = ${dims[dims.length - 1]})`, odes[0], "dashed", "#000")];
      return { spec: curvesSpec({ title: this.title, xTitle: "t = ν/d", yTitle: "excess risk R", series }), series, params: { ...common, dims, seeds, tMax } };
    },
  },
];

export const FIGURE_IDS = FIGURES.map((f) => f.id);

/** Regenerates figures (ids, or "all") into <outDir>/<id>/ and returns the files written per figure. */
export async function reproduce(
  ids: string[],
  options: { size?: FigureSize; outDir?: string; workers?: number; onFigure?: (id: string, seconds: number, files: string[]) => void } = {},
): Promise<Record<string, { seconds: number; files: string[] }>> {
  const size = options.size ?? "quick";
  const wanted = ids.includes("all") ? FIGURE_IDS : ids;
  for (const id of wanted) {
    if (!FIGURE_IDS.includes(id)) throw new Error(`unknown figure "${id}": the figures are ${FIGURE_IDS.join(", ")} (or all)`);
  }
  const done: Record<string, { seconds: number; files: string[] }> = {};
  for (const id of wanted) {
    const started = performance.now();
    const figure = FIGURES.find((f) => f.id === id)!;
    const out = await figure.build(size, options.workers);
    const dir = join(options.outDir ?? "out", id);
    const files = await writeFigure(dir, "figure", out.spec);
    const data = { figure: id, title: figure.title, description: figure.description, size, params: out.params, ...(out.extra ?? {}), series: out.series };
    await writeFile(join(dir, "data.json"), `${JSON.stringify(data, null, 1)}\n`);
    const rows = out.series.flatMap((s) => s.x.map((x, i) => [JSON.stringify(s.name), x, s.y[i], s.lo?.[i] ?? "", s.hi?.[i] ?? ""].join(",")));
    await writeFile(join(dir, "data.csv"), `${["series,x,y,lo,hi", ...rows].join("\n")}\n`);
    files.push(join(dir, "data.json"), join(dir, "data.csv"));
    const seconds = (performance.now() - started) / 1000;
    done[id] = { seconds, files };
    options.onFigure?.(id, seconds, files);
  }
  return done;
}
