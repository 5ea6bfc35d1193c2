// see: README.md (extensions: Monte-Carlo ψ) — ψ for any activations, by Monte Carlo over a fixed sample set.
// The drift of theory.md §8.1–8.4 is an expectation over the local fields u ~ N(0, Ω); with L Lᵀ = Ω and the
// S fixed standard normal vectors z_s (drawn once by the TS layer from the seed's MC stream, in antithetic
// pairs z, −z), u_s = L z_s and every expectation E[F(u)] is replaced by (1/S) Σ_s F(u_s). Because the samples
// do not change between evaluations, the estimated ψ is a deterministic, continuous function of Ω (smooth
// for smooth activations), which the adaptive integrators can step; its error is that of an S-sample mean,
// reported by the TS layer from the squares this function can also accumulate (Slot.MC_SQUARES_PTR).
// d input dimension, p student and k teacher hidden units, r = p + k, c = (−a/p, a*/k), e = Σ_a c_a σ_a(u_a).
import { Activation, Slot } from "../src/shared/layout";
import { slot, slotPtr } from "./header";
import { activation, activationPrime } from "./activation";
import { choleskySemidefinite, fieldsOf } from "./chain";
import { omegaFromState, packedIndex } from "./drift";
import { I2pair, I3pair } from "./integrals";

@inline function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 3);
}

/**
 * dy = ψ(y) for any activations: the gradient terms in closed form (integrals.ts `I3pair`, `I2pair`),
 *   dQ_jl ← a1·(a_j G_jl + a_l G_lj),  dM_jt ← a1·a_j G_j,p+t,  G_jb = Σ_a c_a I3pair(σ'_S, σ_a; Ω_jj, Ω_jb, Ω_ja, Ω_bb, Ω_ba, Ω_aa),
 *   da_j ← GAMMA_A·a1·Σ_b c_b I2pair(σ_S, σ_b; Ω_jj, Ω_jb, Ω_bb)   (a trained),
 * and the variance term Φ by Monte Carlo over the fixed samples (its I4 has no closed form for ReLU): per sample,
 * with e0 = Σ_a c_a σ_a(u_a) (noiseless) and g_j = σ'_S(u_j), dQ_jl ← a2·a_j a_l (e0² + Δ) g_j g_l, averaged (the
 * label noise ζ is averaged exactly: E[(e0 + √Δζ)²] = e0² + Δ); then weight decay. No sampling when a2 = 0.
 * With Slot.MC_SQUARES_PTR ≠ 0 the mean of each component's square (of the sampled part) is written there too.
 */
