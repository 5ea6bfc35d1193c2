// Extensions beyond the paper's setting (issue 7), so far mini-batches (B), weight decay (λ) and the second
// layers (a trained with its own rate, a* given), in the direct simulator, the reduced chain and the ODE. References: the base model's results saved before the extensions
// existed (test/fixtures/base-before-extensions.json, written by commit 9552c1d: B = 1, λ = 0 must give them
// bit for bit), the direct simulator for the chain (same law, statistically), the mean of simulations for the
// ODE (statistically, with the finite-d ODE's O(1/d) bias allowed for), and backends against each other.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { simulate } from "../src/simulate.js";
import { solveOde } from "../src/ode.js";
import type { OdeOptions, SimulateOptions } from "../src/validate.js";
import { maxRelDiff } from "./helpers.js";

const base = JSON.parse(readFileSync("test/fixtures/base-before-extensions.json", "utf8")) as {
  simulate: { options: SimulateOptions; t: number[]; samples: number[]; risk: number[]; Q: number[][]; M: number[][] }[];
  ode: { options: Record<string, unknown>; t: number[]; risk: number[]; Q: number[][]; M: number[][] };
};

describe("batch = 1 and weightDecay = 0 give the base model's results bit for bit", () => {
  it.each(base.simulate.map((c) => [`${c.options.method}, d = ${c.options.d}, ${c.options.backend}`, c] as const))("simulate, %s", async (_, c) => {
    for (const extra of [{}, { batch: 1, weightDecay: 0 }, { aTeacher: 1, aInit: [1], gammaA: 0 }]) {
      const r = await simulate({ ...c.options, ...extra });
      expect(r.t).toEqual(c.t);
      expect(r.samples).toEqual(c.samples);
      expect(r.risk).toEqual(c.risk);
      expect(r.Q.at(-1)).toEqual(c.Q);
      expect(r.M.at(-1)).toEqual(c.M);
    }
  });

  it("solveOde (finite-d): within rounding of the fixture, the same bits with the extensions' neutral values", async () => {
    // at the saved output times (the default grid has since become the simulation's, README: Options)
    const { tMax: _tMax, points: _points, ...options } = base.ode.options as Record<string, unknown>;
    const times = base.ode.t.slice(1);
    // the fixture's ODE was written by the SIMD build before its ψ summed in another order (assembly/drift.ts
    // varianceTermPairs): each build stays within rounding of it, and the extensions' neutral values change none of
    // the build's own bits
    for (const backend of ["wasm-simd", "wasm-scalar"] as const) {
      const plain = await solveOde({ ...options, times, backend });
      expect(plain.t).toEqual(base.ode.t);
      expect(maxRelDiff(plain.risk, base.ode.risk)).toBeLessThan(1e-12);
      expect(maxRelDiff(plain.Q.at(-1), base.ode.Q)).toBeLessThan(1e-12);
      for (const extra of [{ batch: 1, weightDecay: 0 }, { aTeacher: [1], aInit: 1, gammaA: 0 }]) {
        const r = await solveOde({ ...options, times, backend, ...extra });
        expect(r.t).toEqual(plain.t);
        expect(r.risk).toEqual(plain.risk);
        expect(r.Q.at(-1)).toEqual(plain.Q.at(-1));
      }
    }
  });
});

/** Seeds of the direct simulator in the statistical tests (the chain, ~10× cheaper at d = 1000, runs more). */
const DIRECT_SEEDS = 24;


