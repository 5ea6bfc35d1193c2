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
 * The closed forms below divide by the square roots one at a time (C12/√(1+C11)/√(1+C22)), so no product of
 * two variances is formed: they stay finite and correct up to C ≈ 1e308 (a product overflows past C ≈ 1e154).
 * I2 alone, which every risk evaluates, keeps the one-root form while the product is finite, so results
 * computed before this guard are reproduced bit for bit.
 */
export function I2(c11: f64, c12: f64, c22: f64): f64 {
  const v = (1.0 + c11) * (1.0 + c22);
  const rho = v < Infinity ? c12 / Math.sqrt(v) : c12 / Math.sqrt(1.0 + c11) / Math.sqrt(1.0 + c22);
  return TWO_OVER_PI * Math.asin(clampUnit(rho));
}

/** √(2/π) */
const SQRT_2_OVER_PI: f64 = 0.7978845608028654;
/** 1/√(2π) */
const INV_SQRT_2PI: f64 = 0.3989422804014327;
/** 1/(2π) */
const INV_2PI: f64 = 0.15915494309189535;

/**
 * E[σ_a(u1) σ_b(u2)] for u ~ N(0, C) and the activations a, b (src/shared/layout.ts `Activation`) in closed form:
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
    if (!(c11 > 0 && c22 > 0)) return 0.0;
    const s1 = Math.sqrt(c11);
    const s2 = Math.sqrt(c22);
    const rho = clampUnit(c12 / s1 / s2);
    return INV_2PI * s1 * s2 * (Math.sqrt((1.0 - rho) * (1.0 + rho)) + rho * (Math.PI - Math.acos(rho)));
  }
  return c12;
}

/**
 * J2(C11, C12, C22) = E[σ'(u1) σ'(u2)] = (2/π) / √( (1 + C11)(1 + C22) − C12² )
 *   = (2/π) / ( √(1 + C11) √(1 + C22) √((1 − ρ)(1 + ρ)) ),   ρ = C12/√(1 + C11)/√(1 + C22).
 */
export function J2(c11: f64, c12: f64, c22: f64): f64 {
  const s1 = Math.sqrt(1.0 + c11);
  const s2 = Math.sqrt(1.0 + c22);
  const rho = c12 / s1 / s2;
  return TWO_OVER_PI / s1 / s2 / Math.sqrt((1.0 - rho) * (1.0 + rho));
}

/**
 * I3(C11, C12, C13, C22, C23, C33) = E[σ'(u1) u2 σ(u3)]
 *   = (2/π) · (C23 (1 + C11) − C12 C13) / ( (1 + C11) √Λ3 ),   Λ3 = (1 + C11)(1 + C33) − C13²,
 * evaluated as (2/π) · (C23 − (C12/s1)(C13/s1)) / (s1 s3 √((1 − ρ)(1 + ρ))), s1 = √(1 + C11), s3 = √(1 + C33),
 * ρ = C13/s1/s3 (no product of two variances: see I2). C22 does not enter (kept for the uniform signature).
 */
export function I3(c11: f64, c12: f64, c13: f64, c22: f64, c23: f64, c33: f64): f64 {
  const s1 = Math.sqrt(1.0 + c11);
  const s3 = Math.sqrt(1.0 + c33);
  const rho = c13 / s1 / s3;
  return (TWO_OVER_PI * (c23 - (c12 / s1) * (c13 / s1))) / s1 / s3 / Math.sqrt((1.0 - rho) * (1.0 + rho));
}

/**
 * E[σ'_a(u1) u2 σ_b(u3)] for u ~ N(0, C), the derivative of activation a and activation b (src/shared/layout.ts
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
    const s1 = Math.sqrt(1.0 + c11);
    const tilted = c23 - (c12 / s1) * (c13 / s1);
    return (SQRT_2_OVER_PI / s1) * (b == 1 ? 0.5 * tilted : tilted);
  }
  if (!(c11 > 0)) return 0.0;
  if (b == 0) return c23 * INV_SQRT_2PI / Math.sqrt(1.0 + c33);
  if (b == 2) return 0.5 * c23;
  if (!(c33 > 0)) return c23 * 0.25;
  const s1 = Math.sqrt(c11);
  const s3 = Math.sqrt(c33);
  const rho = clampUnit(c13 / s1 / s3);
  // s = √(C33 − C13²/C11) = s3 √(1 − ρ²)
  return INV_2PI * (c12 / s1) * s3 * Math.sqrt((1.0 - rho) * (1.0 + rho)) + c23 * (0.25 + INV_2PI * Math.asin(rho));
}

/**
 * I4(C11, C12, C13, C14, C22, C23, C24, C33, C34, C44) = E[σ'(u1) σ'(u2) σ(u3) σ(u4)]
 *   = (4/π²) · Λ4^(−1/2) · asin( Λ0 / √(Λ1 Λ2) ), with
 *   Λ4 = (1 + C11)(1 + C22) − C12²,
 *   Λ0 = Λ4 C34 − C23 C24 (1 + C11) − C13 C14 (1 + C22) + C12 C13 C24 + C12 C14 C23,
 *   Λ1 = Λ4 (1 + C33) − C23² (1 + C11) − C13² (1 + C22) + 2 C12 C13 C23,
 *   Λ2 = Λ4 (1 + C44) − C24² (1 + C11) − C14² (1 + C22) + 2 C12 C14 C24.
 * (Two Gaussian tilts by σ' and then I2 on the tilted covariance; theory.md §4.1.)
 * Evaluated on the scaled entries c_ij = C_ij/s_i/s_j, s_i = √(1 + C_ii), in which every Λ is homogeneous:
 * Λ4 = s1²s2²·λ4, Λ0 = s1²s2²s3s4·λ0, Λ1 = s1²s2²s3²·λ1, Λ2 = s1²s2²s4²·λ2 with the same formulas and all
 * (1 + C_ii) replaced by 1, so I4 = (4/π²) / (s1 s2 √λ4) · asin(λ0/√(λ1 λ2)) (no product of variances: see I2).
 */
export function I4(c11: f64, c12: f64, c13: f64, c14: f64, c22: f64, c23: f64, c24: f64, c33: f64, c34: f64, c44: f64): f64 {
  const s1 = Math.sqrt(1.0 + c11);
  const s2 = Math.sqrt(1.0 + c22);
  const s3 = Math.sqrt(1.0 + c33);
  const s4 = Math.sqrt(1.0 + c44);
  const x12 = c12 / s1 / s2, x13 = c13 / s1 / s3, x14 = c14 / s1 / s4;
  const x23 = c23 / s2 / s3, x24 = c24 / s2 / s4, x34 = c34 / s3 / s4;
  const l4 = (1.0 - x12) * (1.0 + x12);
  const l0 = l4 * x34 - x23 * x24 - x13 * x14 + x12 * x13 * x24 + x12 * x14 * x23;
  const l1 = l4 - x23 * x23 - x13 * x13 + 2.0 * x12 * x13 * x23;
  const l2 = l4 - x24 * x24 - x14 * x14 + 2.0 * x12 * x14 * x24;
  return (FOUR_OVER_PI2 / s1 / s2 / Math.sqrt(l4)) * Math.asin(clampUnit(l0 / Math.sqrt(l1) / Math.sqrt(l2)));
}

/** min(1, max(−1, v)). */
@inline export function clampUnit(v: f64): f64 {
  return v > 1.0 ? 1.0 : v < -1.0 ? -1.0 : v;
}
