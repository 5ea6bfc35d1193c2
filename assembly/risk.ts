// see: theory.md §5 — the excess population risk in closed form (label noise Δ/2 not included).
import { I2 } from "./integrals";

/**
 * R = ½ E[(f*(x) − f(x))²] = ½ Σ_{a,b} c_a c_b I2(Ω_aa, Ω_ab, Ω_bb), c = (−1/p, …, +1/k, …), i.e.
 *   R = (1/(2k²)) Σ_{r,s} I2(P_rr, P_rs, P_ss) + (1/(2p²)) Σ_{i,j} I2(Q_ii, Q_ij, Q_jj)
 *       − (1/(pk)) Σ_{i,r} I2(Q_ii, M_ir, P_rr).
 * Q (p×p) and P (k×k) symmetric, row-major at Q and P; M (p×k) row-major. The symmetric double sums
 * are taken as diagonal + 2·(upper triangle).
 */
export function riskOf(Q: usize, M: usize, P: usize, p: i32, k: i32): f64 {
  const teacher = symmetricSum(P, k);
  const student = symmetricSum(Q, p);
  let cross: f64 = 0;
  for (let i = 0; i < p; i++) {
    const qii = load<f64>(Q + ((<usize>i * p + i) << 3));
    for (let r = 0; r < k; r++) {
      cross += I2(qii, load<f64>(M + ((<usize>i * k + r) << 3)), load<f64>(P + ((<usize>r * k + r) << 3)));
    }
  }
  const fp = <f64>p;
  const fk = <f64>k;
  return 0.5 * teacher / (fk * fk) + 0.5 * student / (fp * fp) - cross / (fp * fk);
}

/** Σ_{a,b} I2(C_aa, C_ab, C_bb) for a symmetric n×n matrix C. */
function symmetricSum(C: usize, n: i32): f64 {
  let diag: f64 = 0;
  let off: f64 = 0;
  for (let a = 0; a < n; a++) {
    const caa = load<f64>(C + ((<usize>a * n + a) << 3));
    diag += I2(caa, caa, caa);
    for (let b = a + 1; b < n; b++) {
      off += I2(caa, load<f64>(C + ((<usize>a * n + b) << 3)), load<f64>(C + ((<usize>b * n + b) << 3)));
    }
  }
  return diag + 2.0 * off;
}
