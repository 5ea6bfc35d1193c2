// see: theory.md §3 — order parameters Q = WWᵀ/d, M = WW*ᵀ/d, P = W*W*ᵀ/d, and §5 for the risk.
import { Slot } from "../src/shared/layout";
import { slot, slotPtr, setSlot } from "./header";
import { dot } from "./vec";
import { riskOf } from "./risk";
import { Activation } from "../src/shared/layout";
import { activation } from "./activation";
import { choleskySemidefinite, fieldOf } from "./chain";

/**
 * Computes Q (p×p, symmetric: upper triangle mirrored), M (p×k) and P (k×k) from the weights in the
 * buffer into their regions, then the excess risk into Slot.RISK, and returns it. Called by the TS layer
 * at every requested output time.
 */
export function overlapsCompute(): f64 {
  const d = <i32>slot(Slot.D);
  const p = <i32>slot(Slot.P);
  const k = <i32>slot(Slot.K);
  const stride = <usize>slot(Slot.ROW) << 3;
  const W = slotPtr(Slot.W_PTR);
  const Wstar = slotPtr(Slot.WSTAR_PTR);
  const Q = slotPtr(Slot.Q_PTR);
  const M = slotPtr(Slot.M_PTR);
  const P = slotPtr(Slot.P_PTR);
  const invD = 1.0 / <f64>d;
  gram(W, W, Q, p, p, stride, d, invD, true);
  gram(W, Wstar, M, p, k, stride, d, invD, false);
  gram(Wstar, Wstar, P, k, k, stride, d, invD, true);
  return riskCompute();
}

/**
 * Excess risk of the Q, M, P currently in the buffer (written into Slot.RISK and returned): in closed form, or,
 * with tanh or user-given units (no closed-form I2 here), by Monte Carlo over the fixed samples at Slot.MC_PTR (riskMonteCarlo).
 */
export function riskCompute(): f64 {
  if (<i32>slot(Slot.ACT_STUDENT) >= Activation.TANH || <i32>slot(Slot.ACT_TEACHER) >= Activation.TANH) {
    const mc = riskMonteCarlo();
    setSlot(Slot.RISK, mc);
    return mc;
  }
  const risk = riskOf(slotPtr(Slot.Q_PTR), slotPtr(Slot.M_PTR), slotPtr(Slot.P_PTR), slotPtr(Slot.A_PTR), slotPtr(Slot.ASTAR_PTR), <i32>slot(Slot.P), <i32>slot(Slot.K), <i32>slot(Slot.ACT_STUDENT), <i32>slot(Slot.ACT_TEACHER));
  setSlot(Slot.RISK, risk);
  return risk;
}

/** G[a][b] = scale · A_a·B_b (n1×n2, row-major); `symmetric`: A = B, compute b ≥ a and mirror. */
function gram(A: usize, B: usize, G: usize, n1: i32, n2: i32, stride: usize, n: i32, scale: f64, symmetric: bool): void {
  for (let a = 0; a < n1; a++) {
    for (let b = symmetric ? a : 0; b < n2; b++) {
      const v = dot(A + <usize>a * stride, B + <usize>b * stride, n) * scale;
      store<f64>(G + ((<usize>a * n2 + b) << 3), v);
      if (symmetric) store<f64>(G + ((<usize>b * n2 + a) << 3), v);
    }
  }
}

/**
 * ½E[(f* − f)²] as the mean of ½e0² over the fixed samples z_s at Slot.MC_PTR (S = Slot.MC_SAMPLES vectors of
 * r = p + k normals), u_s = L z_s with L Lᵀ = Ω = [[Q, M], [Mᵀ, P]], e0 = Σ_a c_a σ_a(u_a); its standard error goes
 * to Slot.RISK_SE. Work space at Slot.MC_WORK_PTR: Ω, L (r² each), then r doubles.
 */
function riskMonteCarlo(): f64 {
  const p = <i32>slot(Slot.P);
  const k = <i32>slot(Slot.K);
  const r = p + k;
  const Q = slotPtr(Slot.Q_PTR), M = slotPtr(Slot.M_PTR), P = slotPtr(Slot.P_PTR);
  const A = slotPtr(Slot.A_PTR), Astar = slotPtr(Slot.ASTAR_PTR);
  const actS = <i32>slot(Slot.ACT_STUDENT), actT = <i32>slot(Slot.ACT_TEACHER);
  const S = <i32>slot(Slot.MC_SAMPLES);
  const Z = slotPtr(Slot.MC_PTR);
  const omega = slotPtr(Slot.MC_WORK_PTR);
  const L = omega + ((<usize>(r * r)) << 3);
  const diag = L + ((<usize>(r * r)) << 3);
  for (let a = 0; a < r; a++) {
    for (let b = 0; b < r; b++) {
      const v = a < p && b < p ? load<f64>(Q + ((<usize>(a * p + b)) << 3)) : a < p ? load<f64>(M + ((<usize>(a * k + b - p)) << 3)) : b < p ? load<f64>(M + ((<usize>(b * k + a - p)) << 3)) : load<f64>(P + ((<usize>((a - p) * k + b - p)) << 3));
      store<f64>(omega + ((<usize>(a * r + b)) << 3), v);
    }
  }
  choleskySemidefinite(omega, L, diag, r);
  let sum: f64 = 0;
  let sum2: f64 = 0;
  for (let s = 0; s < S; s++) {
    const z = Z + ((<usize>(s * r)) << 3);
    let e: f64 = 0;
    for (let a = 0; a < r; a++) {
      const v = fieldOf(L, z, a, r);
      e += a < p ? (-load<f64>(A + ((<usize>a) << 3)) / <f64>p) * activation(actS, v) : (load<f64>(Astar + ((<usize>(a - p)) << 3)) / <f64>k) * activation(actT, v);
    }
    const loss = 0.5 * e * e;
    sum += loss;
    sum2 += loss * loss;
  }
  const mean = sum / <f64>S;
  setSlot(Slot.RISK_SE, Math.sqrt(Math.max(0.0, sum2 / <f64>S - mean * mean) / <f64>S));
  return mean;
}
