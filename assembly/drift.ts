// see: theory.md §8 — ψ, the drift of the order parameters Ω = (Q, M) (P fixed), eqs. of §8.1–8.2:
//   dM/dt = a1·(G^M − λM),   dQ/dt = a1·(G^Q + G^Qᵀ − 2λQ) + a2·Φ,
// with λ the weight decay (0 in the paper) and a2 already divided by the mini-batch size B (README: extensions),
//   G_jb  = Σ_a c_a I3(Ω_jj, Ω_jb, Ω_ja, Ω_bb, Ω_ba, Ω_aa),
//   Φ_jl  = Δ·J2(Ω_jj, Ω_jl, Ω_ll) + Σ_{a,b} c_a c_b I4(Ω_jj, Ω_jl, Ω_ja, Ω_jb, Ω_ll, Ω_la, Ω_lb, Ω_aa, Ω_ab, Ω_bb),
// over the r = p + k local fields (students j, l, m first, then teachers), c_a = −a_a/p (student), +a*_t/k (teacher).
// With second layers a, a* (theory.md §2.1, §8.4; 1 in the paper) the drift of unit j carries a_j:
//   dM_jr/dt = a1·a_j·G_{j,p+r},  dQ_jl/dt = a1·(a_j G_jl + a_l G_lj) + a2·a_j a_l·Φ_jl,
//   da_j/dt = GAMMA_A·a1·Σ_b c_b I2(Ω_jj, Ω_jb, Ω_bb)  (= γ_a/(p δt)·E[e σ(λ_j)], when a is trained: Slot.TRAIN_A).
// Saad & Solla (1995); Goldt et al. (2019); Veiga et al. (2022) for the prefactors a1 = γ/(p d δt), a2 = γ²/(p² d δt).
// The integrals are those of integrals.ts with the factors that do not depend on the summed index hoisted:
// Λ3 depends on (j, a) only, Λ4 on (j, l), Λ1 on (j, l, a); the I4 double sum is symmetric in (a, b) and Φ in
// (j, l), so it runs over j ≤ l and a ≤ b: p(p+1)/2 · r(r+1)/2 asin instead of p²r².
// Work space (Slot.DRIFT_WORK_PTR): G (p×r), then 1 + Ω_aa, c, s, w (r each), then the r(r+1)/2 asin arguments,
// their weights, and for the SIMD build's pairs of (j, l): 5r f64x2 vectors, the r(r+1)/2 arguments of both
// pairs and the weights splatted (r(r+1)/2 f64x2 each).
// d input dimension, p student and k teacher hidden units, Q (p×p), M (p×k), P (k×k).
import { Activation, Slot } from "../src/shared/layout";
import { slot, slotPtr } from "./header";
import { TWO_OVER_PI, FOUR_OVER_PI2, clampUnit, I2 } from "./integrals";
import { dot } from "./vec";
import { asin2, asinDenominator, asinNumerator, belowHalf2 } from "./simdmath";
import { driftLinear, driftMonteCarlo, weightDecayTerm } from "./driftmc";

/** Index of Q_jl (j ≤ l) in the packed state: the upper triangle row by row. */
@inline export function packedIndex(j: i32, l: i32, p: i32): i32 {
  return j * p - ((j * (j - 1)) >> 1) + (l - j);
}

/**
 * Writes Ω = [[Q, M], [Mᵀ, P]] ((p+k)×(p+k), row-major, students first) from the packed state y
 * (Q's upper triangle row by row, then M row by row) and the P region.
 */
