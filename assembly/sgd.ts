// see: theory.md §1–2 (model and update, as in the paper's code), Veiga et al. (2022) arXiv:2202.00293.
// d input dimension, p student hidden units, k teacher hidden units, gamma learning rate,
// W (p×d) student, W* (k×d) teacher, lambda_i = w_i·x/√d, lambda*_r = w*_r·x/√d.
import { Slot, Status } from "../src/shared/layout";
import { slot, slotPtr, setSlot } from "./header";
import { rngLoad, rngSave, normal, fillNormals } from "./rng";
import { activation, activationPrime, gradientFactors, weightedActivations } from "./activation";
import { fieldsCompute, fieldsRows, rowsAxpy, rowsAxpyFields, rowsScale } from "./vec";

/**
 * Runs `steps` steps of one-pass SGD on the student weights in the buffer (theory.md §2), each on a mini-batch
 * of B fresh samples (Slot.BATCH; B = 1 is the paper's SGD). For b = 1..B: draw x_b ~ N(0, I_d) (x_1..x_d, in
 * this order) and ζ_b ~ N(0, 1) from the SGD stream, then with the pre-step weights
 *   λ = W x_b/√d,  λ* = W* x_b/√d,  e_b = (1/k) Σ_r σ(λ*_r) + √Δ ζ_b − (1/p) Σ_i σ(λ_i),
 * and after the batch
 *   w_i ← (1 − γλ/(p d)) w_i + (γ/(p√d)) (1/B) Σ_b e_b a_i σ'(λ_i^b) x_b      (λ: weight decay, Slot.WEIGHT_DECAY),
 *   a_i ← a_i + (γ_a/(p B)) Σ_b e_b σ(λ_i^b),   γ_a = GAMMA_A·γ/d               (only when GAMMA_A ≠ 0),
 * where e_b = (1/k) Σ_r a*_r σ(λ*_r) + √Δ ζ_b − (1/p) Σ_i a_i σ(λ_i) with the second layers a (Slot.A_PTR) and a*
 * (Slot.ASTAR_PTR) — theory.md §2.1 — and σ the students' or teachers' activation (Slot.ACT_STUDENT, ACT_TEACHER); i.e. SGD with step γ (γ_a for a) on the batch mean of ½(y − f(x))² plus
 * (λ/2)(1/p) Σ_i Q_ii. With B = 1, λ = 0 and a = a* = 1 fixed every operation is the paper's update, in the
 * same order. Lazy training (Slot.LAZY, the paper's code): the student is its linearisation around W0,
 * f(x) = (1/p) Σ_i a_i [σ(λ0_i) + σ'(λ0_i)(λ_i − λ0_i)] with λ0 = W0 x/√d, so w_i moves along a_i σ'(λ0_i) x.
 * Adds the steps done to Slot.SAMPLES. Stops early, with Status.DIVERGED, when a local field or e is
 * not finite; the weights are then those after Slot.SAMPLES steps. Called by the TS layer once per
 * chunk of steps (thousands per call).
 * With B = 1 the next sample is drawn before this one's update (the stream's order is unchanged: x, ζ of
 * sample ν, then those of ν + 1), so that one sweep over the student rows updates them and computes the next
 * sample's fields (vec.ts rowsAxpyFields) — the same bits as the separate passes. The last step of a call
 * draws nothing ahead, so a run split into calls draws the stream of one call.
 */
