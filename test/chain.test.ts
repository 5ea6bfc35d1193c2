// The exact reduced chain (theory.md §7): its χ² sampler, its agreement across backends and chunkings, and
// its statistical equivalence with the direct simulator (the same law of the risk), also in the singular
// cases p + k > d and informed starts; the choice of method.
import { describe, expect, it } from "vitest";
import { createEngine, setSlot, slotValue, type Backend } from "../src/engine/engine.js";
import { Activation, Slot, Status, Stream } from "../src/shared/layout.js";
import { simulate } from "../src/simulate.js";
import { cheaperMethod, type SimulateOptions } from "../src/validate.js";
import { maxRelDiff } from "./helpers.js";

describe("χ² sampler (Marsaglia–Tsang Gamma)", () => {
  it.each([1, 2, 5, 30, 1e4, 1e7])("has mean n and variance 2n for n = %s (2·10^5 draws, |z| < 5)", async (n) => {
    const N = 200_000;
    const e = await createEngine("wasm-simd", { d: N, p: 1, k: 1 });
    e.seed(n, Stream.SGD);
    e.chiSquares(e.layout.W, N, n);
    const x = e.f64.subarray(e.layout.W / 8, e.layout.W / 8 + N);
    let m = 0;
    for (const v of x) m += v;
    m /= N;
    let v2 = 0;
    for (const v of x) v2 += (v - m) ** 2;
    v2 /= N - 1;
    expect(Math.abs(m - n) / Math.sqrt((2 * n) / N)).toBeLessThan(5);
    // Var(sample variance) ≈ (μ4 − σ⁴)/N with μ4 = 48n + 12n² for χ²_n
    expect(Math.abs(v2 - 2 * n) / Math.sqrt((48 * n + 8 * n * n) / N)).toBeLessThan(5);
  });

  it("draws nothing for n = 0, and the same numbers in Wasm and in the JS baseline", async () => {
    const wasm = await createEngine("wasm-simd", { d: 1000, p: 1, k: 1 });
    const js = await createEngine("js", { d: 1000, p: 1, k: 1 });
    for (const e of [wasm, js]) {
      e.seed(3, Stream.SGD);
      e.chiSquares(e.layout.W, 500, 7.5);
      e.chiSquares(e.layout.W + 500 * 8, 10, 0);
    }
    const a = Array.from(wasm.f64.subarray(wasm.layout.W / 8, wasm.layout.W / 8 + 510));
    const b = Array.from(js.f64.subarray(js.layout.W / 8, js.layout.W / 8 + 510));
    expect(a.slice(500)).toEqual(new Array(10).fill(0));
    expect(maxRelDiff(a, b)).toBeLessThan(1e-13); // Math.log/pow differ by ulps
  });
});

/** A chain engine at a random initial Ω (that of the simulator's initial weights) with γ and Δ set. */
async function chainEngine(backend: Backend, d: number, p: number, k: number) {
  const start = await simulate({ d: 2000, p, k, times: [1e-3], seed: 5, method: "direct" });
  const r = p + k;
  const omega = new Float64Array(r * r);
  for (let a = 0; a < r; a++) {
    for (let b = 0; b < r; b++) {
      omega[a * r + b] = a < p && b < p ? start.Q[0][a][b] : a < p ? start.M[0][a][b - p] : b < p ? start.M[0][b][a - p] : start.P[a - p][b - p];
    }
  }
  const e = await createEngine(backend, { kind: "chain", d, p, k });
  e.f64.set(omega, e.layout.omega / 8);
  setSlot(e, Slot.GAMMA, p);
  setSlot(e, Slot.NOISE, 1e-3);
  e.seed(9, Stream.SGD);
  return e;
}

const omegaOf = (e: Awaited<ReturnType<typeof chainEngine>>) => Array.from(e.f64.subarray(e.layout.omega / 8, e.layout.omega / 8 + (e.layout.p + e.layout.k) ** 2));