export function omegaFromState(y: usize, omega: usize, P: usize, p: i32, k: i32): void {
  const r = p + k;
  let at = 0;
  for (let j = 0; j < p; j++) {
    for (let l = j; l < p; l++) {
      const v = load<f64>(y + ((<usize>at) << 3));
      at++;
      store<f64>(omega + ((<usize>(j * r + l)) << 3), v);
      store<f64>(omega + ((<usize>(l * r + j)) << 3), v);
    }
  }
  for (let j = 0; j < p; j++) {
    for (let t = 0; t < k; t++) {
      const v = load<f64>(y + ((<usize>at) << 3));
      at++;
      store<f64>(omega + ((<usize>(j * r + p + t)) << 3), v);
      store<f64>(omega + ((<usize>((p + t) * r + j)) << 3), v);
    }
  }
  for (let t = 0; t < k; t++) {
    for (let s = 0; s < k; s++) {
      store<f64>(omega + ((<usize>((p + t) * r + p + s)) << 3), load<f64>(P + ((<usize>(t * k + s)) << 3)));
    }
  }
}

/**
 * dy = ψ(y): the drift of the packed state y (theory.md §8.2), with a1, a2 and Δ from the header.
 * A zero prefactor skips its term (a1 = 0: no gradient term and M frozen; a2 = 0: no Φ, the costly part).
 * With Slot.PSI_MC set, ψ is the Monte-Carlo estimate of driftmc.ts instead (any activations); with linear
 * students and teachers it is driftmc.ts's closed form. Otherwise both activations are erf.
 * Called by the integrators once per stage (and n times per finite-difference Jacobian).
 */
export function driftEval(y: usize, dy: usize): void {
  if (slot(Slot.PSI_MC) != 0) {
    driftMonteCarlo(y, dy);
    return;
  }
  if (<i32>slot(Slot.ACT_STUDENT) == Activation.LINEAR && <i32>slot(Slot.ACT_TEACHER) == Activation.LINEAR) {
    driftLinear(y, dy);
    return;
  }
  const p = <i32>slot(Slot.P);
  const k = <i32>slot(Slot.K);
  const r = p + k;
  const n = <i32>slot(Slot.N);
  const a1 = slot(Slot.A1);
  const a2 = slot(Slot.A2);
  const nBase = ((p * (p + 1)) >> 1) + p * k;
  const trainA = slot(Slot.TRAIN_A) != 0;
  // the student's second layer: the end of the state when it is trained, else the constant a in its region
  const A = trainA ? y + ((<usize>nBase) << 3) : slotPtr(Slot.A_PTR);
  const Astar = slotPtr(Slot.ASTAR_PTR);
  const omega = slotPtr(Slot.OMEGA_PTR);
  const work = slotPtr(Slot.DRIFT_WORK_PTR);
  const G = work;
  const diag1 = G + ((<usize>(p * r)) << 3);
  const c = diag1 + ((<usize>r) << 3);
  const s = c + ((<usize>r) << 3);
  const w = s + ((<usize>r) << 3);
  const args = w + ((<usize>r) << 3);
  const weights = args + ((<usize>((r * (r + 1)) >> 1)) << 3);
  omegaFromState(y, omega, slotPtr(Slot.P_PTR), p, k);
  for (let a = 0; a < r; a++) {
    store<f64>(diag1 + ((<usize>a) << 3), 1.0 + load<f64>(omega + ((<usize>(a * r + a)) << 3)));
    store<f64>(c + ((<usize>a) << 3), a < p ? -load<f64>(A + ((<usize>a) << 3)) / <f64>p : load<f64>(Astar + ((<usize>(a - p)) << 3)) / <f64>k);
  }
  memory.fill(dy, 0, (<usize>n) << 3);
  if (a1 != 0) gradientTerm(omega, diag1, c, w, G, dy, p, k, a1, A);
  if (trainA && a1 != 0) {
    const rate = slot(Slot.GAMMA_A) * a1;
    for (let j = 0; j < p; j++) {
      const ojj = load<f64>(omega + ((<usize>(j * r + j)) << 3));
      let g: f64 = 0;
      for (let b = 0; b < r; b++) {
        g += load<f64>(c + ((<usize>b) << 3)) * I2(ojj, load<f64>(omega + ((<usize>(j * r + b)) << 3)), load<f64>(omega + ((<usize>(b * r + b)) << 3)));
      }
      store<f64>(dy + ((<usize>(nBase + j)) << 3), rate * g);
    }
  }
  weightDecayTerm(y, dy);
  if (a2 != 0) {
    let i = 0;
    for (let a = 0; a < r; a++) {
      const ca = load<f64>(c + ((<usize>a) << 3));
      store<f64>(weights + ((<usize>i) << 3), ca * ca);
      i++;
      for (let b = a + 1; b < r; b++) {
        store<f64>(weights + ((<usize>i) << 3), 2.0 * ca * load<f64>(c + ((<usize>b) << 3)));
        i++;
      }
    }
    const lanes = (weights + ((<usize>((r * (r + 1)) >> 1)) << 3) + 15) & ~(<usize>15);
    if (ASC_FEATURE_SIMD) varianceTermPairs(omega, diag1, lanes, weights, dy, p, k, a2, slot(Slot.NOISE), A);
    else varianceTerm(omega, diag1, c, s, args, weights, dy, p, k, a2, slot(Slot.NOISE), A);
  }
}