describe("mini-batches and weight decay", () => {
  const model = { d: 1000, p: 3, k: 2, noise: 1e-3, seed: 11, tMax: 8, points: 4 };

  it.each([
    ["B = 4", { batch: 4 }],
    ["λ = 0.5", { weightDecay: 0.5 }],
    ["B = 3, λ = 0.3", { batch: 3, weightDecay: 0.3 }],
  ] as const)("%s: the chain has the law of direct SGD, and the finite-d ODE follows both (|z| < 4.5; 60 chain and 24 direct seeds)", async (_, extra) => {
    const o: SimulateOptions & OdeOptions = { ...model, ...extra };
    const [direct, chain, ode] = await Promise.all([
      simulate({ ...o, method: "direct", seeds: DIRECT_SEEDS }),
      simulate({ ...o, method: "chain", seeds: 60 }),
      solveOde({ ...o, mode: "finite-d" }),
    ]);
    expect(direct.samples.at(-1)).toBe(8000 * (o.batch ?? 1));
    const d = direct.ensemble!;
    const c = chain.ensemble!;
    // direct against chain: the difference of two independent means
    d.mean.slice(1).forEach((m, j) => {
      const se = Math.hypot(d.se[j + 1], c.se[j + 1]);
      expect(Math.abs(m - c.mean[j + 1]) / se, `t = ${direct.t[j + 1]}`).toBeLessThan(4.5);
    });
    // the ODE against the simulations' mean, with 3% of the risk for the finite-d ODE's bias at d = 1000: the
    // base model (B = 1, λ = 0, same seed) shows a 1.5% gap at t ≈ 0.37, as the risk leaves its initial plateau
    for (const e of [d, c]) {
      e.mean.slice(1).forEach((m, j) => {
        const ref = ode.risk[j + 1];
        expect(Math.abs(m - ref), `t = ${ode.t[j + 1]}`).toBeLessThan(4.5 * e.se[j + 1] + 0.03 * ref);
      });
    }
    // at the last time, past the plateau, the ODE is within 4.5 standard errors plus 0.5%
    const last = ode.risk.length - 1;
    for (const e of [d, c]) expect(Math.abs(e.mean[last] - ode.risk[last])).toBeLessThan(4.5 * e.se[last] + 0.005 * ode.risk[last]);
  }, 60_000);

  it("weight decay moves the risk as the ODE says: up from the λ = 0 curve", async () => {
    const [free, decayed] = await Promise.all([solveOde({ ...model, tMax: 50, mode: "finite-d" }), solveOde({ ...model, tMax: 50, weightDecay: 0.5, mode: "finite-d" })]);
    expect(decayed.risk.at(-1)!).toBeGreaterThan(2 * free.risk.at(-1)!);
    // and shrinks the weights: Q_ii smaller than without decay
    expect(decayed.Q.at(-1)![0][0]).toBeLessThan(free.Q.at(-1)![0][0]);
  });

  it("a mini-batch of B divides the ODE's variance term by B: a2 in the params, and larger B ends lower", async () => {
    const runs = await Promise.all([1, 4, 16].map((batch) => solveOde({ ...model, tMax: 200, batch, mode: "finite-d" })));
    expect(runs[1].params.a2).toBe(runs[0].params.a2 / 4);
    expect(runs[2].params.batch).toBe(16);
    expect(runs[1].params.a1).toBe(runs[0].params.a1);
    // the variance term (noise and SGD's own fluctuations) is what keeps the blue line's risk up (theory.md §11)
    expect(runs[1].risk.at(-1)!).toBeLessThan(runs[0].risk.at(-1)!);
    expect(runs[2].risk.at(-1)!).toBeLessThan(runs[1].risk.at(-1)!);
  });

  it("gives the same trajectories on every backend (direct and chain, B = 3, λ = 0.2)", async () => {
    for (const method of ["direct", "chain"] as const) {
      const o = { ...model, d: 200, tMax: 2, batch: 3, weightDecay: 0.2, method };
      const [simd, scalar, js] = await Promise.all((["wasm-simd", "wasm-scalar", "js"] as const).map((backend) => simulate({ ...o, backend })));
      expect(maxRelDiff(simd.risk, js.risk), method).toBeLessThan(1e-10);
      expect(maxRelDiff(scalar.risk, js.risk), method).toBeLessThan(1e-10);
      expect(simd.params.batch).toBe(3);
      expect(simd.params.weightDecay).toBe(0.2);
    }
  });

  it("handle p + k > d in the chain (the Wishart part has fewer than B dimensions), in law like direct SGD", async () => {
    const o = { d: 6, p: 4, k: 3, noise: 1e-3, seed: 2, tMax: 1, points: 2, batch: 3, weightDecay: 0.1, gamma0: 1 };
    const [direct, chain] = await Promise.all([simulate({ ...o, method: "direct", seeds: 400 }), simulate({ ...o, method: "chain", seeds: 400 })]);
    const d = direct.ensemble!;
    const c = chain.ensemble!;
    for (let j = 1; j < d.mean.length; j++) {
      expect(Math.abs(d.mean[j] - c.mean[j]) / Math.hypot(d.se[j], c.se[j])).toBeLessThan(4.5);
      // the spread too: the standard deviations within 25%
      expect(c.std[j] / d.std[j]).toBeGreaterThan(0.75);
      expect(c.std[j] / d.std[j]).toBeLessThan(1.33);
    }
  }, 60_000);

  it("phasePoint counts its budget and its fixed n in samples, B per step", async () => {
    const { phasePoint } = await import("../src/phase/phase.js");
    const point = await phasePoint({ d: 50, kappa: 0, delta: 0, batch: 4, budget: 2000, tEnd: 100, samplesFixed: 1000, ode: false, weightDecay: 0.1 });
    expect(point.budgetExhausted).toBe(true); // t = 100 needs 5000 steps of 4 samples
    expect(point.samples).toBe(2000);
    expect(point.tReached).toBe(10); // 500 steps at δt = 1/50
    expect(point.samplesFixed).toBe(1000);
    const direct = await simulate({ d: 50, kappa: 0, k: 1, gamma0: 1, noise: 1e-3, times: [5, 10], batch: 4, weightDecay: 0.1, method: point.method });
    expect(point.riskAtSamples).toBe(direct.risk[1]);
    expect(point.riskEnd).toBe(direct.risk[2]);
  });

  it("name the option and the rule for bad values", async () => {
    await expect(simulate({ batch: 0 })).rejects.toThrow(/`batch` must be an integer in \[1, 4096\]/);
    await expect(simulate({ batch: 2.5 })).rejects.toThrow(/`batch`/);
    await expect(simulate({ weightDecay: -1 })).rejects.toThrow(/`weightDecay` must be a finite number ≥ 0/);
    await expect(simulate({ d: 10, p: 2, k: 1, weightDecay: 11 })).rejects.toThrow(/`weightDecay` must be < p·d\/γ = 10/);
    await expect(solveOde({ batch: -2 })).rejects.toThrow(/`batch`/);
  });
});