describe("chain steps", () => {
  it.each([[6, 3], [8, 4], [5, 2]])(
    "agree across backends at p = %i, k = %i: wasm-simd = wasm-debug = wasm-scalar bit for bit (every f64x2 loop keeps the scalar order), js to 1e-10 after 2000 steps",
    async (p, k) => {
      const runs = await Promise.all((["wasm-scalar", "wasm-debug", "wasm-simd", "js"] as const).map(async (b) => {
        const e = await chainEngine(b, 500, p, k);
        expect(e.chainRun(2000)).toBe(Status.OK);
        return omegaOf(e);
      }));
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[2]).toEqual(runs[0]);
      expect(maxRelDiff(runs[3], runs[0], 1)).toBeLessThan(1e-10);
    },
  );

  it("stop at the step whose Ω diagonal has overflowed, before its draws, in every backend (linear units far beyond stability)", async () => {
    const runs = await Promise.all((["wasm-scalar", "wasm-simd", "js"] as const).map(async (b) => {
      const e = await chainEngine(b, 100, 6, 3);
      const omega = e.f64.subarray(e.layout.omega / 8, e.layout.omega / 8 + 81);
      omega.set(omega.map((v) => v * 1e250));
      setSlot(e, Slot.GAMMA, 400);
      setSlot(e, Slot.ACT_STUDENT, Activation.LINEAR);
      setSlot(e, Slot.ACT_TEACHER, Activation.LINEAR);
      expect(e.chainRun(2000)).toBe(Status.DIVERGED);
      const diagonal = Array.from({ length: 9 }, (_, a) => omega[a * 9 + a]);
      return { samples: slotValue(e, Slot.SAMPLES), overflowed: diagonal.some((v) => !Number.isFinite(v)) };
    }));
    expect(runs[0].samples).toBeGreaterThan(5);
    expect(runs[0].samples).toBeLessThan(2000);
    expect(runs.every((r) => r.overflowed)).toBe(true);
    expect(runs.map((r) => r.samples)).toEqual([runs[0].samples, runs[0].samples, runs[0].samples]);
  });

  it("do not depend on how they are split into calls (one call of 1000 = ten of 100, bit for bit)", async () => {
    const one = await chainEngine("wasm-simd", 500, 6, 3);
    const ten = await chainEngine("wasm-simd", 500, 6, 3);
    one.chainRun(1000);
    for (let i = 0; i < 10; i++) ten.chainRun(100);
    expect(omegaOf(ten)).toEqual(omegaOf(one));
    expect(slotValue(ten, Slot.SAMPLES)).toBe(1000);
  });

  it("find the rank of Ω: full (r) at d ≥ r, at most d when p + k > d", async () => {
    const full = await chainEngine("wasm-simd", 500, 6, 3);
    full.chainRun(10);
    expect(slotValue(full, Slot.RANK)).toBe(9);
    const small = await simulate({ d: 5, p: 4, k: 2, times: [5], method: "chain", seed: 1 });
    expect(small.status).toBe("ok");
    const engine = await createEngine("wasm-simd", { kind: "chain", d: 5, p: 4, k: 2 });
    const omega = new Float64Array(36);
    small.Q.at(-1)!.forEach((row, a) => row.forEach((v, b) => (omega[a * 6 + b] = v)));
    small.M.at(-1)!.forEach((row, a) => row.forEach((v, t) => (omega[a * 6 + 4 + t] = omega[(4 + t) * 6 + a] = v)));
    small.P.forEach((row, t) => row.forEach((v, s) => (omega[(4 + t) * 6 + 4 + s] = v)));
    engine.f64.set(omega, engine.layout.omega / 8);
    setSlot(engine, Slot.GAMMA, 4);
    engine.seed(1, Stream.SGD);
    engine.chainRun(1);
    expect(slotValue(engine, Slot.RANK)).toBeLessThanOrEqual(5);
  });
});

/** Mean and std of the risk at every time, z-scores between two ensembles. */
function compareEnsembles(a: Awaited<ReturnType<typeof simulate>>, b: Awaited<ReturnType<typeof simulate>>): { zMean: number[]; zStd: number[] } {
  const ea = a.ensemble!;
  const eb = b.ensemble!;
  const n = ea.seeds.length;
  const zMean: number[] = [];
  const zStd: number[] = [];
  for (let j = 1; j < a.t.length; j++) {
    zMean.push((ea.mean[j] - eb.mean[j]) / Math.hypot(ea.se[j], eb.se[j]));
    zStd.push((ea.std[j] - eb.std[j]) / (Math.hypot(ea.std[j], eb.std[j]) / Math.sqrt(2 * (n - 1))));
  }
  return { zMean, zStd };
}

