// see: theory.md §6–7 — the exact reduced chain: for isotropic Gaussian inputs, one-pass SGD moves
// Ω = [[Q, M], [Mᵀ, P]] as a Markov chain whose one-step law depends only on Ω and d. With L Lᵀ = Ω (any
// square root; here a Cholesky factor with zero columns for zero pivots, rank ρ), the local fields of a fresh
// input are u = L z with z ~ N(0, I), and |x|²/d = (|z_kept|² + χ²_{d−ρ})/d. One step costs O((p + k)³),
// independent of d. d input dimension, p student and k teacher hidden units, r = p + k, γ the learning rate.
import { Slot, Status } from "../src/shared/layout";
import { slot, slotPtr, setSlot } from "./header";
import { rngLoad, rngSave, normal, fillNormals, chiSquare } from "./rng";
import { gradientFactors, weightedActivations } from "./activation";
import { riskCompute } from "./overlaps";
import { secondLayerStep } from "./sgd";

/** Pivots at or below this fraction of the largest diagonal entry of Ω count as zero. */
export const PIVOT_TOLERANCE: f64 = 1e-12;

@inline function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 3);
}

/**
 * The field u_a = (L z)_a = Σ_{m ≤ a} L_am z_m of the standard normals z, L a factor of choleskySemidefinite
 * (column by column, r×r): a local field of the covariance Ω. Used by the chain and every Monte-Carlo mean.
 */
@inline export function fieldOf(L: usize, z: usize, a: i32, r: i32): f64 {
  let v: f64 = 0;
  for (let m = 0; m <= a; m++) v += load<f64>(L + ((<usize>(m * r + a)) << 3)) * load<f64>(z + ((<usize>m) << 3));
  return v;
}

/**
 * Every field u_a = fieldOf(L, z, a, r), a = 0..r−1, written at u, each summing its terms in the order of fieldOf
 * (m = 0, 1, …, a, from 0), so the bits are fieldOf's. In the SIMD build two fields a, a + 1 (a even) per f64x2,
 * summed in a register over m = 0..a (L's column m holds L_am, L_a+1,m side by side), then u_{a+1}'s last term
 * m = a + 1; the odd last field alone. (Summing all the fields column by column in memory, as before, waited on
 * each field's store and reload: 3.6× slower at r = 12.) u must not overlap L or z.
 */
@inline export function fieldsOf(L: usize, z: usize, u: usize, r: i32): void {
  let a = 0;
  if (ASC_FEATURE_SIMD) {
    const stride = (<usize>r) << 3;
    for (; a + 2 <= r; a += 2) {
      let v = f64x2.splat(0);
      let pl = L + ((<usize>a) << 3), pz = z;
      for (let m = 0; m <= a; m++) {
        v = f64x2.add(v, f64x2.mul(v128.load(pl), f64x2.splat(load<f64>(pz))));
        pl += stride;
        pz += 8;
      }
      store<f64>(at(u, a), f64x2.extract_lane(v, 0));
      store<f64>(at(u, a + 1), f64x2.extract_lane(v, 1) + load<f64>(pl, 8) * load<f64>(pz));
    }
  }
  for (; a < r; a++) store<f64>(at(u, a), fieldOf(L, z, a, r));
}

