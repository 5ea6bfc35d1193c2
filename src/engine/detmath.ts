// see: README.md (browser: same numbers everywhere) — x^y computed the same way on every JavaScript engine.
// ECMAScript leaves Math.pow and ** "implementation-approximated": Node 20's V8 and Chromium's V8 give
// different last bits for about 10% of arguments (measured). The parameters derived in JS from the
// user's options — γ = γ0·d^(−δ), p = round(d^κ), δt = d^(−exponent), the log-spaced output times — feed
// the trajectory, so they use this pow: fdlibm's algorithm (Sun Microsystems, 1993; e_pow.c), written here
// for x > 0 with only IEEE-754 +, −, ×, ÷ and bit moves, which every engine rounds identically.
// Error < 1 ulp (fdlibm's bound); the test compares it with exactly rounded values.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// word order of a double in memory (little-endian on every platform that runs Wasm, checked anyway)
const LO = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f ? 0 : 1;
const HI = 1 - LO;

function high(x: number): number {
  f64[0] = x;
  return u32[HI] | 0;
}
function low(x: number): number {
  f64[0] = x;
  return u32[LO] >>> 0;
}
function withLow(x: number, lo: number): number {
  f64[0] = x;
  u32[LO] = lo;
  return f64[0];
}
function fromWords(hi: number, lo: number): number {
  u32[HI] = hi;
  u32[LO] = lo;
  return f64[0];
}

const BP = [1.0, 1.5];
const DP_H = [0.0, 5.84962487220764160156e-1]; // 0x3FE2B803 40000000
const DP_L = [0.0, 1.35003920212974897128e-8]; // 0x3E4CFDEB 43CFD006
const TWO53 = 9007199254740992.0;
const HUGE = 1.0e300;
const TINY = 1.0e-300;
// polynomial of (3/2)·(log(x) − 2s − 2s³/3)
const L1 = 5.99999999999994648725e-1;
const L2 = 4.28571428578550184252e-1;
const L3 = 3.33333329818377432918e-1;
const L4 = 2.72728123808534006489e-1;
const L5 = 2.30660745775561754067e-1;
const L6 = 2.06975017800338417784e-1;
// exp's remez polynomial
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
const LG2 = 6.93147180559945286227e-1;
const LG2_H = 6.93147182464599609375e-1; // 0x3FE62E43 00000000
const LG2_L = -1.90465429995776804525e-9;
const OVT = 8.0085662595372944372e-17; // −(1024 − log2(overflow + ½ ulp))
const CP = 9.61796693925975554329e-1; // 2/(3 ln 2)
const CP_H = 9.61796700954437255859e-1; // (float) CP
const CP_L = -7.02846165095275826516e-9;
const IVLN2 = 1.44269504088896338700e0; // 1/ln 2
const IVLN2_H = 1.44269502162933349609e0; // 24 bits of 1/ln 2
const IVLN2_L = 1.92596299112661746887e-8;

/**
 * x^y, the same double on every engine, for x > 0 finite and y finite (the only arguments the parameters
 * need). Other arguments (x ≤ 0, NaN, ±∞ — whose results ECMAScript specifies exactly) go to Math.pow.
 */
