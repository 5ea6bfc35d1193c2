// see: Blackman & Vigna (2021), "Scrambled linear pseudorandom number generators", ACM TOMS 47(4):
// xoshiro256** and its splitmix64 seeding; Marsaglia & Tsang (2000), J. Stat. Softw. 5(8): ziggurat.
// The state lives in the flat buffer (Slot.RNG_PTR); exported calls copy it into globals on entry and
// back on exit, so a run split into several calls draws exactly the same stream as one call.
// The stream is defined by integer arithmetic and the shared tables of src/shared/ziggurat.ts, hence it is the
// same in every engine; src/reference/rng.ts reproduces it in plain JS.
import { ZIG_R, ZIG_X, ZIG_F } from "../src/shared/ziggurat";
import { Slot } from "../src/shared/layout";
import { slotPtr } from "./header";

let s0: u64 = 0;
let s1: u64 = 0;
let s2: u64 = 0;
let s3: u64 = 0;

/** The ziggurat's tables at fixed addresses (static memory filled once at start): a constant address folds into
 * each load of the hot loop, where the Array's data pointer would be a global read on every draw. */
const ZX: usize = memory.data(257 << 3, 16);
const ZF: usize = memory.data(257 << 3, 16);
for (let i = 0; i < 257; i++) {
  store<f64>(ZX + (<usize>i << 3), ZIG_X[i]);
  store<f64>(ZF + (<usize>i << 3), ZIG_F[i]);
}
/** 2^−52, 2^−53 */
const TWO_M52: f64 = 2.220446049250313e-16;
const TWO_M53: f64 = 1.1102230246251565e-16;

/** Copies the generator state at `ptr` (4 × u64) into the globals. */
export function rngLoadAt(ptr: usize): void {
  s0 = load<u64>(ptr);
  s1 = load<u64>(ptr, 8);
  s2 = load<u64>(ptr, 16);
  s3 = load<u64>(ptr, 24);
}

/** Copies the generator state from the globals to `ptr`. */
export function rngSaveAt(ptr: usize): void {
  store<u64>(ptr, s0);
  store<u64>(ptr, s1, 8);
  store<u64>(ptr, s2, 16);
  store<u64>(ptr, s3, 24);
}

/** Copies the generator state from the buffer into the globals (on entry to an exported call). */
export function rngLoad(): void {
  rngLoadAt(slotPtr(Slot.RNG_PTR));
}

/** Copies the generator state from the globals back into the buffer (on exit). */
export function rngSave(): void {
  rngSaveAt(slotPtr(Slot.RNG_PTR));
}

/** One splitmix64 output from state `z` (the state advances by the golden-ratio increment first). */
@inline function splitmix64(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  return z ^ (z >> 31);
}

/**
 * Seeds the generator from the 64-bit seed (hi·2^32 + lo) and a stream number (`Stream` in layout.ts):
 * the four state words are consecutive splitmix64 outputs starting from seed + stream·0xD1B54A32D192ED03.
 * Called once per run by the TS layer.
 */
export function rngSeed(lo: u32, hi: u32, stream: u32): void {
  let z: u64 = ((<u64>hi << 32) | <u64>lo) + <u64>stream * 0xD1B54A32D192ED03;
  z += 0x9E3779B97F4A7C15; s0 = splitmix64(z);
  z += 0x9E3779B97F4A7C15; s1 = splitmix64(z);
  z += 0x9E3779B97F4A7C15; s2 = splitmix64(z);
  z += 0x9E3779B97F4A7C15; s3 = splitmix64(z);
  rngSave();
}

/**
 * u = m·2^−51 − 1 ∈ [−1, 1) from the top 52 bits m of a draw r: 2 + m·2^−51 is built by putting m under the
 * exponent of 2.0, then shifted by 3, both steps exact — the same double as (<f64>m)·2^−51 − 1 without a
 * u64 → f64 conversion (which x86 has no single instruction for).
 */
@inline function symmetric(r: u64): f64 {
  return reinterpret<f64>((r >> 12) | 0x4000000000000000) - 3.0;
}

/** xoshiro256**: the next 64-bit output. */
@inline export function next(): u64 {
  const result = rotl<u64>(s1 * 5, 7) * 9;
  const t = s1 << 17;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u64>(s3, 45);
  return result;
}