describe("the extensions' flags, the same in every command that runs the model", () => {
  it("simulate, ode and compare take --batch, --weight-decay, --a-teacher, --a-init, --gamma-a and record them", async () => {
    const { cli } = await import("./helpers.js");
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "sgd-phase-ext-"));
    const flags = ["--d", "100", "--p", "2", "--k", "1", "--noise", "1e-3", "--times", "0.5,1", "--batch", "4", "--weight-decay", "0.5"];
    const layers = ["--a-teacher", "1.5", "--a-init", "0.5,0.7", "--gamma-a", "1"];
    const sim = await cli(["simulate", ...flags, ...layers, "--seed", "3", "--out", join(dir, "s.json")]);
    expect(sim.code, sim.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(dir, "s.json"), "utf8"));
    expect(s.params).toMatchObject({ batch: 4, weightDecay: 0.5, aTeacher: [1.5], aInit: [0.5, 0.7], gammaA: 1 });
    expect(s.samples).toEqual([0, 200, 400]); // 50 and 100 steps of 4 samples
    const api = await simulate({ d: 100, p: 2, k: 1, noise: 1e-3, times: [0.5, 1], batch: 4, weightDecay: 0.5, aTeacher: 1.5, aInit: [0.5, 0.7], gammaA: 1, seed: 3 });
    expect(s.risk).toEqual(api.risk);
    expect(s.a).toEqual(api.a);
    const ode = await cli(["ode", ...flags, ...layers, "--mode", "finite-d", "--out", join(dir, "o.json")]);
    expect(ode.code, ode.stderr).toBe(0);
    const o = JSON.parse(readFileSync(join(dir, "o.json"), "utf8"));
    expect(o.params).toMatchObject({ batch: 4, weightDecay: 0.5, gammaA: 1 });
    expect(o.a).toHaveLength(3);
    const compare = await cli(["compare", ...flags, "--seeds", "3", "--out", join(dir, "c.json")]);
    expect(compare.code, compare.stderr).toBe(0);
    const c = JSON.parse(readFileSync(join(dir, "c.json"), "utf8"));
    expect(JSON.stringify(c)).toContain('"batch":4');
    const relu = await cli(["ode", "--d", "100", "--p", "2", "--k", "1", "--t-max", "1", "--points", "2", "--activation", "relu", "--activation-teacher", "erf", "--mc-samples", "2000", "--mc-seed", "4", "--out", join(dir, "r.json")]);
    expect(relu.code, relu.stderr).toBe(0);
    const r = JSON.parse(readFileSync(join(dir, "r.json"), "utf8"));
    expect(r.params).toMatchObject({ activation: "relu", activationTeacher: "erf", psi: "monte-carlo", mcSamples: 2000, mcSeed: 4, integrator: "dopri5" });
    expect(r.monteCarlo.samples).toBe(2000);
    const simRelu = await cli(["simulate", "--d", "100", "--p", "2", "--k", "1", "--t-max", "1", "--points", "2", "--activation", "linear", "--out", join(dir, "l.json")]);
    expect(simRelu.code, simRelu.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "l.json"), "utf8")).params).toMatchObject({ activation: "linear", activationTeacher: "linear" });
    const lazy = await cli(["simulate", "--d", "100", "--p", "2", "--k", "1", "--t-max", "1", "--points", "2", "--lazy", "--mc-samples", "2000", "--out", join(dir, "z.json")]);
    expect(lazy.code, lazy.stderr).toBe(0);
    const z = JSON.parse(readFileSync(join(dir, "z.json"), "utf8"));
    expect(z.params).toMatchObject({ lazy: true, mcSamples: 2000 });
    expect(z.R).toHaveLength(3);
    const bad = await cli(["simulate", "--batch", "0"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/batch/);
  }, 60_000);
});

