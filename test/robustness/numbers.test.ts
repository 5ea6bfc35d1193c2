// Issue 13, item 5: the closed forms stay finite and correct over the whole range of their inputs (no product of
// two variances is formed, so nothing overflows before the result does). References are independent closed forms:
// the limits of the integrals for C → ∞ (the "1 +" of σ = erf(u/√2) negligible), written out here.
import { describe, expect, it } from "vitest";
import { instantiateBuild } from "../../src/engine/wasm.js";
import * as reference from "../../src/reference/integrals.js";
import { simulate, solveOde } from "../../src/index.js";
import { cli, relErr } from "../helpers.js";

const wasm = await instantiateBuild("wasm-simd");
const scalar = await instantiateBuild("wasm-scalar");
const impls = {
  "wasm-simd": { I2: wasm.integralI2, J2: wasm.integralJ2, I3: wasm.integralI3, I4: wasm.integralI4 },
  "wasm-scalar": { I2: scalar.integralI2, J2: scalar.integralJ2, I3: scalar.integralI3, I4: scalar.integralI4 },
  js: { I2: reference.I2, J2: reference.J2, I3: reference.I3, I4: reference.I4 },
} as Record<string, Record<"I2" | "J2" | "I3" | "I4", (...c: number[]) => number>>;

// a fixed positive-definite 4×4 covariance (correlations 0.3–0.6)
const C = [
  [1.0, 0.5, 0.3, 0.4],
  [0.5, 1.2, 0.6, 0.2],
  [0.3, 0.6, 0.9, 0.35],
  [0.4, 0.2, 0.35, 1.1],
];
const c = (i: number, j: number, s: number) => s * C[i][j];
// limits for C → λC, λ → ∞: I2 → (2/π) asin(ρ12); λ·J2 → (2/π)/√(C11C22 − C12²);
// I3 → (2/π)(C23C11 − C12C13)/(C11 √(C11C33 − C13²)); λ·I4 → (4/π²) L4^(−½) asin(L0/√(L1L2)) without the 1's
const limit = {
  I2: (2 / Math.PI) * Math.asin(C[0][1] / Math.sqrt(C[0][0] * C[1][1])),
  J2: 2 / Math.PI / Math.sqrt(C[0][0] * C[1][1] - C[0][1] ** 2),
  I3: ((2 / Math.PI) * (C[1][2] * C[0][0] - C[0][1] * C[0][2])) / (C[0][0] * Math.sqrt(C[0][0] * C[2][2] - C[0][2] ** 2)),
  I4: (() => {
    const [a, b] = [C[0][0], C[1][1]];
    const l4 = a * b - C[0][1] ** 2;
    const l0 = l4 * C[2][3] - C[1][2] * C[1][3] * a - C[0][2] * C[0][3] * b + C[0][1] * C[0][2] * C[1][3] + C[0][1] * C[0][3] * C[1][2];
    const l1 = l4 * C[2][2] - C[1][2] ** 2 * a - C[0][2] ** 2 * b + 2 * C[0][1] * C[0][2] * C[1][2];
    const l2 = l4 * C[3][3] - C[1][3] ** 2 * a - C[0][3] ** 2 * b + 2 * C[0][1] * C[0][3] * C[1][3];
    return (4 / Math.PI ** 2 / Math.sqrt(l4)) * Math.asin(l0 / Math.sqrt(l1 * l2));
  })(),
};