/**
 * G_jb = Σ_a c_a I3(Ω_jj, Ω_jb, Ω_ja, Ω_bb, Ω_ba, Ω_aa) = (1+Ω_jj)·Σ_a w_a Ω_ba − Ω_jb·Σ_a w_a Ω_ja with
 * w_a = c_a (2/π) / ((1+Ω_jj)·√((1+Ω_jj)(1+Ω_aa) − Ω_ja²)); then dQ_jl += a1 (a_j G_jl + a_l G_lj),
 * dM_jt += a1 a_j G_j,p+t (a: the student's second layer at A).
 */
function gradientTerm(omega: usize, diag1: usize, c: usize, w: usize, G: usize, dy: usize, p: i32, k: i32, a1: f64, A: usize): void {
  const r = p + k;
  for (let j = 0; j < p; j++) {
    const dj = load<f64>(diag1 + ((<usize>j) << 3));
    const rowj = omega + ((<usize>(j * r)) << 3);
    let sj: f64 = 0;
    for (let a = 0; a < r; a++) {
      const oja = load<f64>(rowj + ((<usize>a) << 3));
      const wa = (load<f64>(c + ((<usize>a) << 3)) * TWO_OVER_PI) / (dj * Math.sqrt(dj * load<f64>(diag1 + ((<usize>a) << 3)) - oja * oja));
      store<f64>(w + ((<usize>a) << 3), wa);
      sj += wa * oja;
    }
    for (let b = 0; b < r; b++) {
      const vb = dot(omega + ((<usize>(b * r)) << 3), w, r);
      store<f64>(G + ((<usize>(j * r + b)) << 3), dj * vb - load<f64>(rowj + ((<usize>b) << 3)) * sj);
    }
  }
  const np = (p * (p + 1)) >> 1;
  for (let j = 0; j < p; j++) {
    const aj = load<f64>(A + ((<usize>j) << 3));
    for (let l = j; l < p; l++) {
      const g = aj * load<f64>(G + ((<usize>(j * r + l)) << 3)) + load<f64>(A + ((<usize>l) << 3)) * load<f64>(G + ((<usize>(l * r + j)) << 3));
      const at = dy + ((<usize>packedIndex(j, l, p)) << 3);
      store<f64>(at, load<f64>(at) + a1 * g);
    }
    for (let t = 0; t < k; t++) {
      const at = dy + ((<usize>(np + j * k + t)) << 3);
      store<f64>(at, load<f64>(at) + a1 * (aj * load<f64>(G + ((<usize>(j * r + p + t)) << 3))));
    }
  }
}

