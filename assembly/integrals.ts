// see: theory.md §4 — closed-form Gaussian averages for σ(u) = erf(u/√2); full expectations, u ~ N(0, C).
// Saad & Solla (1995), Phys. Rev. E 52:4225; Biehl & Schwarze (1995), J. Phys. A 28:643; Goldt et al.
// (2019), NeurIPS 32 (nn2pp). Argument convention: I3's first variable carries σ', the second is bare,
// the third carries σ; I4's variables 1, 2 carry σ' and 3, 4 carry σ. drift.ts evaluates the same
// expressions with the factors that do not depend on the summed indices hoisted out of its loops.

/** 2/π */
export const TWO_OVER_PI: f64 = 0.6366197723675814;
/** 4/π² */
export const FOUR_OVER_PI2: f64 = 0.40528473456935109;

/**
 * I2(C11, C12, C22) = E[σ(u1) σ(u2)] = (2/π) · asin( C12 / √((1 + C11)(1 + C22)) ).
 * The asin argument is clamped to [−1, 1] against round-off (theory.md §4.2).
 */
export function I2(c11: f64, c12: f64, c22: f64): f64 {
  return TWO_OVER_PI * Math.asin(clampUnit(c12 / Math.sqrt((1.0 + c11) * (1.0 + c22))));
}

/** √(2/π) */
const SQRT_2_OVER_PI: f64 = 0.7978845608028654;
/** 1/√(2π) */
const INV_SQRT_2PI: f64 = 0.3989422804014327;
/** 1/(2π) */
const INV_2PI: f64 = 0.15915494309189535;

/**
 * E[σ_a(u1) σ_b(u2)] for u ~ N(0, C) and the activations a, b (src/layout.ts `Activation`) in closed form:
 *   erf·erf: I2;   lin·lin: C12;   erf·lin: √(2/π)·C12/√(1 + C11) (Stein: C12·E[σ'(u1)]);
 *   relu·relu: (√(C11C22 − C12²) + C12(π − acos ρ))/(2π), ρ = C12/√(C11C22) (Cho & Saul's arc-cosine kernel);
 *   relu·lin: C12/2;   erf·relu: C12/√(2π(1 + C11)) (σ odd: E[σ(u1)|u2|] = 0, so half of erf·lin),
 * with C11 the variance of the variable of `a` (the pairs are symmetric). README: extensions.
 */
export function I2pair(a: i32, b: i32, c11: f64, c12: f64, c22: f64): f64 {
  if (a > b) return I2pair(b, a, c22, c12, c11);
  if (a == 0) {
    if (b == 0) return I2(c11, c12, c22);
    if (b == 1) return INV_SQRT_2PI * c12 / Math.sqrt(1.0 + c11);
    return SQRT_2_OVER_PI * c12 / Math.sqrt(1.0 + c11);
  }
  if (a == 1) {
    if (b == 2) return 0.5 * c12;
    const v = c11 * c22;
    if (!(v > 0)) return 0.0;
    const s = Math.sqrt(v);
    return INV_2PI * (Math.sqrt(Math.max(0.0, v - c12 * c12)) + c12 * (Math.PI - Math.acos(clampUnit(c12 / s))));
  }
  return c12;
}

/** J2(C11, C12, C22) = E[σ'(u1) σ'(u2)] = (2/π) / √( (1 + C11)(1 + C22) − C12² ). */
export function J2(c11: f64, c12: f64, c22: f64): f64 {
  return TWO_OVER_PI / Math.sqrt((1.0 + c11) * (1.0 + c22) - c12 * c12);
}

/**
 * I3(C11, C12, C13, C22, C23, C33) = E[σ'(u1) u2 σ(u3)]
 *   = (2/π) · (C23 (1 + C11) − C12 C13) / ( (1 + C11) √Λ3 ),   Λ3 = (1 + C11)(1 + C33) − C13².
 * C22 does not enter (kept for the uniform signature).
 */
export function I3(c11: f64, c12: f64, c13: f64, c22: f64, c23: f64, c33: f64): f64 {
  const d1 = 1.0 + c11;
  return (TWO_OVER_PI * (c23 * d1 - c12 * c13)) / (d1 * Math.sqrt(d1 * (1.0 + c33) - c13 * c13));
}

