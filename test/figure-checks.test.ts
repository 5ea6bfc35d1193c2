// The checks of every figure are computed from the figure's own data: each figure is fed results drawn
// from the values read off the paper's figure (../shared/docs/paper-figures.md and the PNGs, by eye), which
// must pass every check, and then the same results with one feature of the paper altered, which must fail
// the check that measures that feature. The readings are independent of the code under test.
import { describe, expect, it } from "vitest";
import { FIGURES } from "../src/figures/index.js";
import type { FigureDef, Results } from "../src/figures/types.js";
import type { OdeSummary, SimulationSummary } from "../src/jobs/tasks.js";

type Readings = [number, number][];
/** R(t) through the readings: log–log interpolation for t > 0, linear from t = 0 to the first t > 0. */
function curve(points: Readings): (t: number) => number {
  return (t) => {
    if (t <= points[0][0]) return points[0][1];
    for (let i = 1; i < points.length; i++) {
      const [t0, r0] = points[i - 1];
      const [t1, r1] = points[i];
      if (t <= t1) {
        if (t0 <= 0) return r0 + ((r1 - r0) * (t - t0)) / (t1 - t0);
        const f = Math.log(t / t0) / Math.log(t1 / t0);
        return Math.exp(Math.log(r0) + f * Math.log(r1 / r0));
      }
    }
    return points[points.length - 1][1];
  };
}

/** Read off the paper's figures (plotted clock). */
const PAPER = {
  green: [[0, 0.0165], [1, 0.0105], [3, 0.0055], [10, 1.7e-3], [30, 1.2e-3], [100, 5e-4], [200, 1.5e-4], [500, 2e-5], [1000, 4e-6], [2000, 1e-6], [1e4, 6e-8]] as Readings,
  blue: [[0, 0.0165], [1, 0.011], [3, 0.0075], [10, 2e-3], [30, 1.5e-3], [100, 7e-4], [300, 1.7e-4], [1000, 1.15e-4], [1e4, 1.1e-4]] as Readings,
  orange: [[0, 0.0165], [1, 0.017], [3, 0.019], [10, 0.035], [30, 0.1], [100, 0.18], [200, 0.2], [1000, 0.18], [1e4, 0.14]] as Readings,
  fig3: {
    0.01: [[0, 0.0165], [1, 0.011], [3, 0.006], [10, 3e-3], [100, 1.7e-3], [200, 1.2e-3], [1000, 1.1e-3], [1e4, 1.1e-3]],
    0.001: [[0, 0.0165], [1, 0.011], [10, 2e-3], [100, 7e-4], [300, 1.5e-4], [1000, 1.15e-4], [1e4, 1.1e-4]],
    0.0001: [[0, 0.0165], [1, 0.011], [10, 2e-3], [100, 6e-4], [400, 4e-5], [1000, 1.5e-5], [1e4, 1.2e-5]],
    0: [[0, 0.0165], [1, 0.011], [10, 2e-3], [100, 6e-4], [500, 1.8e-5], [1000, 5e-6], [1e4, 7e-8]],
  } as Record<number, Readings>,
  floors: { 0.5: { 30: 2e-5, 100: 1e-5, 300: 6e-6, 1000: 3e-6 }, 0.25: { 30: 4.5e-5, 100: 3e-5, 300: 2.3e-5, 1000: 1.8e-5 } } as Record<number, Record<number, number>>,
  /** R∞ = A·Δ·d^−δ through the paper's values at d = 1000, Δ = 10⁻³ (3.1·10⁻⁶ and 1.8·10⁻⁵) */
  floorLaw: { 0.5: (noise: number, d: number) => 0.098 * noise * d ** -0.5, 0.25: (noise: number, d: number) => 0.101 * noise * d ** -0.25 } as Record<number, (noise: number, d: number) => number>,
  fig7: { peaks: [0.085, 0.097, 0.12], floors: [0.018, 0.019, 0.021] },
  fig8: {
    red: [[0, 0.06], [3, 0.025], [10, 4e-3], [100, 3e-3], [1000, 2.2e-3], [1e4, 1e-3]],
    orange: [[0, 0.045], [1, 0.04], [10, 1e-2], [100, 1.1e-3], [1000, 4.5e-4], [1e4, 2.2e-4]],
    blue: [[0, 0.045], [1, 0.03], [10, 1.7e-3], [100, 4.5e-4], [1000, 1.1e-4], [1e4, 1e-4]],
    green: [[0, 0.045], [1, 0.043], [10, 0.028], [30, 0.01], [100, 1.3e-3], [1000, 2.5e-4], [3000, 4.5e-5], [1e4, 1.1e-5]],
  } as Record<string, Readings>,
  fig9: (escape: number): Readings => [[0, 0.06], [1, 0.04], [10, 3.5e-3], [100, 3e-3], [0.7 * escape, 2.7e-3], [escape, 6e-4], [1.6 * escape, 1.5e-4], [3000, 1.15e-4], [1e4, 1.14e-4]],
};

