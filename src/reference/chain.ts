// see: assembly/chain.ts — the exact reduced chain in plain JS: the same factorisation, the same draws in
// the same order and the same updates, for tests and the `js` benchmark case. Formulas are documented there.
import { Slot, Status } from "../shared/layout.js";
import { activation, activationPrime } from "./activation.js";
import { riskCompute, secondLayerStep } from "./sgd.js";
import type { ReferenceRng } from "./rng.js";

const PIVOT_TOLERANCE = 1e-12;

/** L Lᵀ = Ω, L stored column by column, zero columns for zero pivots (assembly/chain.ts `choleskySemidefinite`). */
export function choleskySemidefinite(f64: Float64Array, omega: number, L: number, diag: number, r: number): number {
  let scale = 0;
  for (let a = 0; a < r; a++) {
    f64[diag + a] = f64[omega + a * r + a];
    scale = Math.max(scale, Math.abs(f64[diag + a]));
  }
  const tol = PIVOT_TOLERANCE * scale;
  let rank = 0;
  for (let j = 0; j < r; j++) {
    const col = L + j * r;
    const pivot = f64[diag + j];
    if (!(pivot > tol)) {
      for (let a = j; a < r; a++) f64[col + a] = Number.isNaN(pivot) ? pivot : 0.0;
      continue;
    }
    const ljj = Math.sqrt(pivot);
    f64[col + j] = ljj;
    rank++;
    const inv = 1.0 / ljj;
    for (let a = j + 1; a < r; a++) {
      let v = f64[omega + j * r + a];
      for (let m = 0; m < j; m++) v -= f64[L + m * r + a] * f64[L + m * r + j];
      const l = v * inv;
      f64[col + a] = l;
      f64[diag + a] -= l * l;
    }
  }
  return rank;
}

const at = (f64: Float64Array, h: number, s: Slot) => (f64[h + s] / 8) | 0;

