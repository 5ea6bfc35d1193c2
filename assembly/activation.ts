// see: FreeBSD msun s_erf.c (fdlibm 5.3), method and coefficients; theory.md §0 for sigma.
// sigma(u) = erf(u/√2) and sigma'(u) = √(2/π) exp(−u²/2), p + k and p times per SGD or chain step; the SIMD build
// evaluates them two fields at a time (erfPair here, expPair in simdmath.ts), each lane bit for bit the scalar value.
// The JS baseline src/reference/activation.ts evaluates the same expressions in the same order.
// Coefficients: src/shared/erf-coefficients.ts (fdlibm, Sun Microsystems 1993, notice kept there).
import {
  ERX, EFX, PP0, PP1, PP2, PP3, PP4, QQ1, QQ2, QQ3, QQ4, QQ5, PA0, PA1, PA2, PA3, PA4, PA5, PA6,
  QA1, QA2, QA3, QA4, QA5, QA6, RA0, RA1, RA2, RA3, RA4, RA5, RA6, RA7, SA1, SA2, SA3, SA4, SA5,
  SA6, SA7, SA8, RB0, RB1, RB2, RB3, RB4, RB5, RB6, SB1, SB2, SB3, SB4, SB5, SB6, SB7,
} from "../src/shared/erf-coefficients";
import { Activation, Slot } from "../src/shared/layout";
import { headerPtr } from "./header";
import { expPair } from "./simdmath";

/** 1/√2 */
const SQRT1_2: f64 = 0.7071067811865476;
/** 2^−28: below it erf(x) = x + efx·x (fdlibm); the pair paths start here */
const TINY: f64 = 3.725290298461914e-9;
/** √(2/π) = σ'(0) */
const SQRT_2_OVER_PI: f64 = 0.7978845608028654;

/**
 * The error function, erf(x) = (2/√π) ∫_0^x e^{−t²} dt, to within 1 ulp (fdlibm's method):
 * |x| < 0.84375: x + x·P(x²)/Q(x²); 0.84375 ≤ |x| < 1.25: ±(erx + P1(s)/Q1(s)), s = |x| − 1;
 * 1.25 ≤ |x| < 6: ±(1 − exp(−z² − 0.5625)·exp((z − |x|)(z + |x|) + R(1/x²)/S(1/x²))/|x|) with z = |x|
 * truncated to 20 mantissa bits (R/S: one pair below 1/0.35, another above); |x| ≥ 6: ±1.
 * Exact at ±0 and ±∞; NaN in, NaN out.
 */
export function erf(x: f64): f64 {
  if (isNaN(x)) return x;
  const ax = abs(x);
  if (ax < 0.84375) {
    if (ax < TINY) return x + EFX * x;
    const z = x * x;
    const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
    const s = 1.0 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
    return x + x * (r / s);
  }
  if (ax < 1.25) {
    const s = ax - 1.0;
    const pa = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
    const qa = 1.0 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
    return x < 0 ? -ERX - pa / qa : ERX + pa / qa;
  }
  if (ax >= 6.0) return x < 0 ? -1.0 : 1.0;
  const s = 1.0 / (ax * ax);
  let r: f64, q: f64;
  if (ax < 2.857142857142857) { // 1/0.35
    r = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    q = 1.0 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
  } else {
    r = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
    q = 1.0 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  }
  // z: |x| with the low 32 bits of its representation cleared, so that z·z is exact
  const z = reinterpret<f64>(reinterpret<u64>(ax) & 0xFFFFFFFF00000000);
  const e = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + r / q);
  return x < 0 ? e / ax - 1.0 : 1.0 - e / ax;
}

/**
 * The coefficients of erf's two central ranges, each twice (one per lane), at a fixed address: one load per
 * coefficient, where V8 builds a splat of an immediate in two or three instructions at every call.
 */
