// The closed-form Gaussian integrals J2, I3, I4 (theory.md §4; I2 is in risk.test.ts): against the shared
// reference vectors (../shared/refs/integrals.json) and against Monte-Carlo estimates with their error bars.
import { describe, expect, it } from "vitest";
import { instantiateBuild } from "../src/engine/wasm.js";
import * as reference from "../src/reference/integrals.js";
import { sigma, sigmaPrime } from "../src/reference/activation.js";
import { fixture } from "./helpers.js";
import { gaussian, monteCarlo, randomCovariance } from "./gaussian.js";

const EPS = 2 ** -52;
const wasm = await instantiateBuild("wasm-simd");
const vectors = fixture("refs/integrals.json").test_vectors;
type Args = Record<string, number>;
const ORDER = {
  J2: ["C11", "C12", "C22"],
  I3: ["C11", "C12", "C13", "C22", "C23", "C33"],
  I4: ["C11", "C12", "C13", "C14", "C22", "C23", "C24", "C33", "C34", "C44"],
} as const;
const implementations = {
  "wasm-simd": { J2: wasm.integralJ2, I3: wasm.integralI3, I4: wasm.integralI4 },
  js: { J2: reference.J2, I3: reference.I3, I4: reference.I4 },
} as Record<string, Record<keyof typeof ORDER, (...c: number[]) => number>>;

describe.each(Object.keys(implementations))("integrals (%s)", (name) => {
  const impl = implementations[name];
  it.each(Object.keys(ORDER) as (keyof typeof ORDER)[])("%s matches ../shared/refs/integrals.json to 8 ulp", (integral) => {
    for (const { args, value } of vectors[integral] as { args: Args; value: number }[]) {
      const got = impl[integral](...ORDER[integral].map((key) => args[key]));
      expect(Math.abs(got - value), `${integral}(${JSON.stringify(args)}) = ${got}, expected ${value}`).toBeLessThanOrEqual(8 * EPS * Math.abs(value));
    }
  });

  it("has the special values of theory.md §4: J2(1,1,1) = 2/(π√3); a teacher equal to the student gives I3 = E[σ'(u)u σ(u)]", () => {
    expect(impl.J2(1, 1, 1)).toBeCloseTo(2 / (Math.PI * Math.sqrt(3)), 15);
    // I3(C, C, C, C, C, C) with C = 1: (2/π)(2 − 1)/(2√3) = 1/(π√3)
    expect(impl.I3(1, 1, 1, 1, 1, 1)).toBeCloseTo(1 / (Math.PI * Math.sqrt(3)), 15);
  });

  it("are symmetric under exchanging the two σ' variables (I4) and ignore C22 (I3)", () => {
    const g = gaussian(17);
    const C = randomCovariance(g, 4, 2);
    const c = (i: number, j: number) => C[i][j];
    const a = impl.I4(c(0, 0), c(0, 1), c(0, 2), c(0, 3), c(1, 1), c(1, 2), c(1, 3), c(2, 2), c(2, 3), c(3, 3));
    const b = impl.I4(c(1, 1), c(0, 1), c(1, 2), c(1, 3), c(0, 0), c(0, 2), c(0, 3), c(2, 2), c(2, 3), c(3, 3));
    expect(Math.abs(a - b)).toBeLessThan(1e-15);
    expect(impl.I3(1.2, 0.3, 0.1, 5, 0.2, 0.9)).toBe(impl.I3(1.2, 0.3, 0.1, 0.7, 0.2, 0.9));
  });
});

describe("integrals against Monte Carlo (2·10^5 samples per covariance, |z| < 4.5)", () => {
  const cases = [0.3, 1, 4].map((scale, i) => ({ scale, seed: 100 + i }));
  it.each(cases)("J2, I3 and I4 on random covariances of scale $scale", ({ scale, seed }) => {
    const g = gaussian(seed);
    const C = randomCovariance(g, 4, scale);
    const c = (i: number, j: number) => C[i][j];
    const checks: [number, (u: number[]) => number][] = [
      [reference.J2(c(0, 0), c(0, 1), c(1, 1)), (u) => sigmaPrime(u[0]) * sigmaPrime(u[1])],
      [reference.I3(c(0, 0), c(0, 1), c(0, 2), c(1, 1), c(1, 2), c(2, 2)), (u) => sigmaPrime(u[0]) * u[1] * sigma(u[2])],
      [
        reference.I4(c(0, 0), c(0, 1), c(0, 2), c(0, 3), c(1, 1), c(1, 2), c(1, 3), c(2, 2), c(2, 3), c(3, 3)),
        (u) => sigmaPrime(u[0]) * sigmaPrime(u[1]) * sigma(u[2]) * sigma(u[3]),
      ],
    ];
    checks.forEach(([closed, f], i) => {
      const { mean, se } = monteCarlo(C, f, 200_000, seed * 10 + i);
      expect(Math.abs(closed - mean) / se, `integral ${i}: closed ${closed}, MC ${mean} ± ${se}`).toBeLessThan(4.5);
    });
  });
});