/** `steps` steps of the reduced chain on mini-batches with weight decay (assembly/chain.ts `chainRun`). Returns the `Status`. */
export function chainRun(f64: Float64Array, u32: Uint32Array, h: number, rng: ReferenceRng, steps: number): number {
  const d = f64[h + Slot.D];
  const p = f64[h + Slot.P] | 0;
  const k = f64[h + Slot.K] | 0;
  const r = p + k;
  const batch = Math.max(1, f64[h + Slot.BATCH] | 0);
  const omega = at(f64, h, Slot.OMEGA_PTR);
  const L = at(f64, h, Slot.CHOL_PTR);
  const Z = at(f64, h, Slot.Z_PTR);
  const U = at(f64, h, Slot.FIELDS_PTR);
  const G = at(f64, h, Slot.COEF_PTR);
  const gram = at(f64, h, Slot.GRAM_PTR);
  const A = at(f64, h, Slot.A_PTR);
  const Astar = at(f64, h, Slot.ASTAR_PTR);
  const work = at(f64, h, Slot.SECOND_WORK_PTR);
  const gammaA = f64[h + Slot.GAMMA_A];
  const actS = f64[h + Slot.ACT_STUDENT];
  const actT = f64[h + Slot.ACT_TEACHER];
  const bartlett = gram + batch * batch;
  const rngWord = (f64[h + Slot.RNG_PTR] / 4) | 0;
  const gamma = f64[h + Slot.GAMMA];
  const decay = 1.0 - (gamma * f64[h + Slot.WEIGHT_DECAY]) / (p * d);
  const linear = (decay * (gamma / (p * d))) / batch;
  const quadratic = (gamma * gamma) / (p * p * d) / (batch * batch);
  const decay2 = decay * decay;
  const rateA = (gammaA * gamma) / d / (p * batch);
  const sqrtNoise = Math.sqrt(f64[h + Slot.NOISE]);
  const invP = 1.0 / p;
  const invK = 1.0 / k;
  let done = 0;
  let status = Status.OK;
  let rank = 0;
  rng.load(u32, rngWord);
  for (; done < steps; done++) {
    let diagonalMax = 0;
    for (let a = 0; a < r; a++) diagonalMax = Math.max(diagonalMax, Math.abs(f64[omega + a * r + a]));
    if (!Number.isFinite(diagonalMax)) {
      status = Status.DIVERGED;
      break;
    }
    rank = choleskySemidefinite(f64, omega, L, U, r);
    let fieldSum = 0;
    for (let b = 0; b < batch; b++) {
      const z = Z + b * r;
      const u = U + b * r;
      for (let a = 0; a < r; a++) f64[z + a] = rng.normal();
      const zeta = rng.normal();
      for (let a = 0; a < r; a++) {
        let v = 0;
        for (let m = 0; m <= a; m++) v += f64[L + m * r + a] * f64[z + m];
        f64[u + a] = v;
        fieldSum += v;
      }
      let teacher = 0;
      for (let t = 0; t < k; t++) teacher += f64[Astar + t] * activation(actT, f64[u + p + t]);
      let student = 0;
      for (let j = 0; j < p; j++) {
        const s = activation(actS, f64[u + j]);
        if (gammaA !== 0) f64[work + b * p + j] = s;
        student += f64[A + j] * s;
      }
      const e = teacher * invK + sqrtNoise * zeta - student * invP;
      if (!Number.isFinite(e)) fieldSum = e;
      if (gammaA !== 0) f64[work + batch * p + b] = e;
      for (let j = 0; j < p; j++) f64[G + b * p + j] = e * f64[A + j] * activationPrime(actS, f64[u + j]);
    }
    const free = d - rank;
    for (let b = 0; b < batch; b++) {
      const dof = free - b;
      f64[bartlett + b * batch + b] = dof > 0 ? rng.chiSquare(dof) : 0.0;
      for (let c = 0; c < b; c++) f64[bartlett + b * batch + c] = c < free ? rng.normal() : 0.0;
    }
    for (let b = 0; b < batch; b++) {
      for (let c = b; c < batch; c++) {
        let zz = 0;
        for (let a = 0; a < r; a++) if (f64[L + a * r + a] > 0) zz += f64[Z + b * r + a] * f64[Z + c * r + a];
        let aa = c === b ? f64[bartlett + b * batch + b] : Math.sqrt(f64[bartlett + b * batch + b]) * f64[bartlett + c * batch + b];
        for (let m = 0; m < b; m++) aa += f64[bartlett + b * batch + m] * f64[bartlett + c * batch + m];
        f64[gram + b * batch + c] = f64[gram + c * batch + b] = (zz + aa) / d;
      }
    }
    if (!Number.isFinite(fieldSum)) {
      status = Status.DIVERGED;
      break;
    }
    if (gammaA !== 0) secondLayerStep(f64, A, work, rateA, p, batch);
    for (let j = 0; j < p; j++) {
      for (let l = j; l < p; l++) {
        let lin = 0;
        let quad = 0;
        for (let b = 0; b < batch; b++) {
          const gj = f64[G + b * p + j];
          lin += gj * f64[U + b * r + l] + f64[G + b * p + l] * f64[U + b * r + j];
          const qj = quadratic * gj;
          for (let c = 0; c < batch; c++) quad += qj * f64[G + c * p + l] * f64[gram + b * batch + c];
        }
        f64[omega + j * r + l] = decay2 * f64[omega + j * r + l] + (linear * lin + quad);
      }
      for (let t = 0; t < k; t++) {
        let lin = 0;
        for (let b = 0; b < batch; b++) lin += linear * f64[G + b * p + j] * f64[U + b * r + p + t];
        f64[omega + j * r + p + t] = decay * f64[omega + j * r + p + t] + lin;
      }
    }
  }
  rng.save(u32, rngWord);
  f64[h + Slot.RANK] = rank;
  f64[h + Slot.SAMPLES] += done;
  f64[h + Slot.STATUS] = status;
  return status;
}

/** Q, M, P out of Ω, then the risk (assembly/chain.ts `chainOverlaps`). */
export function chainOverlaps(f64: Float64Array, h: number): number {
  const p = f64[h + Slot.P] | 0;
  const k = f64[h + Slot.K] | 0;
  const r = p + k;
  const omega = at(f64, h, Slot.OMEGA_PTR);
  const Q = at(f64, h, Slot.Q_PTR);
  const M = at(f64, h, Slot.M_PTR);
  const P = at(f64, h, Slot.P_PTR);
  for (let j = 0; j < p; j++) {
    for (let l = j; l < p; l++) f64[Q + j * p + l] = f64[Q + l * p + j] = f64[omega + j * r + l];
    for (let t = 0; t < k; t++) f64[M + j * k + t] = f64[omega + j * r + p + t];
  }
  for (let t = 0; t < k; t++) for (let s = 0; s < k; s++) f64[P + t * k + s] = f64[omega + (p + t) * r + p + s];
  return riskCompute(f64, h);
}
