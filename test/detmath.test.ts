// pow of src/engine/detmath.ts (the engine-independent x^y behind γ, p, δt and the output times) against exact values
// from Python's decimal module at 60 digits (test/fixtures/pow_exact.json, written by test/fixtures/generate.py).
// That it gives the same bits in Chromium as in Node is checked by test/browser.test.ts (same trajectories).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { pow } from "../src/engine/detmath.js";

const fixture = JSON.parse(readFileSync("test/fixtures/pow_exact.json", "utf8")) as { cases: { x: number; y: number; exact: string }[] };

const bits = new Float64Array(1);
const word = new BigInt64Array(bits.buffer);
/** The next double toward +∞ (or −∞ with step −1), for finite x ≥ 0. */
function next(x: number, step: 1 | -1): number {
  bits[0] = x;
  word[0] += BigInt(step);
  return bits[0];
}

describe("pow (fdlibm's algorithm, the same on every engine)", () => {
  it("is within 1 ulp of the exact x^y and correctly rounded in most cases", () => {
    let rounded = 0;
    for (const { x, y, exact } of fixture.cases) {
      const v = pow(x, y);
      const c = Number(exact); // the correctly rounded double (string → number rounds to nearest)
      if (c === Infinity) {
        expect(v, `${x}^${y}`).toBe(Infinity);
        rounded++;
        continue;
      }
      // within 1 ulp: the correctly rounded value or one of its neighbours
      expect([c, next(c, 1), c > 0 ? next(c, -1) : 0], `${x}^${y} = ${exact}`).toContain(v);
      if (v === c) rounded++;
    }
    expect(rounded / fixture.cases.length).toBeGreaterThan(0.85);
  });

  it("is exact where x^y is a double: integers, powers of two, square roots", () => {
    expect(pow(10, 3)).toBe(1000);
    expect(pow(1000, 0)).toBe(1);
    expect(pow(2, 52)).toBe(2 ** 52);
    expect(pow(2, -1074)).toBe(5e-324);
    expect(pow(1e6, 0.5)).toBe(1000);
    expect(pow(100, -1)).toBe(0.01);
    expect(pow(1, 1e300)).toBe(1);
    expect(pow(16, 0.25)).toBe(2);
  });

  it("overflows to ∞ and underflows to 0 like x ** y, and leaves x ≤ 0, NaN and ∞ to Math.pow", () => {
    expect(pow(1e300, 2)).toBe(Infinity);
    expect(pow(10, 400)).toBe(Infinity);
    expect(pow(10, -400)).toBe(0);
    expect(pow(1 + 1e-15, 1e20)).toBe(Infinity);
    expect(pow(0.5, 3e9)).toBe(0);
    for (const [x, y] of [[0, 2], [0, -1], [-8, 1 / 3], [-2, 3], [NaN, 1], [2, NaN], [Infinity, 0.5], [2, -Infinity]]) {
      expect(Object.is(pow(x, y), Math.pow(x, y)), `${x}^${y}`).toBe(true);
    }
  });

  it("agrees with this engine's Math.pow to 1 ulp over the parameters' ranges", () => {
    for (let d = 2; d <= 1e6; d = Math.ceil(d * 1.37)) {
      for (let e = -2; e <= 2; e += 0.0625) {
        const a = pow(d, e);
        const b = d ** e;
        expect(Math.abs(a - b), `${d}^${e}`).toBeLessThanOrEqual(Math.abs(next(b, 1) - b));
      }
    }
  });
});