/**
 * Φ_jl for j ≤ l, then dQ_jl += a2 Φ_jl. With x = Ω_j·, y = Ω_l·, Λ4 = (1+Ω_jj)(1+Ω_ll) − Ω_jl²,
 * Λ1_a = Λ4 (1+Ω_aa) − y_a² (1+Ω_jj) − x_a² (1+Ω_ll) + 2 Ω_jl x_a y_a and s_a = Λ1_a^(−1/2):
 *   I4(j, l, a, b) = (4/π²) Λ4^(−1/2) asin( s_a s_b (Λ4 Ω_ab + α_a y_b + β_a x_b) ),
 *   α_a = Ω_jl x_a − (1+Ω_jj) y_a,  β_a = Ω_jl y_a − (1+Ω_ll) x_a   (the Λ0 of integrals.ts I4),
 * and on the diagonal a = b the argument is 1 − Λ4/Λ1_a. J2(j, l) = (2/π) Λ4^(−1/2).
 * The r(r+1)/2 arguments of a ≤ b are laid out flat (row by row) and summed against the weights
 * w_aa = c_a², w_ab = 2 c_a c_b (a < b) in one pass (the scalar build's Φ; the SIMD build's is varianceTermPairs).
 */
function varianceTerm(omega: usize, diag1: usize, c: usize, s: usize, args: usize, weights: usize, dy: usize, p: i32, k: i32, a2: f64, noise: f64, A: usize): void {
  const r = p + k;
  const m = (r * (r + 1)) >> 1;
  for (let j = 0; j < p; j++) {
    const dj = load<f64>(diag1 + ((<usize>j) << 3));
    const rowj = omega + ((<usize>(j * r)) << 3);
    for (let l = j; l < p; l++) {
      const dl = load<f64>(diag1 + ((<usize>l) << 3));
      const rowl = omega + ((<usize>(l * r)) << 3);
      const ojl = load<f64>(rowj + ((<usize>l) << 3));
      const l4 = dj * dl - ojl * ojl;
      for (let a = 0; a < r; a++) {
        const xa = load<f64>(rowj + ((<usize>a) << 3));
        const ya = load<f64>(rowl + ((<usize>a) << 3));
        const l1 = l4 * load<f64>(diag1 + ((<usize>a) << 3)) - ya * ya * dj - xa * xa * dl + 2.0 * ojl * xa * ya;
        store<f64>(s + ((<usize>a) << 3), 1.0 / Math.sqrt(l1));
      }
      let at = args;
      for (let a = 0; a < r; a++) {
        const xa = load<f64>(rowj + ((<usize>a) << 3));
        const ya = load<f64>(rowl + ((<usize>a) << 3));
        const sa = load<f64>(s + ((<usize>a) << 3));
        const alpha = ojl * xa - dj * ya;
        const beta = ojl * ya - dl * xa;
        const rowa = omega + ((<usize>(a * r)) << 3);
        store<f64>(at, 1.0 - l4 * sa * sa);
        at += 8;
        for (let b = a + 1; b < r; b++) {
          const o = (<usize>b) << 3;
          const lam0 = l4 * load<f64>(rowa + o) + alpha * load<f64>(rowl + o) + beta * load<f64>(rowj + o);
          store<f64>(at, sa * load<f64>(s + o) * lam0);
          at += 8;
        }
      }
      let sum: f64 = 0;
      for (let i = 0; i < m; i++) {
        const o = (<usize>i) << 3;
        sum += load<f64>(weights + o) * Math.asin(clampUnit(load<f64>(args + o)));
      }
      const invSqrtL4 = 1.0 / Math.sqrt(l4);
      const phi = noise * TWO_OVER_PI * invSqrtL4 + FOUR_OVER_PI2 * invSqrtL4 * sum;
      const at2 = dy + ((<usize>packedIndex(j, l, p)) << 3);
      store<f64>(at2, load<f64>(at2) + a2 * (load<f64>(A + ((<usize>j) << 3)) * load<f64>(A + ((<usize>l) << 3))) * phi);
    }
  }
}

