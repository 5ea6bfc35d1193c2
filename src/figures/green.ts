// see: README.md (the paper's figures) — Figs 4 and 5: the green region at κ = 0, δ = ½ (Fig 4) and δ = ¼
// (Fig 5). (a) The learning curves for several d on t = ν/d^(1+δ): the simulations follow the limit ODE,
// which falls without end, then level off at a floor that falls with d; (b) that floor R∞ against d for
// three noise levels: R∞ ∝ Δ·d^−δ (the variance term a2 = (γ0/p)²·d^−δ that the limit drops is what holds
// the finite-d risk up; the finite-d ODE, dashed in (a), keeps it and levels off with the simulations).
import { check, curveNamed, curvesWith, fitCurve, fmt, decreasing, sci, valueAt, windowMean, withinFactor } from "./checks.js";
import { curvesFigure, legendOf, ODE_DARK, shades, shapesFor } from "./spec.js";
import { logTimes, odeCurve, paperTimes, pick, seedRuns, seedJobs, simulationCurve } from "./runs.js";
import { PAPER_START_NOTE, paperStart } from "./start.js";
import type { Curve, FigureDef, FigureSize, Results } from "./types.js";

const MODEL = { p: 8, k: 4, gamma0: 8, init: paperStart() };
/** The floors read off the paper (Fig 4a/5a: Δ = 10⁻³; Fig 4b/5b at d = 1000 for Δ = 10⁻⁴, 10⁻³, 10⁻²). */
const PAPER = {
  0.5: { floors: { 30: 2e-5, 100: 1e-5, 300: 6e-6, 1000: 3e-6 } as Record<number, number>, at1000: { 1e-4: 3.5e-7, 1e-3: 3.1e-6, 1e-2: 3.1e-5 } as Record<number, number> },
  0.25: { floors: { 30: 4.5e-5, 100: 3e-5, 300: 2.3e-5, 1000: 1.8e-5 } as Record<number, number>, at1000: { 1e-4: 1.8e-6, 1e-3: 1.8e-5, 1e-2: 1.7e-4 } as Record<number, number> },
};
const NOISES = [1e-4, 1e-3, 1e-2];
const noiseLabel = (noise: number) => `Δ = 10${{ 1e-4: "⁻⁴", 1e-3: "⁻³", 1e-2: "⁻²" }[noise]}`;
const clock = (delta: number) => (delta === 0.5 ? "t = ν/d³ᐟ²" : "t = ν/d⁵ᐟ⁴");

/** Sizes of the learning curves (a): d values and each one's horizon, seeds. */
function curveSizes(delta: number, size: FigureSize) {
  const dims = pick(size, { tiny: [30, 100], quick: delta === 0.5 ? [30, 100, 300] : [30, 100, 300, 1000], full: [30, 100, 300, 1000] });
  const horizon = (d: number) =>
    size === "tiny" ? 100 : size === "full" ? 1e4 : delta === 0.5 ? (d <= 100 ? 1e4 : 3000) : 3000;
  return { dims, horizon, seeds: pick(size, { tiny: 1, quick: 2, full: 10 }) };
}