/** R(t) of a job on its own clock, by figure, job name and options; `alter` changes one feature. */
type Model = (name: string, options: Record<string, unknown>) => (t: number) => number;

const greenCurve = (delta: number, floor: number) => {
  const limit = curve(delta === 0.5 ? PAPER.green : [[0, 0.0165], [1, 0.0105], [10, 1.7e-3], [100, 5e-4], [200, 1.5e-4], [500, 2.3e-5], [1000, 3e-6], [1e4, 5e-8]]);
  return (t: number) => Math.max(limit(t), floor);
};

const MODELS: Record<string, Model> = {
  fig2: (name) => curve(PAPER[name as "green" | "blue" | "orange"]),
  fig3: (name) => curve(PAPER.fig3[Number(name.split("=")[1].split("#")[0])]),
  fig4a: (name, o) => (name === "limit" ? greenCurve(0.5, 0) : greenCurve(0.5, PAPER.floors[0.5][Number(o.d)])),
  fig5a: (name, o) => (name === "limit" ? greenCurve(0.25, 0) : greenCurve(0.25, PAPER.floors[0.25][Number(o.d)])),
  fig4b: (_, o) => (t) => PAPER.floorLaw[0.5](Number(o.noise), Number(o.d)) * (1 + 0.03 * Math.sin(t)),
  fig5b: (_, o) => (t) => PAPER.floorLaw[0.25](Number(o.noise), Number(o.d)) * (1 + 0.03 * Math.sin(t)),
  fig6: (_, o) => {
    const delta = Number(o.delta);
    return delta === 0 ? curve(PAPER.blue) : greenCurve(0.5, 0.9 * 1.14e-4 * Number(o.d) ** -delta);
  },
  fig7: (name, o) => {
    if (name === "limit") return curve(PAPER.orange);
    const i = [1000, 1500, 4000].indexOf(Number(o.d));
    const top = PAPER.fig7.peaks[i];
    return curve([[0, 0.0165], [1, 0.017], [10, 0.025], [30, 0.5 * top], [80, top], [300, 0.5 * top], [1000, 0.025], [1e4, PAPER.fig7.floors[i]]]);
  },
  fig8: (_, o) => {
    const region = ({ "1.1": "red", "1.25": "orange", "1.5,-1.5": "blue", "1.5,-0.5": "green" } as Record<string, string>)[o.kappa === 1.5 ? `1.5,${o.delta}` : String(o.kappa)];
    // every curve on its plotted clock (red runs and is drawn on t = ν/d)
    return curve(PAPER.fig8[region]);
  },
  fig9: (_, o) => curve(PAPER.fig9(({ 30: 400, 100: 470, 300: 550, 1000: 650 } as Record<number, number>)[Number(o.d)])),
};

/** One alteration per figure, and the check it must fail. */
const ALTERED: Record<string, { change: string; fails: RegExp; model: Model }> = {
  fig2: { change: "the blue plateau three times higher", fails: /blue sits on its plateau/, model: (name, o) => (name === "blue" ? (t) => 3 * MODELS.fig2(name, o)(t) : MODELS.fig2(name, o)) },
  fig3: {
    change: "the Δ = 10⁻⁴ simulations four times higher",
    fails: /plateau R∞\/Δ at Δ = 10⁻⁴/,
    // the simulations only (their jobs have a seed; the ODE's of the same name has none)
    model: (name, o) => (name === "Δ=0.0001" && o.seed !== undefined ? (t) => 4 * MODELS.fig3(name, o)(t) : MODELS.fig3(name, o)),
  },
  fig4a: { change: "floors rising with d", fails: /floor .* falls with d/, model: (name, o) => (name === "limit" ? greenCurve(0.5, 0) : greenCurve(0.5, 1e-5 * (Number(o.d) / 30) ** 0.3)) },
  fig5a: { change: "floors rising with d", fails: /floor .* falls with d/, model: (name, o) => (name === "limit" ? greenCurve(0.25, 0) : greenCurve(0.25, 1e-5 * (Number(o.d) / 30) ** 0.3)) },
  fig4b: { change: "floors ∝ d^−0.2", fails: /slope of R∞\(d\) at Δ = 10⁻³/, model: (_, o) => (t) => 0.098 * Number(o.noise) * Number(o.d) ** -0.2 * (1 + 0.03 * Math.sin(t)) },
  fig5b: {
    change: "the Δ = 10⁻² floors three times higher",
    fails: /ratio R∞\(Δ = 10⁻²\) \/ R∞\(Δ = 10⁻³\)/,
    model: (name, o) => (Number(o.noise) === 1e-2 ? (t) => 3 * MODELS.fig5b(name, o)(t) : MODELS.fig5b(name, o)),
  },
  fig6: { change: "the smallest rate ending highest", fails: /but end lower/, model: (name, o) => (Number(o.delta) === 0.5 ? (t) => Math.max(MODELS.fig6(name, o)(t), 3e-4) : MODELS.fig6(name, o)) },
  fig7: {
    change: "peaks falling with d",
    fails: /peaks rise with d/,
    model: (name, o) => (name === "limit" ? curve(PAPER.orange) : (t) => MODELS.fig7(name, { ...o, d: { 1000: 4000, 1500: 1500, 4000: 1000 }[Number(o.d)] })(t)),
  },
  fig8: { change: "green ending at 3·10⁻³", fails: /the order at the end/, model: (name, o) => (o.kappa === 1.5 && o.delta === -0.5 ? (t) => Math.max(MODELS.fig8(name, o)(t), 3e-3) : MODELS.fig8(name, o)) },
  fig9: { change: "the escape earlier for larger d", fails: /escape .* grows with d/, model: (_, o) => curve(PAPER.fig9(({ 30: 650, 100: 550, 300: 470, 1000: 400 } as Record<number, number>)[Number(o.d)])) },
};

