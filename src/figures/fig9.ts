// see: README.md (the paper's figures) — Fig 9: the blue line from random weights, several d. The students
// first sit on the symmetric, unspecialised plateau (R ≈ 3·10⁻³), then escape, later for larger d: the
// escape is seeded by the initial overlaps M0 ~ d^(−1/2). Each d's ODE starts from that d's own initial
// overlaps (the same random weights for all its SGD runs, initSeed 0), so it predicts each escape.
import { simulate } from "../simulate.js";
import { check, curveNamed, curvesWith, fmt, increasing, valueAt, windowMean, withinFactor } from "./checks.js";
import { curvesFigure, legendOf, shades, shapesFor } from "./spec.js";
import { logTimes, odeCurve, paperTimes, pick, seedJobs, simulationCurve } from "./runs.js";
import type { Curve, FigureDef, FigureSize } from "./types.js";

const sizes = (size: FigureSize) => ({
  dims: pick(size, { tiny: [30, 100], quick: [30, 100, 300, 1000], full: [30, 100, 300, 1000] }),
  seeds: pick(size, { tiny: 2, quick: 2, full: 10 }),
  tMax: pick(size, { tiny: 100, quick: 1e4, full: 1e4 }),
});
const MODEL = { p: 8, k: 4, gamma0: 8, noise: 1e-3, delta: 0, initSeed: 0 };
/** The escape: the first time the risk falls below this level, between the plateaus (3·10⁻³ and 1.1·10⁻⁴). */
const ESCAPE_LEVEL = 6e-4;

/** The first time a curve, after its plateau, falls below the escape level (log-interpolated). */
function escapeTime(c: Curve): number {
  for (let i = 1; i < c.y.length; i++) {
    if (c.x[i] > 10 && c.y[i] <= ESCAPE_LEVEL) {
      const f = Math.log(c.y[i - 1] / ESCAPE_LEVEL) / Math.log(c.y[i - 1] / c.y[i]);
      return c.x[i - 1] * (c.x[i] / c.x[i - 1]) ** f;
    }
  }
  return NaN;
}

export const fig9: FigureDef = {
  id: "fig9",
  title: "Fig 9 — the blue line from random weights: plateau, escape, specialisation",
  paper: "R(1) ≈ 0.03–0.045, the unspecialised plateau ≈ 3·10⁻³ from t ≈ 10 to 300, escape at t ≈ 400–700 (later for larger d), then one final plateau ≈ 1.1·10⁻⁴ for every d",
  async plan(size) {
    const { dims, seeds, tMax } = sizes(size);
    const sims = {};
    const odes: Record<string, object> = {};
    for (const d of dims) {
      Object.assign(sims, seedJobs(`d=${d}`, { ...MODEL, d, times: paperTimes(tMax) }, seeds));
      // the initial overlaps of d's random weights (one sample run: Q, M at t = 0)
      const r = await simulate({ ...MODEL, d, times: [1 / d], method: "direct" });
      odes[`d=${d}`] = { ...MODEL, d, init: { Q0: r.Q[0], M0: r.M[0], P: r.P }, mode: "limit", times: logTimes(0.5, tMax, 30) };
    }
    return { sims, odes };
  },
  assemble(size, results) {
    const { dims, seeds, tMax } = sizes(size);
    const colours = shades("blue", dims.length);
    const shapes = shapesFor(dims.length);
    const risk0 = Object.fromEntries(dims.map((d) => [d, results.odes[`d=${d}`].risk[0]]));
    return {
      figure: "fig9",
      title: this.title,
      subtitle: `κ = δ = 0, p = 8, k = 4, γ0 = 8, Δ = 10⁻³; mean of ${seeds} SGD runs; lines: ODE from each start`,
      paper: this.paper,
      size,
      params: { ...MODEL, kappa: 0, dims, seeds, tMax, start: "random: Gaussian student and orthonormal teacher rows of norm √d (initSeed 0), Q_ii = 1, P = I", risk0 },
      xTitle: "t = ν/d",
      yTitle: "excess risk R",
      curves: [
        ...dims.map((d, i) => simulationCurve(results, `d=${d}`, `d = ${d}: SGD`, { colour: colours[i], shape: shapes[i], tags: { d } })),
        ...dims.map((d, i) => odeCurve(results.odes[`d=${d}`], `d = ${d}: ODE from its start`, "limit ODE", { colour: colours[i], tags: { d } })),
      ],
      extra: { escapeLevel: ESCAPE_LEVEL },
      warnings: [],
    };
  },
  checks(data) {
    const sims = curvesWith(data, "simulation");
    const dims = sims.map((c) => Number(c.tags!.d));
    const tMax = Number(data.params.tMax);
    const escapes = sims.map(escapeTime);
    const odeEscapes = curvesWith(data, "limit ODE").map(escapeTime);
    const plateau = sims.map((c) => valueAt(c, 50));
    const finals = sims.map((c) => windowMean(c, 0.3 * tMax, tMax).mean);
    const first = sims.map((c) => valueAt(c, 1));
    return [
      check(data, "R(1), every d", "≈ 0.03–0.045", first.map(fmt).join(", "), "0.02–0.06", first.every((r) => r > 0.02 && r < 0.06)),
      check(data, "the unspecialised plateau: R(50), every d", "≈ 3·10⁻³", plateau.map(fmt).join(", "), "2–4.5·10⁻³", plateau.every((r) => r > 2e-3 && r < 4.5e-3)),
      check(data, `the escape (R first < ${ESCAPE_LEVEL}) grows with d = ${dims.join(", ")} (SGD)`, "t ≈ 400–700, later for larger d", escapes.map(fmt).join(", "), "increasing", increasing(escapes)),
      check(data, "… and so does each ODE's from its own start", "later for larger d", odeEscapes.map(fmt).join(", "), "increasing", increasing(odeEscapes)),
      check(data, "one final plateau for every d: mean R over t ∈ [0.3, 1]·t_max", "≈ 1.1·10⁻⁴", finals.map(fmt).join(", "), "within 30% of 1.14·10⁻⁴", finals.every((r) => withinFactor(r, 1.14e-4, 1.3))),
      check(data, "the ODE of the largest d lies on its simulations after the escape: R(t_max), SGD / ODE", "on the line", fmt(finals[finals.length - 1] / valueAt(curveNamed(data, `d = ${dims[dims.length - 1]}: ODE from its start`), tMax)), "0.8–1.25", withinFactor(finals[finals.length - 1], valueAt(curveNamed(data, `d = ${dims[dims.length - 1]}: ODE from its start`), tMax), 1.25)),
    ];
  },
  spec(data) {
    const dims = curvesWith(data, "simulation").map((c) => c.tags!.d);
    const legendLabels = legendOf(data, (c) => (c.role === "simulation" ? `d = ${c.tags!.d}` : c.tags?.d === dims[dims.length - 1] ? "ODE from each d's start" : undefined));
    return curvesFigure(data, { x: [0.6, 1.6e4], y: [5e-5, 0.1], legend: "bottom-left", legendLabels });
  },
};
