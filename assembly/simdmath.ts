// see: musl libc src/math/asin.c (from FreeBSD msun e_asin.c, fdlibm) — asin on both lanes of an f64x2; and
// musl src/math/exp.c for expPair (exp on both lanes, AssemblyScript's Math.exp bit for bit).
// Used only by the SIMD build (asin: drift.ts, exp: activation.ts); the scalar build calls Math.asin and Math.exp.
// Coefficients of fdlibm's rational approximation asin(x) = x + x·R(x²), |R(z) − (asin(√z) − √z)/√z·…| < 2^−58.75:
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunPro, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================

import { EXP_TABLE } from "./exptable";

const PS0: f64 = 1.66666666666666657415e-1;
const PS1: f64 = -3.25565818622400915405e-1;
const PS2: f64 = 2.01212532134862925881e-1;
const PS3: f64 = -4.00555345006794114027e-2;
const PS4: f64 = 7.91534994289814532176e-4;
const PS5: f64 = 3.47933107596021167570e-5;
const QS1: f64 = -2.40339491173441421878;
const QS2: f64 = 2.02094576023350569471;
const QS3: f64 = -6.88283971605453293030e-1;
const QS4: f64 = 7.70381505559019352791e-2;
/** π/2 split as hi + lo */
const PIO2_HI: f64 = 1.57079632679489655800;
const PIO2_LO: f64 = 6.12323399573676603587e-17;

/**
 * asin of each lane of x (|x| ≤ 1), branch-free: for |x| < 1/2, x + x·R(x²); otherwise, with z = (1 − |x|)/2
 * and s = √z, sign(x)·(π/2 − 2(s + s·R(z))) (the |x| ≥ 0.975 branch of fdlibm, used on all of [1/2, 1]:
 * within a few ulp, against ½ ulp for Math.asin). |x| up to a rounding error above 1 gives ±π/2 (the clamp of
 * the scalar path, folded in); NaN in, NaN out.
 */
@inline export function asin2(x: v128): v128 {
  const ax = f64x2.abs(x);
  const small = f64x2.lt(ax, f64x2.splat(0.5));
  // both lanes below 1/2 (most arguments of ψ): x + x·R(x²), no square root — the same bits as asin2Both
  if (i64x2.all_true(small)) return asinSmall2(x, f64x2.mul(x, x));
  return asin2Both(x, ax, small);
}

/**
 * The |x| < 1/2 branch of asin2 on both lanes, given z = x²: x + x·R(z) (the same bits as asin2Both's
 * |x|(1 + R(x²)) with the sign of x put back: rounding is symmetric in the sign). R = asinNumerator/asinDenominator;
 * drift.ts's paired loop divides once for two such quotients.
 */
@inline export function asinSmall2(x: v128, z: v128): v128 {
  return f64x2.add(x, f64x2.mul(x, f64x2.div(asinNumerator(z), asinDenominator(z))));
}

/** z·(PS0 + z(PS1 + z(PS2 + z(PS3 + z(PS4 + z·PS5))))), R's numerator (Horner). */
@inline export function asinNumerator(z: v128): v128 {
  let num = f64x2.splat(PS5);
  num = f64x2.add(f64x2.splat(PS4), f64x2.mul(z, num));
  num = f64x2.add(f64x2.splat(PS3), f64x2.mul(z, num));
  num = f64x2.add(f64x2.splat(PS2), f64x2.mul(z, num));
  num = f64x2.add(f64x2.splat(PS1), f64x2.mul(z, num));
  num = f64x2.add(f64x2.splat(PS0), f64x2.mul(z, num));
  return f64x2.mul(z, num);
}

/** 1 + z(QS1 + z(QS2 + z(QS3 + z·QS4))), R's denominator (Horner). */
@inline export function asinDenominator(z: v128): v128 {
  let den = f64x2.splat(QS4);
  den = f64x2.add(f64x2.splat(QS3), f64x2.mul(z, den));
  den = f64x2.add(f64x2.splat(QS2), f64x2.mul(z, den));
  den = f64x2.add(f64x2.splat(QS1), f64x2.mul(z, den));
  return f64x2.add(f64x2.splat(1.0), f64x2.mul(z, den));
}

