// see: theory.md §3 — order parameters Q = WWᵀ/d, M = WW*ᵀ/d, P = W*W*ᵀ/d, and §5 for the risk.
import { Slot } from "../src/layout";
import { slot, slotPtr, setSlot } from "./header";
import { dot } from "./vec";
import { riskOf } from "./risk";

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

/** Excess risk of the Q, M, P currently in the buffer (written into Slot.RISK and returned). */
export function riskCompute(): f64 {
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