/** Uniform on [0, 1) with 53 random bits. */
@inline export function uniform(): f64 {
  return <f64>(next() >> 11) * TWO_M53;
}

/** Uniform on (0, 1) with 52 random bits, never 0 (argument of a logarithm). */
@inline export function open01(): f64 {
  return (<f64>(next() >> 12) + 0.5) * TWO_M52;
}

/**
 * Standard normal by the 256-layer ziggurat. One 64-bit draw per attempt: its low 8 bits pick the
 * layer i, its top 52 bits a symmetric uniform u ∈ [−1, 1); x = u·X[i] is accepted at once when
 * |x| < X[i+1] (≈ 99% of draws). Otherwise: the base layer samples the tail beyond R (Marsaglia's
 * exponential method), the other layers accept x when F[i+1] + (F[i] − F[i+1])·U < exp(−x²/2).
 */
@inline export function normal(): f64 {
  const r = next();
  const i = <usize>(r & 0xFF);
  const x = symmetric(r) * load<f64>(ZX + (i << 3));
  if (abs(x) < load<f64>(ZX + ((i + 1) << 3))) return x;
  return normalSlow(i, x);
}

/** The rare branches of `normal`: tail, wedge, and the retries after a rejection. */
function normalSlow(i: usize, x: f64): f64 {
  while (true) {
    if (i == 0) {
      let tx: f64 = 1.0;
      let ty: f64 = 0.0;
      while (-2.0 * ty < tx * tx) {
        tx = Math.log(open01()) / ZIG_R;
        ty = Math.log(open01());
      }
      return x < 0 ? tx - ZIG_R : ZIG_R - tx; // x has the sign of u
    }
    const f1 = load<f64>(ZF + ((i + 1) << 3));
    if (f1 + (load<f64>(ZF + (i << 3)) - f1) * uniform() < Math.exp(-0.5 * x * x)) return x;
    const r = next();
    i = <usize>(r & 0xFF);
    x = symmetric(r) * load<f64>(ZX + (i << 3));
    if (abs(x) < load<f64>(ZX + ((i + 1) << 3))) return x;
  }
  return 0; // unreachable
}

/**
 * Writes `n` standard normals at `ptr`: the same draws as n calls of `normal`, but with the generator
 * state held in locals (much faster than going through the globals) and synchronised with the globals
 * only around the ≈1% of draws that leave the fast path. Called once per SGD step with n = d (the input x).
 */
