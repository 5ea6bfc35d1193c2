// ψ, the drift of the order parameters (theory.md §8): against the plain double sums of the integrals,
// between backends, its symmetries and fixed point, and against the mean one-step change of Ω measured
// on the direct simulator (Monte Carlo, stated tolerance).
import { describe, expect, it } from "vitest";
import { createEngine, setSlot, type Backend, type Engine } from "../src/engine/engine.js";
import { Slot, Stream } from "../src/shared/layout.js";
import { packState, unpackState } from "../src/ode.js";
import { stateSize } from "../src/engine/memory.js";
import { I2, I3, I4, J2 } from "../src/reference/integrals.js";
import { gaussian, randomCovariance } from "./gaussian.js";

interface Omega {
  Q: number[][];
  M: number[][];
  P: number[][];
}

/** A random overlap matrix Ω (positive definite) split into Q (p×p), M (p×k), P (k×k). */
function randomOmega(p: number, k: number, seed: number, scale = 1): Omega {
  const C = randomCovariance(gaussian(seed), p + k, scale);
  return {
    Q: C.slice(0, p).map((row) => row.slice(0, p)),
    M: C.slice(0, p).map((row) => row.slice(p)),
    P: C.slice(p).map((row) => row.slice(p)),
  };
}

/** ψ by the plain formulas of theory.md §8.1 over all (a, b) and both (j, l): the independent reference. */
function naiveDrift(omega: Omega, a1: number, a2: number, noise: number): number[] {
  const p = omega.Q.length;
  const k = omega.P.length;
  const ones = (n: number) => new Array<number>(n).fill(1);
  return naiveDriftExtended(omega, a1, a2, noise, { a: ones(p), aStar: ones(k), gammaA: 0, lambda: 0 }).slice(0, stateSize(p, k));
}

/** ψ(Ω) evaluated by a backend's driftEval. */
async function drift(backend: Backend, omega: Omega, a1: number, a2: number, noise: number): Promise<number[]> {
  const p = omega.Q.length;
  const k = omega.P.length;
  const e: Engine = await createEngine(backend, { d: 0, p, k, outputs: 1 });
  setSlot(e, Slot.A1, a1);
  setSlot(e, Slot.A2, a2);
  setSlot(e, Slot.NOISE, noise);
  e.f64.set(omega.P.flat(), e.layout.P / 8);
  e.f64.set(packState(omega.Q, omega.M), e.layout.y / 8);
  e.driftEval(e.layout.y, e.layout.scratch);
  return Array.from(e.f64.subarray(e.layout.scratch / 8, e.layout.scratch / 8 + stateSize(p, k)));
}

/** max_i |a_i − b_i| / max_i |b_i| */
function relMax(a: number[], b: number[]): number {
  const scale = Math.max(...b.map(Math.abs));
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / scale;
}

const BACKENDS: Backend[] = ["wasm-simd", "wasm-scalar", "wasm-debug", "js"];

