// The direct simulator through its public API: backends against each other, chunk invariance, seeds,
// initial conditions, divergence, and the risk statistics against ../shared/refs/sgd_stats.json
// (an independent numpy implementation of the exact reduced chain, theory.md §7).
import { describe, expect, it } from "vitest";
import { simulate } from "../src/simulate.js";
import type { SimulationResult } from "../src/result.js";
import { createEngine, setSlot, slotValue } from "../src/engine/engine.js";
import { Slot, Status, Stream } from "../src/shared/layout.js";
import { fixture, maxRelDiff } from "./helpers.js";

const base = { d: 300, p: 8, k: 4, noise: 1e-3, tMax: 20, points: 8, seed: 11 } as const;

describe("backends", () => {
  it("wasm-debug equals wasm-scalar bit for bit; wasm-simd and js agree with it to 1e-10 after 6000 samples", async () => {
    const run = (backend: "wasm-simd" | "wasm-scalar" | "wasm-debug" | "js") => simulate({ ...base, backend });
    const [simd, scalar, debug, js] = await Promise.all([run("wasm-simd"), run("wasm-scalar"), run("wasm-debug"), run("js")]);
    expect(scalar.samples.at(-1)).toBe(6000);
    for (const key of ["risk", "Q", "M", "P"] as const) {
      expect(debug[key]).toEqual(scalar[key]);
      // SIMD sums in another order; the JS baseline differs only through Math.exp/log (ulps)
      expect(maxRelDiff(simd[key], scalar[key], 1)).toBeLessThan(1e-10);
      expect(maxRelDiff(js[key], scalar[key], 1)).toBeLessThan(1e-10);
    }
  });
});

describe("determinism", () => {
  it("one call of 1000 samples equals ten calls of 100 (same weights, bit for bit), on every backend", async () => {
    for (const backend of ["wasm-simd", "wasm-scalar", "js"] as const) {
      const make = async () => {
        const e = await createEngine(backend, { d: 101, p: 3, k: 2 }); // odd d: exercises the padding and the scalar tail
        e.seed(9, Stream.INIT);
        e.normals(e.layout.W, e.layout.row * 5); // W and W* are contiguous (padding never read)
        setSlot(e, Slot.GAMMA, 3);
        setSlot(e, Slot.NOISE, 0.01);
        e.seed(4, Stream.SGD);
        return e;
      };
      const one = await make();
      const ten = await make();
      one.sgdRun(1000);
      for (let c = 0; c < 10; c++) ten.sgdRun(100);
      expect(ten.f64, backend).toEqual(one.f64);
    }
  });

  it.each([
    ["d = 101, p = 3, k = 2", { d: 101, p: 3, k: 2 }, {}],
    ["d = 100, p = 8, k = 4", { d: 100, p: 8, k: 4 }, {}],
    ["d = 64, p = 5, k = 3, weight decay", { d: 64, p: 5, k: 3 }, { [Slot.WEIGHT_DECAY]: 0.3 }],
    ["d = 51, p = 6, k = 1, lazy, trained a", { d: 51, p: 6, k: 1, lazy: true }, { [Slot.GAMMA_A]: 0.5 }],
  ] as const)("one call of 40 samples (one sweep over W per sample) equals 40 calls of one (separate passes), bit for bit: %s", async (_, sizes, slots) => {
    // the last step of a call draws nothing ahead and updates W by itself: calls of one step never fuse
    for (const backend of ["wasm-simd", "wasm-scalar", "js"] as const) {
      if (backend === "js" && "lazy" in sizes) continue; // lazy training runs in the Wasm builds only
      const make = async () => {
        const e = await createEngine(backend, sizes);
        const rows = sizes.p * ("lazy" in sizes ? 2 : 1) + sizes.k;
        e.seed(9, Stream.INIT);
        e.normals(e.layout.W, e.layout.row * rows);
        setSlot(e, Slot.GAMMA, 2);
        setSlot(e, Slot.NOISE, 0.01);
        for (const [slot, value] of Object.entries(slots)) setSlot(e, Number(slot) as Slot, value);
        e.seed(4, Stream.SGD);
        return e;
      };
      const fused = await make();
      const separate = await make();
      const start = fused.f64.slice(fused.layout.W / 8, fused.layout.W / 8 + fused.layout.row * sizes.p);
      expect(fused.sgdRun(40)).toBe(Status.OK);
      for (let c = 0; c < 40; c++) separate.sgdRun(1);
      const region = (e: typeof fused, at: number, n: number) => Array.from(e.f64.subarray(at / 8, at / 8 + n));
      const W = (e: typeof fused) => region(e, e.layout.W, e.layout.row * sizes.p);
      expect(W(fused), backend).not.toEqual(Array.from(start)); // the weights moved
      expect(W(separate), backend).toEqual(W(fused));
      expect(region(separate, separate.layout.a, sizes.p), backend).toEqual(region(fused, fused.layout.a, sizes.p));
      expect(region(separate, separate.layout.rng, 4), backend).toEqual(region(fused, fused.layout.rng, 4));
      expect(slotValue(separate, Slot.SAMPLES)).toBe(40);
    }
  });

  it("does not depend on the output times: final overlaps after 1 output and after 10 are identical", async () => {
    const a = await simulate({ ...base, times: [10], points: undefined, tMax: undefined });
    const b = await simulate({ ...base, times: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], points: undefined, tMax: undefined });
    expect(b.Q.at(-1)).toEqual(a.Q.at(-1));
    expect(b.M.at(-1)).toEqual(a.M.at(-1));
    expect(b.risk.at(-1)).toBe(a.risk.at(-1));
  });

  it("gives the same numbers for the same seed, and different ones for another seed", async () => {
    const strip = ({ meta: _meta, ...r }: SimulationResult) => r;
    expect(strip(await simulate(base))).toEqual(strip(await simulate(base)));
    const other = await simulate({ ...base, seed: 12 });
    expect(other.Q[0]).not.toEqual((await simulate(base)).Q[0]);
  });

  it("draws the initial condition from initSeed (default: seed) and the samples from seed", async () => {
    const a = await simulate({ ...base, seed: 1, initSeed: 5 });
    const b = await simulate({ ...base, seed: 2, initSeed: 5 });
    const c = await simulate({ ...base, seed: 5 });
    expect(b.Q[0]).toEqual(a.Q[0]);
    expect(c.Q[0]).toEqual(a.Q[0]);
    expect(b.Q.at(-1)).not.toEqual(a.Q.at(-1));
  });
});

