// see: README.md (the paper's figures) and theory.md §9.5 — Fig 7: the orange region, κ = 0, δ = −⅜, on
// t = ν/d^(1+2(κ+δ)) = ν/d^(1/4). The limit ODE freezes M (its drift prefactor a1 = d^(κ+δ) → 0) and Q grows:
// the risk rises to ≈ 0.2. At finite d the drift is only d^(−3/8) smaller (0.075 at d = 1000), so the
// simulations peak lower and fall back; the peaks rise toward the limit as d grows. The finite-d ODE (both
// terms with their finite-d prefactors) follows each d.
import { check, curveNamed, curvesWith, fmt, increasing, last, peak } from "./checks.js";
import { curvesFigure, legendOf, ODE_DARK, shades, shapesFor } from "./spec.js";
import { logTimes, odeCurve, paperTimes, pick, seedJobs, simulationCurve } from "./runs.js";
import { PAPER_START_NOTE, paperStart } from "./start.js";
import type { FigureDef, FigureSize } from "./types.js";

const DELTA = -0.375;
const sizes = (size: FigureSize) => ({
  dims: pick(size, { tiny: [200, 1000], quick: [1000, 1500, 4000], full: [1000, 1500, 4000] }),
  seeds: pick(size, { tiny: 2, quick: 10, full: 40 }),
  tMax: pick(size, { tiny: 1000, quick: 1e4, full: 1e4 }),
});

export const fig7: FigureDef = {
  id: "fig7",
  title: "Fig 7 — the orange region (κ = 0, δ = −⅜): bad learning",
  paper: "the limit ODE rises to ≈ 0.2 at t ≈ 200; the simulations peak lower at t ≈ 100 (≈ 0.08, 0.10, 0.12 for d = 1000, 1500, 4000: higher for larger d), then fall to ≈ 0.02",
  async plan(size) {
    const { dims, seeds, tMax } = sizes(size);
    const common = { p: 8, k: 4, gamma0: 8, noise: 1e-3, delta: DELTA, init: paperStart() };
    return {
      sims: Object.assign({}, ...dims.map((d) => seedJobs(`d=${d}`, { ...common, d, times: paperTimes(tMax) }, seeds))),
      odes: {
        limit: { ...common, d: dims[dims.length - 1], mode: "limit" as const, times: logTimes(0.5, tMax, 25) },
        ...Object.fromEntries(dims.map((d) => [`d=${d}`, { ...common, d, mode: "finite-d" as const, times: logTimes(0.5, tMax, 25) }])),
      },
    };
  },
  assemble(size, results) {
    const { dims, seeds, tMax } = sizes(size);
    const colours = shades("orange", dims.length + 1).slice(0, dims.length);
    return {
      figure: "fig7",
      title: this.title,
      subtitle: `p = 8, k = 4, γ0 = 8, Δ = 10⁻³; markers: mean of ${seeds} SGD runs (bars: 10–90%); informed start`,
      paper: this.paper,
      size,
      params: { p: 8, k: 4, gamma0: 8, noise: 1e-3, kappa: 0, delta: DELTA, dims, seeds, tMax, start: PAPER_START_NOTE },
      xTitle: "t = ν/d¹ᐟ⁴   (ν/d^(1+2(κ+δ)), κ + δ = −⅜)",
      yTitle: "excess risk R",
      curves: [
        ...dims.map((d, i) => simulationCurve(results, `d=${d}`, `d = ${d}: SGD`, { colour: colours[i], shape: shapesFor(dims.length)[i], tags: { d } })),
        odeCurve(results.odes.limit, "limit ODE", "limit ODE", { colour: ODE_DARK.orange }),
        ...dims.map((d, i) => odeCurve(results.odes[`d=${d}`], `d = ${d}: finite-d ODE`, "finite-d ODE", { colour: colours[i], dash: [5, 4], tags: { d } })),
      ],
      extra: { risk0: results.odes.limit.risk[0] },
      warnings: [],
    };
  },
  checks(data) {
    const sims = curvesWith(data, "simulation");
    const limit = curveNamed(data, "limit ODE");
    const peaks = sims.map(peak);
    const top = peak(limit);
    const r0 = Number(data.extra.risk0);
    const dims = sims.map((c) => c.tags!.d);
    return [
      check(data, "the limit ODE rises to a peak", "≈ 0.2 at t ≈ 200", `${fmt(top.y)} at t = ${fmt(top.x)}`, "0.16–0.25 at t = 100–400", top.y > 0.16 && top.y < 0.25 && top.x >= 100 && top.x <= 400),
      check(data, "the limit ODE decays slowly after its peak: R(10⁴)", "≈ 0.14", fmt(last(limit)), "0.11–0.17", last(limit) > 0.11 && last(limit) < 0.17),
      check(data, `the simulations' peaks rise with d (d = ${dims.join(", ")})`, "≈ 0.08, 0.10, 0.12", peaks.map((p) => fmt(p.y)).join(", "), "increasing", increasing(peaks.map((p) => p.y))),
      check(data, "… and stay below the limit ODE's peak", "below ≈ 0.2", `${fmt(Math.max(...peaks.map((p) => p.y)))} < ${fmt(top.y)}`, "below", peaks.every((p) => p.y < top.y)),
      check(data, "the simulations peak at t ≈ 100", "≈ 100", peaks.map((p) => fmt(p.x)).join(", "), "30–300", peaks.every((p) => p.x >= 30 && p.x <= 300)),
      check(data, "… then fall: R(t_max) / peak", "≈ 0.2 (0.02 / 0.1)", sims.map((c, i) => fmt(last(c) / peaks[i].y)).join(", "), "< 0.5", sims.every((c, i) => last(c) / peaks[i].y < 0.5)),
      check(data, "the start: R(0)", "≈ 0.016", fmt(r0), "0.014–0.018", r0 > 0.014 && r0 < 0.018),
    ];
  },
  spec(data) {
    const dims = curvesWith(data, "simulation").map((c) => c.tags!.d);
    const legendLabels = legendOf(data, (c) =>
      c.role === "simulation" ? `d = ${c.tags!.d}` : c.role === "limit ODE" ? "limit ODE" : c.tags?.d === dims[dims.length - 1] ? "finite-d ODE (one per d)" : undefined,
    );
    return curvesFigure(data, { x: [0.6, 1.6e4], y: [0.012, 0.3], legend: "right", legendLabels });
  },
};