const PAIR_COEFFICIENTS: usize = memory.data<f64>([
  PP0, PP0, PP1, PP1,
  PP2, PP2, PP3, PP3,
  PP4, PP4, QQ1, QQ1,
  QQ2, QQ2, QQ3, QQ3,
  QQ4, QQ4, QQ5, QQ5,
  PA0, PA0, PA1, PA1,
  PA2, PA2, PA3, PA3,
  PA4, PA4, PA5, PA5,
  PA6, PA6, QA1, QA1,
  QA2, QA2, QA3, QA3,
  QA4, QA4, QA5, QA5,
  QA6, QA6, ERX, ERX,
  // erf's tail, 1.25 ≤ |x| < 6 (erfTailPair): R and S below 1/0.35 (RA, SA) and above (RB, SB), padded with
  // zeros to the same degree — RB6 + s·0 = RB6 and SB7 + s·0 = SB7 exactly for finite s, so the padded
  // polynomials have the bits of the shorter ones
  RA0, RA0, RB0, RB0, RA1, RA1, RB1, RB1,
  RA2, RA2, RB2, RB2, RA3, RA3, RB3, RB3,
  RA4, RA4, RB4, RB4, RA5, RA5, RB5, RB5,
  RA6, RA6, RB6, RB6, RA7, RA7, 0.0, 0.0,
  SA1, SA1, SB1, SB1, SA2, SA2, SB2, SB2,
  SA3, SA3, SB3, SB3, SA4, SA4, SB4, SB4,
  SA5, SA5, SB5, SB5, SA6, SA6, SB6, SB6,
  SA7, SA7, SB7, SB7, SA8, SA8, 0.0, 0.0,
], 16);

/** Where the tail's coefficients start in PAIR_COEFFICIENTS: after the 24 pairs of the central ranges. */
const TAIL_COEFFICIENTS: usize = PAIR_COEFFICIENTS + 24 * 16;

/** The pair of lanes of PAIR_COEFFICIENTS' coefficient i (in the order PP0…PP4, QQ1…QQ5, PA0…PA6, QA1…QA6, ERX). */
@inline function coefficient(i: i32): v128 {
  return v128.load(PAIR_COEFFICIENTS + ((<usize>i) << 4));
}

/** The tail's coefficient i (RA0…RA7, then SA1…SA8) in the lanes whose mask is set, its RB/SB twin in the others. */
@inline function tailCoefficient(i: i32, below: v128): v128 {
  const at = TAIL_COEFFICIENTS + ((<usize>i) << 5);
  return v128.bitselect(v128.load(at), v128.load(at, 16), below);
}

/**
 * erf's two central ranges in both lanes of x (|x| = ax in [2^−28, 1.25)): both formulas (|x| < 0.84375:
 * x + x·P/Q; above: ±(erx + P1/Q1), since −erx − P1/Q1 = −(erx + P1/Q1) exactly, the sign of x is put on
 * afterwards) evaluated in both lanes, each lane keeping its own.
 */
@inline function erfCentralPair(x: v128, ax: v128): v128 {
  const z = f64x2.mul(x, x);
  const r = f64x2.add(coefficient(0), f64x2.mul(z, f64x2.add(coefficient(1), f64x2.mul(z, f64x2.add(coefficient(2), f64x2.mul(z, f64x2.add(coefficient(3), f64x2.mul(z, coefficient(4)))))))));
  const s = f64x2.add(f64x2.splat(1.0), f64x2.mul(z, f64x2.add(coefficient(5), f64x2.mul(z, f64x2.add(coefficient(6), f64x2.mul(z, f64x2.add(coefficient(7), f64x2.mul(z, f64x2.add(coefficient(8), f64x2.mul(z, coefficient(9)))))))))));
  const first = f64x2.add(x, f64x2.mul(x, f64x2.div(r, s)));
  const t = f64x2.sub(ax, f64x2.splat(1.0));
  const pa = f64x2.add(coefficient(10), f64x2.mul(t, f64x2.add(coefficient(11), f64x2.mul(t, f64x2.add(coefficient(12), f64x2.mul(t, f64x2.add(coefficient(13), f64x2.mul(t, f64x2.add(coefficient(14), f64x2.mul(t, f64x2.add(coefficient(15), f64x2.mul(t, coefficient(16)))))))))))));
  const qa = f64x2.add(f64x2.splat(1.0), f64x2.mul(t, f64x2.add(coefficient(17), f64x2.mul(t, f64x2.add(coefficient(18), f64x2.mul(t, f64x2.add(coefficient(19), f64x2.mul(t, f64x2.add(coefficient(20), f64x2.mul(t, f64x2.add(coefficient(21), f64x2.mul(t, coefficient(22)))))))))))));
  const second = v128.or(f64x2.add(coefficient(23), f64x2.div(pa, qa)), v128.and(x, f64x2.splat(-0.0)));
  return v128.bitselect(first, second, f64x2.lt(ax, f64x2.splat(0.84375)));
}