describe("second layers: a* given, a trained with its own learning rate", () => {
  const model = { d: 1000, p: 3, k: 2, noise: 1e-3, seed: 11, tMax: 20, points: 4 };
  const layers = { gammaA: 1, aTeacher: [1, 2], aInit: 0.5 };

  it("the risk with general a, a* agrees with a Monte-Carlo estimate of ½E[(f* − f)²] (|z| < 4.5)", async () => {
    const { createEngine } = await import("../src/engine/engine.js");
    const { gaussian, cholesky, randomCovariance } = await import("./gaussian.js");
    const { sigma } = await import("../src/reference/activation.js");
    const g = gaussian(21);
    const p = 3, k = 2, r = p + k;
    const omega = randomCovariance(g, r, 2);
    const a = [0.5, -1.2, 2], aStar = [1.5, -0.7];
    for (const backend of ["wasm-simd", "js"] as const) {
      const e = await createEngine(backend, { d: 2, p, k });
      const { f64, layout } = e;
      f64.set(omega.slice(0, p).flatMap((row) => row.slice(0, p)), layout.Q / 8);
      f64.set(omega.slice(0, p).flatMap((row) => row.slice(p)), layout.M / 8);
      f64.set(omega.slice(p).flatMap((row) => row.slice(p)), layout.P / 8);
      f64.set(a, layout.a / 8);
      f64.set(aStar, layout.aStar / 8);
      const closed = e.riskCompute();
      const L = cholesky(omega);
      const n = 200_000;
      let sum = 0, sum2 = 0;
      const z = new Array<number>(r);
      for (let s = 0; s < n; s++) {
        for (let i = 0; i < r; i++) z[i] = g();
        const u = L.map((row) => row.reduce((t, v, m) => t + v * z[m], 0));
        const f = a.reduce((t, ai, i) => t + ai * sigma(u[i]), 0) / p;
        const fStar = aStar.reduce((t, ar, j) => t + ar * sigma(u[p + j]), 0) / k;
        const loss = 0.5 * (fStar - f) ** 2;
        sum += loss;
        sum2 += loss * loss;
      }
      const mean = sum / n;
      const se = Math.sqrt((sum2 / n - mean * mean) / n);
      expect(Math.abs(closed - mean) / se, backend).toBeLessThan(4.5);
    }
  });

  it("the chain has the law of direct SGD and the ODE follows both, the risk and a (60 chain and 24 direct seeds)", async () => {
    const o = { ...model, ...layers };
    const [direct, chain, ode] = await Promise.all([
      simulate({ ...o, method: "direct", seeds: DIRECT_SEEDS }),
      simulate({ ...o, method: "chain", seeds: 60 }),
      solveOde({ ...o, mode: "finite-d" }),
    ]);
    const d = direct.ensemble!;
    const c = chain.ensemble!;
    for (let j = 1; j < ode.t.length; j++) {
      expect(Math.abs(d.mean[j] - c.mean[j]) / Math.hypot(d.se[j], c.se[j]), `t = ${ode.t[j]}`).toBeLessThan(4.5);
      for (const e of [d, c]) expect(Math.abs(e.mean[j] - ode.risk[j]), `t = ${ode.t[j]}`).toBeLessThan(4.5 * e.se[j] + 0.03 * ode.risk[j]);
    }
    // a moved from 0.5 towards the teacher's scale; its mean over 20 chain seeds follows the ODE's a
    expect(ode.a!.at(-1)!.every((v) => v > 0.9)).toBe(true);
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => simulate({ ...o, method: "chain", seed: 100 + i, initSeed: 11 })));
    for (let j = 0; j < 3; j++) {
      const values = runs.map((run) => run.a!.at(-1)![j]);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const se = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1) / values.length);
      expect(Math.abs(mean - ode.a!.at(-1)![j]), `a[${j}]`).toBeLessThan(4.5 * se + 0.01);
    }
    expect(direct.a![0]).toEqual([0.5, 0.5, 0.5]);
    expect(direct.params.aTeacher).toEqual([1, 2]);
  }, 60_000);

  it("a fixed at a given value (gammaA = 0) stays there, in the simulators and the ODE", async () => {
    const o = { ...model, aInit: [0.8, 1.2, 1], tMax: 2 };
    const [sim, ode] = await Promise.all([simulate(o), solveOde(o)]);
    expect(sim.a!.every((a) => a.join() === "0.8,1.2,1")).toBe(true);
    expect(ode.a!.every((a) => a.join() === "0.8,1.2,1")).toBe(true);
    expect(sim.risk[0]).toBe(ode.risk[0]);
  });

  it("gives the same trajectories on every backend (direct and chain)", async () => {
    for (const method of ["direct", "chain"] as const) {
      const o = { ...model, d: 200, tMax: 2, ...layers, batch: 2, method };
      const [simd, scalar, js] = await Promise.all((["wasm-simd", "wasm-scalar", "js"] as const).map((backend) => simulate({ ...o, backend })));
      expect(maxRelDiff(simd.risk, js.risk), method).toBeLessThan(1e-10);
      expect(maxRelDiff(scalar.risk, js.risk), method).toBeLessThan(1e-10);
      expect(maxRelDiff(simd.a!.at(-1)!, js.a!.at(-1)!), method).toBeLessThan(1e-10);
    }
  });

  it("the ODE with a trained a gives the same curve in the SIMD and the scalar build", async () => {
    const o = { ...model, ...layers, tMax: 5, mode: "finite-d" as const };
    const [simd, scalar] = await Promise.all([solveOde({ ...o, backend: "wasm-simd" }), solveOde({ ...o, backend: "wasm-scalar" })]);
    expect(maxRelDiff(simd.risk, scalar.risk)).toBeLessThan(1e-9);
    expect(maxRelDiff(simd.a!.at(-1)!, scalar.a!.at(-1)!)).toBeLessThan(1e-9);
  });

  it("name the option and the rule for bad values", async () => {
    await expect(simulate({ p: 3, k: 2, aTeacher: [1, 2, 3] })).rejects.toThrow(/`aTeacher` must hold one number or k = 2 numbers, not 3/);
    await expect(simulate({ p: 3, k: 2, aInit: [1, 2] })).rejects.toThrow(/`aInit` must hold one number or p = 3 numbers, not 2/);
    await expect(simulate({ gammaA: -1 })).rejects.toThrow(/`gammaA` must be a finite number ≥ 0/);
    await expect(solveOde({ aTeacher: Number.NaN })).rejects.toThrow(/`aTeacher`/);
  });
});