export function pow(x: number, y: number): number {
  if (!(x > 0 && x < Infinity && Number.isFinite(y))) return Math.pow(x, y);
  if (y === 0 || x === 1) return 1;
  if (y === 1) return x;
  if (y === 2) return x * x;
  if (y === 3) return x * x * x;
  if (y === 4) {
    const u = x * x;
    return u * u;
  }
  if (y === -1) return 1 / x;
  if (y === 0.5) return Math.sqrt(x); // sqrt is correctly rounded everywhere
  const hy = high(y);
  const iy = hy & 0x7fffffff;
  let ix = high(x) & 0x7fffffff;
  let t1: number;
  let t2: number;
  if (iy > 0x41e00000) {
    // |y| > 2^31: overflow or underflow unless x is close to 1
    if (iy > 0x43f00000) return ix <= 0x3fefffff ? (hy < 0 ? HUGE * HUGE : TINY * TINY) : hy > 0 ? HUGE * HUGE : TINY * TINY;
    if (ix < 0x3fefffff) return hy < 0 ? HUGE * HUGE : TINY * TINY;
    if (ix > 0x3ff00000) return hy > 0 ? HUGE * HUGE : TINY * TINY;
    // |1 − x| ≤ 2^−20: log(x) by x − x²/2 + x³/3 − x⁴/4
    const t = x - 1;
    const w = t * t * (0.5 - t * (0.3333333333333333333333 - t * 0.25));
    const u = IVLN2_H * t;
    const v = t * IVLN2_L - w * IVLN2;
    t1 = withLow(u + v, 0);
    t2 = v - (t1 - u);
  } else {
    let ax = x;
    let n = 0;
    if (ix < 0x00100000) {
      // subnormal x
      ax *= TWO53;
      n -= 53;
      ix = high(ax) & 0x7fffffff;
    }
    n += (ix >> 20) - 0x3ff;
    const j = ix & 0x000fffff;
    ix = j | 0x3ff00000; // x scaled to [1, 2)
    let k: number;
    if (j <= 0x3988e) k = 0; // |x| < √(3/2)
    else if (j < 0xbb67a) k = 1; // |x| < √3
    else {
      k = 0;
      n += 1;
      ix -= 0x00100000;
    }
    ax = fromWords(ix, low(ax));
    // ss = s_h + s_l = (x − 1)/(x + 1) or (x − 1.5)/(x + 1.5)
    let u = ax - BP[k];
    let v = 1 / (ax + BP[k]);
    const ss = u * v;
    const sH = withLow(ss, 0);
    let tH = fromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0);
    let tL = ax - (tH - BP[k]);
    const sL = v * (u - sH * tH - sH * tL);
    // log(ax) by its polynomial
    let s2 = ss * ss;
    let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += sL * (sH + ss);
    s2 = sH * sH;
    tH = withLow(3.0 + s2 + r, 0);
    tL = r - (tH - 3.0 - s2);
    u = sH * tH;
    v = sL * tH + tL * ss;
    const pH = withLow(u + v, 0);
    const pL = v - (pH - u);
    const zH = CP_H * pH;
    const zL = CP_L * pH + pL * CP + DP_L[k];
    // log2(ax) = n + dp_h + z_h + z_l
    const t = n;
    t1 = withLow(zH + zL + DP_H[k] + t, 0);
    t2 = zL - (t1 - t - DP_H[k] - zH);
  }
  // y·log2(x) = p_h + p_l with y split into y1 (26 bits) + (y − y1)
  const y1 = withLow(y, 0);
  const pL = (y - y1) * t1 + y * t2;
  let pH = y1 * t1;
  let z = pL + pH;
  let j = high(z);
  const i = low(z);
  if (j >= 0x40900000) {
    // z ≥ 1024
    if (((j - 0x40900000) | i) !== 0) return HUGE * HUGE;
    if (pL + OVT > z - pH) return HUGE * HUGE;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) {
    // z ≤ −1075
    if (((j - 0xc090cc00) | i) !== 0) return TINY * TINY;
    if (pL <= z - pH) return TINY * TINY;
  }
  // 2^(p_h + p_l) = 2^n · 2^(rest), |rest| ≤ ½
  const ii = j & 0x7fffffff;
  let k = (ii >> 20) - 0x3ff;
  let n = 0;
  if (ii > 0x3fe00000) {
    n = j + (0x00100000 >> (k + 1));
    k = ((n & 0x7fffffff) >> 20) - 0x3ff;
    const t = fromWords(n & ~(0x000fffff >> k), 0);
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    pH -= t;
  }
  const t = withLow(pL + pH, 0);
  const u = t * LG2_H;
  const v = (pL - (t - pH)) * LG2 + t * LG2_L;
  z = u + v;
  const w = v - (z - u);
  const tt = z * z;
  const tt1 = z - tt * (P1 + tt * (P2 + tt * (P3 + tt * (P4 + tt * P5))));
  const r = (z * tt1) / (tt1 - 2) - (w + z * w);
  z = 1 - (r - z);
  j = high(z) + (n << 20);
  if (j >> 20 <= 0) return scale(z, n); // subnormal result
  return fromWords(j, low(z));
}

/** 2^e for −1022 ≤ e ≤ 1023, from its bits. */
const pow2 = (e: number) => fromWords((e + 0x3ff) << 20, 0);

/** z·2^n for a result that falls into the subnormals: an exact scaling by 2^−1000, then one rounding. */
function scale(z: number, n: number): number {
  return z * pow2(-1000) * pow2(n + 1000);
}
