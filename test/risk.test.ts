// The closed-form excess risk R = ½ Σ c_a c_b I2 (theory.md §5): I2 against the shared reference vectors,
// R against the shared ODE reference R(0) and against Monte-Carlo estimates with their error bars.
import { describe, expect, it } from "vitest";
import { createEngine, type Backend, type Engine } from "../src/engine/engine.js";
import { instantiateBuild } from "../src/engine/wasm.js";
import { I2 as referenceI2 } from "../src/reference/integrals.js";
import { sigma } from "../src/reference/activation.js";
import { fixture, relErr } from "./helpers.js";
import { gaussian } from "./gaussian.js";

const EPS = 2 ** -52;
const wasm = await instantiateBuild("wasm-simd");
const i2s = { "wasm-simd": (a: number, b: number, c: number) => wasm.integralI2(a, b, c), js: referenceI2 };
const BACKENDS: Backend[] = ["wasm-simd", "wasm-scalar", "js"];

/** Risk of given overlaps, evaluated by `backend`'s riskCompute. */
async function riskOf(backend: Backend, Q: number[][], M: number[][], P: number[][]): Promise<number> {
  const p = Q.length, k = P.length;
  const engine: Engine = await createEngine(backend, { d: 2, p, k });
  const { f64, layout } = engine;
  f64.set(Q.flat(), layout.Q / 8);
  f64.set(M.flat(), layout.M / 8);
  f64.set(P.flat(), layout.P / 8);
  return engine.riskCompute();
}

describe("I2", () => {
  const vectors: { args: { C11: number; C12: number; C22: number }; value: number }[] = fixture("refs/integrals.json").test_vectors.I2;
  it.each(Object.entries(i2s))("matches ../shared/refs/integrals.json to 4 ulp (%s)", (_name, I2) => {
    for (const { args, value } of vectors) {
      expect(Math.abs(I2(args.C11, args.C12, args.C22) - value)).toBeLessThanOrEqual(4 * EPS * Math.abs(value));
    }
  });

  it.each(Object.entries(i2s))("has the special values of theory.md §4 and is symmetric (%s)", (_name, I2) => {
    expect(I2(1, 1, 1)).toBeCloseTo(1 / 3, 15);
    expect(I2(1, 0, 1)).toBe(0);
    expect(I2(0.3, 0.2, 2.5)).toBe(I2(2.5, 0.2, 0.3));
    expect(I2(1, 1 + 1e-15, 1)).toBeCloseTo(1 / 3, 14); // round-off past |ρ| = 1 is clamped, not NaN
  });
});

describe("excess risk", () => {
  const ref = fixture("refs/ode_reference.json");
  it.each(BACKENDS)("equals R(0) of ../shared/refs/ode_reference.json for its Q0, M0, P (p = 6, k = 3) to 1e-14 (%s)", async (backend) => {
    const expected = ref.cases["blue_Delta1e-3"].risk[0];
    expect(ref.cases["blue_Delta1e-3"].times[0]).toBe(0);
    expect(relErr(await riskOf(backend, ref.Q0, ref.M0, ref.P), expected)).toBeLessThan(1e-14);
  });

  it("is 1/(6k) + 1/(6p) for orthonormal teacher and orthonormal students (theory.md §5)", async () => {
    const eye = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
    const zeros = (r: number, c: number) => Array.from({ length: r }, () => new Array(c).fill(0));
    const risk = await riskOf("wasm-simd", eye(8), zeros(8, 4), eye(4));
    expect(relErr(risk, 1 / 24 + 1 / 48)).toBeLessThan(1e-15);
  });

  it("is 0 for a student equal to the teacher", async () => {
    const Q = [[1.3, 0.2], [0.2, 0.7]];
    expect(Math.abs(await riskOf("wasm-simd", Q, Q, Q))).toBeLessThan(1e-16);
  });

  // random weights at d = 12; overlaps computed here; MC average of ½(f* − f)² over 2·10^5 inputs
  const mcCases = [
    { p: 1, k: 1, seed: 1 },
    { p: 3, k: 2, seed: 2 },
    { p: 8, k: 4, seed: 3 },
    { p: 5, k: 5, seed: 4 },
  ];
  it.each(mcCases)("agrees with a Monte-Carlo estimate within 4.5 standard errors (p = $p, k = $k)", async ({ p, k, seed }) => {
    const d = 12;
    const g = gaussian(seed);
    const row = () => {
      const scale = 0.3 + 2.5 * Math.abs(g()); // norms of order 0.3–3√d: small and saturated units
      return Array.from({ length: d }, () => scale * g());
    };
    const W = Array.from({ length: p }, row);
    const Wstar = Array.from({ length: k }, row);
    const gramOf = (A: number[][], B: number[][]) => A.map((a) => B.map((b) => a.reduce((s, v, j) => s + v * b[j], 0) / d));
    const closed = await riskOf("wasm-simd", gramOf(W, W), gramOf(W, Wstar), gramOf(Wstar, Wstar));
    const n = 200_000;
    const x = new Float64Array(d);
    let sum = 0, sum2 = 0;
    for (let s = 0; s < n; s++) {
      for (let j = 0; j < d; j++) x[j] = g();
      const field = (w: number[]) => w.reduce((t, v, j) => t + v * x[j], 0) / Math.sqrt(d);
      const f = W.reduce((t, w) => t + sigma(field(w)), 0) / p;
      const fStar = Wstar.reduce((t, w) => t + sigma(field(w)), 0) / k;
      const loss = 0.5 * (fStar - f) ** 2;
      sum += loss;
      sum2 += loss * loss;
    }
    const mean = sum / n;
    const se = Math.sqrt((sum2 / n - mean * mean) / n);
    expect(Math.abs(closed - mean) / se).toBeLessThan(4.5);
  });
});