describe("activations: ReLU and linear units, for students and teachers independently", () => {
  const ACTS = ["erf", "relu", "linear"] as const;
  const CODES = { erf: 0, relu: 1, linear: 2 } as const;

  it("I2 of every pair of activations agrees with a Monte-Carlo estimate (2·10⁵ samples, |z| < 4.5; Wasm and JS)", async () => {
    const { instantiateBuild } = await import("../src/engine/wasm.js");
    const { I2pair } = await import("../src/reference/integrals.js");
    const { activation } = await import("../src/reference/activation.js");
    const { gaussian, cholesky, randomCovariance } = await import("./gaussian.js");
    const wasm = await instantiateBuild("wasm-simd");
    const g = gaussian(5);
    for (const a of ACTS) {
      for (const b of ACTS) {
        const C = randomCovariance(g, 2, 1.7);
        const L = cholesky(C);
        const closed = wasm.integralI2pair(CODES[a], CODES[b], C[0][0], C[0][1], C[1][1]);
        expect(I2pair(CODES[a], CODES[b], C[0][0], C[0][1], C[1][1]), `${a}·${b} JS`).toBeCloseTo(closed, 14);
        const n = 200_000;
        let sum = 0, sum2 = 0;
        for (let s = 0; s < n; s++) {
          const z0 = g(), z1 = g();
          const u = L[0][0] * z0, v = L[1][0] * z0 + L[1][1] * z1;
          const f = activation(CODES[a], u) * activation(CODES[b], v);
          sum += f;
          sum2 += f * f;
        }
        const mean = sum / n;
        const se = Math.sqrt((sum2 / n - mean * mean) / n);
        expect(Math.abs(closed - mean) / se, `${a}·${b}`).toBeLessThan(4.5);
      }
    }
  });

  it("I3 of every pair (σ' of one activation, σ of another) agrees with a Monte-Carlo estimate (4·10⁵ samples, |z| < 4.5; Wasm and JS)", async () => {
    const { instantiateBuild } = await import("../src/engine/wasm.js");
    const { I3pair } = await import("../src/reference/integrals.js");
    const { activation, activationPrime } = await import("../src/reference/activation.js");
    const { gaussian, cholesky, randomCovariance } = await import("./gaussian.js");
    const wasm = await instantiateBuild("wasm-simd");
    const g = gaussian(6);
    for (const a of ACTS) {
      for (const b of ACTS) {
        const C = randomCovariance(g, 3, 1.5);
        const L = cholesky(C);
        const args = [C[0][0], C[0][1], C[0][2], C[1][1], C[1][2], C[2][2]] as const;
        const closed = wasm.integralI3pair(CODES[a], CODES[b], ...args);
        expect(I3pair(CODES[a], CODES[b], ...args), `${a}'·${b} JS`).toBeCloseTo(closed, 14);
        const n = 400_000;
        let sum = 0, sum2 = 0;
        for (let s = 0; s < n; s++) {
          const z = [g(), g(), g()];
          const u = L.map((row) => row.reduce((t, v, m) => t + v * z[m], 0));
          const f = activationPrime(CODES[a], u[0]) * u[1] * activation(CODES[b], u[2]);
          sum += f;
          sum2 += f * f;
        }
        const mean = sum / n;
        const se = Math.sqrt((sum2 / n - mean * mean) / n);
        expect(Math.abs(closed - mean) / se, `${a}'·${b}`).toBeLessThan(4.5);
      }
    }
  });

  it.each([
    ["relu", "relu"],
    ["relu", "erf"],
    ["linear", "erf"],
    ["tanh", "tanh"],
  ] as const)("%s students, %s teachers: the chain has the law of direct SGD and the Monte-Carlo ODE follows both (40 chain and 24 direct seeds)", async (activation, activationTeacher) => {
    const o = { d: 1000, p: 3, k: 2, noise: 1e-3, seed: 11, tMax: 20, points: 4, gamma0: 1, activation, activationTeacher };
    const [direct, chain, ode] = await Promise.all([
      simulate({ ...o, method: "direct", seeds: DIRECT_SEEDS }),
      simulate({ ...o, method: "chain", seeds: 40 }),
      solveOde({ ...o, mode: "finite-d" }),
    ]);
    expect(ode.params.psi).toBe("monte-carlo");
    expect(ode.monteCarlo!.samples).toBe(20000);
    const d = direct.ensemble!;
    const c = chain.ensemble!;
    for (let j = 1; j < ode.t.length; j++) {
      expect(Math.abs(d.mean[j] - c.mean[j]) / Math.hypot(d.se[j], c.se[j]), `t = ${ode.t[j]}`).toBeLessThan(4.5);
      // the ODE: its finite-d gap (≤ 3%, as for erf) and the Monte-Carlo error of its variance term
      for (const e of [d, c]) expect(Math.abs(e.mean[j] - ode.risk[j]), `t = ${ode.t[j]}`).toBeLessThan(4.5 * e.se[j] + 0.03 * ode.risk[j]);
    }
    expect(direct.params.activation).toBe(activation);
    expect(direct.params.activationTeacher).toBe(activationTeacher);
  }, 90_000);

  it("the Monte-Carlo ψ agrees with the closed forms (erf, linear) within its stated error, and its curve too", async () => {
    const model = { d: 1000, p: 3, k: 2, noise: 1e-3, seed: 11, tMax: 20, points: 4, mode: "finite-d" as const };
    for (const activation of ["erf", "linear"] as const) {
      const [closed, mc] = await Promise.all([solveOde({ ...model, activation, rtol: 1e-10 }), solveOde({ ...model, activation, psi: "monte-carlo", mcSamples: 40000 })]);
      expect(closed.params.psi).toBe("closed-form");
      // the curves: within 2% everywhere (the estimated ψ is off by ~1/√S, its effect on R accumulates)
      for (let j = 0; j < closed.t.length; j++) expect(Math.abs(mc.risk[j] / closed.risk[j] - 1), `${activation}, t = ${closed.t[j]}`).toBeLessThan(0.02);
      expect(mc.monteCarlo!.standardError.start).toBeGreaterThan(0);
      expect(mc.monteCarlo!.relativeError.start).toBeLessThan(0.05);
    }
    // ψ itself at one state: each component within 4.5 standard errors of the closed form
    const { createEngine, setSlot } = await import("../src/engine/engine.js");
    const { Slot, Stream } = await import("../src/shared/layout.js");
    const { packState } = await import("../src/ode.js");
    const { gaussian, randomCovariance } = await import("./gaussian.js");
    const p = 3, k = 2, r = 5, S = 40000;
    const C = randomCovariance(gaussian(8), r, 1.3);
    const state = packState(C.slice(0, p).map((row) => row.slice(0, p)), C.slice(0, p).map((row) => row.slice(p)));
    const psi = async (mc: boolean, a1: number, a2: number) => {
      const e = await createEngine("wasm-simd", { d: 0, p, k, outputs: 1, mcSamples: mc ? S : 0 });
      for (const [slot, v] of [[Slot.A1, a1], [Slot.A2, a2], [Slot.NOISE, 0.01]] as const) setSlot(e, slot, v);
      e.f64.set(C.slice(p).flatMap((row) => row.slice(p)), e.layout.P / 8);
      e.f64.set(state, e.layout.y / 8);
      if (mc) {
        e.seed(3, Stream.MC);
        e.normals(e.layout.mc, S * r);
        setSlot(e, Slot.MC_SQUARES_PTR, e.layout.scratch + 8 * state.length);
      }
      e.driftEval(e.layout.y, e.layout.scratch);
      const at = e.layout.scratch / 8;
      return { mean: Array.from(e.f64.subarray(at, at + state.length)), squares: Array.from(e.f64.subarray(at + state.length, at + 2 * state.length)) };
    };
    // the sampled part, Φ (a1 = 0): each component within 4.5 standard errors of the closed form
    const [exact, estimate] = await Promise.all([psi(false, 0, 0.8), psi(true, 0, 0.8)]);
    estimate.mean.forEach((m, i) => {
      if (exact.mean[i] === 0) return expect(m).toBe(0); // M has no variance term
      const se = Math.sqrt((estimate.squares[i] - m * m) / S);
      expect(Math.abs(m - exact.mean[i]) / se, `component ${i}`).toBeLessThan(4.5);
    });
    // the gradient part (a2 = 0) is in closed form on both paths: I3pair(erf, erf) = I3
    const [exactG, hybridG] = await Promise.all([psi(false, 1.2, 0), psi(true, 1.2, 0)]);
    expect(maxRelDiff(hybridG.mean, exactG.mean)).toBeLessThan(1e-13);
  }, 60_000);

  it("the linear closed form of ψ equals the plain formulas (G = Σ c_a Ω_ab, Φ = Σ c_a c_b Ω_ab + Δ)", async () => {
    const { createEngine, setSlot } = await import("../src/engine/engine.js");
    const { Slot } = await import("../src/shared/layout.js");
    const { packState } = await import("../src/ode.js");
    const { gaussian, randomCovariance } = await import("./gaussian.js");
    const p = 3, k = 2, r = 5;
    const C = randomCovariance(gaussian(9), r, 1.1);
    const e = await createEngine("wasm-scalar", { d: 0, p, k, outputs: 1 });
    for (const [slot, v] of [[Slot.A1, 1.2], [Slot.A2, 0.8], [Slot.NOISE, 0.01], [Slot.ACT_STUDENT, 2], [Slot.ACT_TEACHER, 2]] as const) setSlot(e, slot, v);
    e.f64.set(C.slice(p).flatMap((row) => row.slice(p)), e.layout.P / 8);
    const state = packState(C.slice(0, p).map((row) => row.slice(0, p)), C.slice(0, p).map((row) => row.slice(p)));
    e.f64.set(state, e.layout.y / 8);
    e.driftEval(e.layout.y, e.layout.scratch);
    const got = Array.from(e.f64.subarray(e.layout.scratch / 8, e.layout.scratch / 8 + state.length));
    const c = (a: number) => (a < p ? -1 / p : 1 / k);
    const G = (b: number) => C.reduce((s, row, a) => s + c(a) * row[b], 0);
    const phi = C.reduce((s, row, a) => s + row.reduce((t, v, b) => t + c(a) * c(b) * v, 0), 0) + 0.01;
    const dQ = Array.from({ length: p }, (_, j) => Array.from({ length: p }, (_, l) => 1.2 * (G(l) + G(j)) + 0.8 * phi));
    const dM = Array.from({ length: p }, () => Array.from({ length: k }, (_, t) => 1.2 * G(p + t)));
    expect(maxRelDiff(got, packState(dQ, dM))).toBeLessThan(1e-13);
  });

  it("simulators agree across backends with ReLU and linear units", async () => {
    for (const method of ["direct", "chain"] as const) {
      const o = { d: 200, p: 3, k: 2, tMax: 2, points: 3, noise: 1e-3, activation: "relu" as const, activationTeacher: "linear" as const, gamma0: 1, method };
      const [simd, js] = await Promise.all([simulate({ ...o, backend: "wasm-simd" }), simulate({ ...o, backend: "js" })]);
      expect(maxRelDiff(simd.risk, js.risk), method).toBeLessThan(1e-10);
    }
  });

  it("tanh units: the Monte-Carlo risk at a random state agrees with an independent Monte-Carlo estimate", async () => {
    const { createEngine, drawSamples, setSlot, slotValue } = await import("../src/engine/engine.js");
    const { Slot } = await import("../src/shared/layout.js");
    const { gaussian, cholesky, randomCovariance } = await import("./gaussian.js");
    const p = 3, k = 2, r = 5, S = 40000;
    const g = gaussian(12);
    const C = randomCovariance(g, r, 1.8);
    const e = await createEngine("wasm-simd", { d: 2, p, k, mcSamples: S });
    setSlot(e, Slot.ACT_STUDENT, 3);
    setSlot(e, Slot.ACT_TEACHER, 0);
    e.f64.set(C.slice(0, p).flatMap((row) => row.slice(0, p)), e.layout.Q / 8);
    e.f64.set(C.slice(0, p).flatMap((row) => row.slice(p)), e.layout.M / 8);
    e.f64.set(C.slice(p).flatMap((row) => row.slice(p)), e.layout.P / 8);
    drawSamples(e, 7, r);
    const risk = e.riskCompute();
    const se = slotValue(e, Slot.RISK_SE);
    const { activation } = await import("../src/reference/activation.js");
    const L = cholesky(C);
    const n = 200_000;
    let sum = 0, sum2 = 0;
    for (let s = 0; s < n; s++) {
      const z = Array.from({ length: r }, g);
      const u = L.map((row) => row.reduce((t, v, m) => t + v * z[m], 0));
      const f = u.slice(0, p).reduce((t, v) => t + activation(3, v), 0) / p;
      const fStar = u.slice(p).reduce((t, v) => t + activation(0, v), 0) / k;
      const loss = 0.5 * (fStar - f) ** 2;
      sum += loss;
      sum2 += loss * loss;
    }
    const mean = sum / n;
    const seTest = Math.sqrt((sum2 / n - mean * mean) / n);
    expect(Math.abs(risk - mean) / Math.hypot(se, seTest)).toBeLessThan(4.5);
  });

  it("name the option and the rule for bad values", async () => {
    await expect(simulate({ activation: "sigmoid" as never })).rejects.toThrow(/`activation` must be one of "erf", "relu", "linear", "tanh" or/);
    await expect(simulate({ activation: "tanh", backend: "js" })).rejects.toThrow(/`backend` must be a Wasm build with tanh or user-given units/);
    await expect(solveOde({ activation: "relu", psi: "closed-form" })).rejects.toThrow(/`psi` "closed-form" exists for erf or linear/);
    await expect(solveOde({ psi: "monte-carlo", mcSamples: 101 })).rejects.toThrow(/`mcSamples` must be an even integer/);
    await expect(solveOde({ mcSamples: 100 })).rejects.toThrow(/`mcSamples` is an option of psi "monte-carlo" only/);
  });
});