export function fillNormals(ptr: usize, n: i32): void {
  let a = s0, b = s1, c = s2, e = s3;
  let j = 0;
  // four draws per turn, the same block written out four times: the loop's counters, check and branch are paid once
  // for four (npm run bench:instructions: 35 instructions per normal against 39 with two per turn, and 36 with
  // eight; same-process A/B: 1.06–1.12× faster than two per turn, eight 1–3% more). An inner loop of two turns
  // measured 61 against 41, and an @inline helper cannot assign these locals.
  for (; j + 4 <= n; j += 4) {
    {
      const r = rotl<u64>(b * 5, 7) * 9;
      const t = b << 17;
      c ^= a;
      e ^= b;
      b ^= c;
      a ^= e;
      c ^= t;
      e = rotl<u64>(e, 45);
      const i = <usize>(<u32>r & 0xFF);
      const layer = ZX + (i << 3);
      let x = symmetric(r) * load<f64>(layer);
      if (abs(x) >= load<f64>(layer, 8)) {
        s0 = a; s1 = b; s2 = c; s3 = e;
        x = normalSlow(i, x);
        a = s0; b = s1; c = s2; e = s3;
      }
      store<f64>(ptr + (<usize>j << 3), x, 0);
    }
    {
      const r = rotl<u64>(b * 5, 7) * 9;
      const t = b << 17;
      c ^= a;
      e ^= b;
      b ^= c;
      a ^= e;
      c ^= t;
      e = rotl<u64>(e, 45);
      const i = <usize>(<u32>r & 0xFF);
      const layer = ZX + (i << 3);
      let x = symmetric(r) * load<f64>(layer);
      if (abs(x) >= load<f64>(layer, 8)) {
        s0 = a; s1 = b; s2 = c; s3 = e;
        x = normalSlow(i, x);
        a = s0; b = s1; c = s2; e = s3;
      }
      store<f64>(ptr + (<usize>j << 3), x, 8);
    }
    {
      const r = rotl<u64>(b * 5, 7) * 9;
      const t = b << 17;
      c ^= a;
      e ^= b;
      b ^= c;
      a ^= e;
      c ^= t;
      e = rotl<u64>(e, 45);
      const i = <usize>(<u32>r & 0xFF);
      const layer = ZX + (i << 3);
      let x = symmetric(r) * load<f64>(layer);
      if (abs(x) >= load<f64>(layer, 8)) {
        s0 = a; s1 = b; s2 = c; s3 = e;
        x = normalSlow(i, x);
        a = s0; b = s1; c = s2; e = s3;
      }
      store<f64>(ptr + (<usize>j << 3), x, 16);
    }
    {
      const r = rotl<u64>(b * 5, 7) * 9;
      const t = b << 17;
      c ^= a;
      e ^= b;
      b ^= c;
      a ^= e;
      c ^= t;
      e = rotl<u64>(e, 45);
      const i = <usize>(<u32>r & 0xFF);
      const layer = ZX + (i << 3);
      let x = symmetric(r) * load<f64>(layer);
      if (abs(x) >= load<f64>(layer, 8)) {
        s0 = a; s1 = b; s2 = c; s3 = e;
        x = normalSlow(i, x);
        a = s0; b = s1; c = s2; e = s3;
      }
      store<f64>(ptr + (<usize>j << 3), x, 24);
    }
  }
  s0 = a;
  s1 = b;
  s2 = c;
  s3 = e;
  for (; j < n; j++) store<f64>(ptr + (<usize>j << 3), normal()); // the last n mod 4 draws: the same steps, on the globals
}

/** Writes `n` standard normals at `ptr` (`fillNormals` with the state loaded from and saved to the buffer). */
export function rngNormals(ptr: usize, n: i32): void {
  rngLoad();
  fillNormals(ptr, n);
  rngSave();
}

/** Writes `n` uniforms on [0, 1) at `ptr` (tests of the raw stream). */
export function rngUniforms(ptr: usize, n: i32): void {
  rngLoad();
  for (let j = 0; j < n; j++) store<f64>(ptr + (<usize>j << 3), uniform());
  rngSave();
}

/**
 * Gamma(shape a, scale 1) by Marsaglia & Tsang (2000), ACM TOMS 26(3), "A simple method for generating gamma
 * variables": with c = a − 1/3, draw x ~ N(0, 1) until v = (1 + x/√(9c))³ > 0, then u ~ U(0, 1); accept c·v
 * when u < 1 − 0.0331 x⁴ (squeeze) or log u < x²/2 + c (1 − v + log v). For a < 1: Gamma(a + 1)·U^(1/a).
 * Exact for every a > 0, O(1) draws; used for the χ² of the reduced chain (χ²_n = 2·Gamma(n/2)).
 */
export function gammaSample(a: f64): f64 {
  if (a < 1) {
    const g = gammaSample(a + 1);
    return g * Math.pow(open01(), 1.0 / a);
  }
  const c = a - 1.0 / 3.0;
  const s = 1.0 / Math.sqrt(9.0 * c);
  while (true) {
    let x: f64, v: f64;
    do {
      x = normal();
      v = 1.0 + s * x;
    } while (v <= 0);
    v = v * v * v;
    const u = open01();
    const x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return c * v;
    if (Math.log(u) < 0.5 * x2 + c * (1.0 - v + Math.log(v))) return c * v;
  }
  return 0; // unreachable
}

/** χ² with n ≥ 0 degrees of freedom: 2·Gamma(n/2), and 0 for n = 0 (no draw). */
export function chiSquare(n: f64): f64 {
  return n > 0 ? 2.0 * gammaSample(0.5 * n) : 0.0;
}

/** Writes `n` draws of χ² with `dof` degrees of freedom at `ptr` (tests of the sampler). */
export function rngChiSquares(ptr: usize, n: i32, dof: f64): void {
  rngLoad();
  for (let j = 0; j < n; j++) store<f64>(ptr + (<usize>j << 3), chiSquare(dof));
  rngSave();
}
