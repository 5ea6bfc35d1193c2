// see: theory.md §1–2 (model and update, as in the paper's code), Veiga et al. (2022) arXiv:2202.00293.
// d input dimension, p student hidden units, k teacher hidden units, gamma learning rate,
// W (p×d) student, W* (k×d) teacher, lambda_i = w_i·x/√d, lambda*_r = w*_r·x/√d.
import { Slot, Status } from "../src/layout";
import { slot, slotPtr, setSlot } from "./header";
import { rngLoad, rngSave, normal, fillNormals } from "./rng";
import { sigma, sigmaPrime } from "./activation";
import { fieldsCompute, rowsAxpy } from "./vec";

/**
 * Runs `steps` samples of one-pass SGD on the student weights in the buffer (theory.md §2):
 * draw x ~ N(0, I_d) (x_1..x_d, in this order) and ζ ~ N(0, 1) from the SGD stream, then
 *   λ = W x/√d,  λ* = W* x/√d,  e = (1/k) Σ_r σ(λ*_r) + √Δ ζ − (1/p) Σ_i σ(λ_i),
 *   w_i ← w_i + (γ/(p√d)) · e · σ'(λ_i) · x     (all rows with the pre-step fields).
 * SGD on ½(y − f(x))² with y = f*(x) + √Δ ζ and second layers fixed at 1/p and 1/k.
 * Adds the samples done to Slot.SAMPLES. Stops early, with Status.DIVERGED, when a local field or e is
 * not finite; the weights are then those after Slot.SAMPLES samples. Called by the TS layer once per
 * chunk of samples (thousands of steps per call).
 */
export function sgdRun(steps: i32): i32 {
  const d = <i32>slot(Slot.D);
  const p = <i32>slot(Slot.P);
  const k = <i32>slot(Slot.K);
  const row = <i32>slot(Slot.ROW);
  const W = slotPtr(Slot.W_PTR);
  const x = slotPtr(Slot.X_PTR);
  const fields = slotPtr(Slot.FIELDS_PTR);
  const coef = slotPtr(Slot.COEF_PTR);
  const sqrtD = Math.sqrt(<f64>d);
  const invSqrtD = 1.0 / sqrtD;
  const rate = slot(Slot.GAMMA) / (<f64>p * sqrtD);
  const sqrtNoise = Math.sqrt(slot(Slot.NOISE));
  const invP = 1.0 / <f64>p;
  const invK = 1.0 / <f64>k;
  assert(d > 0 && p > 0 && k > 0 && row >= d && (row & 1) == 0, "sgdRun: bad header");
  let done = 0;
  let status = Status.OK;
  rngLoad();
  for (; done < steps; done++) {
    fillNormals(x, d);
    const zeta = normal();
    fieldsCompute(W, x, fields, p + k, row, d, invSqrtD);
    let fieldSum: f64 = 0;
    let teacher: f64 = 0;
    for (let r = 0; r < k; r++) {
      const lam = load<f64>(fields + (<usize>(p + r) << 3));
      fieldSum += lam;
      teacher += sigma(lam);
    }
    let student: f64 = 0;
    for (let i = 0; i < p; i++) {
      const lam = load<f64>(fields + (<usize>i << 3));
      fieldSum += lam;
      student += sigma(lam);
    }
    const e = teacher * invK + sqrtNoise * zeta - student * invP;
    if (!isFinite(fieldSum) || !isFinite(e)) {
      status = Status.DIVERGED;
      break;
    }
    const re = rate * e;
    for (let i = 0; i < p; i++) {
      store<f64>(coef + (<usize>i << 3), re * sigmaPrime(load<f64>(fields + (<usize>i << 3))));
    }
    rowsAxpy(W, coef, x, p, row, d);
  }
  rngSave();
  setSlot(Slot.SAMPLES, slot(Slot.SAMPLES) + <f64>done);
  setSlot(Slot.STATUS, <f64>status);
  return status;
}