describe("lazy training: the student linearised around W0 (direct simulator)", () => {
  const o = { d: 500, p: 4, k: 2, noise: 1e-3, seed: 2, tMax: 20, points: 5 };

  it("with linear units the linearisation is the network itself: the same Q, M as full training, and its Monte-Carlo risk agrees with the closed form", async () => {
    const [lazy, full] = await Promise.all([simulate({ ...o, activation: "linear", lazy: true }), simulate({ ...o, activation: "linear", method: "direct" })]);
    expect(maxRelDiff(lazy.Q.at(-1)!.flat(), full.Q.at(-1)!.flat())).toBeLessThan(1e-12);
    expect(maxRelDiff(lazy.M.at(-1)!.flat(), full.M.at(-1)!.flat())).toBeLessThan(1e-12);
    lazy.risk.forEach((r, j) => expect(Math.abs(r - full.risk[j]) / lazy.riskStandardError![j], `t = ${lazy.t[j]}`).toBeLessThan(4.5));
    expect(lazy.params).toMatchObject({ lazy: true, mcSamples: 20000, method: "direct" });
  });

  it("starts from the network's own risk and R = W W0ᵀ/d = Q at t = 0, then leaves W0 (erf)", async () => {
    const [lazy, full] = await Promise.all([simulate({ ...o, lazy: true }), simulate({ ...o, method: "direct" })]);
    expect(lazy.R![0]).toEqual(lazy.Q[0]);
    expect(Math.abs(lazy.risk[0] - full.risk[0]) / lazy.riskStandardError![0]).toBeLessThan(4.5);
    // the weights move: R no longer equals Q, and the risk went down
    expect(maxRelDiff(lazy.R!.at(-1)!.flat(), lazy.Q.at(-1)!.flat())).toBeGreaterThan(1e-3);
    expect(lazy.risk.at(-1)!).toBeLessThan(0.5 * lazy.risk[0]);
  });

  it("is refused where it cannot run, naming the option", async () => {
    await expect(simulate({ ...o, lazy: true, method: "chain" })).rejects.toThrow(/`method` must be "direct" \(or "auto"\) with lazy training/);
    await expect(simulate({ ...o, lazy: true, gammaA: 1 })).rejects.toThrow(/`gammaA` must be 0 with lazy training/);
    await expect(simulate({ ...o, lazy: true, backend: "js" })).rejects.toThrow(/`backend` must be a Wasm build with lazy training/);
    await expect(simulate({ ...o, mcSamples: 100 })).rejects.toThrow(/`mcSamples` is an option of lazy training/);
    await expect(solveOde({ ...o, lazy: true } as never)).rejects.toThrow(/`lazy` is an option of the simulator only/);
  });
});