/** asin2 when a lane is at or above 1/2: both branches computed, each lane takes its own. */
@inline function asin2Both(x: v128, ax: v128, small: v128): v128 {
  const one = f64x2.splat(1.0);
  // max(…, 0): round-off may put |x| a hair above 1; then asin = ±π/2 instead of NaN (pmax keeps NaN)
  const zBig = f64x2.pmax(f64x2.mul(f64x2.sub(one, ax), f64x2.splat(0.5)), f64x2.splat(0));
  const z = v128.bitselect(f64x2.mul(x, x), zBig, small);
  // R(z) = z·(PS0 + z(PS1 + z(PS2 + z(PS3 + z(PS4 + z·PS5))))) / (1 + z(QS1 + z(QS2 + z(QS3 + z·QS4)))), Horner
  let num = f64x2.splat(PS5);
  num = f64x2.add(f64x2.splat(PS4), f64x2.mul(z, num));
  num = f64x2.add(f64x2.splat(PS3), f64x2.mul(z, num));
  num = f64x2.add(f64x2.splat(PS2), f64x2.mul(z, num));
  num = f64x2.add(f64x2.splat(PS1), f64x2.mul(z, num));
  num = f64x2.add(f64x2.splat(PS0), f64x2.mul(z, num));
  num = f64x2.mul(z, num);
  let den = f64x2.splat(QS4);
  den = f64x2.add(f64x2.splat(QS3), f64x2.mul(z, den));
  den = f64x2.add(f64x2.splat(QS2), f64x2.mul(z, den));
  den = f64x2.add(f64x2.splat(QS1), f64x2.mul(z, den));
  den = f64x2.add(one, f64x2.mul(z, den));
  // both branches are u·(1 + R(z)): u = |x| (small), u = √z (large, then π/2 − 2u(1 + R))
  const u = v128.bitselect(ax, f64x2.sqrt(zBig), small);
  const v = f64x2.add(u, f64x2.mul(u, f64x2.div(num, den)));
  const magnitude = v128.bitselect(v, f64x2.sub(f64x2.splat(PIO2_HI), f64x2.sub(f64x2.add(v, v), f64x2.splat(PIO2_LO))), small);
  return v128.or(magnitude, v128.and(x, i64x2.splat(0x8000000000000000)));
}

/**
 * True when every lane of z0 = x0² and z1 = x1² is below 1/4 (so |x| < 1/2): then asinSmall2 is asin2 on both
 * (ψ's paired loop). NaN lanes count as small (asinSmall2 gives NaN for them, as asin2 would).
 */
@inline export function belowHalf2(z0: v128, z1: v128): bool {
  const quarter = f64x2.splat(0.25);
  return !v128.any_true(v128.or(f64x2.ge(z0, quarter), f64x2.ge(z1, quarter)));
}

/**
 * Math.exp of both lanes of x (SIMD build), bit for bit lane by lane: when both lanes have 2^−54 ≤ |x| < 512 (the
 * σ' of every field below 32 in size), the main path of AssemblyScript's exp (musl's exp.c, EXP_TABLE_BITS = 7:
 * x = k ln2/N + r, exp(x) = 2^(k/N)·exp(r), 2^(k/N) = scale·(1 + tail) from exptable.ts, exp(r) − 1 by a degree-5
 * polynomial) with the same expressions in the same order in each lane; otherwise Math.exp lane by lane.
 */
@inline export function expPair(x: v128): v128 {
  // abstop − 0x3C9 < 0x3F in both lanes (the test of exp.c; NaN and ±∞ fail it): the biased exponent of |x| in [0x3C9, 0x408)
  const top = i64x2.shr_u(i64x2.shl(x, 1), 53);
  if (i64x2.bitmask(v128.and(i64x2.gt_s(top, i64x2.splat(0x3C8)), i64x2.lt_s(top, i64x2.splat(0x408)))) != 3) {
    return f64x2.replace_lane(f64x2.splat(Math.exp(f64x2.extract_lane(x, 0))), 1, Math.exp(f64x2.extract_lane(x, 1)));
  }
  const shift = f64x2.splat(reinterpret<f64>(0x4338000000000000)); // 0x1.8p52
  const z = f64x2.mul(f64x2.splat(reinterpret<f64>(0x3FF71547652B82FE) * 128.0), x); // N/ln2 · x
  let kd = f64x2.add(z, shift);
  const ki = kd; // its bits: k in the low ones
  kd = f64x2.sub(kd, shift);
  const r = f64x2.add(f64x2.add(x, f64x2.mul(kd, f64x2.splat(reinterpret<f64>(0xBF762E42FEFA0000)))), f64x2.mul(kd, f64x2.splat(reinterpret<f64>(0xBD0CF79ABC9E3B3A))));
  // the table's pairs (tail, scale bits) of both lanes: entry i = k mod N at EXP_TABLE + 16 i
  const e0 = v128.load(EXP_TABLE + ((<usize>(i32x4.extract_lane(ki, 0) & 127)) << 4));
  const e1 = v128.load(EXP_TABLE + ((<usize>(i32x4.extract_lane(ki, 2) & 127)) << 4));
  const tail = v128.shuffle<f64>(e0, e1, 0, 2);
  const scale = i64x2.add(v128.shuffle<f64>(e0, e1, 1, 3), i64x2.shl(ki, 45));
  const r2 = f64x2.mul(r, r);
  const c2 = f64x2.add(f64x2.splat(reinterpret<f64>(0x3FDFFFFFFFFFFDBD)), f64x2.mul(r, f64x2.splat(reinterpret<f64>(0x3FC555555555543C))));
  const c4 = f64x2.add(f64x2.splat(reinterpret<f64>(0x3FA55555CF172B91)), f64x2.mul(r, f64x2.splat(reinterpret<f64>(0x3F81111167A4D017))));
  const tmp = f64x2.add(f64x2.add(f64x2.add(tail, r), f64x2.mul(r2, c2)), f64x2.mul(f64x2.mul(r2, r2), c4));
  return f64x2.add(scale, f64x2.mul(scale, tmp));
}