/** Results of a figure's plan with every job's risk from `model` (seeds differ by ±1%). */
async function synthetic(figure: FigureDef, model: Model): Promise<Results> {
  const plan = await figure.plan("quick");
  const results: Results = { sims: {}, odes: {} };
  for (const [name, o] of Object.entries(plan.sims)) {
    const f = model(name.split("#")[0], o as Record<string, unknown>);
    const seed = Number(o.seed ?? 0);
    const t = [0, ...(o.times as number[])];
    results.sims[name] = { t, risk: t.map((x) => f(x) * (1 + 0.01 * (seed % 2 === 0 ? -1 : 1))), status: "ok" } as unknown as SimulationSummary;
  }
  for (const [name, o] of Object.entries(plan.odes)) {
    const f = model(name, o as Record<string, unknown>);
    const t = [0, ...(o.times as number[])];
    results.odes[name] = { t, risk: t.map(f), status: "ok" } as unknown as OdeSummary;
  }
  return results;
}

describe("each figure checks the paper's claims on its own data", () => {
  for (const figure of FIGURES.filter((f) => f.id !== "fig1")) {
    it(`${figure.id}: the paper's own readings pass every check; ${ALTERED[figure.id].change} fails its check`, async () => {
      const data = figure.assemble("quick", await synthetic(figure, MODELS[figure.id]));
      const checks = figure.checks(data);
      expect(checks.length).toBeGreaterThanOrEqual(4);
      const failed = checks.filter((c) => !c.pass);
      expect(failed.map((c) => `${c.claim}: ours ${c.ours}, paper ${c.paper}, tolerance ${c.tolerance}`)).toEqual([]);
      const altered = figure.checks(figure.assemble("quick", await synthetic(figure, ALTERED[figure.id].model)));
      const hit = altered.filter((c) => ALTERED[figure.id].fails.test(c.claim));
      expect(hit.length, `no check matches ${ALTERED[figure.id].fails}`).toBeGreaterThan(0);
      expect(hit.every((c) => !c.pass), JSON.stringify(hit)).toBe(true);
    });
  }

  it("fig1: a measured diagram as the theory says passes; one with the orange row measured as perfect learning fails", async () => {
    const fig1 = FIGURES.find((f) => f.id === "fig1")!;
    const plan = await fig1.plan("quick");
    const phaseOf = (s: number) => (s > 0 ? "perfect learning" : s === 0 ? "plateau" : s > -0.5 ? "bad learning" : s === -0.5 ? "undetermined" : "no deterministic limit");
    const regionOf = (s: number) => (s > 0 ? "green" : s === 0 ? "blue" : s > -0.5 ? "orange" : "red");
    const results = (phase: (s: number) => string) => ({
      sims: {},
      odes: {},
      measures: Object.fromEntries(
        Object.entries(plan.measures!).map(([name, o]) => {
          const s = o.kappa + o.delta;
          const measured = phase(s);
          return [name, { kappa: o.kappa, delta: o.delta, s, region: regionOf(s), phase: measured, agrees: measured === "undetermined" ? null : measured === phaseOf(s), reason: "synthetic", evidence: { ladder: [] } }];
        }),
      ),
    }) as unknown as Results;
    const good = fig1.checks(fig1.assemble("quick", results(phaseOf)));
    expect(good.map((c) => c.pass)).toEqual([true, true, true]);
    const bad = fig1.checks(fig1.assemble("quick", results((s) => (s === -0.25 ? "perfect learning" : phaseOf(s)))));
    expect(bad.find((c) => /agree with the theory/.test(c.claim))!.pass).toBe(false);
    expect(bad.find((c) => /at κ = 0/.test(c.claim))!.pass).toBe(false);
  });
});