/**
 * The SIMD build's Φ: the same terms as `varianceTerm`, for two pairs (j, l) at once, one per f64x2 lane. Ω_ab and
 * the weights are shared by the lanes; x_a, y_a, s_a, α_a, β_a of both pairs are laid out as f64x2 vectors (5r of
 * them at `lanes`). An odd last pair runs in both lanes and only lane 0 is kept. Two passes per pair of pairs:
 * the r(r+1)/2 arguments first (flat, in the weights' order), then Σ w_ab asin(·) over them two at a time into
 * two sums (one test that all four lanes are below ½, then two independent arcsines) — a loop with few values
 * live across its branch, and no sum carried from one arcsine to the next. The order of the sum differs from
 * `varianceTerm`'s: the builds agree to rounding (test/drift.test.ts: both within 1e-13 of the plain double sums). Measured against 11b2464's ψ in one process
 * (p = 32 and 64): one pass with one sum in order 1.5× faster, these two passes 1.9×, and with the signed
 * small-argument arcsine (no |x| and sign restore; the test on x² by one v128.any_true) and pre-splatted weights 2.2×
 * (on 2026-12-02's machine 1.88×, 1.90×, and 2.00×, 2.03× with the two arcsines' divisions made one; keeping the
 * a = b arguments, often above ½, out of that loop was slower: 1.94×).
 */
