// solveOde: the adaptive solutions against ../shared/refs/ode_reference.json (scipy DOP853 at rtol 1e-12,
// an independent implementation), against Euler at small steps, the region's choice of terms, the fixed
// point and the symmetry, the initial conditions shared with the simulator, and bad input.
import { describe, expect, it } from "vitest";
import { solveOde, componentName } from "../src/ode.js";
import { simulate } from "../src/simulate.js";
import { compare } from "../src/compare.js";
import { OptionError, type OdeOptions } from "../src/validate.js";
import { fixture } from "./helpers.js";

const ref = fixture("refs/ode_reference.json");
const refInit = { Q0: ref.Q0 as number[][], M0: ref.M0 as number[][], P: ref.P as number[][] };
interface RefCase {
  delta: number;
  noise: number;
  gamma0: number;
  a1: number;
  a2: number;
  times: number[];
  risk: number[];
}
const refCases = Object.entries(ref.cases as Record<string, RefCase>);

/** The reference's limit prefactors a1 = γ0/p, a2 = (γ0/p)² at κ = 0 are those of our limit mode at any d. */
const refOptions = (c: RefCase): OdeOptions => ({ init: refInit, d: 1000, gamma0: c.gamma0, delta: c.delta, noise: c.noise, times: c.times.slice(1) });

describe("solveOde against ../shared/refs/ode_reference.json (p = 6, k = 3; relative error ≤ 1e-6 at every listed time)", () => {
  it.each(refCases)("%s with BDF at rtol 1e-10", async (_name, c) => {
    const r = await solveOde({ ...refOptions(c), rtol: 1e-10 });
    expect(r.status).toBe("ok");
    expect([r.params.a1, r.params.a2].map((v) => Number(v.toFixed(12)))).toEqual([c.a1, c.a2]);
    expect(r.t).toEqual(c.times);
    c.risk.forEach((v, j) => expect(Math.abs(r.risk[j] - v) / v, `t = ${c.times[j]}`).toBeLessThan(1e-6));
  });

  it.each(refCases)("%s with Dormand–Prince at rtol 1e-10, atol 1e-14", async (_name, c) => {
    const r = await solveOde({ ...refOptions(c), integrator: "dopri5", rtol: 1e-10, atol: 1e-14 });
    c.risk.forEach((v, j) => expect(Math.abs(r.risk[j] - v) / v, `t = ${c.times[j]}`).toBeLessThan(1e-6));
  });

  it("is matched by explicit Euler at step 1e-3 to its O(step) error, which halves with the step (blue line to t = 20)", async () => {
    const c = ref.cases["blue_Delta1e-3"] as RefCase;
    const times = [1, 2, 5, 10, 20];
    const exact = await solveOde({ ...refOptions(c), times, rtol: 1e-11 });
    const euler = async (step: number) => (await solveOde({ ...refOptions(c), times, integrator: "euler", step })).risk;
    const [coarse, fine] = [await euler(2e-3), await euler(1e-3)];
    const err = (risk: number[]) => Math.max(...risk.map((v, j) => Math.abs(v - exact.risk[j]) / exact.risk[j]));
    expect(err(fine)).toBeLessThan(1e-3);
    expect(err(coarse) / err(fine)).toBeGreaterThan(1.8);
    expect(err(coarse) / err(fine)).toBeLessThan(2.2);
  });
});

