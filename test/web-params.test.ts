// The explorer's parameters (src/web/params.ts) and its pure helpers (src/web/page.ts), in Node: the URL round
// trip, the messages for bad links, and the options they hand to simulate / solveOde / phasePoint.
import { describe, expect, it } from "vitest";
import { axisValues, fromQuery, odeOptions, regionOfRun, RUN_DEFAULTS, simulateOptions, toQuery, type RunParams } from "../src/web/params.js";
import { fileStem, resultCsv } from "../src/web/page.js";
import { simulate } from "../src/simulate.js";
import { solveOde } from "../src/ode.js";

describe("the explorer's parameters", () => {
  const run: RunParams = { ...RUN_DEFAULTS, d: 300, size: "kappa", kappa: 0.25, k: 2, gamma0: 2.5, delta: 0.3, noise: 0.01, seed: 7, tMax: 50, points: 12, method: "chain", ode: false, mode: "limit" };

  it("round-trip through the query string, p or κ alike", () => {
    expect(fromQuery(toQuery(run))).toEqual({ params: run, problems: [] });
    const withP: RunParams = { ...RUN_DEFAULTS, p: 3, gamma0: null };
    expect(fromQuery(toQuery(withP))).toEqual({ params: withP, problems: [] });
    expect(toQuery(withP)).not.toContain("kappa");
    expect(fromQuery("")).toEqual({ params: RUN_DEFAULTS, problems: [] });
  });

  it("carry the extensions (activations, mini-batch, weight decay) in the link only when they are not the paper's", () => {
    const ext: RunParams = { ...RUN_DEFAULTS, activation: "relu", activationTeacher: "erf", batch: 4, weightDecay: 0.5 };
    expect(fromQuery(toQuery(ext))).toEqual({ params: ext, problems: [] });
    expect(toQuery(RUN_DEFAULTS)).not.toMatch(/activation|batch|weightDecay/);
    expect(fromQuery("activation=tanh").params.activationTeacher).toBe("tanh"); // the teacher follows the student
    expect(fromQuery("activation=sigmoid").problems).toEqual(['activation must be one of erf, relu, linear, tanh (got "sigmoid")']);
    expect(simulateOptions(ext)).toMatchObject({ activation: "relu", activationTeacher: "erf", batch: 4, weightDecay: 0.5 });
    expect(odeOptions(ext)).toMatchObject({ activation: "relu", activationTeacher: "erf", batch: 4, weightDecay: 0.5 });
  });

  it("name the parameter and the rule for a bad link, and keep the default", () => {
    const { params, problems } = fromQuery("d=abc&noise=&method=sgd&mode=fast&gamma0=x&seed=4");
    expect(problems).toEqual([
      'd must be a finite number (got "abc")',
      'noise must be a finite number (got "")',
      'gamma0 must be a finite number (got "x")',
      'method must be auto, direct, chain or ode (got "sgd")',
      'mode must be finite-d or limit (got "fast")',
    ]);
    expect(params).toEqual({ ...RUN_DEFAULTS, seed: 4 });
  });

  it("become the options of simulate and solveOde, which start from the same initial condition", async () => {
    expect(simulateOptions(run)).toEqual({ d: 300, kappa: 0.25, k: 2, gamma0: 2.5, delta: 0.3, noise: 0.01, seed: 7, tMax: 50, points: 12, method: "chain" });
    expect(odeOptions(run)).toEqual({ d: 300, kappa: 0.25, k: 2, gamma0: 2.5, delta: 0.3, noise: 0.01, seed: 7, tMax: 50, points: 12, mode: "limit" });
    const [sim, ode] = await Promise.all([simulate({ ...simulateOptions(run), tMax: 1, points: 2 }), solveOde({ ...odeOptions(run), tMax: 1, points: 2 })]);
    expect(ode.Q[0]).toEqual(sim.Q[0]);
    expect(ode.M[0]).toEqual(sim.M[0]);
    expect(ode.risk[0]).toBe(sim.risk[0]);
  });

  it("put red runs on the clock t = ν/d, and read p given as κ = 0", () => {
    const red: RunParams = { ...RUN_DEFAULTS, size: "kappa", kappa: 0.2, delta: -0.9 };
    expect(regionOfRun(red)).toBe("red");
    expect(simulateOptions(red).timeScale).toBe("d");
    expect(regionOfRun({ ...RUN_DEFAULTS, p: 8, delta: 0 })).toBe("blue");
    expect(regionOfRun({ ...RUN_DEFAULTS, p: 8, delta: -0.6 })).toBe("red");
    expect(simulateOptions({ ...RUN_DEFAULTS, delta: 0.5 }).timeScale).toBeUndefined();
  });

  it("read the sweep's axes as from:to:count or a list, at most 50 values, naming the field", () => {
    expect(axisValues("κ", "0:1:5")).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(axisValues("δ", "-1, 0,0.5")).toEqual([-1, 0, 0.5]);
    expect(() => axisValues("κ", "0:1")).toThrow(/^κ .*\(got "0:1"\)$/);
    expect(() => axisValues("δ", "0:1:51")).toThrow("δ must have at most 50 values (got 51)");
  });
});

describe("the page's exports", () => {
  it("name files by the run's parameters", () => {
    expect(fileStem({ ...RUN_DEFAULTS })).toBe("sgd-phase-d1000-p8-k4-delta0-noise0.001-seed0");
    expect(fileStem({ ...RUN_DEFAULTS, size: "kappa", kappa: 0.25, gamma0: 2, delta: -0.25 })).toBe("sgd-phase-d1000-kappa0.25-k4-delta-0.25-gamma0_2-noise0.001-seed0");
  });

  it("write one long CSV of the simulation and the ODE at full precision", async () => {
    const options = { d: 50, p: 2, k: 1, seed: 1, tMax: 2, points: 3 };
    const [sim, ode] = await Promise.all([simulate(options), solveOde(options)]);
    const lines = resultCsv(sim, ode).trim().split("\n");
    expect(lines[0]).toBe("series,t,samples,risk");
    expect(lines).toHaveLength(1 + sim.t.length + ode.t.length);
    expect(lines[sim.t.length].split(",").map(Number)).toEqual([NaN, sim.t.at(-1), sim.samples.at(-1), sim.risk.at(-1)]);
    expect(lines.at(-1)!.split(",")).toEqual(["ode", String(ode.t.at(-1)), "", String(ode.risk.at(-1))]);
    expect(resultCsv(sim).trim().split("\n")).toHaveLength(1 + sim.t.length);
  });
});
