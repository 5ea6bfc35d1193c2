// One options type for simulate, solveOde and compare: one object spreads into the three; each ignores the
// options of how another computes (still checked), refuses what would change its model, and the same options
// give the same output times, so results line up index by index.
import { describe, expect, it } from "vitest";
import { compare, simulate, solveOde, type Options, type Progress } from "../src/index.js";

const base: Options = { d: 500, p: 4, k: 2, noise: 1e-3, tMax: 10, seed: 2 };

describe("one Options for simulate, solveOde and compare", () => {
  it("simulate ignores the ODE's options and solveOde the simulator's: the same numbers as without them", async () => {
    const ode: Options = { mode: "limit", integrator: "dopri5", rtol: 1e-6, atol: 1e-10, psi: "closed-form" };
    const sim: Options = { method: "chain", seeds: 3, quantiles: [0.5], onOutput: () => undefined };
    const s = await simulate({ ...base, method: "chain" });
    expect((await simulate({ ...base, method: "chain", ...ode })).risk).toEqual(s.risk);
    const e = await solveOde({ ...base, ...ode });
    expect((await solveOde({ ...base, ...ode, ...sim })).risk).toEqual(e.risk);
    // compare takes both kinds at once
    const c = await compare({ ...base, ...ode, ...sim });
    expect(c.params.ode.mode).toBe("limit");
    expect(c.params.seeds).toEqual([2, 3, 4]);
    expect(c.simulations.quantiles.levels).toEqual([0.5]);
  });

  it("checks every value wherever it is given, and refuses what would change the model", async () => {
    await expect(simulate({ ...base, rtol: -1 })).rejects.toThrow(/`rtol` must be a finite number in \(0, 1\)/);
    await expect(solveOde({ ...base, seeds: 0 })).rejects.toThrow(/`seeds` must be an integer/);
    await expect(solveOde({ ...base, lazy: true })).rejects.toThrow(/`lazy` is an option of the simulator only/);
    await expect(solveOde({ ...base, backend: "js" })).rejects.toThrow(/`backend` must be one of "wasm-simd", "wasm-scalar", "wasm-debug" for the ODE/);
    await expect(simulate({ ...base, foo: 1 } as Options)).rejects.toThrow(/`foo` is not an option/);
  });

  it.each([
    ["the blue line", {}],
    ["green, κ = 0.3", { kappa: 0.3, p: undefined, delta: 0.2 }],
    ["orange", { delta: -0.3 }],
    ["explicit times", { tMax: undefined, times: [0.5, 1, 2.5] }],
    ["one point", { points: 1 }],
  ])("the same options give the same output times (%s)", async (_, extra) => {
    const o = Object.fromEntries(Object.entries({ ...base, ...extra }).filter(([, v]) => v !== undefined)) as Options;
    const [s, e] = [await simulate(o), await solveOde(o)];
    expect(e.t).toEqual(s.t);
  });

  it("reports one Progress shape from the three", async () => {
    const seen: Progress[] = [];
    const onProgress = (p: Progress) => void seen.push(p);
    await simulate({ ...base, tMax: 2000, onProgress });
    await solveOde({ ...base, tMax: 1e4, onProgress });
    expect(seen.length).toBeGreaterThan(1);
    for (const p of seen) expect(Object.keys(p).sort()).toEqual(["samples", "steps", "t", "tEnd", "totalSamples"]);
    expect(seen.some((p) => p.samples > 0 && p.steps === 0)).toBe(true);
    expect(seen.some((p) => p.steps > 0 && p.samples === 0)).toBe(true);
  });
});
