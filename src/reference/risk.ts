// see: assembly/risk.ts — the closed-form excess risk in plain JS, same sums in the same order.
import { I2pair } from "./integrals.js";

/**
 * R from Q (p×p), M (p×k), P (k×k) and the second layers a (p), a* (k), row-major in `f64` at element offsets
 * q, m, pp, a, as (assembly/risk.ts `riskOf`).
 */
export function riskOf(f64: Float64Array, q: number, m: number, pp: number, a: number, as: number, p: number, k: number, actS: number, actT: number): number {
  const teacher = symmetricSum(f64, pp, as, k, actT);
  const student = symmetricSum(f64, q, a, p, actS);
  let cross = 0;
  for (let i = 0; i < p; i++) {
    const qii = f64[q + i * p + i];
    const ai = f64[a + i];
    for (let r = 0; r < k; r++) cross += ai * f64[as + r] * I2pair(actS, actT, qii, f64[m + i * k + r], f64[pp + r * k + r]);
  }
  return 0.5 * teacher / (k * k) + 0.5 * student / (p * p) - cross / (p * k);
}

function symmetricSum(f64: Float64Array, c: number, w: number, n: number, act: number): number {
  let diag = 0;
  let off = 0;
  for (let a = 0; a < n; a++) {
    const caa = f64[c + a * n + a];
    const wa = f64[w + a];
    diag += wa * wa * I2pair(act, act, caa, caa, caa);
    for (let b = a + 1; b < n; b++) off += wa * f64[w + b] * I2pair(act, act, caa, f64[c + a * n + b], f64[c + b * n + b]);
  }
  return diag + 2.0 * off;
}
