// see: README.md (the paper's figures) — Fig 3: the blue line κ = δ = 0 at four noise levels Δ.
// p = 8, k = 4, γ0 = 8: a1 = a2 = 1 at every d, so the limit ODE is the finite-d ODE here (theory.md §9.3);
// the plateau R∞ ∝ Δ (R∞/Δ → 0.1148 as Δ → 0, theory.md §11), and at Δ = 0 the risk keeps falling.
import { check, curveNamed, fmt, valueAt, windowMean, withinFactor } from "./checks.js";
import { curvesFigure, legendOf, ODE_DARK, shades, SHAPES } from "./spec.js";
import { logTimes, odeCurve, paperTimes, pick, seedJobs, simulationCurve } from "./runs.js";
import { PAPER_START_NOTE, paperStart } from "./start.js";
import type { FigureDef, FigureSize } from "./types.js";

const NOISES = [1e-2, 1e-3, 1e-4, 0];
const label = (noise: number) => (noise === 0 ? "Δ = 0" : `Δ = 10${["⁻²", "⁻³", "⁻⁴"][[1e-2, 1e-3, 1e-4].indexOf(noise)]}`);
const sizes = (size: FigureSize) => ({
  d: pick(size, { tiny: 100, quick: 1000, full: 1000 }),
  seeds: pick(size, { tiny: 2, quick: 2, full: 10 }),
  tMax: pick(size, { tiny: 100, quick: 1e4, full: 1e4 }),
});

export const fig3: FigureDef = {
  id: "fig3",
  title: "Fig 3 — the blue line κ = δ = 0: a plateau ∝ Δ",
  paper: "simulations on the ODE at Δ = 10⁻², 10⁻³, 10⁻⁴, 0: a common early curve, plateaus ≈ 1.1·10⁻³, 1.1·10⁻⁴, 1.2·10⁻⁵ (∝ Δ), and Δ = 0 still falling at t = 10⁴",
  async plan(size) {
    const { d, seeds, tMax } = sizes(size);
    const common = { d, p: 8, k: 4, gamma0: 8, delta: 0, init: paperStart() };
    return {
      sims: Object.assign({}, ...NOISES.map((noise) => seedJobs(`Δ=${noise}`, { ...common, noise, times: paperTimes(tMax) }, seeds))),
      odes: Object.fromEntries(NOISES.map((noise) => [`Δ=${noise}`, { ...common, noise, mode: "limit" as const, times: logTimes(0.5, tMax, 25) }])),
    };
  },
  assemble(size, results) {
    const { d, seeds, tMax } = sizes(size);
    const colours = shades("blue", NOISES.length);
    return {
      figure: "fig3",
      title: this.title,
      subtitle: `d = ${d}, p = 8, k = 4, γ0 = 8; markers: mean of ${seeds} SGD runs (bars: 10–90%); lines: ODE`,
      paper: this.paper,
      size,
      params: { d, p: 8, k: 4, gamma0: 8, kappa: 0, delta: 0, noises: NOISES, seeds, tMax, ode: "limit = finite-d on the blue line (a1 = a2 = 1)", start: PAPER_START_NOTE },
      xTitle: "t = ν/d",
      yTitle: "excess risk R",
      curves: NOISES.flatMap((noise, i) => [
        simulationCurve(results, `Δ=${noise}`, `${label(noise)}: SGD`, { colour: colours[i], shape: SHAPES[i], tags: { noise } }),
        odeCurve(results.odes[`Δ=${noise}`], `${label(noise)}: ODE`, "limit ODE", { colour: i === NOISES.length - 1 ? ODE_DARK.blue : colours[i], tags: { noise } }),
      ]),
      extra: {},
      warnings: [],
    };
  },
  checks(data) {
    const tMax = Number(data.params.tMax);
    const plateau = (noise: number) => windowMean(curveNamed(data, `${label(noise)}: SGD`), 0.3 * tMax, tMax).mean;
    const out = [1e-2, 1e-3, 1e-4].map((noise) => {
      const ratio = plateau(noise) / noise;
      const paper = { 1e-2: "0.11 (1.1·10⁻³)", 1e-3: "0.11 (1.1·10⁻⁴)", 1e-4: "0.12 (1.2·10⁻⁵)" }[noise];
      return check(data, `plateau R∞/Δ at ${label(noise)} (SGD, mean over t ∈ [0.3, 1]·t_max)`, paper!, fmt(ratio), "0.09–0.14", ratio >= 0.09 && ratio <= 0.14);
    });
    for (const [a, b] of [[1e-2, 1e-3], [1e-3, 1e-4]]) {
      const r = plateau(a) / plateau(b);
      out.push(check(data, `plateaus ∝ Δ: R∞(${label(a)}) / R∞(${label(b)})`, "≈ 10", fmt(r), "7–14", r >= 7 && r <= 14));
    }
    const zero = curveNamed(data, "Δ = 0: SGD");
    const end = valueAt(zero, tMax);
    const decade = valueAt(zero, tMax / 10);
    out.push(check(data, "Δ = 0 keeps falling: R(t_max) / R(t_max/10)", "≈ 0.014 (7·10⁻⁸ / 5·10⁻⁶)", fmt(end / decade), "< 0.2", end / decade < 0.2));
    out.push(check(data, "Δ = 0 ends below every plateau: R(t_max) / R∞(Δ = 10⁻⁴)", "≈ 0.006", fmt(end / plateau(1e-4)), "< 0.1", end / plateau(1e-4) < 0.1));
    const early = NOISES.map((noise) => valueAt(curveNamed(data, `${label(noise)}: SGD`), 1));
    out.push(check(data, "a common early curve: R(1), every Δ", "≈ 0.011", early.map(fmt).join(", "), "within 10% of each other and 0.008–0.014", early.every((r) => withinFactor(r, early[0], 1.1) && r > 0.008 && r < 0.014)));
    // SGD on the ODE: the largest |log(SGD / ODE)| over the markers
    let worst = 0;
    for (const noise of NOISES) {
      const sim = curveNamed(data, `${label(noise)}: SGD`);
      const ode = curveNamed(data, `${label(noise)}: ODE`);
      sim.x.forEach((t, i) => {
        const o = valueAt(ode, t);
        if (Number.isFinite(o) && o > 0) worst = Math.max(worst, Math.abs(Math.log(sim.y[i] / o)));
      });
    }
    out.push(check(data, "the simulations follow the ODE: largest |SGD/ODE − 1| over the markers", "on the lines (by eye)", fmt(Math.exp(worst) - 1), "< 0.3", Math.exp(worst) - 1 < 0.3));
    return out;
  },
  spec(data) {
    const legendLabels = legendOf(data, (c) => (c.role === "simulation" ? c.name.replace(": SGD", "") : c.tags?.noise === 0 ? "ODE" : undefined));
    return curvesFigure(data, { x: [0.6, 1.6e4], y: [4e-8, 3e-2], legend: "bottom-left", legendLabels });
  },
};