describe("initial conditions", () => {
  const eyeError = (P: number[][]) => Math.max(...P.flatMap((row, r) => row.map((v, s) => Math.abs(v - (r === s ? 1 : 0)))));

  it("by default has an orthogonal teacher (P = I), unit student norms (Q_ii = 1) and overlaps of order 1/√d", async () => {
    const r = await simulate({ d: 2000, p: 6, k: 3, times: [1] });
    expect(eyeError(r.P)).toBeLessThan(1e-13);
    r.Q[0].forEach((row, i) => expect(Math.abs(row[i] - 1)).toBeLessThan(1e-13));
    const off = [...r.Q[0].flatMap((row, i) => row.filter((_, j) => j !== i)), ...r.M[0].flat()];
    expect(Math.max(...off.map(Math.abs))).toBeLessThan(5 / Math.sqrt(2000));
    expect(Math.max(...off.map(Math.abs))).toBeGreaterThan(0.1 / Math.sqrt(2000));
  });

  it("realises given overlaps { Q0, M0, P } exactly (to 1e-13), also singular ones", async () => {
    const ref = fixture("refs/ode_reference.json");
    const r = await simulate({ d: 50, init: { Q0: ref.Q0, M0: ref.M0, P: ref.P }, times: [1] });
    expect(r.params).toMatchObject({ p: 6, k: 3, init: "overlaps" });
    expect(maxRelDiff(r.Q[0], ref.Q0, 1)).toBeLessThan(1e-13);
    expect(maxRelDiff(r.M[0], ref.M0, 1)).toBeLessThan(1e-13);
    expect(maxRelDiff(r.P, ref.P, 1)).toBeLessThan(1e-13);
    // informed-like, rank k: Q0 = A Aᵀ, M0 = A, P = I
    const A = [[1, 0], [0.6, 0.8], [0, 1]];
    const Q0 = A.map((a) => A.map((b) => a[0] * b[0] + a[1] * b[1]));
    const s = await simulate({ d: 10, init: { Q0, M0: A, P: [[1, 0], [0, 1]] }, times: [1] });
    expect(maxRelDiff(s.Q[0], Q0, 1)).toBeLessThan(1e-13);
    expect(maxRelDiff(s.M[0], A, 1)).toBeLessThan(1e-13);
  });

  it("starts an informed run from W0 = A·W*: Q0 = A Aᵀ and M0 = A when P = I", async () => {
    const A = [[0.6, 0.8, 0], [0, 0, 1], [1, 0, 0], [0.28, 0, 0.96]];
    const r = await simulate({ d: 400, init: { A }, times: [1] });
    expect(r.params).toMatchObject({ p: 4, k: 3, init: "informed" });
    expect(maxRelDiff(r.M[0], A, 1)).toBeLessThan(1e-13);
    expect(maxRelDiff(r.Q[0], A.map((a) => A.map((b) => a.reduce((t, v, j) => t + v * b[j], 0))), 1)).toBeLessThan(1e-13);
  });

  it("uses given weights { W0, Wstar } as they are", async () => {
    const sgd = fixture("refs/sgd_stats.json");
    const r = await simulate({ init: { W0: sgd.W0, Wstar: sgd.Wstar }, times: [1] });
    expect(r.params).toMatchObject({ d: 200, p: 6, k: 3, init: "weights" });
    expect(maxRelDiff(r.Q[0], sgd.Q0, 1)).toBeLessThan(1e-13);
    expect(maxRelDiff(r.M[0], sgd.M0, 1)).toBeLessThan(1e-13);
  });

  it("keeps a perfect student (W0 = W*, Δ = 0) in place: risk 0 and overlaps unchanged (exactly with the weights, to rounding on Ω)", async () => {
    const sgd = fixture("refs/sgd_stats.json");
    const direct = await simulate({ init: { W0: sgd.Wstar, Wstar: sgd.Wstar }, times: [1, 5], method: "direct" });
    expect(direct.risk.every((v) => Math.abs(v) < 1e-15)).toBe(true);
    expect(direct.Q.at(-1)).toEqual(direct.Q[0]);
    // the chain factors a singular Ω (rank k): the teacher fields equal the students' up to rounding
    const chain = await simulate({ init: { W0: sgd.Wstar, Wstar: sgd.Wstar }, times: [1, 5], method: "chain" });
    expect(chain.risk.every((v) => Math.abs(v) < 1e-15)).toBe(true);
    expect(maxRelDiff(chain.Q.at(-1), chain.Q[0], 1)).toBeLessThan(1e-13);
  });
});

