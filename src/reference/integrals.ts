// see: assembly/integrals.ts — I2 in plain JS; the formula and its references are documented there.

const TWO_OVER_PI = 0.6366197723675814;

/** I2(C11, C12, C22) = E[σ(u1) σ(u2)] (assembly/integrals.ts `I2`). */
export function I2(c11: number, c12: number, c22: number): number {
  return TWO_OVER_PI * Math.asin(clampUnit(c12 / Math.sqrt((1.0 + c11) * (1.0 + c22))));
}

function clampUnit(v: number): number {
  return v > 1.0 ? 1.0 : v < -1.0 ? -1.0 : v;
}
