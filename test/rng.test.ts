// The seeded generator: xoshiro256** with splitmix64 seeding against an independent Python
// implementation (test/fixtures/xoshiro.json), and the ziggurat normals against N(0, 1).
import { describe, expect, it } from "vitest";
import { createEngine, type Engine } from "../src/engine/engine.js";
import { ReferenceRng } from "../src/reference/rng.js";
import { erf } from "../src/reference/activation.js";
import { ZIG_R } from "../src/shared/ziggurat.js";
import { fixture } from "./helpers.js";

interface StreamFixture { seed: number; stream: number; words: string[]; uniforms: number[] }
const streams: StreamFixture[] = fixture("xoshiro.json").streams;

async function engineWith(backend: Parameters<typeof createEngine>[0], n: number): Promise<Engine> {
  return createEngine(backend, { d: n, p: 1, k: 1 }); // the x region (n doubles) and W (n doubles) serve as scratch
}

function draw(engine: Engine, kind: "normals" | "uniforms", n: number): Float64Array {
  const at = engine.layout.W;
  engine[kind](at, n);
  return engine.f64.slice(at / 8, at / 8 + n);
}

describe("xoshiro256** stream", () => {
  const cases = streams.map((s) => [s.seed, s.stream, s] as const);

  it.each(cases)("matches the Python reference for seed %s, stream %s (uniforms, every backend)", async (_seed, _stream, s) => {
    for (const backend of ["wasm-simd", "wasm-scalar", "wasm-debug", "js"] as const) {
      const engine = await engineWith(backend, 64);
      engine.seed(s.seed, s.stream);
      expect(Array.from(draw(engine, "uniforms", 64)), backend).toEqual(s.uniforms);
    }
  });

  it.each(cases)("matches the Python reference for seed %s, stream %s (raw 64-bit words, JS baseline)", (_seed, _stream, s) => {
    const rng = new ReferenceRng();
    rng.seed(s.seed, s.stream);
    const words = s.words.map(() => {
      rng.next();
      const r = rng as unknown as { rh: number; rl: number };
      return (r.rh >>> 0).toString(16).padStart(8, "0") + (r.rl >>> 0).toString(16).padStart(8, "0");
    });
    expect(words).toEqual(s.words);
  });
});

describe("normals", () => {
  it("are the same draws in Wasm and in the JS baseline (10^5 draws, equal up to the ulp of a log in the tail)", async () => {
    const wasm = await engineWith("wasm-simd", 100_000);
    const js = await engineWith("js", 100_000);
    wasm.seed(7, 0);
    js.seed(7, 0);
    const a = draw(wasm, "normals", 100_000);
    const b = draw(js, "normals", 100_000);
    let unequal = 0;
    for (let j = 0; j < a.length; j++) {
      if (a[j] !== b[j]) {
        unequal++;
        expect(Math.abs(a[j] - b[j])).toBeLessThanOrEqual(4e-16 * Math.abs(b[j]));
        expect(Math.abs(b[j])).toBeGreaterThan(ZIG_R); // only the tail uses Math.log
      }
    }
    expect(unequal).toBeLessThan(100);
  });

  it("do not depend on how the draws are split into calls", async () => {
    const one = await engineWith("wasm-simd", 1000);
    const two = await engineWith("wasm-simd", 1000);
    one.seed(3, 0);
    two.seed(3, 0);
    const whole = draw(one, "normals", 1000);
    two.normals(two.layout.W, 400);
    two.normals(two.layout.W + 400 * 8, 600);
    expect(two.f64.slice(two.layout.W / 8, two.layout.W / 8 + 1000)).toEqual(whole);
    // calls whose lengths are not multiples of the four draws per turn (the last n mod 4 go one by one)
    const ragged = await engineWith("wasm-simd", 1000);
    ragged.seed(3, 0);
    let at = 0;
    for (const n of [1, 6, 3, 397, 2, 591]) {
      ragged.normals(ragged.layout.W + at * 8, n);
      at += n;
    }
    expect(ragged.f64.slice(ragged.layout.W / 8, ragged.layout.W / 8 + 1000)).toEqual(whole);
  });

  it("repeat for the same seed and stream, and differ between seeds and between streams", async () => {
    const e = await engineWith("wasm-simd", 100);
    const take = (seed: number, stream: number) => {
      e.seed(seed, stream);
      return draw(e, "normals", 100);
    };
    expect(take(5, 0)).toEqual(take(5, 0));
    expect(take(5, 0)).not.toEqual(take(6, 0));
    expect(take(5, 0)).not.toEqual(take(5, 1));
  });

  it("have the moments and the distribution of N(0, 1) (10^6 draws: |z| < 5 on mean, variance, kurtosis; KS distance < 1.95/√n; tail mass beyond R within 5σ)", async () => {
    const n = 1_000_000;
    const e = await engineWith("wasm-simd", n);
    e.seed(2026, 0);
    const x = draw(e, "normals", n);
    let m1 = 0, m2 = 0, m4 = 0, tail = 0;
    for (const v of x) {
      m1 += v;
      m2 += v * v;
      m4 += v ** 4;
      if (Math.abs(v) > ZIG_R) tail++;
    }
    m1 /= n; m2 /= n; m4 /= n;
    expect(Math.abs(m1) / Math.sqrt(1 / n)).toBeLessThan(5); // var of the mean: 1/n
    expect(Math.abs(m2 - 1) / Math.sqrt(2 / n)).toBeLessThan(5); // var of x²: 2
    expect(Math.abs(m4 - 3) / Math.sqrt(96 / n)).toBeLessThan(5); // var of x⁴: E x⁸ − 9 = 105 − 9
    const pTail = 1 - erf(ZIG_R / Math.SQRT2); // P(|x| > R) ≈ 2.58e-4
    expect(Math.abs(tail - n * pTail) / Math.sqrt(n * pTail)).toBeLessThan(5);
    const sorted = Float64Array.from(x).sort();
    let ks = 0;
    for (let i = 0; i < n; i += 97) {
      const cdf = 0.5 * (1 + erf(sorted[i] / Math.SQRT2));
      ks = Math.max(ks, Math.abs(cdf - i / n), Math.abs(cdf - (i + 1) / n));
    }
    expect(ks).toBeLessThan(1.95 / Math.sqrt(n)); // 99.9% quantile of the KS statistic ≈ 1.95/√n
  });
});
