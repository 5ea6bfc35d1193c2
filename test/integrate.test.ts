// The integrators of assembly/integrate.ts on problems with known solutions (the test right-hand side
// dy_i = Σ_j A_ij y_j + B_i y_i²): a stiff linear system (exact solution by its eigenvectors), decoupled
// Riccati equations y' = −y², Euler's order, a blow-up in finite time, and calls split at any step.
import { describe, expect, it } from "vitest";
import { createEngine, setSlot, slotValue } from "../src/engine/engine.js";
import { Method, Rhs, Slot, Status } from "../src/shared/layout.js";
import { gaussian } from "./gaussian.js";

/** (p, k) whose packed ODE state has n components. */
const SIZES: Record<number, [number, number]> = { 2: [1, 1], 3: [1, 2], 5: [2, 1] };

interface Problem {
  A: number[][];
  B: number[];
  y0: number[];
  times: number[];
}

interface Run {
  status: Status;
  outputs: number[][];
  t: number;
  steps: number;
  evaluations: number;
}

async function integrate(problem: Problem, method: Method, tolerances: { rtol?: number; atol?: number; step?: number }, stepsPerCall = 1e6): Promise<Run> {
  const n = problem.y0.length;
  const [p, k] = SIZES[n];
  const e = await createEngine("wasm-simd", { d: 0, p, k, outputs: problem.times.length, testProblem: true });
  e.f64.set([...problem.A.flat(), ...problem.B], e.layout.test / 8);
  e.f64.set(problem.y0, e.layout.y / 8);
  e.f64.set(problem.times, e.layout.tOut / 8);
  setSlot(e, Slot.RHS, Rhs.TEST);
  setSlot(e, Slot.METHOD, method);
  setSlot(e, Slot.RTOL, tolerances.rtol ?? 1e-8);
  setSlot(e, Slot.ATOL, tolerances.atol ?? 1e-12);
  setSlot(e, Slot.STEP, tolerances.step ?? 0.01);
  e.odeInit();
  let status = Status.RUNNING;
  while (status === Status.RUNNING) status = e.odeRun(stepsPerCall);
  const reached = slotValue(e, Slot.OUT_NEXT);
  const outputs = Array.from({ length: reached }, (_, j) => Array.from(e.f64.subarray(e.layout.yOut / 8 + j * n, e.layout.yOut / 8 + (j + 1) * n)));
  return { status, outputs, t: slotValue(e, Slot.T), steps: slotValue(e, Slot.NSTEPS), evaluations: slotValue(e, Slot.NFEV) };
}

/** An orthogonal n×n matrix (Gram–Schmidt on Gaussian columns). */
function orthogonal(n: number, seed: number): number[][] {
  const g = gaussian(seed);
  const V: number[][] = [];
  for (let i = 0; i < n; i++) {
    let v = Array.from({ length: n }, g);
    for (const u of V) {
      const s = v.reduce((a, x, m) => a + x * u[m], 0);
      v = v.map((x, m) => x - s * u[m]);
    }
    const norm = Math.hypot(...v);
    V.push(v.map((x) => x / norm));
  }
  return V; // rows orthonormal
}

/** A = Vᵀ diag(λ) V and its exact flow y(t) = Vᵀ diag(e^{λt}) V y0. */
function linearProblem(lambda: number[], times: number[], seed: number): { problem: Problem; exact: number[][] } {
  const n = lambda.length;
  const V = orthogonal(n, seed);
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => V.reduce((s, v, m) => s + v[i] * lambda[m] * v[j], 0)));
  const y0 = Array.from({ length: n }, (_, i) => 1 + 0.5 * i);
  const c = V.map((v) => v.reduce((s, x, m) => s + x * y0[m], 0));
  const exact = times.map((t) => Array.from({ length: n }, (_, i) => V.reduce((s, v, m) => s + v[i] * Math.exp(lambda[m] * t) * c[m], 0)));
  return { problem: { A, B: new Array(n).fill(0), y0, times }, exact };
}

function maxRelativeError(got: number[][], exact: number[][], floor: number): number {
  return Math.max(...got.flatMap((row, j) => row.map((v, i) => Math.abs(v - exact[j][i]) / Math.max(Math.abs(exact[j][i]), floor))));
}

