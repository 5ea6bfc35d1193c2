// Every bad-input rule of simulate(): rejected before any work with a message naming the option, the rule
// and the value received — through the API here, through the CLI in cli.test.ts.
import { describe, expect, it } from "vitest";
import { simulate } from "../src/simulate.js";
import { OptionError, type SimulateOptions } from "../src/validate.js";

const ok = { d: 20, p: 2, k: 1, tMax: 0.5, points: 2 };
const rank1 = { Q0: [[1, 1], [1, 1]], M0: [[1], [1]], P: [[1]] };

// [what is wrong, options, option named, rule fragment, value as printed]
const cases: [string, unknown, string, string, string][] = [
  ["options not an object", 5, "options", "must be an object", "5"],
  ["an unknown option", { ...ok, dd: 3 }, "dd", "is not an option", "3"],
  ["d = 0", { ...ok, d: 0 }, "d", "must be a positive integer", "0"],
  ["d not an integer", { ...ok, d: 1.5 }, "d", "must be a positive integer", "1.5"],
  ["d a string", { ...ok, d: "10" }, "d", "must be a positive integer", '"10"'],
  ["d NaN", { ...ok, d: NaN }, "d", "must be a positive integer", "NaN"],
  ["p negative", { ...ok, p: -2 }, "p", "must be a positive integer", "-2"],
  ["k = 0", { ...ok, k: 0 }, "k", "must be a positive integer", "0"],
  ["kappa negative", { ...ok, p: undefined, kappa: -0.5 }, "kappa", "must be a finite number ≥ 0", "-0.5"],
  ["kappa and p together", { ...ok, kappa: 0.5 }, "kappa", "cannot be given together with `p`", "0.5"],
  ["gamma0 = 0", { ...ok, gamma0: 0 }, "gamma0", "must be a finite number > 0", "0"],
  ["gamma0 infinite", { ...ok, gamma0: Infinity }, "gamma0", "must be a finite number > 0", "Infinity"],
  ["gamma0 so large that γ² overflows", { ...ok, gamma0: 1e200 }, "gamma0", "too large: γ²/(p² d δt) overflows", "1e+200"],
  ["init weights whose overlaps overflow", { init: { W0: [[1e200, 0]], Wstar: [[1, 0]] } }, "init", "gives non-finite overlaps", '{"W0":[[1e+200,0]]'],
  ["delta NaN", { ...ok, delta: NaN }, "delta", "must be a finite number", "NaN"],
  ["noise negative", { ...ok, noise: -1e-3 }, "noise", "must be a finite number ≥ 0", "-0.001"],
  ["tMax = 0", { ...ok, tMax: 0 }, "tMax", "must be a finite number > 0", "0"],
  ["tMax shorter than one step", { ...ok, tMax: 1e-4 }, "tMax", "must be at least one SGD step", "0.0001"],
  ["tMin ≥ tMax", { ...ok, tMin: 1 }, "tMin", "must be smaller than tMax", "1"],
  ["points = 0", { ...ok, points: 0 }, "points", "must be a positive integer", "0"],
  ["times empty", { d: 20, times: [] }, "times", "must hold at least one time", "[]"],
  ["times with zero", { d: 20, times: [0, 1] }, "times[0]", "must be a finite number > 0", "0"],
  ["times decreasing", { d: 20, times: [2, 1] }, "times[1]", "must be later than times[0]", "1"],
  ["times on the same sample", { d: 20, times: [1, 1.01] }, "times[1]", "at least one SGD step", "1.01"],
  ["times shorter than a step", { d: 20, times: [1e-3] }, "times[0]", "shorter than half an SGD step", "0.001"],
  ["times with tMax", { d: 20, times: [1], tMax: 2 }, "tMax", "cannot be combined with `times`", "2"],
  ["timeScale unknown", { ...ok, timeScale: "x" }, "timeScale", 'must be "region" or "d"', '"x"'],
  ["red region on the region clock", { ...ok, delta: -0.75 }, "timeScale", "no clock in the red region", '"region"'],
  ["seed negative", { ...ok, seed: -1 }, "seed", "must be an integer in [0, 2^53 − 1]", "-1"],
  ["seed beyond 2^53", { ...ok, seed: 2 ** 53 }, "seed", "must be an integer in [0, 2^53 − 1]", "9007199254740992"],
  ["initSeed fractional", { ...ok, initSeed: 0.5 }, "initSeed", "must be an integer", "0.5"],
  ["backend unknown", { ...ok, backend: "gpu" }, "backend", 'must be one of "wasm-simd"', '"gpu"'],
  ["method unknown", { ...ok, method: "exact" }, "method", 'must be one of "direct", "chain", "auto"', '"exact"'],
  ["seeds = 0", { ...ok, seeds: 0 }, "seeds", "must be an integer in [1, 10^6]", "0"],
  ["a quantile level of 1", { ...ok, quantiles: [0.5, 1] }, "quantiles[1]", "must be a number in (0, 1)", "1"],
  ["no quantile levels", { ...ok, quantiles: [] }, "quantiles", "must hold at least one level", "[]"],
  ["onProgress not a function", { ...ok, onProgress: 5 }, "onProgress", "must be a function", "5"],
  ["memory beyond wasm32", { d: 2e8, p: 8, k: 4 }, "d", "more than the 4 GiB", "200000000"],
  ["k > d with a random teacher", { d: 3, p: 1, k: 4, tMax: 1 }, "k", "must be ≤ d = 3", "4"],
  ["init of no known form", { ...ok, init: { W0: [[1]] } }, "init", "must hold { W0, Wstar }", '{"W0":[[1]]}'],
  ["init with an unknown key", { ...ok, init: { B: [[1]] } }, "init.B", "is not an option", "[[1]]"],
  ["init entry not a number", { ...ok, init: { A: [[1], [null]] } }, "init.A[1][0]", "must be an array of rows of finite numbers", "null"],
  ["init.A of the wrong shape", { ...ok, init: { A: [[1, 0]] } }, "init.A", "must be 2×1 (p × k), not 1×2", "[[1,0]]"],
  ["init.W0 ragged", { init: { W0: [[1, 2], [3]], Wstar: [[1, 0]] } }, "init.W0[1]", "must have 2 entries", "[3]"],
  ["init.Wstar of another d", { init: { W0: [[1, 2]], Wstar: [[1, 0, 0]] } }, "init.Wstar", "must be 1×2 (k × d), not 1×3", "[[1,0,0]]"],
  ["init.Q0 not symmetric", { d: 20, init: { ...rank1, Q0: [[1, 0.5], [0.4, 1]] } }, "init.Q0", "must be symmetric", "[[1,0.5],[0.4,1]]"],
  ["init overlaps not PSD", { d: 20, init: { ...rank1, Q0: [[1, 2], [2, 1]] } }, "init", "positive semi-definite", '{"Q0":[[1,2],[2,1]]'],
  ["init overlaps, PSD diagonal but inconsistent M0", { d: 20, init: { ...rank1, M0: [[2], [1]] } }, "init", "positive semi-definite", '{"Q0":'],
  ["init overlaps with p + k > d", { d: 2, init: rank1 }, "d", "must be ≥ p + k = 3", "2"],
];

describe("simulate rejects bad options", () => {
  it.each(cases)("%s", async (_what, options, option, rule, value) => {
    const promise = simulate(options as SimulateOptions);
    await expect(promise).rejects.toBeInstanceOf(OptionError);
    const error = (await promise.catch((e: unknown) => e)) as OptionError;
    expect(error.option).toBe(option);
    expect(error.message).toContain(`invalid option. \`${option}\` `);
    expect(error.message).toContain(rule);
    expect(error.message).toContain(`Value: \`${value}`);
  });

  it("accepts a singular but PSD overlap matrix (rank 1) and the defaults", async () => {
    await expect(simulate({ d: 20, init: rank1, times: [0.1] })).resolves.toMatchObject({ status: "ok" });
    await expect(simulate({ tMax: 0.01, points: 2 })).resolves.toMatchObject({ params: { d: 1000, p: 8, k: 4, gamma0: 8 } });
  });
});