describe("ψ", () => {
  const cases = [
    { p: 1, k: 1, seed: 1, scale: 1 },
    { p: 3, k: 2, seed: 2, scale: 0.5 },
    { p: 6, k: 3, seed: 3, scale: 2 },
    { p: 5, k: 4, seed: 4, scale: 8 },
    // wide and near-orthogonal: most arcsine arguments below 1/2 (the SIMD build's two-at-a-time path)
    { p: 12, k: 3, seed: 5, scale: 0.3 },
  ];
  it.each(cases)("equals the plain double sums of I3, I4, J2 to 1e-13 (p = $p, k = $k, every backend)", async ({ p, k, seed, scale }) => {
    const omega = randomOmega(p, k, seed, scale);
    const expected = naiveDrift(omega, 1.3, 0.7, 1e-2);
    for (const backend of BACKENDS) {
      expect(relMax(await drift(backend, omega, 1.3, 0.7, 1e-2), expected), backend).toBeLessThan(1e-13);
    }
  });

  it("drops a term whose prefactor is 0 (a1 = 0: M frozen; a2 = 0: no Φ and no noise term)", async () => {
    const omega = randomOmega(4, 2, 5);
    const n = stateSize(4, 2);
    const noGradient = await drift("wasm-simd", omega, 0, 1, 0.1);
    expect(noGradient.slice(10)).toEqual(new Array(n - 10).fill(0)); // M entries after the 10 of Q
    expect(relMax(noGradient, naiveDrift(omega, 0, 1, 0.1))).toBeLessThan(1e-13);
    expect(relMax(await drift("wasm-simd", omega, 1, 0, 0.1), naiveDrift(omega, 1, 0, 0))).toBeLessThan(1e-13);
  });

  it("vanishes for the perfect student (p = k, Q = M = P) without noise, and not with noise", async () => {
    const { P } = randomOmega(3, 3, 6);
    const perfect = { Q: P, M: P, P };
    const clean = await drift("wasm-simd", perfect, 1, 1, 0);
    expect(Math.max(...clean.map(Math.abs))).toBeLessThan(1e-15);
    const noisy = await drift("wasm-simd", perfect, 1, 1, 1e-3);
    expect(Math.max(...noisy.map(Math.abs))).toBeGreaterThan(1e-5); // Δ·J2 inflates Q
  });

  it("permutes with the student units", async () => {
    const omega = randomOmega(5, 2, 7, 2);
    const perm = [3, 0, 4, 1, 2];
    const permuted = { Q: perm.map((i) => perm.map((j) => omega.Q[i][j])), M: perm.map((i) => omega.M[i]), P: omega.P };
    const a = unpackState(await drift("wasm-simd", omega, 1, 1, 1e-3), 5, 2);
    const b = unpackState(await drift("wasm-simd", permuted, 1, 1, 1e-3), 5, 2);
    const scale = Math.max(...a.Q.flat().map(Math.abs));
    perm.forEach((i, x) => {
      perm.forEach((j, y) => expect(Math.abs(b.Q[x][y] - a.Q[i][j])).toBeLessThan(1e-14 * scale));
      a.M[i].forEach((v, t) => expect(Math.abs(b.M[x][t] - v)).toBeLessThan(1e-14 * scale));
    });
  });
});

/**
 * ψ with the extensions by the plain formulas of theory.md §8.4 (second layers), plus weight decay λ and the
 * mini-batch's a2/B (given as a2): c_a = −a_a/p, a*_t/k; dM_jr = a1 (a_j G_{j,p+r} − λ M_jr),
 * dQ_jl = a1 (a_j G_jl + a_l G_lj − 2λ Q_jl) + a2 a_j a_l Φ_jl, da_j = gammaA·a1·Σ_b c_b I2(Ω_jj, Ω_jb, Ω_bb).
 */
function naiveDriftExtended({ Q, M, P }: Omega, a1: number, a2: number, noise: number, x: { a: number[]; aStar: number[]; gammaA: number; lambda: number }): number[] {
  const p = Q.length;
  const k = P.length;
  const r = p + k;
  const O = (a: number, b: number) => (a < p && b < p ? Q[a][b] : a < p ? M[a][b - p] : b < p ? M[b][a - p] : P[a - p][b - p]);
  const c = (a: number) => (a < p ? -x.a[a] / p : x.aStar[a - p] / k);
  const G = (j: number, b: number) => {
    let s = 0;
    for (let a = 0; a < r; a++) s += c(a) * I3(O(j, j), O(j, b), O(j, a), O(b, b), O(b, a), O(a, a));
    return s;
  };
  const Phi = (j: number, l: number) => {
    let s = noise * J2(O(j, j), O(j, l), O(l, l));
    for (let a = 0; a < r; a++) {
      for (let b = 0; b < r; b++) s += c(a) * c(b) * I4(O(j, j), O(j, l), O(j, a), O(j, b), O(l, l), O(l, a), O(l, b), O(a, a), O(a, b), O(b, b));
    }
    return s;
  };
  const dQ = Q.map((_, j) => Q.map((_, l) => a1 * (x.a[j] * G(j, l) + x.a[l] * G(l, j) - 2 * x.lambda * Q[j][l]) + a2 * x.a[j] * x.a[l] * Phi(j, l)));
  const dM = M.map((row, j) => row.map((_, t) => a1 * (x.a[j] * G(j, p + t) - x.lambda * M[j][t])));
  const da = x.a.map((_, j) => {
    let s = 0;
    for (let b = 0; b < r; b++) s += c(b) * I2(O(j, j), O(j, b), O(b, b));
    return x.gammaA * a1 * s;
  });
  return [...packState(dQ, dM), ...da];
}