describe("terms and clock by region", () => {
  const base: OdeOptions = { d: 1000, p: 4, k: 2, tMax: 1, points: 2 };
  it.each([
    ["green", 0.5, { a1: 1, a2: 0 }, 1.5],
    ["blue", 0, { a1: 1, a2: 1 }, 1],
    ["blue", 1e-12, { a1: 1, a2: 1 }, 1], // within the blue line's tolerance
    ["orange", -0.375, { a1: 0, a2: 1 }, 0.25],
  ] as const)("%s (δ = %s): limit prefactors %j on the clock δt = d^−%s", async (region, delta, prefactors, exponent) => {
    const r = await solveOde({ ...base, delta });
    expect(r.params.region).toBe(region);
    expect(r.params.timeExponent).toBeCloseTo(exponent, 12);
    expect(r.params.a1).toBeCloseTo(prefactors.a1, 9);
    expect(r.params.a2).toBeCloseTo(prefactors.a2, 9);
  });

  it("keeps both terms at their finite-d values in mode finite-d (orange: a1 = d^(κ+δ) ≠ 0, so M moves)", async () => {
    const limit = await solveOde({ ...base, delta: -0.375, tMax: 5 });
    const finite = await solveOde({ ...base, delta: -0.375, tMax: 5, mode: "finite-d" });
    expect(finite.params.a1).toBeCloseTo(1000 ** -0.375, 12);
    expect(finite.params.a2).toBeCloseTo(1, 12);
    expect(limit.M.at(-1)).toEqual(limit.M[0]); // frozen
    expect(finite.M.at(-1)).not.toEqual(finite.M[0]);
    expect((await solveOde({ ...base, delta: 0.5, mode: "finite-d" })).params.a2).toBeCloseTo(1000 ** -0.5, 12);
  });

  it("refuses the red region, naming the parameter and pointing to the simulators", async () => {
    for (const delta of [-0.5, -0.75]) {
      const error = await solveOde({ ...base, delta }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OptionError);
      expect((error as OptionError).option).toBe("delta");
      expect((error as Error).message).toMatch(/red region .* no deterministic limit .* use simulate/);
    }
  });
});