/** max_a |Ω_aa| of the r×r Ω (NaN if any is NaN): the scale of the pivots' tolerance; not finite once Ω overflowed. */
@inline export function diagonalMax(omega: usize, r: i32): f64 {
  let scale: f64 = 0;
  for (let a = 0; a < r; a++) scale = Math.max(scale, Math.abs(load<f64>(at(omega, a * r + a))));
  return scale;
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
  for (let a = 0; a < r; a++) store<f64>(at(diag, a), load<f64>(at(omega, a * r + a)));
  const tol = PIVOT_TOLERANCE * diagonalMax(omega, r);
  let rank = 0;
  // the next pivot, diag[j + 1] as its row's update leaves it, kept in a register: the pivots are the factor's serial
  // chain (√ → 1/· → that update → the next √), which a reload of the just-stored pair would lengthen
  let next = load<f64>(diag);
  for (let j = 0; j < r; j++) {
    const col = L + ((<usize>(j * r)) << 3);
    const pivot = next;
    if (!(pivot > tol)) {
      // zero pivot (NaN lands here too and is caught by the caller's finiteness check on the fields)
      const v = isNaN(pivot) ? pivot : 0.0;
      for (let a = j; a < r; a++) store<f64>(at(col, a), v);
      if (j + 1 < r) next = load<f64>(at(diag, j + 1));
      continue;
    }
    const ljj = Math.sqrt(pivot);
    store<f64>(at(col, j), ljj);
    rank++;
    const inv = 1.0 / ljj;
    const rowj = omega + ((<usize>(j * r)) << 3);
    // L_am and L_jm walk down the rows of L's storage by one column (stride) per m; two m per turn
    const stride = (<usize>r) << 3;
    const stride2 = stride << 1;
    const lj = L + ((<usize>j) << 3);
    let a = j + 1;
    if (ASC_FEATURE_SIMD) {
      const vinv = f64x2.splat(inv);
      for (; a + 2 <= r; a += 2) {
        let v = v128.load(at(rowj, a)); // Ω_ja, Ω_j,a+1 = Ω_aj, Ω_a+1,j
        let pa = L + ((<usize>a) << 3), pj = lj;
        let m = 0;
        for (; m + 2 <= j; m += 2) {
          v = f64x2.sub(v, f64x2.mul(v128.load(pa), f64x2.splat(load<f64>(pj))));
          v = f64x2.sub(v, f64x2.mul(v128.load(pa + stride), f64x2.splat(load<f64>(pj + stride))));
          pa += stride2;
          pj += stride2;
        }
        if (m < j) v = f64x2.sub(v, f64x2.mul(v128.load(pa), f64x2.splat(load<f64>(pj))));
        const l = f64x2.mul(v, vinv);
        v128.store(at(col, a), l);
        const updated = f64x2.sub(v128.load(at(diag, a)), f64x2.mul(l, l));
        v128.store(at(diag, a), updated);
        if (a == j + 1) next = f64x2.extract_lane(updated, 0);
      }
    }
    for (; a < r; a++) {
      let v = load<f64>(at(rowj, a));
      let pa = L + ((<usize>a) << 3), pj = lj;
      let m = 0;
      for (; m + 2 <= j; m += 2) {
        v -= load<f64>(pa) * load<f64>(pj);
        v -= load<f64>(pa + stride) * load<f64>(pj + stride);
        pa += stride2;
        pj += stride2;
      }
      if (m < j) v -= load<f64>(pa) * load<f64>(pj);
      const l = v * inv;
      store<f64>(at(col, a), l);
      const updated = load<f64>(at(diag, a)) - l * l;
      store<f64>(at(diag, a), updated);
      if (a == j + 1) next = updated;
    }
  }
  return rank;
}

/**
 * Runs `steps` steps of one-pass SGD on Ω itself (theory.md §7), exactly as the direct simulator would move
 * its overlaps, each step on a mini-batch of B samples (Slot.BATCH) with weight decay λ (Slot.WEIGHT_DECAY).
 * Factor Ω (rank ρ); for b = 1..B draw z^b_1..z^b_r, then ζ_b, from the SGD stream; then the Gram matrix of the
 * inputs' parts orthogonal to the weights, a Wishart_B(d − ρ) matrix, by Bartlett's decomposition A Aᵀ: for
 * b = 1..B, A_bb = √χ²_{d−ρ−b+1} then A_bc ~ N(0, 1) for c < b (columns c ≥ d − ρ stay zero). So
 *   u^b = L z^b,  X_bc = x_b·x_c/d = (Σ_{kept a} z^b_a z^c_a + (A Aᵀ)_bc)/d,
 *   e_b = (1/k) Σ a*_t σ(λ*^b_t) + √Δ ζ_b − (1/p) Σ a_j σ(λ^b_j),  g^b_j = e_b a_j σ'(λ^b_j),
 * and with s = 1 − γλ/(p d), c1 = s·γ/(p d B), c2 = γ²/(p² d B²) (theory.md §6 with w ← s w + Σ_b … x_b):
 *   M_jt ← s M_jt + Σ_b c1 g^b_j λ*^b_t,
 *   Q_jl ← s² Q_jl + c1 Σ_b (g^b_j λ^b_l + g^b_l λ^b_j) + Σ_{b,c} c2 g^b_j g^c_l X_bc,
 * and a_j ← a_j + (γ_a/(p B)) Σ_b e_b σ(λ^b_j) when the second layer is trained (sgd.ts), all from the pre-step
 * values; P is unchanged. With B = 1 the draws are z, ζ, χ²_{d−ρ} and, with λ = 0, every
 * operation is the single-sample chain's, in the same order (a = a* = 1 multiply exactly). Only the upper triangle of Ω is kept up to date
 * (the factorisation reads no other). Adds the steps done to Slot.SAMPLES; stops with Status.DIVERGED when a
 * field or e is not finite, or (before the step's draws) when Ω's diagonal is. Called by the TS layer once per chunk of steps.
 */