/**
 * erf's tail in both lanes of x (|x| = ax in [2^−28, 6); the value is erf's only where ax ≥ 1.25):
 * ±(1 − exp(−z² − 0.5625)·exp((z − |x|)(z + |x|) + R/S)/|x|), each lane with its own R/S (RA/SA below 1/0.35,
 * RB/SB above) and its exp through expPair (Math.exp bit for bit) — `erf`'s expressions lane by lane.
 */
@inline function erfTailPair(x: v128, ax: v128): v128 {
  const s = f64x2.div(f64x2.splat(1.0), f64x2.mul(ax, ax));
  const below = f64x2.lt(ax, f64x2.splat(2.857142857142857)); // 1/0.35
  // Horner's rule from the top: R = c0 + s·(c1 + s·(… + s·c7)), S = 1 + s·(c8 + s·(… + s·c15))
  let r = tailCoefficient(7, below);
  for (let i = 6; i >= 0; i--) r = f64x2.add(tailCoefficient(i, below), f64x2.mul(s, r));
  let q = tailCoefficient(15, below);
  for (let i = 14; i >= 8; i--) q = f64x2.add(tailCoefficient(i, below), f64x2.mul(s, q));
  q = f64x2.add(f64x2.splat(1.0), f64x2.mul(s, q));
  // z: |x| with the low 32 bits of its representation cleared, so that z·z is exact
  const z = v128.and(ax, i64x2.splat(0xFFFFFFFF00000000));
  const e = f64x2.mul(
    expPair(f64x2.sub(f64x2.mul(f64x2.neg(z), z), f64x2.splat(0.5625))),
    expPair(f64x2.add(f64x2.mul(f64x2.sub(z, ax), f64x2.add(z, ax)), f64x2.div(r, q))),
  );
  const ratio = f64x2.div(e, ax);
  return v128.bitselect(f64x2.sub(ratio, f64x2.splat(1.0)), f64x2.sub(f64x2.splat(1.0), ratio), f64x2.lt(x, f64x2.splat(0.0)));
}

/**
 * erf of both lanes of x (SIMD build): lane by lane the value of `erf`, bit for bit — the same expressions, in the
 * same order, in each lane. When both lanes lie in 2^−28 ≤ |x| < 1.25, where most fields of the chain and of SGD
 * are, both central ranges' formulas in both lanes (erfCentralPair) — no branch on which range each field is in,
 * whose mispredictions cost more than the second formula (same-process A/B in the chain: one step 520 → 477 ns, two
 * seeds 426 → 392 ns per seed-step, against branching to a one-range formula when both lanes share a range);
 * otherwise erfPairWide.
 */
function erfPair(x: v128): v128 {
  const ax = f64x2.abs(x);
  // both lanes in [2^-28, 1.25) (NaN fails)
  if (i64x2.bitmask(v128.and(f64x2.ge(ax, f64x2.splat(TINY)), f64x2.lt(ax, f64x2.splat(1.25)))) == 3) return erfCentralPair(x, ax);
  return erfPairWide(x);
}

/**
 * erfPair off its central path: when both lanes lie in 2^−28 ≤ |x| < 6, the central formulas and the tail's in
 * both lanes, each keeping its range's (in place of two scalar erf calls, each with its branches and two Math.exp:
 * same-process A/B against dccd637 pinned to CPU 0, 11 rounds, chain step 500 → 488 ns, two seeds 421 → 411 ns per
 * seed-step); otherwise `erf` lane by lane. A function of its own: inlined into erfPair, it cost the central path
 * registers (the one-seed chain 2.5% slower).
 */
