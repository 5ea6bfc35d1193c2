// see: theory.md §6–7 — the exact reduced chain: for isotropic Gaussian inputs, one-pass SGD moves
// Ω = [[Q, M], [Mᵀ, P]] as a Markov chain whose one-step law depends only on Ω and d. With L Lᵀ = Ω (any
// square root; here a Cholesky factor with zero columns for zero pivots, rank ρ), the local fields of a fresh
// input are u = L z with z ~ N(0, I), and |x|²/d = (|z_kept|² + χ²_{d−ρ})/d. One step costs O((p + k)³),
// independent of d. d input dimension, p student and k teacher hidden units, r = p + k, γ the learning rate.
import { Slot, Status } from "../src/layout";
import { slot, slotPtr, setSlot } from "./header";
import { rngLoad, rngSave, normal, fillNormals, chiSquare } from "./rng";
import { sigma, sigmaPrime } from "./activation";
import { riskCompute } from "./overlaps";

/** Pivots at or below this fraction of the largest diagonal entry of Ω count as zero. */
const PIVOT_TOLERANCE: f64 = 1e-12;

@inline function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 3);
}

/**
 * L Lᵀ = Ω for symmetric positive semi-definite Ω (r×r, row-major), L lower triangular stored column by column
 * (L_am at L + 8(m·r + a)): Cholesky in which a pivot ≤ PIVOT_TOLERANCE·max Ω_aa (or negative, from rounding)
 * is set to 0 together with its column below — the conditional variance of that field given the previous ones
 * is nil, so it adds no direction (an error of O(√pivot) in that field only). `diag` (r doubles of scratch)
 * carries Ω_aa − Σ_{m<j} L_am², so the next pivot is ready as soon as a column is done; the column's entries
 * L_aj = (Ω_ja − Σ_{m<j} L_am L_jm)/L_jj are independent, two per f64x2 in the SIMD build, with every sum in the
 * same order in both builds (the factors are bit-identical). Returns the rank ρ (the number of nonzero pivots).
 */
export function choleskySemidefinite(omega: usize, L: usize, diag: usize, r: i32): i32 {
  let scale: f64 = 0;
  for (let a = 0; a < r; a++) {
    const v = load<f64>(at(omega, a * r + a));
    store<f64>(at(diag, a), v);
    scale = Math.max(scale, Math.abs(v));
  }
  const tol = PIVOT_TOLERANCE * scale;
  let rank = 0;
  for (let j = 0; j < r; j++) {
    const col = L + ((<usize>(j * r)) << 3);
    const pivot = load<f64>(at(diag, j));
    if (!(pivot > tol)) {
      // zero pivot (NaN lands here too and is caught by the caller's finiteness check on the fields)
      const v = isNaN(pivot) ? pivot : 0.0;
      for (let a = j; a < r; a++) store<f64>(at(col, a), v);
      continue;
    }
    const ljj = Math.sqrt(pivot);
    store<f64>(at(col, j), ljj);
    rank++;
    const inv = 1.0 / ljj;
    const rowj = omega + ((<usize>(j * r)) << 3);
    let a = j + 1;
    if (ASC_FEATURE_SIMD) {
      const vinv = f64x2.splat(inv);
      for (; a + 2 <= r; a += 2) {
        let v = v128.load(at(rowj, a)); // Ω_ja, Ω_j,a+1 = Ω_aj, Ω_a+1,j
        for (let m = 0; m < j; m++) {
          const colm = L + ((<usize>(m * r)) << 3);
          v = f64x2.sub(v, f64x2.mul(v128.load(at(colm, a)), f64x2.splat(load<f64>(at(colm, j)))));
        }
        const l = f64x2.mul(v, vinv);
        v128.store(at(col, a), l);
        v128.store(at(diag, a), f64x2.sub(v128.load(at(diag, a)), f64x2.mul(l, l)));
      }
    }
    for (; a < r; a++) {
      let v = load<f64>(at(rowj, a));
      for (let m = 0; m < j; m++) {
        const colm = L + ((<usize>(m * r)) << 3);
        v -= load<f64>(at(colm, a)) * load<f64>(at(colm, j));
      }
      const l = v * inv;
      store<f64>(at(col, a), l);
      store<f64>(at(diag, a), load<f64>(at(diag, a)) - l * l);
    }
  }
  return rank;
}

/**
 * Runs `steps` samples of one-pass SGD on Ω itself (theory.md §7), exactly as the direct simulator would
 * move its overlaps: factor Ω; draw z_1..z_r, then ζ, then χ²_{d−ρ} from the SGD stream; u = L z,
 * X = (Σ_{kept} z_a² + χ²)/d; e = (1/k) Σ σ(λ*) + √Δ ζ − (1/p) Σ σ(λ), g_j = e σ'(λ_j); then (theory.md §6)
 *   M_jt += (γ/(p d)) g_j λ*_t,   Q_jl += (γ/(p d)) (g_j λ_l + g_l λ_j) + (γ²/(p² d)) g_j g_l X,
 * all from the pre-step values; P is unchanged. Only the upper triangle of Ω is kept up to date (the
 * factorisation reads no other). Adds the samples done to Slot.SAMPLES; stops with
 * Status.DIVERGED when a field or e is not finite. Called by the TS layer once per chunk of samples.
 */