/**
 * E[σ'_a(u1) u2 σ_b(u3)] for u ~ N(0, C), the derivative of activation a and activation b (src/layout.ts
 * `Activation`), in closed form for every pair (README: extensions; derived by Gaussian integration by parts):
 *   a linear (σ' = 1): C23·E[σ_b'(u3)] = C23·(√(2/π)/√(1 + C33) | 1/2 | 1) for b = erf | relu | linear;
 *   a erf: the tilt by σ' gives √(2/π)/√(1 + C11)·E'[u2 σ_b(u3)] with C' = C − C·1 C1·/(1 + C11):
 *     erf: I3;  relu: C'23/2;  linear: C'23;
 *   a relu (σ' = 1{u1 > 0}): C12·E[δ(u1) σ_b(u3)] + C23·E[1{u1 > 0} σ_b'(u3)] =
 *     erf: C23/√(2π(1 + C33));  relu: C12·s/(2π√C11) + C23·(1/4 + asin(ρ13)/(2π)), s² = C33 − C13²/C11;
 *     linear: C23/2   (0 when C11 = 0: u1 ≡ 0 and σ'(0) = 0).
 */
export function I3pair(a: i32, b: i32, c11: f64, c12: f64, c13: f64, c22: f64, c23: f64, c33: f64): f64 {
  if (a == 2) return b == 0 ? SQRT_2_OVER_PI * c23 / Math.sqrt(1.0 + c33) : b == 1 ? 0.5 * c23 : c23;
  if (a == 0) {
    if (b == 0) return I3(c11, c12, c13, c22, c23, c33);
    const d1 = 1.0 + c11;
    const tilted = c23 - (c12 * c13) / d1;
    return (SQRT_2_OVER_PI / Math.sqrt(d1)) * (b == 1 ? 0.5 * tilted : tilted);
  }
  if (!(c11 > 0)) return 0.0;
  if (b == 0) return c23 * INV_SQRT_2PI / Math.sqrt(1.0 + c33);
  if (b == 2) return 0.5 * c23;
  const s = Math.sqrt(Math.max(0.0, c33 - (c13 * c13) / c11));
  const rho = c33 > 0 ? clampUnit(c13 / Math.sqrt(c11 * c33)) : 0.0;
  return INV_2PI * c12 * s / Math.sqrt(c11) + c23 * (0.25 + INV_2PI * Math.asin(rho));
}

/**
 * I4(C11, C12, C13, C14, C22, C23, C24, C33, C34, C44) = E[σ'(u1) σ'(u2) σ(u3) σ(u4)]
 *   = (4/π²) · Λ4^(−1/2) · asin( Λ0 / √(Λ1 Λ2) ), with
 *   Λ4 = (1 + C11)(1 + C22) − C12²,
 *   Λ0 = Λ4 C34 − C23 C24 (1 + C11) − C13 C14 (1 + C22) + C12 C13 C24 + C12 C14 C23,
 *   Λ1 = Λ4 (1 + C33) − C23² (1 + C11) − C13² (1 + C22) + 2 C12 C13 C23,
 *   Λ2 = Λ4 (1 + C44) − C24² (1 + C11) − C14² (1 + C22) + 2 C12 C14 C24.
 * (Two Gaussian tilts by σ' and then I2 on the tilted covariance; theory.md §4.1.)
 */
export function I4(c11: f64, c12: f64, c13: f64, c14: f64, c22: f64, c23: f64, c24: f64, c33: f64, c34: f64, c44: f64): f64 {
  const d1 = 1.0 + c11;
  const d2 = 1.0 + c22;
  const l4 = d1 * d2 - c12 * c12;
  const l0 = l4 * c34 - c23 * c24 * d1 - c13 * c14 * d2 + c12 * c13 * c24 + c12 * c14 * c23;
  const l1 = l4 * (1.0 + c33) - c23 * c23 * d1 - c13 * c13 * d2 + 2.0 * c12 * c13 * c23;
  const l2 = l4 * (1.0 + c44) - c24 * c24 * d1 - c14 * c14 * d2 + 2.0 * c12 * c14 * c24;
  return (FOUR_OVER_PI2 / Math.sqrt(l4)) * Math.asin(clampUnit(l0 / Math.sqrt(l1 * l2)));
}

/** min(1, max(−1, v)). */
@inline export function clampUnit(v: f64): f64 {
  return v > 1.0 ? 1.0 : v < -1.0 ? -1.0 : v;
}