function erfPairWide(x: v128): v128 {
  const ax = f64x2.abs(x);
  if (i64x2.bitmask(v128.and(f64x2.ge(ax, f64x2.splat(TINY)), f64x2.lt(ax, f64x2.splat(6.0)))) == 3) {
    return v128.bitselect(erfCentralPair(x, ax), erfTailPair(x, ax), f64x2.lt(ax, f64x2.splat(1.25)));
  }
  return f64x2.replace_lane(f64x2.splat(erf(f64x2.extract_lane(x, 0))), 1, erf(f64x2.extract_lane(x, 1)));
}

/** σ(u) = erf(u/√2), the activation of teacher and student (theory.md §0). */
@inline export function sigma(u: f64): f64 {
  return erf(u * SQRT1_2);
}

/** σ'(u) = √(2/π)·exp(−u²/2). */
@inline export function sigmaPrime(u: f64): f64 {
  return SQRT_2_OVER_PI * Math.exp(-0.5 * u * u);
}

/** The activation `kind` (src/shared/layout.ts `Activation`): erf(u/√2) (the paper's), max(0, u), u or tanh(u). */
@inline export function activation(kind: i32, u: f64): f64 {
  if (kind == Activation.ERF) return sigma(u);
  if (kind == Activation.RELU) return u > 0 ? u : 0.0;
  if (kind == Activation.TANH) return Math.tanh(u);
  if (kind >= Activation.TABLE_STUDENT) return tabulated(kind, u, false);
  return u;
}

/**
 * `activation` of both lanes of u (SIMD build), bit for bit lane by lane: erf's units through `erfPair`, the others
 * lane by lane.
 */
@inline export function activationPair(kind: i32, u: v128): v128 {
  if (kind == Activation.ERF) return erfPair(f64x2.mul(u, f64x2.splat(SQRT1_2)));
  return f64x2.replace_lane(f64x2.splat(activation(kind, f64x2.extract_lane(u, 0))), 1, activation(kind, f64x2.extract_lane(u, 1)));
}

/** Its derivative: √(2/π) exp(−u²/2), 1{u > 0} (ReLU, 0 at 0), 1 or 1 − tanh²(u). */
@inline export function activationPrime(kind: i32, u: f64): f64 {
  if (kind == Activation.ERF) return sigmaPrime(u);
  if (kind == Activation.RELU) return u > 0 ? 1.0 : 0.0;
  if (kind == Activation.TANH) {
    const t = Math.tanh(u);
    return 1.0 - t * t;
  }
  if (kind >= Activation.TABLE_STUDENT) return tabulated(kind, u, true);
  return 1.0;
}

/**
 * `activationPrime` of both lanes of u (SIMD build), bit for bit lane by lane: erf's units through `expPair`, the
 * others lane by lane.
 */
@inline export function activationPrimePair(kind: i32, u: v128): v128 {
  if (kind == Activation.ERF) return f64x2.mul(f64x2.splat(SQRT_2_OVER_PI), expPair(f64x2.mul(f64x2.mul(f64x2.splat(-0.5), u), u)));
  return f64x2.replace_lane(f64x2.splat(activationPrime(kind, f64x2.extract_lane(u, 0))), 1, activationPrime(kind, f64x2.extract_lane(u, 1)));
}

/**
 * Σ_i w_i σ(u_i) over the n fields at `u` and weights at `w`, summed in order from i = 0 (`kind` as in `activation`);
 * σ(u_i) also written at `out` unless it is 0. σ of two fields at once in the SIMD build (activationPair), so the
 * same bits in both builds. The teachers' and the students' output in the SGD and chain steps.
 */
