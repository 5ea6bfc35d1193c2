// see: theory.md §4 — closed-form Gaussian averages for σ(u) = erf(u/√2); full expectations, u ~ N(0, C).
// Saad & Solla (1995), Phys. Rev. E 52:4225; Biehl & Schwarze (1995), J. Phys. A 28:643.

/** 2/π */
const TWO_OVER_PI: f64 = 0.6366197723675814;

/**
 * I2(C11, C12, C22) = E[σ(u1) σ(u2)] = (2/π) · asin( C12 / √((1 + C11)(1 + C22)) ).
 * The asin argument is clamped to [−1, 1] against round-off (theory.md §4.2).
 */
export function I2(c11: f64, c12: f64, c22: f64): f64 {
  return TWO_OVER_PI * Math.asin(clampUnit(c12 / Math.sqrt((1.0 + c11) * (1.0 + c22))));
}

/** min(1, max(−1, v)). */
@inline export function clampUnit(v: f64): f64 {
  return v > 1.0 ? 1.0 : v < -1.0 ? -1.0 : v;
}