/** Sizes of the floors (b): the d ladder, each noise level's horizon T (the floor: mean over [0.3·T, T]), seeds. */
function floorSizes(delta: number, size: FigureSize) {
  const full = [30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
  const ladder = pick(size, { tiny: [30, 60], quick: delta === 0.5 ? [30, 45, 70, 100, 150] : [30, 60, 120, 250, 500], full });
  const horizon = (noise: number) => (size === "tiny" ? 100 : size === "full" ? 1e4 : { 1e-2: 2000, 1e-3: 5000, 1e-4: 1e4 }[noise]!);
  return { ladder, horizon, seeds: pick(size, { tiny: 1, quick: 1, full: 3 }) };
}

/** Output times of a floor run: the paper's grid plus 40 log-spaced times in the averaging window. */
const floorTimes = (T: number) => [...new Set([...paperTimes(T), ...logTimes(0.3 * T, T, 60).map((t) => Number(t.toPrecision(6)))])].sort((a, b) => a - b);

/**
 * The floor of a set of runs: per run the mean risk over [0.3·T, T]; over runs their mean and standard error,
 * or with one run the standard error of four consecutive blocks of the window (the risk is correlated in time).
 */
export function floorOf(results: Results, name: string, T: number): { mean: number; se: number } {
  const perRun = seedRuns(results, name).map((r) => {
    const window = r.risk.filter((_, j) => r.t[j] >= 0.3 * T * (1 - 1e-9) && r.t[j] <= T * (1 + 1e-9));
    return window;
  });
  const means = perRun.map((w) => w.reduce((s, v) => s + v, 0) / w.length);
  const mean = means.reduce((s, v) => s + v, 0) / means.length;
  let values = means;
  if (means.length === 1) {
    const w = perRun[0];
    const size = Math.floor(w.length / 4);
    values = [0, 1, 2, 3].map((b) => w.slice(b * size, (b + 1) * size)).map((blk) => blk.reduce((s, v) => s + v, 0) / blk.length);
  }
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
  return { mean, se: sd / Math.sqrt(values.length) };
}

/** Fig 4a / 5a: learning curves for several d against the limit ODE (and each d's finite-d ODE). */
export function greenCurves(id: string, delta: 0.5 | 0.25): FigureDef {
  return {
    id,
    title: `Fig ${id.slice(3)} — the green region (κ = 0, δ = ${delta === 0.5 ? "½" : "¼"}): floors that fall with d`,
    paper: `simulations follow the ODE, then level off at a floor that falls with d (≈ ${Object.values(PAPER[delta].floors).map(sci).join(", ")} for d = 30, 100, 300, 1000); the limit ODE keeps falling`,
    async plan(size) {
      const { dims, horizon, seeds } = curveSizes(delta, size);
      const tOde = Math.max(...dims.map(horizon));
      return {
        sims: Object.assign({}, ...dims.map((d) => seedJobs(`d=${d}`, { ...MODEL, d, delta, noise: 1e-3, times: paperTimes(horizon(d)) }, seeds))),
        odes: {
          limit: { ...MODEL, d: dims[dims.length - 1], delta, noise: 1e-3, mode: "limit" as const, times: logTimes(0.5, tOde, 25) },
          ...Object.fromEntries(dims.map((d) => [`d=${d}`, { ...MODEL, d, delta, noise: 1e-3, mode: "finite-d" as const, times: logTimes(0.5, horizon(d), 25) }])),
        },
      };
    },
    assemble(size, results) {
      const { dims, horizon, seeds } = curveSizes(delta, size);
      const colours = shades("green", dims.length + 1).slice(0, dims.length);
      const shapes = shapesFor(dims.length);
      return {
        figure: id,
        title: this.title,
        subtitle: `p = 8, k = 4, γ0 = 8, Δ = 10⁻³; markers: mean of ${seeds} SGD run${seeds > 1 ? "s" : ""} (bars: 10–90%); informed start`,
        paper: this.paper,
        size,
        params: { ...MODEL, init: undefined, kappa: 0, delta, noise: 1e-3, dims, horizons: dims.map(horizon), seeds, start: PAPER_START_NOTE },
        xTitle: clock(delta),
        yTitle: "excess risk R",
        curves: [
          ...dims.map((d, i) => simulationCurve(results, `d=${d}`, `d = ${d}: SGD`, { colour: colours[i], shape: shapes[i], tags: { d } })),
          odeCurve(results.odes.limit, "limit ODE", "limit ODE", { colour: ODE_DARK.green }),
          ...dims.map((d, i) => odeCurve(results.odes[`d=${d}`], `d = ${d}: finite-d ODE`, "finite-d ODE", { colour: colours[i], dash: [5, 4], tags: { d } })),
        ],
        extra: {},
        warnings: [],
      };
    },
    checks(data) {
      const sims = curvesWith(data, "simulation");
      const dims = sims.map((c) => Number(c.tags!.d));
      // the floor: the mean over the last half of each run (t ∈ [t_end/2, t_end]), and the finite-d ODE's over the same window
      const floors = sims.map((c) => windowMean(c, 0.5 * c.x[c.x.length - 1], c.x[c.x.length - 1]).mean);
      const limit = curveNamed(data, "limit ODE");
      const limitEnd = limit.y[limit.y.length - 1];
      const paper = dims.map((d) => PAPER[delta].floors[d]);
      const fd = sims.map((c) => windowMean(curveNamed(data, `d = ${c.tags!.d}: finite-d ODE`), 0.5 * c.x[c.x.length - 1], c.x[c.x.length - 1]).mean);
      const limit2000 = valueAt(limit, delta === 0.5 ? 2000 : 1000);
      // up to t = 100: each d against its finite-d ODE, and the largest d against the limit ODE
      const deviation = (c: Curve, ode: Curve) => Math.max(...c.x.map((t, i) => (t <= 100 ? Math.abs(c.y[i] / valueAt(ode, t) - 1) : 0)));
      const early = Math.max(...sims.map((c) => deviation(c, curveNamed(data, `d = ${c.tags!.d}: finite-d ODE`))));
      const earlyLimit = deviation(sims[sims.length - 1], limit);
      return [
        check(data, `the floor (mean R over [t_end/2, t_end]) falls with d = ${dims.join(", ")}`, Object.values(PAPER[delta].floors).map(sci).join(", ") + " (d = 30…1000)", floors.map(fmt).join(", "), "decreasing", decreasing(floors)),
        check(data, "the floors against the paper's", paper.map((v) => (v ? sci(v) : "–")).join(", "), floors.map(fmt).join(", "), "within 35% each", floors.every((f, i) => !paper[i] || withinFactor(f, paper[i], 1.35))),
        check(data, `the limit ODE keeps falling: R at t = ${delta === 0.5 ? 2000 : 1000}`, delta === 0.5 ? "≈ 10⁻⁶" : "≈ 3·10⁻⁶", fmt(limit2000), "within a factor 2", withinFactor(limit2000, delta === 0.5 ? 1e-6 : 3e-6, 2)),
        check(data, "… and ends below every floor", "below (it falls without end)", `${fmt(limitEnd)} < ${fmt(Math.min(...floors))}`, "below by a factor 2", limitEnd * 2 < Math.min(...floors)),
        check(data, "the simulations follow the ODE up to t = 100: largest |SGD/ODE − 1|, every d (its finite-d ODE)", "on the line", fmt(early), "< 0.15", early < 0.15),
        check(data, `… and the limit ODE at the largest d = ${dims[dims.length - 1]}`, "on the line", fmt(earlyLimit), "< 0.2", earlyLimit < 0.2),
        check(data, "the finite-d ODE levels off with them: floor(SGD) / finite-d ODE, same window", "(not in the paper)", floors.map((f, i) => fmt(f / fd[i])).join(", "), "0.8–1.25", floors.every((f, i) => withinFactor(f, fd[i], 1.25))),
      ];
    },
    spec(data) {
      const dims = curvesWith(data, "simulation").map((c) => c.tags!.d);
      const legendLabels = legendOf(data, (c) =>
        c.role === "simulation" ? `d = ${c.tags!.d}` : c.role === "limit ODE" ? "limit ODE" : c.tags?.d === dims[dims.length - 1] ? "finite-d ODE (one per d)" : undefined,
      );
      return curvesFigure(data, { x: [0.6, 1.6e4], y: [delta === 0.5 ? 8e-7 : 2.5e-6, 2e-2], legend: "bottom-left", legendLabels });
    },
  };
}

/** Fig 4b / 5b: the floor R∞ against d for three noise levels, with power-law fits. */
export function greenFloors(id: string, delta: 0.5 | 0.25): FigureDef {
  return {
    id,
    title: `Fig ${id.slice(3)} — the green floor R∞ against d (κ = 0, δ = ${delta === 0.5 ? "½" : "¼"}): R∞ ∝ Δ·d⁻ᵟ`,
    paper: `parallel power laws of slope ≈ −δ = −${delta}, levels ∝ Δ (at d = 1000: ${NOISES.map((n) => sci(PAPER[delta].at1000[n])).join(", ")} for Δ = 10⁻⁴, 10⁻³, 10⁻²)`,
    async plan(size) {
      const { ladder, horizon, seeds } = floorSizes(delta, size);
      const sims = {};
      for (const noise of NOISES) for (const d of ladder) Object.assign(sims, seedJobs(`Δ=${noise},d=${d}`, { ...MODEL, d, delta, noise, times: floorTimes(horizon(noise)) }, seeds));
      return { sims, odes: {} };
    },
    assemble(size, results) {
      const { ladder, horizon, seeds } = floorSizes(delta, size);
      const colours = { 1e-4: "#00441b", 1e-3: "#238b45", 1e-2: "#74c476" } as Record<number, string>;
      const shapes = { 1e-4: "triangle-up", 1e-3: "circle", 1e-2: "triangle-down" } as Record<number, string>;
      const curves: Curve[] = [];
      const fits: Record<string, unknown> = {};
      for (const noise of NOISES) {
        const floors = ladder.map((d) => floorOf(results, `Δ=${noise},d=${d}`, horizon(noise)));
        const measured: Curve = {
          name: `${noiseLabel(noise)}: R∞ (SGD)`,
          role: "measured",
          x: ladder,
          y: floors.map((f) => f.mean),
          lo: floors.map((f) => f.mean - f.se),
          hi: floors.map((f) => f.mean + f.se),
          colour: colours[noise],
          shape: shapes[noise],
          tags: { noise },
        };
        const fit = fitCurve(measured);
        fits[noiseLabel(noise)] = fit;
        const xs = [ladder[0], ladder[ladder.length - 1]];
        const line = (x: number[]) => x.map((d) => 10 ** fit.intercept * d ** fit.slope);
        curves.push(measured, { name: `${noiseLabel(noise)}: fit, slope ${fit.slope.toFixed(2)} ± ${fit.slopeError.toFixed(2)}`, role: "fit", x: xs, y: line(xs), colour: colours[noise], dash: [], tags: { noise } });
        // the fit carried on (dashed) to d = 1000, where the paper's values are
        if (xs[1] < 1000) curves.push({ name: `${noiseLabel(noise)}: fit, extrapolated`, role: "fit", x: [xs[1], 1000], y: line([xs[1], 1000]), colour: colours[noise], dash: [4, 4], tags: { noise, extrapolated: 1 } });
      }
      return {
        figure: id,
        title: this.title,
        subtitle: `p = 8, k = 4, γ0 = 8; R∞ = mean R over t ∈ [0.3T, T] (T by Δ: data.json), ${seeds} SGD run${seeds > 1 ? "s" : ""}/point`,
        paper: this.paper,
        size,
        params: { ...MODEL, init: undefined, kappa: 0, delta, noises: NOISES, ladder, horizons: NOISES.map(horizon), seeds, window: "[0.3·T, T]", error: seeds > 1 ? "standard error over seeds" : "standard error of 4 consecutive blocks of the window", start: PAPER_START_NOTE },
        xTitle: "d",
        yTitle: "R∞ (excess risk at the floor)",
        curves,
        extra: { fits },
        warnings: [],
      };
    },
    checks(data) {
      const out = NOISES.map((noise) => {
        const fit = fitCurve(curvesWith(data, "measured", { noise })[0]);
        const tol = Math.max(3 * fit.slopeError, 0.05);
        return check(data, `slope of R∞(d) at ${noiseLabel(noise)}`, `−δ = −${delta}`, `${fit.slope.toFixed(3)} ± ${fit.slopeError.toFixed(3)}`, `|slope + δ| ≤ max(3σ, 0.05) = ${tol.toFixed(2)}`, Math.abs(fit.slope + delta) <= tol);
      });
      const level = (noise: number) => curvesWith(data, "measured", { noise })[0];
      for (const [a, b] of [[1e-2, 1e-3], [1e-3, 1e-4]]) {
        const ratios = level(a).y.map((y, i) => y / level(b).y[i]);
        const g = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
        out.push(check(data, `the lines' ratio R∞(${noiseLabel(a)}) / R∞(${noiseLabel(b)}) (geometric mean over d)`, `the ratio of the Δ's: 10`, fmt(g), "7–14", g >= 7 && g <= 14));
      }
      const at1000 = NOISES.map((noise) => {
        const fit = fitCurve(level(noise));
        return 10 ** fit.intercept * 1000 ** fit.slope;
      });
      const dMax = Math.max(...level(1e-3).x);
      out.push(
        check(data, `the fitted lines at d = 1000${dMax < 1000 ? ` (extrapolated from d ≤ ${dMax})` : ""}, Δ = 10⁻⁴, 10⁻³, 10⁻²`, NOISES.map((n) => sci(PAPER[delta].at1000[n])).join(", "), at1000.map(fmt).join(", "), "within 35% each", at1000.every((v, i) => withinFactor(v, PAPER[delta].at1000[NOISES[i]], 1.35))),
      );
      return out;
    },
    spec(data) {
      const legendLabels = legendOf(data, (c) => (c.role === "measured" ? noiseLabel(Number(c.tags!.noise)) : c.tags?.extrapolated ? undefined : c.name.replace(/^Δ = [^:]*: /, "")));
      return curvesFigure(data, { x: [25, 1100], y: delta === 0.5 ? [2.5e-7, 2.5e-4] : [1.5e-6, 5e-4], legend: "right", legendLabels });
    },
  };
}
