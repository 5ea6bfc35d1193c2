// see: assembly/integrals.ts — I2, J2, I3, I4 in plain JS; the formulas and references are documented there.

const TWO_OVER_PI = 0.6366197723675814;
const FOUR_OVER_PI2 = 0.40528473456935109;

/** I2(C11, C12, C22) = E[σ(u1) σ(u2)]. */
export function I2(c11: number, c12: number, c22: number): number {
  const v = (1.0 + c11) * (1.0 + c22);
  const rho = v < Infinity ? c12 / Math.sqrt(v) : c12 / Math.sqrt(1.0 + c11) / Math.sqrt(1.0 + c22);
  return TWO_OVER_PI * Math.asin(clampUnit(rho));
}

/** J2(C11, C12, C22) = E[σ'(u1) σ'(u2)]. */
/** E[σ_a(u1) σ_b(u2)] for pairs of activations (assembly/integrals.ts `I2pair`). */
export function I2pair(a: number, b: number, c11: number, c12: number, c22: number): number {
  if (a > b) return I2pair(b, a, c22, c12, c11);
  if (a === 0) {
    if (b === 0) return I2(c11, c12, c22);
    if (b === 1) return (0.3989422804014327 * c12) / Math.sqrt(1.0 + c11);
    return (0.7978845608028654 * c12) / Math.sqrt(1.0 + c11);
  }
  if (a === 1) {
    if (b === 2) return 0.5 * c12;
    if (!(c11 > 0 && c22 > 0)) return 0.0;
    const s1 = Math.sqrt(c11);
    const s2 = Math.sqrt(c22);
    const rho = clampUnit(c12 / s1 / s2);
    return 0.15915494309189535 * s1 * s2 * (Math.sqrt((1.0 - rho) * (1.0 + rho)) + rho * (Math.PI - Math.acos(rho)));
  }
  return c12;
}

export function J2(c11: number, c12: number, c22: number): number {
  const s1 = Math.sqrt(1.0 + c11);
  const s2 = Math.sqrt(1.0 + c22);
  const rho = c12 / s1 / s2;
  return TWO_OVER_PI / s1 / s2 / Math.sqrt((1.0 - rho) * (1.0 + rho));
}

/** I3(C11, C12, C13, C22, C23, C33) = E[σ'(u1) u2 σ(u3)]. */
export function I3(c11: number, c12: number, c13: number, _c22: number, c23: number, c33: number): number {
  const s1 = Math.sqrt(1.0 + c11);
  const s3 = Math.sqrt(1.0 + c33);
  const rho = c13 / s1 / s3;
  return (TWO_OVER_PI * (c23 - (c12 / s1) * (c13 / s1))) / s1 / s3 / Math.sqrt((1.0 - rho) * (1.0 + rho));
}

/** E[σ'_a(u1) u2 σ_b(u3)] for pairs of activations (assembly/integrals.ts `I3pair`). */
export function I3pair(a: number, b: number, c11: number, c12: number, c13: number, c22: number, c23: number, c33: number): number {
  if (a === 2) return b === 0 ? (0.7978845608028654 * c23) / Math.sqrt(1.0 + c33) : b === 1 ? 0.5 * c23 : c23;
  if (a === 0) {
    if (b === 0) return I3(c11, c12, c13, c22, c23, c33);
    const s1 = Math.sqrt(1.0 + c11);
    const tilted = c23 - (c12 / s1) * (c13 / s1);
    return (0.7978845608028654 / s1) * (b === 1 ? 0.5 * tilted : tilted);
  }
  if (!(c11 > 0)) return 0.0;
  if (b === 0) return (c23 * 0.3989422804014327) / Math.sqrt(1.0 + c33);
  if (b === 2) return 0.5 * c23;
  if (!(c33 > 0)) return c23 * 0.25;
  const s1 = Math.sqrt(c11);
  const s3 = Math.sqrt(c33);
  const rho = clampUnit(c13 / s1 / s3);
  return 0.15915494309189535 * (c12 / s1) * s3 * Math.sqrt((1.0 - rho) * (1.0 + rho)) + c23 * (0.25 + 0.15915494309189535 * Math.asin(rho));
}

/** I4(C11, C12, C13, C14, C22, C23, C24, C33, C34, C44) = E[σ'(u1) σ'(u2) σ(u3) σ(u4)]. */
export function I4(c11: number, c12: number, c13: number, c14: number, c22: number, c23: number, c24: number, c33: number, c34: number, c44: number): number {
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

export function clampUnit(v: number): number {
  return v > 1.0 ? 1.0 : v < -1.0 ? -1.0 : v;
}