describe.each(Object.keys(impls))("integrals at huge variances (%s)", (name) => {
  const f = impls[name];
  it.each([1e20, 1e160, 1e200, 1e300])("reach their C → ∞ limits at scale %s, finite", (s) => {
    const i2 = f.I2(c(0, 0, s), c(0, 1, s), c(1, 1, s));
    const j2 = f.J2(c(0, 0, s), c(0, 1, s), c(1, 1, s)) * s;
    const i3 = f.I3(c(0, 0, s), c(0, 1, s), c(0, 2, s), c(1, 1, s), c(1, 2, s), c(2, 2, s));
    const i4 = f.I4(c(0, 0, s), c(0, 1, s), c(0, 2, s), c(0, 3, s), c(1, 1, s), c(1, 2, s), c(1, 3, s), c(2, 2, s), c(2, 3, s), c(3, 3, s)) * s;
    // the neglected 1's are O(1/s) relative: 1e-20 at the smallest scale
    expect(relErr(i2, limit.I2)).toBeLessThan(1e-13);
    expect(relErr(j2, limit.J2)).toBeLessThan(1e-13);
    expect(relErr(i3, limit.I3)).toBeLessThan(1e-13);
    expect(relErr(i4, limit.I4)).toBeLessThan(1e-12);
  });
});

describe("the risk at huge overlaps", () => {
  // Q = 1e200: I2(Q,Q,Q) = (2/π) asin(1) = 1; P = 1: 1/3; M = 1e100: asin(1/√2) → 1/2; R = ½(1 + 1/3) − 1/2 = 1/6
  it.each(["wasm-simd", "wasm-scalar", "js"] as const)("is 1/6 for Q0 = 1e200, M0 = 1e100, P = 1 (%s, both methods)", async (backend) => {
    for (const method of ["chain", "direct"] as const) {
      const r = await simulate({ d: 100, p: 1, k: 1, init: { Q0: [[1e200]], M0: [[1e100]], P: [[1]] }, times: [0.01], method, backend });
      expect(relErr(r.risk[0], 1 / 6), `${method}`).toBeLessThan(1e-12);
    }
  });

  it("agrees with its own overlaps after a step with γ0 = 1e100 (the risk recomputed here from Q, M, P by the limit formula)", async () => {
    const r = await simulate({ d: 100, p: 1, k: 1, gamma0: 1e100, tMax: 1, points: 2, seed: 3, method: "direct" });
    const n = r.t.length - 1;
    const [q, m, pp] = [r.Q[n][0][0], r.M[n][0][0], 1];
    expect(Number.isFinite(q) && q > 1e150).toBe(true);
    const I2 = (a: number, b: number, cc: number) => (2 / Math.PI) * Math.asin(b / Math.sqrt(1 + a) / Math.sqrt(1 + cc));
    const expected = 0.5 * I2(pp, pp, pp) + 0.5 * I2(q, q, q) - I2(q, m, pp);
    expect(relErr(r.risk[n], expected)).toBeLessThan(1e-9);
  });
});

describe("a given initial condition is used as given (item 8)", () => {
  // Ω = [[P, 0], [0, Q0]] with Q0 = 1e15 ≫ P = 1: the old tolerance, relative to max Ω_aa, zeroed P
  it.each(["chain", "direct"] as const)("Q0 = 1e15, M0 = 0, P = 1 keeps P = 1 (%s)", async (method) => {
    const r = await simulate({ d: 50, p: 1, k: 1, init: { Q0: [[1e15]], M0: [[0]], P: [[1]] }, times: [0.01], method });
    const I2 = (a: number, b: number, cc: number) => (2 / Math.PI) * Math.asin(b / Math.sqrt(1 + a) / Math.sqrt(1 + cc));
    // asin near 1 turns the last bit of the realised Q into ~1e-9 of I2 (the old code gave 0.5 for 0.667)
    expect(relErr(r.risk[0], 0.5 * I2(1, 1, 1) + 0.5 * I2(1e15, 1e15, 1e15))).toBeLessThan(1e-8);
    expect(relErr(r.Q[0][0][0], 1e15)).toBeLessThan(1e-12);
  });

  it("a near-singular block is factored at its own scale: P = [[1, 0], [0, 1e-20]] (direct)", async () => {
    const r = await simulate({ d: 50, p: 1, k: 2, init: { Q0: [[1]], M0: [[0, 0]], P: [[1, 0], [0, 1e-20]] }, times: [0.01], method: "direct" });
    // the teacher of variance 1e-20 is realised (the tolerance relative to the largest variance dropped it: P22 = 0)
    expect(relErr(r.P[1][1], 1e-20)).toBeLessThan(1e-9);
    expect(relErr(r.P[0][0], 1)).toBeLessThan(1e-12);
  });
});

