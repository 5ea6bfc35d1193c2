// see: assembly/rng.ts — the same xoshiro256** stream, splitmix64 seeding and 256-layer ziggurat in plain
// JS (64-bit words as pairs of unsigned 32-bit halves), for tests and the `js` benchmark case.
import { ZIG_R, ZIG_X, ZIG_F } from "../shared/ziggurat.js";

const TWO_M51 = 4.440892098500626e-16;
const TWO_M52 = 2.220446049250313e-16;
const TWO_M53 = 1.1102230246251565e-16;
const TWO_20 = 1048576;
const TWO_21 = 2097152;
const TWO_32 = 4294967296;
const MASK64 = (1n << 64n) - 1n;

/** splitmix64 output from state z (BigInt; seeding only). */
function splitmix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * xoshiro256** with its state as eight 32-bit halves. `load`/`save` move the state from/to a Uint32Array
 * at a word index (little-endian u64 words: low half first), the layout the Wasm module uses.
 */
export class ReferenceRng {
  private s0h = 0; private s0l = 0; private s1h = 0; private s1l = 0;
  private s2h = 0; private s2l = 0; private s3h = 0; private s3l = 0;
  /** halves of the last 64-bit output */
  private rh = 0; private rl = 0;

  /** Seeds like assembly/rng.ts rngSeed: splitmix64 from seed + stream·0xD1B54A32D192ED03. */
  seed(seed: number, stream: number): void {
    let z = (BigInt(seed) + BigInt(stream) * 0xd1b54a32d192ed03n) & MASK64;
    const words: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      z = (z + 0x9e3779b97f4a7c15n) & MASK64;
      words.push(splitmix64(z));
    }
    const hi = (w: bigint) => Number(w >> 32n) | 0;
    const lo = (w: bigint) => Number(w & 0xffffffffn) | 0;
    this.s0h = hi(words[0]); this.s0l = lo(words[0]);
    this.s1h = hi(words[1]); this.s1l = lo(words[1]);
    this.s2h = hi(words[2]); this.s2l = lo(words[2]);
    this.s3h = hi(words[3]); this.s3l = lo(words[3]);
  }

  load(u32: Uint32Array, word: number): void {
    this.s0l = u32[word] | 0; this.s0h = u32[word + 1] | 0;
    this.s1l = u32[word + 2] | 0; this.s1h = u32[word + 3] | 0;
    this.s2l = u32[word + 4] | 0; this.s2h = u32[word + 5] | 0;
    this.s3l = u32[word + 6] | 0; this.s3h = u32[word + 7] | 0;
  }

  save(u32: Uint32Array, word: number): void {
    u32[word] = this.s0l; u32[word + 1] = this.s0h;
    u32[word + 2] = this.s1l; u32[word + 3] = this.s1h;
    u32[word + 4] = this.s2l; u32[word + 5] = this.s2h;
    u32[word + 6] = this.s3l; u32[word + 7] = this.s3h;
  }

  /**
   * Advances the state; the 64-bit output is left in (rh, rl). Halves are kept as int32 (V8 keeps those
   * unboxed); products by 5 and 9 split into an exact double low part and Math.imul high part.
   */
  next(): void {
    const l = this.s1l, h = this.s1h;
    // result = rotl(s1 · 5, 7) · 9
    const l5 = (l >>> 0) * 5;
    const ml = l5 | 0, mh = (Math.imul(h, 5) + Math.floor(l5 / TWO_32)) | 0;
    const rl = (ml << 7) | (mh >>> 25), rh = (mh << 7) | (ml >>> 25);
    const l9 = (rl >>> 0) * 9;
    this.rl = l9 | 0;
    this.rh = (Math.imul(rh, 9) + Math.floor(l9 / TWO_32)) | 0;
    // t = s1 << 17; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45)
    const th = (h << 17) | (l >>> 15), tl = l << 17;
    const s2h = this.s2h ^ this.s0h, s2l = this.s2l ^ this.s0l;
    const s3h = this.s3h ^ h, s3l = this.s3l ^ l;
    this.s1h = h ^ s2h;
    this.s1l = l ^ s2l;
    this.s0h ^= s3h;
    this.s0l ^= s3l;
    this.s2h = s2h ^ th;
    this.s2l = s2l ^ tl;
    // rotl by 45 = swap the halves, then rotl by 13
    this.s3h = (s3l << 13) | (s3h >>> 19);
    this.s3l = (s3h << 13) | (s3l >>> 19);
  }

  /** Uniform on [0, 1): (r >> 11)·2^−53. */
  uniform(): number {
    this.next();
    return ((this.rh >>> 0) * TWO_21 + (this.rl >>> 11)) * TWO_M53;
  }

  /** Uniform on (0, 1), never 0. */
  open01(): number {
    this.next();
    return ((this.rh >>> 0) * TWO_20 + (this.rl >>> 12) + 0.5) * TWO_M52;
  }

  /** Standard normal: the ziggurat of assembly/rng.ts `normal`, draw for draw. */
  normal(): number {
    for (;;) {
      this.next();
      const i = this.rl & 0xff;
      const x = (((this.rh >>> 0) * TWO_20 + (this.rl >>> 12)) * TWO_M51 - 1.0) * ZIG_X[i];
      if (Math.abs(x) < ZIG_X[i + 1]) return x;
      if (i === 0) {
        let tx = 1.0;
        let ty = 0.0;
        while (-2.0 * ty < tx * tx) {
          tx = Math.log(this.open01()) / ZIG_R;
          ty = Math.log(this.open01());
        }
        return x < 0 ? tx - ZIG_R : ZIG_R - tx;
      }
      if (ZIG_F[i + 1] + (ZIG_F[i] - ZIG_F[i + 1]) * this.uniform() < Math.exp(-0.5 * x * x)) return x;
    }
  }

  /** Gamma(a, 1) by Marsaglia & Tsang (assembly/rng.ts `gammaSample`), draw for draw. */
  gamma(a: number): number {
    if (a < 1) {
      const g = this.gamma(a + 1);
      return g * Math.pow(this.open01(), 1.0 / a);
    }
    const c = a - 1.0 / 3.0;
    const s = 1.0 / Math.sqrt(9.0 * c);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1.0 + s * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.open01();
      const x2 = x * x;
      if (u < 1.0 - 0.0331 * x2 * x2) return c * v;
      if (Math.log(u) < 0.5 * x2 + c * (1.0 - v + Math.log(v))) return c * v;
    }
  }

  /** χ² with n ≥ 0 degrees of freedom (assembly/rng.ts `chiSquare`). */
  chiSquare(n: number): number {
    return n > 0 ? 2.0 * this.gamma(0.5 * n) : 0.0;
  }
}