export function chainRun(steps: i32): i32 {
  const d = slot(Slot.D);
  const p = <i32>slot(Slot.P);
  const k = <i32>slot(Slot.K);
  const r = p + k;
  const batch = max<i32>(1, <i32>slot(Slot.BATCH));
  const omega = slotPtr(Slot.OMEGA_PTR);
  const L = slotPtr(Slot.CHOL_PTR);
  const Z = slotPtr(Slot.Z_PTR);
  const U = slotPtr(Slot.FIELDS_PTR);
  const G = slotPtr(Slot.COEF_PTR);
  const gram = slotPtr(Slot.GRAM_PTR);
  const A = slotPtr(Slot.A_PTR);
  const Astar = slotPtr(Slot.ASTAR_PTR);
  const work = slotPtr(Slot.SECOND_WORK_PTR);
  const gammaA = slot(Slot.GAMMA_A);
  const actS = <i32>slot(Slot.ACT_STUDENT);
  const actT = <i32>slot(Slot.ACT_TEACHER);
  const bartlett = gram + ((<usize>(batch * batch)) << 3);
  const gamma = slot(Slot.GAMMA);
  const fb = <f64>batch;
  const decay = 1.0 - (gamma * slot(Slot.WEIGHT_DECAY)) / (<f64>p * d);
  const linear = (decay * (gamma / (<f64>p * d))) / fb;
  const quadratic = (gamma * gamma) / (<f64>p * <f64>p * d) / (fb * fb);
  const decay2 = decay * decay;
  const rateA = (gammaA * gamma) / d / (<f64>p * fb);
  const sqrtNoise = Math.sqrt(slot(Slot.NOISE));
  const invP = 1.0 / <f64>p;
  const invK = 1.0 / <f64>k;
  let done = 0;
  let status = Status.OK;
  let rank = 0;
  rngLoad();
  for (; done < steps; done++) {
    // Ω's diagonal overflowed (∞ or NaN): its pivots would all count as zero and the chain would go on at ∞
    if (!isFinite(diagonalMax(omega, r))) {
      status = Status.DIVERGED;
      break;
    }
    rank = choleskySemidefinite(omega, L, U, r); // U serves as scratch until the fields are computed
    let fieldSum: f64 = 0;
    for (let b = 0; b < batch; b++) {
      const z = Z + ((<usize>(b * r)) << 3);
      const u = U + ((<usize>(b * r)) << 3);
      fillNormals(z, r);
      const zeta = normal();
      // the fields of sample b (U's first r doubles are free again once sample 0's z is drawn: L is done)
      fieldsOf(L, z, u, r);
      for (let a = 0; a < r; a++) fieldSum += load<f64>(at(u, a));
      const teacher = weightedActivations(actT, Astar, at(u, p), k, 0);
      const student = weightedActivations(actS, A, u, p, gammaA != 0 ? work + ((<usize>(b * p)) << 3) : 0);
      const e = teacher * invK + sqrtNoise * zeta - student * invP;
      if (!isFinite(e)) fieldSum = e;
      if (gammaA != 0) store<f64>(at(work, batch * p + b), e);
      gradientFactors(actS, e, A, u, p, G + ((<usize>(b * p)) << 3));
    }
    // X_bc: the kept components of z, plus the Wishart part by Bartlett's decomposition; A's diagonal is
    // stored squared (the χ² draws themselves), so that X_11 = (Σ z² + χ²)/d exactly as with one sample
    const free = d - <f64>rank;
    for (let b = 0; b < batch; b++) {
      const rowA = bartlett + ((<usize>(b * batch)) << 3);
      const dof = free - <f64>b;
      store<f64>(at(rowA, b), dof > 0 ? chiSquare(dof) : 0.0);
      for (let c = 0; c < b; c++) store<f64>(at(rowA, c), <f64>c < free ? normal() : 0.0);
    }
    for (let b = 0; b < batch; b++) {
      const zb = Z + ((<usize>(b * r)) << 3);
      const rowB = bartlett + ((<usize>(b * batch)) << 3);
      for (let c = b; c < batch; c++) {
        const zc = Z + ((<usize>(c * r)) << 3);
        const rowC = bartlett + ((<usize>(c * batch)) << 3);
        let zz: f64 = 0;
        for (let a = 0; a < r; a++) {
          if (load<f64>(at(L, a * r + a)) > 0) zz += load<f64>(at(zb, a)) * load<f64>(at(zc, a));
        }
        // (A Aᵀ)_bc = Σ_{m<b} A_bm A_cm + A_bb A_cb, with A_bb² = χ²_b on the diagonal
        let aa: f64 = c == b ? load<f64>(at(rowB, b)) : Math.sqrt(load<f64>(at(rowB, b))) * load<f64>(at(rowC, b));
        for (let m = 0; m < b; m++) aa += load<f64>(at(rowB, m)) * load<f64>(at(rowC, m));
        const x = (zz + aa) / d;
        store<f64>(at(gram, b * batch + c), x);
        store<f64>(at(gram, c * batch + b), x);
      }
    }
    if (!isFinite(fieldSum)) {
      status = Status.DIVERGED;
      break;
    }
    if (gammaA != 0) secondLayerStep(A, work, rateA, p, batch);
    if (batch == 1) {
      // one sample: the same operations as the general loop below with B = 1, without its inner loops
      const X = load<f64>(gram);
      for (let j = 0; j < p; j++) {
        const gj = load<f64>(at(G, j));
        const lj = load<f64>(at(U, j));
        const row = omega + ((<usize>(j * r)) << 3);
        let l = j;
        let t = 0;
        if (ASC_FEATURE_SIMD) {
          // the same expressions, two l (then two t) per f64x2
          const vgj = f64x2.splat(gj), vlj = f64x2.splat(lj), vlinear = f64x2.splat(linear), vdecay2 = f64x2.splat(decay2);
          const vqg = f64x2.mul(f64x2.splat(quadratic), vgj), vX = f64x2.splat(X);
          for (; l + 2 <= p; l += 2) {
            const gl = v128.load(at(G, l));
            const dq = f64x2.add(
              f64x2.mul(vlinear, f64x2.add(f64x2.mul(vgj, v128.load(at(U, l))), f64x2.mul(gl, vlj))),
              f64x2.mul(f64x2.mul(vqg, gl), vX),
            );
            v128.store(at(row, l), f64x2.add(f64x2.mul(vdecay2, v128.load(at(row, l))), dq));
          }
          const vdecay = f64x2.splat(decay), vlg = f64x2.splat(linear * gj);
          for (; t + 2 <= k; t += 2) {
            const m = at(row, p + t);
            v128.store(m, f64x2.add(f64x2.mul(vdecay, v128.load(m)), f64x2.mul(vlg, v128.load(at(U, p + t)))));
          }
        }
        for (; l < p; l++) {
          const gl = load<f64>(at(G, l));
          const dq = linear * (gj * load<f64>(at(U, l)) + gl * lj) + quadratic * gj * gl * X;
          const q = at(omega, j * r + l);
          store<f64>(q, decay2 * load<f64>(q) + dq);
        }
        for (; t < k; t++) {
          const m = at(omega, j * r + p + t);
          store<f64>(m, decay * load<f64>(m) + linear * gj * load<f64>(at(U, p + t)));
        }
      }
      continue;
    }
    for (let j = 0; j < p; j++) {
      for (let l = j; l < p; l++) {
        let lin: f64 = 0;
        let quad: f64 = 0;
        for (let b = 0; b < batch; b++) {
          const u = U + ((<usize>(b * r)) << 3);
          const g = G + ((<usize>(b * p)) << 3);
          const gj = load<f64>(at(g, j));
          lin += gj * load<f64>(at(u, l)) + load<f64>(at(g, l)) * load<f64>(at(u, j));
          const qj = quadratic * gj;
          for (let c = 0; c < batch; c++) {
            quad += qj * load<f64>(at(G + ((<usize>(c * p)) << 3), l)) * load<f64>(at(gram, b * batch + c));
          }
        }
        const q = at(omega, j * r + l);
        store<f64>(q, decay2 * load<f64>(q) + (linear * lin + quad));
      }
      for (let t = 0; t < k; t++) {
        let lin: f64 = 0;
        for (let b = 0; b < batch; b++) {
          lin += linear * load<f64>(at(G + ((<usize>(b * p)) << 3), j)) * load<f64>(at(U + ((<usize>(b * r)) << 3), p + t));
        }
        const m = at(omega, j * r + p + t);
        store<f64>(m, decay * load<f64>(m) + lin);
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