describe("blow-ups are reported, never averaged away or written as NaN (items 6, 7)", () => {
  it("an ODE whose overlaps blow up keeps a risk that matches its own Q, M, P (relu, finite-d; was NaN)", async () => {
    const r = await solveOde({ d: 100, p: 2, k: 1, tMax: 100, points: 4, activation: "relu", gamma0: 31.75, mode: "finite-d", mcSamples: 2000 });
    const n = r.t.length - 1;
    expect(r.Q[n][0][0]).toBeGreaterThan(1e100);
    // the arc-cosine kernel of two relu units, E[relu(u1) relu(u2)], in the test's own overflow-safe form
    const kernel = (a: number, b: number, c: number) => {
      const rho = Math.max(-1, Math.min(1, b / Math.sqrt(a) / Math.sqrt(c)));
      return (Math.sqrt(a) * Math.sqrt(c) * (Math.sqrt(1 - rho * rho) + rho * (Math.PI - Math.acos(rho)))) / (2 * Math.PI);
    };
    const [Q, M, P] = [r.Q[n], r.M[n], r.P];
    let student = 0;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) student += kernel(Q[i][i], Q[i][j], Q[j][j]);
    const cross = kernel(Q[0][0], M[0][0], P[0][0]) + kernel(Q[1][1], M[1][0], P[0][0]);
    const expected = 0.5 * kernel(P[0][0], P[0][0], P[0][0]) + student / 8 - cross / 2;
    expect(Number.isFinite(r.risk[n])).toBe(true);
    expect(relErr(r.risk[n], expected)).toBeLessThan(1e-9);
  });

  // relu, γ0 = 17, p = 2, k = 1: at t = 39 some seeds have blown up and some not
  const model = { d: 100, p: 2, k: 1, activation: "relu" as const, gamma0: 17, times: [1, 10, 39], seeds: 8 };
  it("an ensemble lists its diverged seeds and averages, at each time, exactly the seeds still finite", async () => {
    const r = await simulate(model);
    const e = r.ensemble!;
    const full = e.t.length;
    const stopped = e.curves.filter((c) => c.length < full).length;
    expect(stopped).toBeGreaterThan(0);
    expect(stopped).toBeLessThan(8);
    expect(e.diverged).toBe(stopped);
    expect(e.divergences!.map((dv) => dv.seed).sort()).toEqual(e.seeds.filter((_, i) => e.curves[i].length < full).sort());
    const last = full - 1;
    const alive = e.curves.filter((c) => c.length > last).map((c) => c[last]);
    expect(e.runs[last]).toBe(alive.length);
    expect(relErr(e.mean[last], alive.reduce((s, v) => s + v, 0) / alive.length)).toBeLessThan(1e-14);
  });

  it("the CLI warns and exits 3 when any seed diverged (simulate, compare)", async () => {
    const args = ["--d", "100", "--p", "2", "--k", "1", "--activation", "relu", "--gamma0", "17", "--times", "1,10,39", "--seeds", "8"];
    const sim = await cli(["simulate", ...args]);
    expect(sim.code).toBe(3);
    expect(sim.stderr).toMatch(/\d of 8 seeds diverged: seed \d+ at t = /);
    expect(sim.stdout).toMatch(/ runs\n/);
    const cmp = await cli(["compare", ...args, "--integrator", "euler", "--step", "0.01", "--psi", "monte-carlo", "--mc-samples", "500"]);
    expect(cmp.stderr).toMatch(/\d of 8 seeds diverged/);
    expect(cmp.code).toBe(3);
  });
});