describe("statistics", () => {
  it.each(["direct", "chain"] as const)(
    "match ../shared/refs/sgd_stats.json: mean and std of the risk after 200, 1000, 2000 samples over 400 seeds (|z| < 4, %s)",
    async (method) => {
      const ref = fixture("refs/sgd_stats.json");
      const runs = 400;
      const r = await simulate({
        init: { W0: ref.W0, Wstar: ref.Wstar },
        gamma0: ref.gamma,
        noise: ref.noise,
        timeScale: "d",
        times: ref.stats.map((s: { samples: number }) => s.samples / ref.d),
        seeds: runs,
        method,
      });
      expect(r.params.method).toBe(method);
      expect(r.samples.slice(1)).toEqual([200, 1000, 2000]);
      const e = r.ensemble!;
      expect(e.seeds).toEqual(Array.from({ length: runs }, (_, i) => i));
      ref.stats.forEach((s: { mean: number; std: number; se: number; runs: number }, i: number) => {
        const j = i + 1; // t[0] is the initial condition
        const zMean = (e.mean[j] - s.mean) / Math.hypot(e.se[j], s.se);
        // the standard error of a sample standard deviation is ≈ std/√(2(n − 1)) for near-Gaussian data
        const zStd = (e.std[j] - s.std) / Math.hypot(e.std[j] / Math.sqrt(2 * (runs - 1)), s.std / Math.sqrt(2 * (s.runs - 1)));
        expect(Math.abs(zMean), `mean ${e.mean[j]} vs ${s.mean}`).toBeLessThan(4);
        expect(Math.abs(zStd), `std ${e.std[j]} vs ${s.std}`).toBeLessThan(4);
      });
    },
    60_000,
  );
});