export function chainRun(steps: i32): i32 {
  const d = slot(Slot.D);
  const p = <i32>slot(Slot.P);
  const k = <i32>slot(Slot.K);
  const r = p + k;
  const omega = slotPtr(Slot.OMEGA_PTR);
  const L = slotPtr(Slot.CHOL_PTR);
  const z = slotPtr(Slot.Z_PTR);
  const u = slotPtr(Slot.FIELDS_PTR);
  const g = slotPtr(Slot.COEF_PTR);
  const gamma = slot(Slot.GAMMA);
  const linear = gamma / (<f64>p * d);
  const quadratic = (gamma * gamma) / (<f64>p * <f64>p * d);
  const sqrtNoise = Math.sqrt(slot(Slot.NOISE));
  const invP = 1.0 / <f64>p;
  const invK = 1.0 / <f64>k;
  let done = 0;
  let status = Status.OK;
  let rank = 0;
  rngLoad();
  for (; done < steps; done++) {
    rank = choleskySemidefinite(omega, L, u, r); // u serves as scratch until the fields are computed
    fillNormals(z, r);
    let zz: f64 = 0;
    for (let a = 0; a < r; a++) {
      const za = load<f64>(at(z, a));
      if (load<f64>(at(L, a * r + a)) > 0) zz += za * za;
    }
    const zeta = normal();
    const chi = chiSquare(d - <f64>rank);
    const X = (zz + chi) / d;
    let fieldSum: f64 = 0;
    for (let a = 0; a < r; a++) {
      let v: f64 = 0;
      for (let m = 0; m <= a; m++) v += load<f64>(at(L, m * r + a)) * load<f64>(at(z, m));
      store<f64>(at(u, a), v);
      fieldSum += v;
    }
    let teacher: f64 = 0;
    for (let t = 0; t < k; t++) teacher += sigma(load<f64>(at(u, p + t)));
    let student: f64 = 0;
    for (let j = 0; j < p; j++) student += sigma(load<f64>(at(u, j)));
    const e = teacher * invK + sqrtNoise * zeta - student * invP;
    if (!isFinite(fieldSum) || !isFinite(e)) {
      status = Status.DIVERGED;
      break;
    }
    for (let j = 0; j < p; j++) store<f64>(at(g, j), e * sigmaPrime(load<f64>(at(u, j))));
    for (let j = 0; j < p; j++) {
      const gj = load<f64>(at(g, j));
      const lj = load<f64>(at(u, j));
      for (let l = j; l < p; l++) {
        const gl = load<f64>(at(g, l));
        const dq = linear * (gj * load<f64>(at(u, l)) + gl * lj) + quadratic * gj * gl * X;
        store<f64>(at(omega, j * r + l), load<f64>(at(omega, j * r + l)) + dq);
      }
      for (let t = 0; t < k; t++) {
        store<f64>(at(omega, j * r + p + t), load<f64>(at(omega, j * r + p + t)) + linear * gj * load<f64>(at(u, p + t)));
      }
    }
  }
  rngSave();
  setSlot(Slot.RANK, <f64>rank);
  setSlot(Slot.SAMPLES, slot(Slot.SAMPLES) + <f64>done);
  setSlot(Slot.STATUS, <f64>status);
  return status;
}

/**
 * Copies Q, M, P out of the upper triangle of Ω into their regions and returns the excess risk (as overlapsCompute does for the
 * direct simulator). Called by the TS layer at every output time.
 */
export function chainOverlaps(): f64 {
  const p = <i32>slot(Slot.P);
  const k = <i32>slot(Slot.K);
  const r = p + k;
  const omega = slotPtr(Slot.OMEGA_PTR);
  const Q = slotPtr(Slot.Q_PTR);
  const M = slotPtr(Slot.M_PTR);
  const P = slotPtr(Slot.P_PTR);
  for (let j = 0; j < p; j++) {
    for (let l = j; l < p; l++) {
      const v = load<f64>(at(omega, j * r + l));
      store<f64>(at(Q, j * p + l), v);
      store<f64>(at(Q, l * p + j), v);
    }
    for (let t = 0; t < k; t++) store<f64>(at(M, j * k + t), load<f64>(at(omega, j * r + p + t)));
  }
  for (let t = 0; t < k; t++) {
    for (let s = 0; s < k; s++) store<f64>(at(P, t * k + s), load<f64>(at(omega, (p + t) * r + p + s)));
  }
  return riskCompute();
}