describe("the chain has the law of direct SGD (60 seeds each; mean and std of the risk at 4 times, |z| < 4)", () => {
  const cases: [string, SimulateOptions][] = [
    ["blue line", { d: 200, p: 4, k: 2, noise: 1e-3, tMax: 5, points: 4 }],
    ["green region (δ = 1/2)", { d: 200, p: 4, k: 2, noise: 1e-3, delta: 0.5, tMax: 3, points: 4 }],
    ["orange region (δ = −3/8)", { d: 200, p: 4, k: 2, noise: 1e-3, delta: -0.375, tMax: 3, points: 4 }],
    ["p + k > d (d = 5, p = 4, k = 2)", { d: 5, p: 4, k: 2, noise: 1e-2, tMax: 20, points: 4 }],
    ["an informed start W0 = A·W* (Ω of rank k)", { d: 100, init: { A: [[1, 0], [0, 1], [0.6, 0.8]] }, noise: 1e-2, tMax: 2, points: 4 }],
  ];
  it.each(cases)("%s", async (_name, options) => {
    const common = { ...options, seeds: 60, seed: 100 };
    const direct = await simulate({ ...common, method: "direct" });
    const chain = await simulate({ ...common, method: "chain" });
    expect(chain.risk[0]).toBeCloseTo(direct.risk[0], 13); // the same initial condition
    const { zMean, zStd } = compareEnsembles(direct, chain);
    expect(Math.max(...zMean.map(Math.abs)), `z of the means: ${zMean.map((z) => z.toFixed(2))}`).toBeLessThan(4);
    expect(Math.max(...zStd.map(Math.abs)), `z of the stds: ${zStd.map((z) => z.toFixed(2))}`).toBeLessThan(4);
  }, 60_000);
});

describe("runs", () => {
  it("give the same numbers for the same seed", async () => {
    const run = () => simulate({ d: 1e5, p: 6, k: 3, noise: 1e-3, tMax: 2, points: 3, method: "chain", seed: 8 });
    const [a, b] = [await run(), await run()];
    expect(b.risk).toEqual(a.risk);
    expect(b.Q).toEqual(a.Q);
  });

  it("stay finite and positive semi-definite over 10^6 steps on the blue line (d = 1000, p = 8, k = 4)", async () => {
    const r = await simulate({ d: 1000, noise: 1e-3, tMax: 1000, points: 6, method: "chain" });
    expect(r.status).toBe("ok");
    expect([...r.risk, ...r.Q.flat(2), ...r.M.flat(2)].every(Number.isFinite)).toBe(true);
    const Q = r.Q.at(-1)!;
    const M = r.M.at(-1)!;
    Q.forEach((row, i) => {
      expect(row[i]).toBeGreaterThan(0);
      row.forEach((v, j) => expect(v * v).toBeLessThanOrEqual(Q[i][i] * Q[j][j] * (1 + 1e-12)));
      M[i].forEach((v, t) => expect(v * v).toBeLessThanOrEqual(Q[i][i] * r.P[t][t] * (1 + 1e-12)));
    });
    expect(r.risk.at(-1)!).toBeLessThan(1e-3);
  });
});

describe("method", () => {
  it("auto takes the chain when its O((p+k)³) step is cheaper than the O((2p + k)·d) direct step", () => {
    expect(cheaperMethod(1000, 8, 4)).toBe("chain");
    expect(cheaperMethod(10, 8, 4)).toBe("direct");
    expect(cheaperMethod(1000, 64, 4)).toBe("direct");
    expect(cheaperMethod(1e5, 64, 4)).toBe("chain");
  });

  it("is recorded in the result; auto resolves it", async () => {
    expect((await simulate({ d: 1000, tMax: 0.01, points: 2 })).params.method).toBe("chain");
    expect((await simulate({ d: 10, tMax: 1, points: 2 })).params.method).toBe("direct");
    expect((await simulate({ d: 1000, tMax: 0.01, points: 2, method: "direct" })).params.method).toBe("direct");
  });
});