describe("user-given activations (tabulated, interpolated in Wasm)", () => {
  const o = { d: 500, p: 3, k: 2, noise: 1e-3, seed: 4, tMax: 10, points: 4, gamma0: 1 };
  const myTanh = { name: "tanh", fn: (u: number) => Math.tanh(u), derivative: (u: number) => 1 - Math.tanh(u) ** 2 };

  it("a user-given tanh runs like the built-in one: the same weights to 1e-7 in both simulators, the same Monte-Carlo risk and ODE", async () => {
    for (const method of ["direct", "chain"] as const) {
      const [custom, builtin] = await Promise.all([simulate({ ...o, method, activation: myTanh }), simulate({ ...o, method, activation: "tanh" })]);
      expect(custom.params.activation).toBe("custom:tanh");
      expect(maxRelDiff(custom.Q.at(-1)!.flat(), builtin.Q.at(-1)!.flat()), method).toBeLessThan(1e-7);
      expect(maxRelDiff(custom.risk, builtin.risk), method).toBeLessThan(1e-7);
    }
    const [a, b] = await Promise.all([solveOde({ ...o, activation: myTanh, mode: "finite-d" }), solveOde({ ...o, activation: "tanh", mode: "finite-d" })]);
    expect(maxRelDiff(a.risk, b.risk)).toBeLessThan(1e-6);
  });

  it("without a derivative, central differences of fn serve (erf given as a function: the same trajectory as the built-in erf)", async () => {
    const { erf } = await import("../src/reference/activation.js");
    const myErf = { name: "erf", fn: (u: number) => erf(u / Math.SQRT2) };
    const [custom, builtin] = await Promise.all([simulate({ ...o, method: "direct", activation: myErf, activationTeacher: "erf" }), simulate({ ...o, method: "direct" })]);
    expect(maxRelDiff(custom.Q.at(-1)!.flat(), builtin.Q.at(-1)!.flat())).toBeLessThan(1e-8);
    expect(custom.params.activationTeacher).toBe("erf");
    // its risk is the Monte-Carlo estimate (the closed form is for the built-in erf only): within its stated error
    const j = custom.risk.length - 1;
    expect(Math.abs(custom.risk[j] - builtin.risk[j]) / custom.riskStandardError![j]).toBeLessThan(4.5);
  });

  it("refuses a function that is not finite on the table's range, naming the option", async () => {
    const bad = { name: "log", fn: (u: number) => Math.log(u) };
    await expect(simulate({ ...o, activation: bad })).rejects.toThrow(/`activation` must return finite numbers \(and derivatives\) on \[−12, 12\]/);
    await expect(simulate({ ...o, activationTeacher: bad })).rejects.toThrow(/`activationTeacher` must return finite numbers/);
    await expect(simulate({ ...o, activation: { name: "x" } as never })).rejects.toThrow(/`activation` must be one of "erf", "relu", "linear", "tanh" or \{ name, fn, derivative\? \}/);
  });
});
