// see: README.md (the paper's figures) — Fig 2: the limit ODEs of the three regimes on one axis.
// κ width exponent (p = d^κ), δ learning-rate exponent (γ = γ0·d^−δ), t on each region's clock.
//
// The limit ODEs keep a1 = γ/(p d δt) and a2 = γ²/(p² d δt) where they are O(1) and drop the vanishing one
// (theory.md §9.2). With p = d^κ exactly both are 1 for γ0 = 1: here d = 4096, κ = ¼, p = 8 = 4096^¼, so
// green (δ = ½ − κ) has a1 = 1, a2 → 0; blue (δ = −κ) a1 = a2 = 1; orange (δ = −½) a1 → 0, a2 = 1 — the
// paper's three regimes (its code hard-codes a1 = γ0/p, a2 = (γ0/p)² with γ0 = p = 8, the same ODEs).
import { check, curveNamed, fmt, last, peak, valueAt } from "./checks.js";
import { curvesFigure, REGION } from "./spec.js";
import { logTimes, odeCurve } from "./runs.js";
import { PAPER_START_NOTE, paperStart } from "./start.js";
import type { FigureDef } from "./types.js";

const KAPPA = 0.25;
const REGIMES = [
  { region: "green", delta: 0.5 - KAPPA, label: "δ = ½ − κ (green)" },
  { region: "blue", delta: -KAPPA, label: "δ = −κ (blue)" },
  { region: "orange", delta: -0.5, label: "δ = −½ (orange)" },
] as const;
const T_MAX = 1e4;

export const fig2: FigureDef = {
  id: "fig2",
  title: "Fig 2 — the limit ODEs of the three regimes",
  paper: "limit ODEs on one axis to t = 10⁴: green falls without end, blue reaches the plateau ≈ 1.1·10⁻⁴, orange rises to ≈ 0.2 and decays slowly",
  async plan() {
    const common = { d: 4096, kappa: KAPPA, k: 4, gamma0: 1, noise: 1e-3, init: paperStart(), mode: "limit" as const, times: logTimes(1e-2, T_MAX, 25) };
    return { sims: {}, odes: Object.fromEntries(REGIMES.map((r) => [r.region, { ...common, delta: r.delta }])) };
  },
  assemble(size, results) {
    return {
      figure: "fig2",
      title: this.title,
      subtitle: "κ = ¼, p = d^κ = 8, γ0 = 1 (so a1, a2 ∈ {0, 1}, as γ0 = p at κ = 0), k = 4, Δ = 10⁻³",
      paper: this.paper,
      size,
      params: { d: 4096, kappa: KAPPA, p: 8, k: 4, gamma0: 1, noise: 1e-3, deltas: REGIMES.map((r) => r.delta), tMax: T_MAX, ode: "limit (a1, a2 ∈ {0, 1})", start: PAPER_START_NOTE },
      xTitle: "t = ν/d¹⁺ᶿ   (θ = κ + δ; orange: θ = 2(κ + δ))",
      yTitle: "excess risk R",
      curves: REGIMES.map((r) => odeCurve(results.odes[r.region], `limit ODE, ${r.label}`, "limit ODE", { colour: REGION[r.region], withZero: true, tags: { region: r.region, delta: r.delta } })),
      extra: {},
      warnings: [],
    };
  },
  checks(data) {
    const [green, blue, orange] = REGIMES.map((r) => curveNamed(data, `limit ODE, ${r.label}`));
    const r0 = blue.y[0];
    const top = peak(orange);
    const blue3 = valueAt(blue, 1e3);
    return [
      check(data, "all start at the same R(0)", "≈ 0.016", fmt(r0), "0.014–0.018", r0 > 0.014 && r0 < 0.018 && green.y[0] === r0 && orange.y[0] === r0),
      check(data, "green falls without end: R(10⁴)", "≈ 6·10⁻⁸", fmt(last(green)), "< 10⁻⁶", last(green) < 1e-6 && last(green) < valueAt(green, 1e3)),
      check(data, "blue sits on its plateau: R(10⁴)", "≈ 1.1·10⁻⁴", fmt(last(blue)), "0.9–1.35·10⁻⁴", last(blue) > 0.9e-4 && last(blue) < 1.35e-4),
      check(data, "blue reached the plateau by t = 10³: R(10³)/R(10⁴)", "≈ 1 (plateau from t ≈ 300–500)", fmt(blue3 / last(blue)), "< 1.3", blue3 / last(blue) < 1.3),
      check(data, "orange rises: its peak over R(0)", "≈ 12 (0.2 / 0.016)", fmt(top.y / r0), "> 10", top.y / r0 > 10),
      check(data, "orange peaks at t ≈ 200", "≈ 200", fmt(top.x), "100–400", top.x >= 100 && top.x <= 400),
      check(data, "orange decays slowly after its peak: R(10⁴)/peak", "≈ 0.7 (0.14 / 0.2)", fmt(last(orange) / top.y), "0.55–0.85", last(orange) / top.y > 0.55 && last(orange) / top.y < 0.85),
    ];
  },
  spec(data) {
    return curvesFigure(data, { x: [0, T_MAX], y: [3e-8, 0.4], symlogX: true, legend: "bottom-left" });
  },
};