describe("integrators on a stiff linear system (eigenvalues −1000 … −0.001)", () => {
  const times = [0, 0.001, 0.1, 1, 10, 100, 1000];
  const { problem, exact } = linearProblem([-1000, -50, -1, -0.1, -0.001], times, 1);

  it("BDF reaches t = 1000 within 1e-6 relative at rtol 1e-8, in a few hundred steps", async () => {
    const run = await integrate(problem, Method.BDF, { rtol: 1e-8, atol: 1e-12 });
    expect(run.status).toBe(Status.OK);
    expect(maxRelativeError(run.outputs, exact, 1e-6)).toBeLessThan(1e-6);
    expect(run.steps).toBeLessThan(1000);
  });

  it("Dormand–Prince reaches t = 10 within 1e-6 relative at rtol 1e-8 (its steps are bounded by stability: h·1000 ≲ 3.3)", async () => {
    const short = { ...problem, times: times.slice(0, 5) };
    const run = await integrate(short, Method.DOPRI5, { rtol: 1e-8, atol: 1e-12 });
    expect(run.status).toBe(Status.OK);
    expect(maxRelativeError(run.outputs, exact.slice(0, 5), 1e-6)).toBeLessThan(1e-6);
    expect(run.steps).toBeGreaterThan(10 / (3.4 / 1000) * 0.9);
  });

  it("gives the same outputs whether a call runs one step or all of them", async () => {
    for (const method of [Method.BDF, Method.DOPRI5, Method.EULER]) {
      const short = { ...problem, times: [0, 0.05, 0.2] };
      const all = await integrate(short, method, { step: 1e-4 });
      const one = await integrate(short, method, { step: 1e-4 }, 1);
      expect(one.outputs, `method ${method}`).toEqual(all.outputs);
    }
  });
});

describe("integrators on nonlinear problems", () => {
  const y0 = [1, 2, 0.5];
  const times = [0, 0.5, 3, 20, 100];
  const riccati: Problem = { A: [[0, 0, 0], [0, 0, 0], [0, 0, 0]], B: [-1, -1, -1], y0, times };
  const exact = times.map((t) => y0.map((v) => v / (1 + v * t)));

  it.each([
    ["BDF", Method.BDF],
    ["Dormand–Prince", Method.DOPRI5],
  ] as const)("%s solves y' = −y² (y = y0/(1 + y0 t)) within 1e-6 relative at rtol 1e-9", async (_name, method) => {
    const run = await integrate(riccati, method, { rtol: 1e-9, atol: 1e-13 });
    expect(run.status).toBe(Status.OK);
    expect(maxRelativeError(run.outputs, exact, 1e-9)).toBeLessThan(1e-6);
  });

  it("Dormand–Prince's error falls like its order: rtol 1e-6 → 1e-10 gains more than 1e3", async () => {
    const loose = await integrate(riccati, Method.DOPRI5, { rtol: 1e-6, atol: 1e-10 });
    const tight = await integrate(riccati, Method.DOPRI5, { rtol: 1e-10, atol: 1e-14 });
    expect(maxRelativeError(loose.outputs, exact, 1e-9) / maxRelativeError(tight.outputs, exact, 1e-9)).toBeGreaterThan(1e3);
  });

  it("Euler converges at order 1: halving the step halves the error (ratio in [1.9, 2.1])", async () => {
    const coarse = await integrate({ ...riccati, times: [0, 1] }, Method.EULER, { step: 1e-2 });
    const fine = await integrate({ ...riccati, times: [0, 1] }, Method.EULER, { step: 5e-3 });
    const error = (run: Run) => Math.max(...run.outputs[1].map((v, i) => Math.abs(v - y0[i] / (1 + y0[i]))));
    const ratio = error(coarse) / error(fine);
    expect(ratio).toBeGreaterThan(1.9);
    expect(ratio).toBeLessThan(2.1);
    expect(coarse.steps).toBe(100);
  });

  it.each([
    ["BDF", Method.BDF],
    ["Dormand–Prince", Method.DOPRI5],
    ["Euler", Method.EULER],
  ] as const)("%s stops at the blow-up of y' = y² (y = 1/(1 − t)) and keeps the outputs before it", async (_name, method) => {
    const run = await integrate({ A: [[0, 0], [0, 0]], B: [1, 0], y0: [1, 1], times: [0, 0.5, 2] }, method, { rtol: 1e-8, atol: 1e-12, step: 1e-4 });
    expect([Status.DIVERGED, Status.STEP_TOO_SMALL]).toContain(run.status);
    // the numerical solutions blow up near t = 1 (Euler's a little later: it lags the exact solution)
    expect(run.t).toBeGreaterThan(0.99);
    expect(run.t).toBeLessThan(1.01);
    expect(run.outputs.length).toBe(2);
    expect(Math.abs(run.outputs[1][0] - 2)).toBeLessThan(method === Method.EULER ? 1e-3 : 1e-6);
  });
});