export function sgdRun(steps: i32): i32 {
  const d = <i32>slot(Slot.D);
  const p = <i32>slot(Slot.P);
  const k = <i32>slot(Slot.K);
  const row = <i32>slot(Slot.ROW);
  const batch = max<i32>(1, <i32>slot(Slot.BATCH));
  const W = slotPtr(Slot.W_PTR);
  const A = slotPtr(Slot.A_PTR);
  const Astar = slotPtr(Slot.ASTAR_PTR);
  const work = slotPtr(Slot.SECOND_WORK_PTR);
  const X = slotPtr(Slot.X_PTR);
  const fields = slotPtr(Slot.FIELDS_PTR);
  const coefs = slotPtr(Slot.COEF_PTR);
  const sqrtD = Math.sqrt(<f64>d);
  const invSqrtD = 1.0 / sqrtD;
  const gamma = slot(Slot.GAMMA);
  const rate = gamma / (<f64>p * sqrtD) / <f64>batch;
  const decay = 1.0 - (gamma * slot(Slot.WEIGHT_DECAY)) / (<f64>p * <f64>d);
  const gammaA = slot(Slot.GAMMA_A);
  const actS = <i32>slot(Slot.ACT_STUDENT);
  const actT = <i32>slot(Slot.ACT_TEACHER);
  // lazy training: the fields λ0 = W0 x/√d of the initial weights (the p rows after W*) are computed too
  const lazy = slot(Slot.LAZY) != 0;
  const rows = lazy ? 2 * p + k : p + k;
  const rateA = (gammaA * gamma) / <f64>d / (<f64>p * <f64>batch);
  const sqrtNoise = Math.sqrt(slot(Slot.NOISE));
  const invP = 1.0 / <f64>p;
  const invK = 1.0 / <f64>k;
  assert(d > 0 && p > 0 && k > 0 && row >= d && (row & 1) == 0, "sgdRun: bad header");
  let done = 0;
  let status = Status.OK;
  // B = 1: the input of this sample is at X + `current` (the other of the two rows holds the next one) and
  // `ahead` says that it, its ζ (`zetaAhead`) and its fields were computed by the previous step
  let current: usize = 0;
  let ahead = false;
  let zetaAhead: f64 = 0;
  const nextOffset = (<usize>row) << 3;
  rngLoad();
  for (; done < steps; done++) {
    for (let b = 0; b < batch; b++) {
      const x = X + current + ((<usize>(b * row)) << 3);
      const coef = coefs + ((<usize>(b * p)) << 3);
      let zeta = zetaAhead;
      if (!ahead) {
        fillNormals(x, d);
        zeta = normal();
        fieldsCompute(W, x, fields, rows, row, d, invSqrtD);
      }
      // the fields' sum (only its finiteness is used), teachers' first
      let fieldSum: f64 = 0;
      for (let t = 0; t < k; t++) fieldSum += load<f64>(fields + (<usize>(p + t) << 3));
      for (let i = 0; i < p; i++) fieldSum += load<f64>(fields + (<usize>i << 3));
      const teacher = weightedActivations(actT, Astar, fields + (<usize>p << 3), k, 0);
      let student: f64 = 0;
      if (lazy) {
        for (let i = 0; i < p; i++) {
          // the linearised unit σ(λ0) + σ'(λ0)(λ − λ0); its gradient factor σ'(λ0) is kept in place of λ0
          const at0 = fields + (<usize>(p + k + i) << 3);
          const l0 = load<f64>(at0);
          const d0 = activationPrime(actS, l0);
          student += load<f64>(A + (<usize>i << 3)) * (activation(actS, l0) + d0 * (load<f64>(fields + (<usize>i << 3)) - l0));
          store<f64>(at0, d0);
        }
      } else {
        student = weightedActivations(actS, A, fields, p, gammaA != 0 ? work + ((<usize>(b * p)) << 3) : 0);
      }
      const e = teacher * invK + sqrtNoise * zeta - student * invP;
      if (!isFinite(fieldSum) || !isFinite(e)) {
        status = Status.DIVERGED;
        break;
      }
      if (gammaA != 0) store<f64>(work + ((<usize>(batch * p + b)) << 3), e);
      const re = rate * e;
      if (lazy) {
        for (let i = 0; i < p; i++) store<f64>(coef + (<usize>i << 3), re * load<f64>(A + (<usize>i << 3)) * load<f64>(fields + (<usize>(p + k + i) << 3)));
      } else {
        gradientFactors(actS, re, A, fields, p, coef);
      }
    }
    if (status != Status.OK) break;
    if (gammaA != 0) secondLayerStep(A, work, rateA, p, batch);
    if (batch == 1 && done + 1 < steps) {
      // draw sample ν + 1, then update W with sample ν while computing ν + 1's student fields
      const x = X + current;
      current = nextOffset - current;
      const xNext = X + current;
      fillNormals(xNext, d);
      zetaAhead = normal();
      const grouped = rows & ~3; // fieldsCompute's sums on all the rows (vec.ts fieldsRows)
      rowsAxpyFields(W, coefs, x, xNext, fields, p, grouped, row, d, decay, invSqrtD);
      fieldsRows(W + ((<usize>(p * row)) << 3), xNext, fields + ((<usize>p) << 3), rows - p, max(0, grouped - p), row, d, invSqrtD);
      ahead = true;
      continue;
    }
    ahead = false;
    if (decay != 1.0) rowsScale(W, decay, p, row);
    for (let b = 0; b < batch; b++) {
      rowsAxpy(W, coefs + ((<usize>(b * p)) << 3), X + current + ((<usize>(b * row)) << 3), p, row, d);
    }
  }
  rngSave();
  setSlot(Slot.SAMPLES, slot(Slot.SAMPLES) + <f64>done);
  setSlot(Slot.STATUS, <f64>status);
  return status;
}

/**
 * a_i += rate · Σ_b e_b σ(λ_i^b) (rate = γ_a/(p B)) from the batch's σ(λ_i^b) (B × p at `work`) and errors e_b
 * (B doubles after them): the SGD step of the second layer, from the pre-step values. Shared by the chain.
 */
export function secondLayerStep(A: usize, work: usize, rate: f64, p: i32, batch: i32): void {
  const errors = work + ((<usize>(batch * p)) << 3);
  for (let i = 0; i < p; i++) {
    let g: f64 = 0;
    for (let b = 0; b < batch; b++) g += load<f64>(errors + ((<usize>b) << 3)) * load<f64>(work + ((<usize>(b * p + i)) << 3));
    const at = A + ((<usize>i) << 3);
    store<f64>(at, load<f64>(at) + rate * g);
  }
}
