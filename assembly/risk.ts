// see: theory.md §5 — the excess population risk in closed form (label noise Δ/2 not included).
import { I2pair } from "./integrals";

/**
 * R = ½ E[(f*(x) − f(x))²] = ½ Σ_{a,b} c_a c_b I2(Ω_aa, Ω_ab, Ω_bb), c = (−a_1/p, …, −a_p/p, a*_1/k, …), i.e.
 *   R = (1/(2k²)) Σ_{r,s} a*_r a*_s I2(P_rr, P_rs, P_ss) + (1/(2p²)) Σ_{i,j} a_i a_j I2(Q_ii, Q_ij, Q_jj)
 *       − (1/(pk)) Σ_{i,r} a_i a*_r I2(Q_ii, M_ir, P_rr),
 * with the second layers a (p, at A) and a* (k, at Astar), both 1 in the paper (theory.md §2.1), and I2 that of
 * the students' and teachers' activations (actS, actT; integrals.ts `I2pair`; erf in the paper).
 * Q (p×p) and P (k×k) symmetric, row-major at Q and P; M (p×k) row-major. The symmetric double sums
 * are taken as diagonal + 2·(upper triangle).
 */
export function riskOf(Q: usize, M: usize, P: usize, A: usize, Astar: usize, p: i32, k: i32, actS: i32, actT: i32): f64 {
  const teacher = symmetricSum(P, Astar, k, actT);
  const student = symmetricSum(Q, A, p, actS);
  let cross: f64 = 0;
  for (let i = 0; i < p; i++) {
    const qii = load<f64>(Q + ((<usize>i * p + i) << 3));
    const ai = load<f64>(A + ((<usize>i) << 3));
    for (let r = 0; r < k; r++) {
      const w = ai * load<f64>(Astar + ((<usize>r) << 3));
      cross += w * I2pair(actS, actT, qii, load<f64>(M + ((<usize>i * k + r) << 3)), load<f64>(P + ((<usize>r * k + r) << 3)));
    }
  }
  const fp = <f64>p;
  const fk = <f64>k;
  return 0.5 * teacher / (fk * fk) + 0.5 * student / (fp * fp) - cross / (fp * fk);
}

/** Σ_{a,b} w_a w_b I2(C_aa, C_ab, C_bb) for a symmetric n×n matrix C, weights w (n) and the activation `act`. */
function symmetricSum(C: usize, w: usize, n: i32, act: i32): f64 {
  let diag: f64 = 0;
  let off: f64 = 0;
  for (let a = 0; a < n; a++) {
    const caa = load<f64>(C + ((<usize>a * n + a) << 3));
    const wa = load<f64>(w + ((<usize>a) << 3));
    diag += wa * wa * I2pair(act, act, caa, caa, caa);
    for (let b = a + 1; b < n; b++) {
      off += wa * load<f64>(w + ((<usize>b) << 3)) * I2pair(act, act, caa, load<f64>(C + ((<usize>a * n + b) << 3)), load<f64>(C + ((<usize>b * n + b) << 3)));
    }
  }
  return diag + 2.0 * off;
}