describe("solutions", () => {
  it("keeps the perfect student (Q = M = P, Δ = 0) at risk 0 for ever", async () => {
    const P = [[1, 0.2], [0.2, 0.8]];
    const r = await solveOde({ d: 100, init: { Q0: P, M0: P, P }, tMax: 1e4, points: 5 });
    expect(Math.max(...r.risk.map(Math.abs))).toBeLessThan(1e-14);
    r.Q.at(-1)!.flat().forEach((v, i) => expect(Math.abs(v - P.flat()[i])).toBeLessThan(1e-12)); // ψ = 0 up to rounding
  });

  it("permutes with the student units", async () => {
    const perm = [2, 0, 5, 1, 4, 3];
    const permuted = { Q0: perm.map((i) => perm.map((j) => refInit.Q0[i][j])), M0: perm.map((i) => refInit.M0[i]), P: refInit.P };
    const a = await solveOde({ d: 1000, noise: 1e-3, init: refInit, times: [5, 50] });
    const b = await solveOde({ d: 1000, noise: 1e-3, init: permuted, times: [5, 50] });
    a.risk.forEach((v, j) => expect(Math.abs(b.risk[j] - v) / v).toBeLessThan(1e-7));
    perm.forEach((i, x) => a.M.at(-1)![i].forEach((v, t) => expect(Math.abs(b.M.at(-1)![x][t] - v)).toBeLessThan(1e-7)));
  });

  it("reaches the plateau R∞ = 0.1140312573·Δ of theory.md §11 on the blue line (p = 8, k = 4, Δ = 1e-3, t = 1e7)", async () => {
    const r = await solveOde({ d: 1000, p: 8, k: 4, noise: 1e-3, tMax: 1e7, points: 20 });
    expect(r.status).toBe("ok");
    expect(Math.abs(r.risk.at(-1)! / 1.1403125731e-4 - 1)).toBeLessThan(1e-8);
    expect(r.stats.steps).toBeLessThan(5000); // the step count follows the features of the curve, not t
  });

  it("starts from the overlaps of the simulator's initial weights (same d, seed)", async () => {
    const sim = await simulate({ d: 300, p: 5, k: 2, seed: 4, times: [1] });
    const ode = await solveOde({ d: 300, p: 5, k: 2, seed: 4, times: [1] });
    expect(ode.Q[0]).toEqual(sim.Q[0]);
    expect(ode.M[0]).toEqual(sim.M[0]);
    expect(ode.P).toEqual(sim.P);
    expect(ode.risk[0]).toBe(sim.risk[0]);
  });

  it("reports a blow-up with the time and the order parameter (Euler with a step of 10 leaves the PSD cone)", async () => {
    const r = await solveOde({ d: 1000, p: 4, k: 2, integrator: "euler", step: 10, tMax: 1e4, points: 3 });
    expect(r.status).toBe("diverged");
    expect(r.failure!.reason).toMatch(/^(Q|M)\[\d\]\[\d\] became non-finite after t = [\d.e+]+ \(blow-up\)$/);
    expect(r.failure!.quantity).toMatch(/^(Q|M)\[\d\]\[\d\]$/);
    expect([...r.risk, ...r.Q.flat(2)].every(Number.isFinite)).toBe(true);
  });

  it("names the packed components Q[j][l] (j ≤ l) then M[j][t]", () => {
    expect([0, 1, 3, 4, 6, 8, 9].map((i) => componentName(i, 3, 2))).toEqual(["Q[0][0]", "Q[0][1]", "Q[1][1]", "Q[1][2]", "M[0][0]", "M[1][0]", "M[1][1]"]);
  });

  it("reports progress up to the last time", async () => {
    const seen: number[] = [];
    await solveOde({ d: 1000, noise: 1e-3, tMax: 1000, points: 5, onProgress: (p) => seen.push(p.t) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(1000);
  });
});

describe("compare", () => {
  it("puts the finite-d ODE inside the spread of 24 simulations at d = 400 (|ODE − mean| < 4 se + 1% at every time)", async () => {
    const c = await compare({ d: 400, p: 4, k: 2, noise: 1e-3, tMax: 20, points: 6, seeds: 24 });
    expect(c.params.seeds).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(c.params.ode.mode).toBe("finite-d");
    expect(c.simulations.runs.every((n) => n === 24)).toBe(true);
    c.t.forEach((t, j) => {
      const tolerance = 4 * c.simulations.se[j] + 0.01 * c.ode.risk[j]; // O(1/d) bias of the mean, theory.md §8.2
      expect(Math.abs(c.ode.risk[j] - c.simulations.mean[j]), `t = ${t}`).toBeLessThan(tolerance);
    });
    expect(Math.abs(c.ode.risk[0] / c.simulations.mean[0] - 1)).toBeLessThan(1e-14); // one initial condition
    expect(c.simulations.std[0]).toBeLessThan(1e-15);
  }, 30_000);
});

describe("solveOde rejects bad input", () => {
  const cases: [string, OdeOptions, string, RegExp][] = [
    ["rtol = 0", { rtol: 0 }, "rtol", /must be a finite number in \(0, 1\)/],
    ["rtol negative", { rtol: -1e-8 }, "rtol", /must be a finite number in \(0, 1\)/],
    ["atol = 0", { atol: 0 }, "atol", /must be a finite number > 0/],
    ["an unknown integrator", { integrator: "rk4" as never }, "integrator", /must be one of "bdf", "dopri5", "euler"/],
    ["an unknown mode", { mode: "exact" as never }, "mode", /must be one of "limit", "finite-d"/],
    ["step without euler", { step: 0.1 }, "step", /fixed step of integrator "euler" only/],
    ["rtol with euler", { integrator: "euler", rtol: 1e-6 }, "rtol", /no effect with integrator "euler"/],
    ["the js backend", { backend: "js" as never }, "backend", /must be one of "wasm-simd", "wasm-scalar", "wasm-debug"/],
    ["Q0 not symmetric", { init: { ...refInit, Q0: refInit.Q0.map((row, i) => row.map((v, j) => (i === 0 && j === 1 ? v + 0.1 : v))) } }, "init.Q0", /must be symmetric/],
    ["Ω not PSD", { init: { Q0: [[1, 0], [0, 1]], M0: [[2], [0]], P: [[1]] } }, "init", /positive semi-definite/],
    ["M0 of the wrong shape", { init: { ...refInit, M0: refInit.M0.slice(1) } }, "init.M0", /must be 6×3 \(p × k\), not 5×3/],
    ["a non-finite entry", { init: { ...refInit, P: [[1, 0, 0], [0, NaN, 0], [0, 0, 1]] } }, "init.P[1][1]", /finite numbers/],
    ["decreasing times", { times: [2, 1] }, "times[1]", /must be later than times\[0\]/],
  ];
  it.each(cases)("%s", async (_what, options, option, rule) => {
    const error = (await solveOde({ d: 100, ...options }).catch((e: unknown) => e)) as OptionError;
    expect(error).toBeInstanceOf(OptionError);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(rule);
  });
});