@inline export function weightedActivations(kind: i32, w: usize, u: usize, n: i32, out: usize): f64 {
  let sum: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      const o = (<usize>i) << 3;
      const s = activationPair(kind, v128.load(u + o));
      if (out != 0) v128.store(out + o, s);
      sum += load<f64>(w + o) * f64x2.extract_lane(s, 0);
      sum += load<f64>(w + o, 8) * f64x2.extract_lane(s, 1);
    }
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 3;
    const s = activation(kind, load<f64>(u + o));
    if (out != 0) store<f64>(out + o, s);
    sum += load<f64>(w + o) * s;
  }
  return sum;
}

/**
 * g_i = (c w_i) σ'(u_i) for the n fields at `u` and weights at `w`, written at `out` (`kind` as in
 * `activationPrime`): two at once in the SIMD build (activationPrimePair), the same bits in both builds. The
 * students' gradient factors in the SGD and chain steps (c = e, or γe/p…).
 */
@inline export function gradientFactors(kind: i32, c: f64, w: usize, u: usize, n: i32, out: usize): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vc = f64x2.splat(c);
    for (; i + 2 <= n; i += 2) {
      const o = (<usize>i) << 3;
      v128.store(out + o, f64x2.mul(f64x2.mul(vc, v128.load(w + o)), activationPrimePair(kind, v128.load(u + o))));
    }
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 3;
    store<f64>(out + o, c * load<f64>(w + o) * activationPrime(kind, load<f64>(u + o)));
  }
}

/**
 * A user-given activation (or its derivative) from its table: σ, σ', σ'' at n equally spaced nodes on [−B, B]
 * (Slot.ACT_TABLE_N, ACT_TABLE_RANGE; the students' or the teachers' table by `kind`), interpolated by cubic
 * Hermite polynomials (σ from σ and σ', error O(h⁴); σ' from σ' and σ'', O(h³)); beyond ±B, σ continues along
 * its end tangent and σ' stays at its end value. NaN in, NaN out.
 */
function tabulated(kind: i32, u: f64, derivative: bool): f64 {
  if (isNaN(u)) return u;
  const table = <usize>load<f64>(headerPtr() + ((<usize>(kind == Activation.TABLE_STUDENT ? Slot.ACT_TABLE_S_PTR : Slot.ACT_TABLE_T_PTR)) << 3));
  const n = <i32>load<f64>(headerPtr() + ((<usize>Slot.ACT_TABLE_N) << 3));
  const B = load<f64>(headerPtr() + ((<usize>Slot.ACT_TABLE_RANGE) << 3));
  const V = derivative ? table + ((<usize>n) << 3) : table; // the values interpolated
  const D = V + ((<usize>n) << 3); // and their derivatives
  if (u <= -B) return derivative ? load<f64>(V) : load<f64>(V) + load<f64>(D) * (u + B);
  const last = (<usize>(n - 1)) << 3;
  if (u >= B) return derivative ? load<f64>(V + last) : load<f64>(V + last) + load<f64>(D + last) * (u - B);
  const h = (2.0 * B) / <f64>(n - 1);
  const x = (u + B) / h;
  const i = min<i32>(<i32>Math.floor(x), n - 2);
  const t = x - <f64>i;
  const s = 1.0 - t;
  const o = (<usize>i) << 3;
  return (1.0 + 2.0 * t) * s * s * load<f64>(V + o) + t * s * s * h * load<f64>(D + o) + t * t * (3.0 - 2.0 * t) * load<f64>(V + o + 8) - t * t * s * h * load<f64>(D + o + 8);
}

/**
 * Replaces the n values at `ptr` by erf of them (fn = 0) or exp (fn = 1), two at a time through erfPair / expPair in
 * the SIMD build, one at a time through erf / Math.exp in the scalar one (n odd: the last alone) — for the tests of
 * the pairs against the scalar functions.
 */
export function pairFunctionValues(fn: i32, ptr: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 2 <= n; i += 2) {
      const at = ptr + ((<usize>i) << 3);
      const x = v128.load(at);
      v128.store(at, fn == 0 ? erfPair(x) : expPair(x));
    }
  }
  for (; i < n; i++) {
    const at = ptr + ((<usize>i) << 3);
    const x = load<f64>(at);
    store<f64>(at, fn == 0 ? erf(x) : Math.exp(x));
  }
}
