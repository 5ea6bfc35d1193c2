// see: README.md (the paper's figures) — Fig 6: the learning-rate trade-off at κ = 0, all on t = ν/d.
// γ = p·d^−δ: a smaller rate (larger δ) lives on the slower clock ν/d^(1+δ), so its curve starts d^δ later
// on ν/d (each curve's first marker is its own t = 1), learns slower, and ends lower: its finite-d floor
// falls like d^−δ (the variance term a2 = (γ0/p)² d^−δ is what sets it). The finite-d ODE (dashed) follows each.
import { pow } from "../engine/detmath.js";
import { check, curvesWith, firstBelow, fmt, increasing, decreasing, windowMean, withinFactor } from "./checks.js";
import { curvesFigure, legendOf, REGION, shades, shapesFor } from "./spec.js";
import { logTimes, odeCurve, paperTimes, pick, seedJobs, simulationCurve } from "./runs.js";
import { PAPER_START_NOTE, paperStart } from "./start.js";
import type { FigureDef, FigureSize } from "./types.js";

const DELTAS = [0, 0.25, 0.375, 0.5];
const LABELS = ["γ = p (δ = 0)", "γ = p/d¹ᐟ⁴", "γ = p/d³ᐟ⁸", "γ = p/d¹ᐟ²"];
const sizes = (size: FigureSize) => ({
  d: pick(size, { tiny: 100, quick: 300, full: 1000 }),
  seeds: pick(size, { tiny: 1, quick: 1, full: 4 }),
  /** horizon of each δ on its own clock ν/d^(1+δ) (the paper's: 10⁵, 10⁴·6, 1.5·10⁵, 3·10⁵ on ν/d at d = 1000) */
  tOwn: pick(size, { tiny: [100, 100, 100, 100], quick: [1e4, 3000, 3000, 3000], full: [1e5, 1e4, 1e4, 1e4] }),
});

export const fig6: FigureDef = {
  id: "fig6",
  title: "Fig 6 — the learning-rate trade-off: slower, but lower",
  paper: "at κ = 0, d = 1000, on t = ν/d: γ = p·d^−δ for δ = 0, ¼, ⅜, ½ start d^δ later and learn slower but end lower: plateaus ≈ 1.1·10⁻⁴ (δ = 0), 1.6·10⁻⁵ (¼), ≈ 3·10⁻⁶ (½)",
  async plan(size) {
    const { d, seeds, tOwn } = sizes(size);
    const common = { d, p: 8, k: 4, gamma0: 8, noise: 1e-3, init: paperStart() };
    const sims = {};
    const odes: Record<string, object> = {};
    DELTAS.forEach((delta, i) => {
      Object.assign(sims, seedJobs(`δ=${delta}`, { ...common, delta, times: paperTimes(tOwn[i]) }, seeds));
      odes[`δ=${delta}`] = { ...common, delta, mode: "finite-d", times: logTimes(0.5, tOwn[i], 25) };
    });
    return { sims, odes };
  },
  assemble(size, results) {
    const { d, seeds, tOwn } = sizes(size);
    const colours = [REGION.blue, ...shades("green", 4).slice(1)];
    const shapes = shapesFor(4);
    const curves = DELTAS.flatMap((delta, i) => {
      const xScale = pow(d, delta);
      const ode = odeCurve(results.odes[`δ=${delta}`], `${LABELS[i]}: finite-d ODE`, "finite-d ODE", { colour: colours[i], dash: [2, 3], tags: { delta } });
      return [
        simulationCurve(results, `δ=${delta}`, `${LABELS[i]}: SGD`, { colour: colours[i], shape: shapes[i], tags: { delta }, xScale }),
        { ...ode, x: ode.x.map((t) => t * xScale) },
      ];
    });
    const shift = pow(d, 0.5);
    return {
      figure: "fig6",
      title: this.title,
      subtitle: `κ = 0, d = ${d}, p = 8, k = 4, Δ = 10⁻³; ${seeds > 1 ? `mean of ${seeds} SGD runs` : "one SGD run"} per rate; band: d¹ᐟ² = ${shift.toFixed(1)}`,
      paper: this.paper,
      size,
      params: { d, p: 8, k: 4, gamma0: 8, noise: 1e-3, kappa: 0, deltas: DELTAS, seeds, tOwn, tNuOverD: DELTAS.map((delta, i) => tOwn[i] * pow(d, delta)), start: PAPER_START_NOTE },
      xTitle: "t = ν/d",
      yTitle: "excess risk R",
      curves,
      extra: { delay: shift },
      warnings: [],
    };
  },
  checks(data) {
    const sims = curvesWith(data, "simulation");
    const d = Number(data.params.d);
    const floors = sims.map((c) => windowMean(c, c.x[c.x.length - 1] * 0.3, c.x[c.x.length - 1]).mean);
    const reach = sims.map((c) => firstBelow(c, 5e-4));
    const ratios = DELTAS.map((delta, i) => floors[i] / floors[0] / pow(d, -delta));
    return [
      check(data, "smaller rates learn slower: t at which R first falls below 5·10⁻⁴, δ = 0, ¼, ⅜, ½", "later for larger δ", reach.map(fmt).join(", "), "increasing", increasing(reach)),
      check(data, "… but end lower: each curve's final level (mean over its last half-decade)", "≈ 1.1·10⁻⁴, 1.6·10⁻⁵, –, 3·10⁻⁶ (d = 1000)", floors.map(fmt).join(", "), "decreasing", decreasing(floors)),
      check(data, `the plateaus fall like d^−δ: plateau(δ) / plateau(0) / d^−δ (d = ${d})`, "≈ 1 (0.15 / 0.18 at δ = ¼; 0.027 / 0.032 at ½)", ratios.slice(1).map(fmt).join(", "), "within a factor 1.6 of 1", ratios.slice(1).every((r) => withinFactor(r, 1, 1.6))),
      check(data, "the δ = 0 plateau", "≈ 1.1·10⁻⁴", fmt(floors[0]), "within 30% of 1.14·10⁻⁴", withinFactor(floors[0], 1.14e-4, 1.3)),
    ];
  },
  spec(data) {
    const delay = Number(data.extra.delay);
    const x = { field: "x0", type: "quantitative" };
    return curvesFigure(data, {
      x: [0.6, 4e5],
      y: [1.5e-6, 2e-2],
      legend: "right",
      legendLabels: legendOf(data, (c) => (c.role === "simulation" ? c.name.replace(": SGD", "") : c.tags?.delta === 0.5 ? "finite-d ODEs (dotted)" : undefined)),
      under: [
        { data: { values: [{ x0: 1, x1: delay }] }, mark: { type: "rect", color: "#f9c5d5", opacity: 0.45 }, encoding: { x, x2: { field: "x1" } } },
        { data: { values: [{ x0: 1, x1: delay, y: 7e-5 }] }, mark: { type: "rule", strokeWidth: 2, color: "#000" }, encoding: { x, x2: { field: "x1" }, y: { field: "y", type: "quantitative" } } },
        { data: { values: [{ x0: 1.08, y: 7e-5 }, { x0: delay / 1.08, y: 7e-5 }] }, mark: { type: "point", shape: "diamond", filled: true, size: 40, color: "#000" }, encoding: { x, y: { field: "y", type: "quantitative" } } },
        { data: { values: [{ x0: Math.sqrt(delay), y: 4e-5, text: "d¹ᐟ²" }] }, mark: { type: "text", fontSize: 14, fontStyle: "italic" }, encoding: { x, y: { field: "y", type: "quantitative" }, text: { field: "text" } } },
      ],
    });
  },
};