describe("ψ with the extensions (second layers, weight decay)", () => {
  it.each(["wasm-simd", "wasm-scalar", "js"] as const)("equals the plain formulas of theory.md §8.4 with a trained a, a* ≠ 1 and λ > 0 to 1e-13 (%s)", async (backend) => {
    const p = 4, k = 3;
    const omega = randomOmega(p, k, 17, 1.5);
    const x = { a: [0.7, -0.4, 1.3, 2.1], aStar: [1.5, -0.6, 0.9], gammaA: 0.8, lambda: 0.3 };
    const e: Engine = await createEngine(backend, { d: 0, p, k, outputs: 1, trainA: true });
    setSlot(e, Slot.A1, 1.3);
    setSlot(e, Slot.A2, 0.7);
    setSlot(e, Slot.NOISE, 0.01);
    setSlot(e, Slot.GAMMA_A, x.gammaA);
    setSlot(e, Slot.WEIGHT_DECAY, x.lambda);
    e.f64.set(omega.P.flat(), e.layout.P / 8);
    e.f64.set(x.aStar, e.layout.aStar / 8);
    e.f64.set([...packState(omega.Q, omega.M), ...x.a], e.layout.y / 8);
    e.driftEval(e.layout.y, e.layout.scratch);
    const n = stateSize(p, k) + p;
    const got = Array.from(e.f64.subarray(e.layout.scratch / 8, e.layout.scratch / 8 + n));
    expect(relMax(got, naiveDriftExtended(omega, 1.3, 0.7, 0.01, x))).toBeLessThan(1e-13);
  });
});

describe("ψ against the simulator", () => {
  it("predicts the mean one-step change of (Q, M) of direct SGD at d = 2000 (4·10^4 steps from one state, |z| < 4.5 per entry)", async () => {
    const d = 2000, p = 3, k = 2, gamma = 20, noise = 0.05, steps = 40_000;
    const sim = await createEngine("wasm-simd", { d, p, k });
    sim.seed(11, Stream.INIT);
    sim.normals(sim.layout.W, (p + k) * sim.layout.row);
    setSlot(sim, Slot.GAMMA, gamma);
    setSlot(sim, Slot.NOISE, noise);
    sim.seed(12, Stream.SGD);
    const weights = sim.f64.slice(sim.layout.W / 8, sim.layout.W / 8 + (p + k) * sim.layout.row);
    sim.overlapsCompute();
    const read = (ptr: number, count: number) => Array.from(sim.f64.subarray(ptr / 8, ptr / 8 + count));
    const Q = read(sim.layout.Q, p * p);
    const M = read(sim.layout.M, p * k);
    const omega: Omega = {
      Q: [0, 1, 2].map((i) => Q.slice(i * p, i * p + p)),
      M: [0, 1, 2].map((i) => M.slice(i * k, i * k + k)),
      P: [0, 1].map((i) => read(sim.layout.P, k * k).slice(i * k, i * k + k)),
    };
    const y0 = packState(omega.Q, omega.M);
    const n = y0.length;
    const sum = new Array<number>(n).fill(0);
    const sum2 = new Array<number>(n).fill(0);
    for (let s = 0; s < steps; s++) {
      sim.f64.set(weights, sim.layout.W / 8);
      sim.sgdRun(1);
      sim.overlapsCompute();
      const Qs = read(sim.layout.Q, p * p);
      const Ms = read(sim.layout.M, p * k);
      const y = packState([0, 1, 2].map((i) => Qs.slice(i * p, i * p + p)), [0, 1, 2].map((i) => Ms.slice(i * k, i * k + k)));
      y.forEach((v, i) => {
        sum[i] += v - y0[i];
        sum2[i] += (v - y0[i]) ** 2;
      });
    }
    // E[ΔΩ] = ψ with a1 = γ/(p d), a2 = γ²/(p² d) (one step is δt = 1 here); the γ² term of Q carries a
    // finite-d factor 1 + O((p + k)/d) ≈ 1.003, far inside the error bars
    const expected = await drift("wasm-simd", omega, gamma / (p * d), (gamma * gamma) / (p * p * d), noise);
    const z = expected.map((e, i) => {
      const mean = sum[i] / steps;
      const se = Math.sqrt((sum2[i] / steps - mean * mean) / steps);
      return (mean - e) / se;
    });
    expect(Math.max(...z.map(Math.abs)), `z = ${z.map((v) => v.toFixed(2)).join(", ")}`).toBeLessThan(4.5);
    // and the test has power: the mean changes are many standard errors away from 0
    const zeroZ = expected.map((_, i) => Math.abs(sum[i] / steps) / Math.sqrt((sum2[i] / steps - (sum[i] / steps) ** 2) / steps));
    expect(Math.max(...zeroZ)).toBeGreaterThan(20);
  }, 60_000);
});