describe("time and parameters", () => {
  it("reports t = ν·δt with the region's clock and the resolved parameters", async () => {
    const r = await simulate({ d: 100, p: 4, k: 2, delta: 0.5, tMax: 2, points: 5 });
    expect(r.params).toMatchObject({ region: "green", gamma0: 4, gamma: 0.4, timeExponent: 1.5, kappa: 0, init: "random" });
    expect(r.params.dt).toBeCloseTo(1e-3, 15);
    r.t.forEach((t, j) => expect(t).toBeCloseTo(r.samples[j] * r.params.dt, 12));
    expect(r.samples[0]).toBe(0);
    expect(r.samples.at(-1)).toBe(2000);
    expect(r.params.a1).toBeCloseTo(1, 12); // γ/(p d δt) = γ0/p on the green clock
  });

  it("sets p = round(d^κ) from kappa, and a1 = a2 = 1 on the blue line with γ0 = p", async () => {
    const r = await simulate({ d: 400, kappa: 0.5, delta: -0.5, tMax: 0.01, points: 2 });
    expect(r.params).toMatchObject({ p: 20, region: "blue", timeExponent: 1 });
    const s = await simulate({ d: 400, p: 8, tMax: 0.01, points: 2 });
    expect(s.params.a1).toBeCloseTo(1, 14);
    expect(s.params.a2).toBeCloseTo(1, 14);
  });

  it("reports progress with increasing sample counts up to the total", async () => {
    const seen: number[] = [];
    await simulate({ d: 1000, tMax: 5, points: 3, method: "direct", onProgress: (p) => seen.push(p.samples) });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1])).toBe(true);
    expect(seen.at(-1)).toBe(5000);
  });

  it.each(["direct", "chain"] as const)("hands every output to onOutput as it is reached: the result's own numbers, each seed's in time order, t = 0 first (%s)", async (method) => {
    const outputs: { seed: number; t: number; samples: number; risk: number; Q: number[][]; M: number[][] }[] = [];
    const result = await simulate({ ...base, method, tMax: 2, points: 4, seeds: 2, onOutput: (o) => outputs.push(o) });
    const n = result.t.length;
    // one seed after the other; the chain on wasm-simd runs both at once: their outputs alternate, the first seed's first
    const order = method === "direct" ? [...result.t.map(() => 11), ...result.t.map(() => 12)] : result.t.flatMap(() => [11, 12]);
    expect(outputs.map((o) => o.seed)).toEqual(order);
    const first = outputs.filter((o) => o.seed === 11);
    expect(first).toHaveLength(n);
    expect(first.map((o) => o.t)).toEqual(result.t);
    expect(first.map((o) => o.samples)).toEqual(result.samples);
    expect(first.map((o) => o.risk)).toEqual(result.risk);
    expect(first.map((o) => o.Q)).toEqual(result.Q);
    expect(first.map((o) => o.M)).toEqual(result.M);
    expect(outputs.filter((o) => o.seed === 12).map((o) => o.risk)).toEqual(result.ensemble!.curves![1]);
  });
});

describe("divergence", () => {
  const finite = (r: SimulationResult) => [...r.risk, ...r.Q.flat(2), ...r.M.flat(2), ...r.P.flat()].every(Number.isFinite);

  it("stops when the overlaps overflow between outputs, reports the output's sample and time, and keeps the finite outputs before", async () => {
    // √Δ ≈ 1e150 makes the first update of order 1e300: Q = w²/d overflows; then σ' = 0 freezes the weights
    const r = await simulate({ d: 1, p: 1, k: 1, gamma0: 1e150, noise: 1e300, times: [10, 20] });
    expect(r.status).toBe("diverged");
    expect(r.divergence).toEqual({ samples: 10, t: 10, reason: expect.stringMatching(/non-finite at this output/) });
    expect(r.t).toEqual([0]);
    expect(finite(r)).toBe(true);
  });

  it("makes sgdRun stop with status DIVERGED at the step whose local fields are not finite (every backend)", async () => {
    for (const backend of ["wasm-simd", "wasm-scalar", "wasm-debug", "js"] as const) {
      const e = await createEngine(backend, { d: 4, p: 1, k: 1 });
      e.f64.fill(Infinity, e.layout.W / 8, e.layout.W / 8 + 4); // as if an earlier step had overflowed
      e.f64.fill(1, e.layout.Wstar / 8, e.layout.Wstar / 8 + 4);
      setSlot(e, Slot.GAMMA, 1);
      e.seed(1, Stream.SGD);
      expect(e.sgdRun(100), backend).toBe(Status.DIVERGED);
      expect(slotValue(e, Slot.SAMPLES), backend).toBe(0);
      expect(slotValue(e, Slot.STATUS), backend).toBe(Status.DIVERGED);
    }
  });

  it("has status ok and no divergence field otherwise, even with huge but finite weights", async () => {
    const r = await simulate({ d: 100, p: 4, k: 2, gamma0: 1e10, noise: 1, tMax: 10, points: 10 });
    expect(r.status).toBe("ok");
    expect(r.divergence).toBeUndefined();
    expect(r.Q.at(-1)![0][0]).toBeGreaterThan(1e6);
    expect(finite(r)).toBe(true);
  });
});
