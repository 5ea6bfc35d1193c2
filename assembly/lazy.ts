// see: README.md (extensions: lazy training) — the order parameters and the population risk of the lazy
// (linearised) student f(x) = (1/p) Σ_i a_i [σ(λ0_i) + σ'(λ0_i)(λ_i − λ0_i)], λ0 = W0 x/√d (the paper's code).
// Its risk is no sum of I2: it is estimated by Monte Carlo over the Gaussian fields (λ, λ*, λ0) ~ N(0, Ω), Ω the
// (2p + k)² overlaps of [W; W*; W0], with a fixed sample set (drawn once by the TS layer), its error stated.
import { Slot } from "../src/shared/layout";
import { slot, slotPtr, setSlot } from "./header";
import { activation, activationPrime } from "./activation";
import { choleskySemidefinite, fieldsOf } from "./chain";
import { dot } from "./vec";

@inline function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 3);
}

/**
 * Q = WWᵀ/d, M = WW*ᵀ/d, P = W*W*ᵀ/d and R = W W0ᵀ/d into their regions, then the excess risk ½E[(f* − f)²] of
 * the lazy student as the mean over the S fixed samples z_s of ½(f*(u_s) − f(u_s))², u_s = L z_s with L Lᵀ = Ω
 * ((2p + k)², fields ordered λ, λ*, λ0 like the rows [W; W*; W0]); its standard error goes to Slot.RISK_SE.
 */
export function lazyOverlaps(): f64 {
  const d = <i32>slot(Slot.D);
  const p = <i32>slot(Slot.P);
  const k = <i32>slot(Slot.K);
  const rm = 2 * p + k;
  const stride = (<usize>slot(Slot.ROW)) << 3;
  const U = slotPtr(Slot.W_PTR); // W, then W*, then W0: contiguous rows
  const A = slotPtr(Slot.A_PTR);
  const Astar = slotPtr(Slot.ASTAR_PTR);
  const actS = <i32>slot(Slot.ACT_STUDENT);
  const actT = <i32>slot(Slot.ACT_TEACHER);
  const S = <i32>slot(Slot.MC_SAMPLES);
  const Z = slotPtr(Slot.MC_PTR);
  const omega = slotPtr(Slot.MC_WORK_PTR);
  const L = omega + ((<usize>(rm * rm)) << 3);
  const diag = L + ((<usize>(rm * rm)) << 3);
  const u = diag + ((<usize>rm) << 3);
  const invD = 1.0 / <f64>d;
  for (let a = 0; a < rm; a++) {
    for (let b = a; b < rm; b++) {
      const v = dot(U + <usize>a * stride, U + <usize>b * stride, d) * invD;
      store<f64>(at(omega, a * rm + b), v);
      store<f64>(at(omega, b * rm + a), v);
    }
  }
  const Q = slotPtr(Slot.Q_PTR), M = slotPtr(Slot.M_PTR), P = slotPtr(Slot.P_PTR), R = slotPtr(Slot.R_PTR);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      store<f64>(at(Q, i * p + j), load<f64>(at(omega, i * rm + j)));
      store<f64>(at(R, i * p + j), load<f64>(at(omega, i * rm + p + k + j)));
    }
    for (let t = 0; t < k; t++) store<f64>(at(M, i * k + t), load<f64>(at(omega, i * rm + p + t)));
  }
  for (let t = 0; t < k; t++) for (let s = 0; s < k; s++) store<f64>(at(P, t * k + s), load<f64>(at(omega, (p + t) * rm + p + s)));
  choleskySemidefinite(omega, L, diag, rm);
  let sum: f64 = 0;
  let sum2: f64 = 0;
  for (let s = 0; s < S; s++) {
    const z = Z + ((<usize>(s * rm)) << 3);
    fieldsOf(L, z, u, rm);
    let teacher: f64 = 0;
    for (let t = 0; t < k; t++) teacher += load<f64>(at(Astar, t)) * activation(actT, load<f64>(at(u, p + t)));
    let student: f64 = 0;
    for (let i = 0; i < p; i++) {
      const l0 = load<f64>(at(u, p + k + i));
      student += load<f64>(at(A, i)) * (activation(actS, l0) + activationPrime(actS, l0) * (load<f64>(at(u, i)) - l0));
    }
    const e = teacher / <f64>k - student / <f64>p;
    const loss = 0.5 * e * e;
    sum += loss;
    sum2 += loss * loss;
  }
  const mean = sum / <f64>S;
  setSlot(Slot.RISK_SE, Math.sqrt(Math.max(0.0, sum2 / <f64>S - mean * mean) / <f64>S));
  setSlot(Slot.RISK, mean);
  return mean;
}
