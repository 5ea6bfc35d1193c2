// Phase points at one d (the browser's coarse map) and the finite-size scaling fit; the measured phase
// diagram is tested in phase-measure.test.ts.
import { describe, expect, it } from "vitest";
import { axis, phasePoint } from "../src/phase/phase.js";
import { fitPowerLaw, scaling } from "../src/phase/scaling.js";
import { simulate } from "../src/simulate.js";
import { gaussian } from "./gaussian.js";
import { cli } from "./helpers.js";

describe("phase points", () => {
  it("run on the region's clock, within the budget, and record the risk at the fixed number of samples", async () => {
    const green = await phasePoint({ d: 50, kappa: 0.2, delta: 0.3, tEnd: 2, budget: 1e5, samplesFixed: 500, ode: true });
    expect(green).toMatchObject({ region: "green", timeScale: "region", p: Math.round(50 ** 0.2), budgetExhausted: false, diverged: false });
    expect(green.timeExponent).toBeCloseTo(1.5, 12);
    expect(green.samples).toBe(Math.round(2 * 50 ** 1.5));
    expect(green.tReached).toBe(green.samples / 50 ** 1.5);
    expect(green.riskAtSamples).toBe(green.curve.risk[green.curve.samples.indexOf(500)]);
    expect(green.odeRisk).toBeGreaterThan(0);
    // the same point as a single simulation
    const single = await simulate({ d: 50, kappa: 0.2, k: 1, gamma0: 1, delta: 0.3, noise: 1e-3, seed: 0, times: green.curve.samples.slice(1).map((n) => n / 50 ** 1.5) });
    expect(single.risk).toEqual(green.curve.risk);
  });

  it("mark a point whose horizon needs more samples than the budget, and use t = ν/d in red, without an ODE", async () => {
    const short = await phasePoint({ d: 50, kappa: 0, delta: 1, tEnd: 100, budget: 1000, samplesFixed: 10 });
    expect(short.budgetExhausted).toBe(true);
    expect(short.samples).toBe(1000);
    const red = await phasePoint({ d: 50, kappa: 0, delta: -1, tEnd: 2, budget: 1e4 });
    expect(red).toMatchObject({ region: "red", timeScale: "d", timeExponent: 1, samples: 100, odeRisk: null, odeNote: "no deterministic limit in the red region" });
  });

  it("classify the trend over the last decade of the curve", async () => {
    const learning = await phasePoint({ d: 50, kappa: 0, delta: 0, tEnd: 5, budget: 1e5 });
    expect(learning.trend).toBe("down");
    expect(learning.change).toBeLessThan(1);
  });

  it("refuse bad coordinates with named options", async () => {
    await expect(phasePoint({ d: 0, kappa: 0, delta: 0 })).rejects.toThrow(/`d` must be a positive integer/);
    await expect(phasePoint({ d: 10, kappa: -1, delta: 0 })).rejects.toThrow(/`kappa` must be a finite number ≥ 0/);
  });
});

describe("phase diagram", () => {
  it("evenly spaces an axis given as from:to:count", () => {
    expect(axis({ from: 0, to: 1, count: 5 })).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(axis([0.1, 0.3])).toEqual([0.1, 0.3]);
  });
});

describe("finite-size scaling", () => {
  it("recovers a known exponent from synthetic data with error bars (|slope + 0.37| < 3σ, σ consistent)", () => {
    const g = gaussian(4);
    const trials = Array.from({ length: 200 }, () => {
      const points = [30, 100, 300, 1000, 3000].map((x) => {
        const y = 2.5 * x ** -0.37;
        const se = 0.03 * y;
        return { x, y: y + se * g(), se };
      });
      return fitPowerLaw(points);
    });
    const slopes = trials.map((f) => f.slope);
    const mean = slopes.reduce((s, v) => s + v, 0) / slopes.length;
    const sd = Math.sqrt(slopes.reduce((s, v) => s + (v - mean) ** 2, 0) / (slopes.length - 1));
    expect(Math.abs(mean + 0.37)).toBeLessThan(3 * sd / Math.sqrt(slopes.length));
    // the reported error matches the actual scatter of the fits within 30%
    const reported = trials.reduce((s, f) => s + f.slopeError, 0) / trials.length;
    expect(reported / sd).toBeGreaterThan(0.7);
    expect(reported / sd).toBeLessThan(1.3);
    // and a single fit to exact data is exact
    expect(fitPowerLaw([10, 100, 1000].map((x) => ({ x, y: 3 * x ** -0.5, se: 1e-3 }))).slope).toBeCloseTo(-0.5, 12);
  });

  it("estimates R∞(d) over seeds and fits the slope of the green region (p = k = 1, δ = 1/2: ≈ −1/2)", async () => {
    const r = await scaling({ dims: [30, 100, 300], seeds: 6, tMax: 60, delta: 0.5, p: 1, k: 1, gamma0: 1, noise: 1e-2 });
    expect(r.points.map((q) => q.seeds)).toEqual([6, 6, 6]);
    expect(Math.abs(r.fit.slope + 0.5)).toBeLessThan(Math.max(0.1, 3 * r.fit.slopeError));
  }, 30_000);
});

describe("CLI", () => {
  it("scaling prints the points and the fitted slope", async () => {
    const run = await cli(["scaling", "--dims", "30,60", "--seeds", "2", "--t-max", "5"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/d = 30: R∞ = [\d.e+-]+ ± [\d.e+-]+ \(2 seeds\)/);
    expect(run.stdout).toMatch(/fit: R∞ − 0 ∝ d\^slope, slope = -?[\d.]+ ± [\d.]+/);
    expect((await cli(["phase-diagram", "--kappa", "0:1"])).stderr).toMatch(/must be from:to:count/);
  }, 30_000);
});