export function driftMonteCarlo(y: usize, dy: usize): void {
  readModel(y);
  const p = mP, k = mK, n = mN, a1 = mA1, a2 = mA2, rateA = mRateA, trainA = mTrainA, A = mA;
  const r = p + k;
  const noise = slot(Slot.NOISE);
  const actS = <i32>slot(Slot.ACT_STUDENT);
  const actT = <i32>slot(Slot.ACT_TEACHER);
  const S = <i32>slot(Slot.MC_SAMPLES);
  const Z = slotPtr(Slot.MC_PTR);
  const squares = slotPtr(Slot.MC_SQUARES_PTR);
  const omega = slotPtr(Slot.OMEGA_PTR);
  const L = slotPtr(Slot.MC_WORK_PTR);
  const diag = L + ((<usize>(r * r)) << 3);
  const u = diag + ((<usize>r) << 3);
  const c = u + ((<usize>r) << 3);
  const g = c + ((<usize>r) << 3);
  const G = g + ((<usize>p) << 3); // one row G_j· at a time (r)
  omegaFromState(y, omega, slotPtr(Slot.P_PTR), p, k);
  readout(c);
  memory.fill(dy, 0, (<usize>n) << 3);
  if (squares != 0) memory.fill(squares, 0, (<usize>n) << 3);
  const np = (p * (p + 1)) >> 1;
  // tanh and user-given units have no closed-form I3/I2 here: their gradient terms are sampled with Φ
  const sampled = actS >= Activation.TANH || actT >= Activation.TANH;
  if (a1 != 0 && !sampled) {
    // G_jb in closed form; dQ_jl gets a_j G_jl now and a_l G_lj when row l is done (l ≥ j: G_lj added to Q_jl)
    for (let j = 0; j < p; j++) {
      const ojj = load<f64>(at(omega, j * r + j));
      for (let b = 0; b < r; b++) {
        const ojb = load<f64>(at(omega, j * r + b));
        const obb = load<f64>(at(omega, b * r + b));
        let v: f64 = 0;
        for (let a = 0; a < r; a++) {
          v += load<f64>(at(c, a)) * I3pair(actS, a < p ? actS : actT, ojj, ojb, load<f64>(at(omega, j * r + a)), obb, load<f64>(at(omega, b * r + a)), load<f64>(at(omega, a * r + a)));
        }
        store<f64>(at(G, b), v);
      }
      const aj = load<f64>(at(A, j));
      // row j of G: a_j G_jl is the first half of dQ_jl (l > j), the second half of dQ_lj (l < j), both of dQ_jj
      for (let l = 0; l < p; l++) {
        const q = l >= j ? packedIndex(j, l, p) : packedIndex(l, j, p);
        store<f64>(at(dy, q), load<f64>(at(dy, q)) + (l == j ? 2.0 : 1.0) * a1 * aj * load<f64>(at(G, l)));
      }
      for (let t = 0; t < k; t++) store<f64>(at(dy, np + j * k + t), a1 * aj * load<f64>(at(G, p + t)));
      if (trainA) {
        let e: f64 = 0;
        for (let b = 0; b < r; b++) e += load<f64>(at(c, b)) * I2pair(actS, b < p ? actS : actT, ojj, load<f64>(at(omega, j * r + b)), load<f64>(at(omega, b * r + b)));
        store<f64>(at(dy, np + p * k + j), rateA * e);
      }
    }
  }
  if (a2 != 0 || (sampled && a1 != 0)) {
    choleskySemidefinite(omega, L, diag, r);
    const invS = 1.0 / <f64>S;
    for (let s = 0; s < S; s++) {
      const z = Z + ((<usize>(s * r)) << 3);
      let e0: f64 = 0;
      fieldsOf(L, z, u, r);
      for (let a = 0; a < r; a++) e0 += load<f64>(at(c, a)) * activation(a < p ? actS : actT, load<f64>(at(u, a)));
      for (let j = 0; j < p; j++) store<f64>(at(g, j), load<f64>(at(A, j)) * activationPrime(actS, load<f64>(at(u, j))));
      const ee = (e0 * e0 + noise) * a2 * invS;
      const eg = e0 * a1 * invS;
      let i = 0;
      for (let j = 0; j < p; j++) {
        const gj = load<f64>(at(g, j));
        const w = ee * gj;
        for (let l = j; l < p; l++) {
          const gl = load<f64>(at(g, l));
          let v = w * gl;
          if (sampled) v += eg * (gj * load<f64>(at(u, l)) + gl * load<f64>(at(u, j)));
          accumulate(dy, squares, i++, v);
        }
      }
      if (sampled) {
        for (let j = 0; j < p; j++) {
          const w = eg * load<f64>(at(g, j));
          for (let t = 0; t < k; t++) accumulate(dy, squares, i++, w * load<f64>(at(u, p + t)));
        }
        if (trainA) for (let j = 0; j < p; j++) accumulate(dy, squares, i++, e0 * rateA * invS * activation(actS, load<f64>(at(u, j))));
      }
    }
    if (squares != 0) for (let i = 0; i < n; i++) store<f64>(at(squares, i), load<f64>(at(squares, i)) * <f64>S);
  }
  weightDecayTerm(y, dy);
}

@inline function accumulate(dy: usize, squares: usize, i: i32, v: f64): void {
  store<f64>(at(dy, i), load<f64>(at(dy, i)) + v);
  if (squares != 0) store<f64>(at(squares, i), load<f64>(at(squares, i)) + v * v);
}

/**
 * dy = ψ(y) in closed form for linear students and teachers (σ(u) = u, σ' = 1): then e0 = Σ_a c_a u_a is
 * Gaussian and G_jb = E[e0 u_b] = Σ_a c_a Ω_ab, Φ_jl = E[e0²] + Δ = Σ_{a,b} c_a c_b Ω_ab + Δ, E[e0 σ(u_j)] =
 * Σ_a c_a Ω_aj; assembled as in driftMonteCarlo (second layers, weight decay, a2 already divided by B).
 */