function varianceTermPairs(omega: usize, diag1: usize, lanes: usize, weights: usize, dy: usize, p: i32, k: i32, a2: f64, noise: f64, A: usize): void {
  const r = p + k;
  const X = lanes;
  const Y = X + ((<usize>r) << 4);
  const S = Y + ((<usize>r) << 4);
  const AL = S + ((<usize>r) << 4);
  const BE = AL + ((<usize>r) << 4);
  const F = BE + ((<usize>r) << 4);
  const m = (r * (r + 1)) >> 1;
  const WV = F + ((<usize>m) << 4);
  for (let i = 0; i < m; i++) v128.store(WV + ((<usize>i) << 4), f64x2.splat(load<f64>(weights + ((<usize>i) << 3))));
  const pairs = (p * (p + 1)) >> 1;
  const one = f64x2.splat(1.0);
  const two = f64x2.splat(2.0);
  let j1 = 0, l1 = 0;
  for (let q = 0; q < pairs; q += 2) {
    // the pairs q and q + 1 in packed order (j ≤ l, row by row)
    let j2 = j1, l2 = l1 + 1;
    if (l2 == p) {
      j2 = j1 + 1;
      l2 = j2;
    }
    const second = q + 1 < pairs;
    if (!second) {
      j2 = j1;
      l2 = l1;
    }
    const rowj1 = omega + ((<usize>(j1 * r)) << 3), rowl1 = omega + ((<usize>(l1 * r)) << 3);
    const rowj2 = omega + ((<usize>(j2 * r)) << 3), rowl2 = omega + ((<usize>(l2 * r)) << 3);
    const dj = f64x2(load<f64>(diag1 + ((<usize>j1) << 3)), load<f64>(diag1 + ((<usize>j2) << 3)));
    const dl = f64x2(load<f64>(diag1 + ((<usize>l1) << 3)), load<f64>(diag1 + ((<usize>l2) << 3)));
    const ojl = f64x2(load<f64>(rowj1 + ((<usize>l1) << 3)), load<f64>(rowj2 + ((<usize>l2) << 3)));
    const l4 = f64x2.sub(f64x2.mul(dj, dl), f64x2.mul(ojl, ojl));
    for (let a = 0; a < r; a++) {
      const o = (<usize>a) << 3;
      const x = f64x2(load<f64>(rowj1 + o), load<f64>(rowj2 + o));
      const y = f64x2(load<f64>(rowl1 + o), load<f64>(rowl2 + o));
      const l1v = f64x2.add(
        f64x2.sub(f64x2.sub(f64x2.mul(l4, f64x2.splat(load<f64>(diag1 + o))), f64x2.mul(f64x2.mul(y, y), dj)), f64x2.mul(f64x2.mul(x, x), dl)),
        f64x2.mul(f64x2.mul(f64x2.mul(two, ojl), x), y),
      );
      const v = (<usize>a) << 4;
      v128.store(X + v, x);
      v128.store(Y + v, y);
      v128.store(S + v, f64x2.div(one, f64x2.sqrt(l1v)));
      v128.store(AL + v, f64x2.sub(f64x2.mul(ojl, x), f64x2.mul(dj, y)));
      v128.store(BE + v, f64x2.sub(f64x2.mul(ojl, y), f64x2.mul(dl, x)));
    }
    // pass 1: the m arguments of a ≤ b, flat (row by row, the weights' order)
    let at = F;
    for (let a = 0; a < r; a++) {
      const va = (<usize>a) << 4;
      const sa = v128.load(S + va);
      v128.store(at, f64x2.sub(one, f64x2.mul(f64x2.mul(l4, sa), sa)));
      at += 16;
      const alpha = v128.load(AL + va);
      const beta = v128.load(BE + va);
      const rowa = omega + ((<usize>(a * r)) << 3);
      for (let b = a + 1; b < r; b++) {
        const vb = (<usize>b) << 4;
        const lam0 = f64x2.add(
          f64x2.add(f64x2.mul(l4, f64x2.splat(load<f64>(rowa + ((<usize>b) << 3)))), f64x2.mul(alpha, v128.load(Y + vb))),
          f64x2.mul(beta, v128.load(X + vb)),
        );
        v128.store(at, f64x2.mul(f64x2.mul(sa, v128.load(S + vb)), lam0));
        at += 16;
      }
    }
    // pass 2: Σ w_i asin(arg_i), two at a time into two sums (one test of both, then two independent arcsines)
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    let i = 0;
    for (; i + 2 <= m; i += 2) {
      const o = (<usize>i) << 4;
      const arg0 = v128.load(F + o);
      const arg1 = v128.load(F + o, 16);
      const z0 = f64x2.mul(arg0, arg0), z1 = f64x2.mul(arg1, arg1);
      let asin0: v128, asin1: v128;
      if (belowHalf2(z0, z1)) {
        // x + x·P/Q for both vectors with one division: P0/Q0 = P0·Q1·(1/(Q0·Q1)), P1/Q1 = P1·Q0·(1/(Q0·Q1))
        const n0 = asinNumerator(z0), d0 = asinDenominator(z0);
        const n1 = asinNumerator(z1), d1 = asinDenominator(z1);
        const inv = f64x2.div(one, f64x2.mul(d0, d1));
        asin0 = f64x2.add(arg0, f64x2.mul(arg0, f64x2.mul(f64x2.mul(n0, d1), inv)));
        asin1 = f64x2.add(arg1, f64x2.mul(arg1, f64x2.mul(f64x2.mul(n1, d0), inv)));
      } else {
        asin0 = asin2(arg0);
        asin1 = asin2(arg1);
      }
      acc0 = f64x2.add(acc0, f64x2.mul(v128.load(WV + o), asin0));
      acc1 = f64x2.add(acc1, f64x2.mul(v128.load(WV + o, 16), asin1));
    }
    if (i < m) acc0 = f64x2.add(acc0, f64x2.mul(v128.load(WV + ((<usize>i) << 4)), asin2(v128.load(F + ((<usize>i) << 4)))));
    const acc = f64x2.add(acc0, acc1);
    const inv = f64x2.div(one, f64x2.sqrt(l4));
    const phi = f64x2.add(f64x2.mul(f64x2.mul(f64x2.splat(noise), f64x2.splat(TWO_OVER_PI)), inv), f64x2.mul(f64x2.mul(f64x2.splat(FOUR_OVER_PI2), inv), acc));
    const at1 = dy + ((<usize>q) << 3);
    const aa1 = load<f64>(A + ((<usize>j1) << 3)) * load<f64>(A + ((<usize>l1) << 3));
    store<f64>(at1, load<f64>(at1) + a2 * aa1 * f64x2.extract_lane(phi, 0));
    if (second) {
      const aa2 = load<f64>(A + ((<usize>j2) << 3)) * load<f64>(A + ((<usize>l2) << 3));
      store<f64>(at1 + 8, load<f64>(at1 + 8) + a2 * aa2 * f64x2.extract_lane(phi, 1));
    }
    // advance to pair q + 2
    j1 = j2;
    l1 = l2 + 1;
    if (l1 == p) {
      j1 = j2 + 1;
      l1 = j1;
    }
  }
}
