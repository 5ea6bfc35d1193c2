// see: assembly/chain.ts — the exact reduced chain in plain JS: the same factorisation, the same draws in
// the same order and the same updates, for tests and the `js` benchmark case. Formulas are documented there.
import { Slot, Status } from "../layout.js";
import { sigma, sigmaPrime } from "./activation.js";
import { riskCompute } from "./sgd.js";
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

/** `steps` samples of the reduced chain (assembly/chain.ts `chainRun`). Returns the `Status`. */
export function chainRun(f64: Float64Array, u32: Uint32Array, h: number, rng: ReferenceRng, steps: number): number {
  const d = f64[h + Slot.D];
  const p = f64[h + Slot.P] | 0;
  const k = f64[h + Slot.K] | 0;
  const r = p + k;
  const omega = at(f64, h, Slot.OMEGA_PTR);
  const L = at(f64, h, Slot.CHOL_PTR);
  const z = at(f64, h, Slot.Z_PTR);
  const u = at(f64, h, Slot.FIELDS_PTR);
  const g = at(f64, h, Slot.COEF_PTR);
  const rngWord = (f64[h + Slot.RNG_PTR] / 4) | 0;
  const gamma = f64[h + Slot.GAMMA];
  const linear = gamma / (p * d);
  const quadratic = (gamma * gamma) / (p * p * d);
  const sqrtNoise = Math.sqrt(f64[h + Slot.NOISE]);
  const invP = 1.0 / p;
  const invK = 1.0 / k;
  let done = 0;
  let status = Status.OK;
  let rank = 0;
  rng.load(u32, rngWord);
  for (; done < steps; done++) {
    rank = choleskySemidefinite(f64, omega, L, u, r);
    let zz = 0;
    for (let a = 0; a < r; a++) {
      const za = rng.normal();
      f64[z + a] = za;
      if (f64[L + a * r + a] > 0) zz += za * za;
    }
    const zeta = rng.normal();
    const chi = rng.chiSquare(d - rank);
    const X = (zz + chi) / d;
    let fieldSum = 0;
    for (let a = 0; a < r; a++) {
      let v = 0;
      for (let m = 0; m <= a; m++) v += f64[L + m * r + a] * f64[z + m];
      f64[u + a] = v;
      fieldSum += v;
    }
    let teacher = 0;
    for (let t = 0; t < k; t++) teacher += sigma(f64[u + p + t]);
    let student = 0;
    for (let j = 0; j < p; j++) student += sigma(f64[u + j]);
    const e = teacher * invK + sqrtNoise * zeta - student * invP;
    if (!Number.isFinite(fieldSum) || !Number.isFinite(e)) {
      status = Status.DIVERGED;
      break;
    }
    for (let j = 0; j < p; j++) f64[g + j] = e * sigmaPrime(f64[u + j]);
    for (let j = 0; j < p; j++) {
      const gj = f64[g + j];
      const lj = f64[u + j];
      for (let l = j; l < p; l++) {
        const gl = f64[g + l];
        f64[omega + j * r + l] += linear * (gj * f64[u + l] + gl * lj) + quadratic * gj * gl * X;
      }
      for (let t = 0; t < k; t++) f64[omega + j * r + p + t] += linear * gj * f64[u + p + t];
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