export function driftLinear(y: usize, dy: usize): void {
  readModel(y);
  const p = mP, k = mK, n = mN, a1 = mA1, a2 = mA2, rateA = mRateA, trainA = mTrainA, A = mA;
  const r = p + k;
  const omega = slotPtr(Slot.OMEGA_PTR);
  const work = slotPtr(Slot.DRIFT_WORK_PTR);
  const c = work;
  const G = c + ((<usize>r) << 3); // G_b = Σ_a c_a Ω_ab (the same for every student j)
  omegaFromState(y, omega, slotPtr(Slot.P_PTR), p, k);
  readout(c);
  let ee: f64 = 0;
  for (let b = 0; b < r; b++) {
    let v: f64 = 0;
    for (let a = 0; a < r; a++) v += load<f64>(at(c, a)) * load<f64>(at(omega, a * r + b));
    store<f64>(at(G, b), v);
    ee += load<f64>(at(c, b)) * v;
  }
  const phi = ee + slot(Slot.NOISE);
  let i = 0;
  for (let j = 0; j < p; j++) {
    const aj = load<f64>(at(A, j));
    for (let l = j; l < p; l++) {
      const al = load<f64>(at(A, l));
      store<f64>(at(dy, i++), a1 * (aj * load<f64>(at(G, l)) + al * load<f64>(at(G, j))) + a2 * aj * al * phi);
    }
  }
  for (let j = 0; j < p; j++) {
    const aj = load<f64>(at(A, j));
    for (let t = 0; t < k; t++) store<f64>(at(dy, i++), a1 * aj * load<f64>(at(G, p + t)));
  }
  if (trainA) for (let j = 0; j < p; j++) store<f64>(at(dy, i++), rateA * load<f64>(at(G, j)));
  for (; i < n; i++) store<f64>(at(dy, i), 0.0);
  weightDecayTerm(y, dy);
}

// The sizes, prefactors and second layer of one drift evaluation, read from the header by readModel into
// module globals (no object: the stub runtime's heap would start where the header lives).
let mP: i32 = 0;
let mK: i32 = 0;
let mN: i32 = 0;
let mA1: f64 = 0;
let mA2: f64 = 0;
let mRateA: f64 = 0;
let mTrainA: bool = false;
/** the student's second layer: the end of the state when it is trained, else its constant region */
let mA: usize = 0;

function readModel(y: usize): void {
  mP = <i32>slot(Slot.P);
  mK = <i32>slot(Slot.K);
  mN = <i32>slot(Slot.N);
  mA1 = slot(Slot.A1);
  mA2 = slot(Slot.A2);
  mRateA = slot(Slot.GAMMA_A) * mA1;
  mTrainA = slot(Slot.TRAIN_A) != 0;
  const nBase = ((mP * (mP + 1)) >> 1) + mP * mK;
  mA = mTrainA ? y + ((<usize>nBase) << 3) : slotPtr(Slot.A_PTR);
}

/** c = (−a/p, a* / k): the read-out of the error e = Σ_a c_a σ_a(u_a), for the model last read. */
function readout(c: usize): void {
  const p = mP, k = mK;
  const Astar = slotPtr(Slot.ASTAR_PTR);
  for (let a = 0; a < p + k; a++) store<f64>(at(c, a), a < p ? -load<f64>(at(mA, a)) / <f64>p : load<f64>(at(Astar, a - p)) / <f64>k);
}

/**
 * Weight decay (λ/2)(1/p) Σ_i Q_ii: w ← (1 − γλ/(p d)) w per step, so dQ −= 2 a1 λ Q and dM −= a1 λ M (a is not
 * decayed). Shared by every drift (drift.ts, and the Monte-Carlo and linear ones here).
 */
export function weightDecayTerm(y: usize, dy: usize): void {
  const p = <i32>slot(Slot.P);
  const k = <i32>slot(Slot.K);
  const a1 = slot(Slot.A1);
  const lambda = slot(Slot.WEIGHT_DECAY);
  if (a1 == 0 || lambda == 0) return;
  const np = (p * (p + 1)) >> 1;
  const nBase = np + p * k;
  for (let q = 0; q < nBase; q++) store<f64>(at(dy, q), load<f64>(at(dy, q)) - (q < np ? 2.0 : 1.0) * a1 * lambda * load<f64>(at(y, q)));
}
