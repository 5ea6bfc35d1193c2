// see: assembly/sgd.ts and assembly/overlaps.ts — one-pass SGD and the order parameters in plain JS over
// the same flat layout (src/shared/layout.ts), the same random stream and the scalar loop order of the Wasm build.
// Typed arrays are passed as arguments: V8 optimises that shape best (TOOLCHAIN.md §3).
import { Slot, Status } from "../shared/layout.js";
import { activation, activationPrime } from "./activation.js";
import { riskOf } from "./risk.js";
import type { ReferenceRng } from "./rng.js";

/** Element index (in doubles) of the region whose byte address is in slot `s`. */
function at(f64: Float64Array, h: number, s: Slot): number {
  return (f64[h + s] / 8) | 0;
}

/**
 * `steps` steps of one-pass SGD on mini-batches of B samples with weight decay (assembly/sgd.ts `sgdRun`):
 * for each sample x then ζ from the stream, fields, error signal, coefficients; then the decay and the B
 * rank-1 updates. `h` is the element index of the header. Returns the `Status`.
 */
export function sgdRun(f64: Float64Array, u32: Uint32Array, h: number, rng: ReferenceRng, steps: number): number {
  const d = f64[h + Slot.D] | 0;
  const p = f64[h + Slot.P] | 0;
  const k = f64[h + Slot.K] | 0;
  const row = f64[h + Slot.ROW] | 0;
  const batch = Math.max(1, f64[h + Slot.BATCH] | 0);
  const w = at(f64, h, Slot.W_PTR);
  const A = at(f64, h, Slot.A_PTR);
  const Astar = at(f64, h, Slot.ASTAR_PTR);
  const work = at(f64, h, Slot.SECOND_WORK_PTR);
  const X = at(f64, h, Slot.X_PTR);
  const fields = at(f64, h, Slot.FIELDS_PTR);
  const coefs = at(f64, h, Slot.COEF_PTR);
  const rngWord = (f64[h + Slot.RNG_PTR] / 4) | 0;
  const sqrtD = Math.sqrt(d);
  const invSqrtD = 1.0 / sqrtD;
  const gamma = f64[h + Slot.GAMMA];
  const rate = gamma / (p * sqrtD) / batch;
  const decay = 1.0 - (gamma * f64[h + Slot.WEIGHT_DECAY]) / (p * d);
  const gammaA = f64[h + Slot.GAMMA_A];
  const actS = f64[h + Slot.ACT_STUDENT];
  const actT = f64[h + Slot.ACT_TEACHER];
  const rateA = (gammaA * gamma) / d / (p * batch);
  const sqrtNoise = Math.sqrt(f64[h + Slot.NOISE]);
  const invP = 1.0 / p;
  const invK = 1.0 / k;
  let done = 0;
  let status = Status.OK;
  rng.load(u32, rngWord);
  for (; done < steps; done++) {
    for (let b = 0; b < batch; b++) {
      const x = X + b * row;
      const coef = coefs + b * p;
      for (let j = 0; j < d; j++) f64[x + j] = rng.normal();
      const zeta = rng.normal();
      fieldsCompute(f64, w, x, fields, p + k, row, d, invSqrtD);
      let fieldSum = 0;
      let teacher = 0;
      for (let r = 0; r < k; r++) {
        const lam = f64[fields + p + r];
        fieldSum += lam;
        teacher += f64[Astar + r] * activation(actT, lam);
      }
      let student = 0;
      for (let i = 0; i < p; i++) {
        const lam = f64[fields + i];
        fieldSum += lam;
        const s = activation(actS, lam);
        if (gammaA !== 0) f64[work + b * p + i] = s;
        student += f64[A + i] * s;
      }
      const e = teacher * invK + sqrtNoise * zeta - student * invP;
      if (!Number.isFinite(fieldSum) || !Number.isFinite(e)) {
        status = Status.DIVERGED;
        break;
      }
      if (gammaA !== 0) f64[work + batch * p + b] = e;
      const re = rate * e;
      for (let i = 0; i < p; i++) f64[coef + i] = re * f64[A + i] * activationPrime(actS, f64[fields + i]);
    }
    if (status !== Status.OK) break;
    if (gammaA !== 0) secondLayerStep(f64, A, work, rateA, p, batch);
    if (decay !== 1.0) for (let j = w; j < w + p * row; j++) f64[j] *= decay;
    for (let b = 0; b < batch; b++) rowsAxpy(f64, w, coefs + b * p, X + b * row, p, row, d);
  }
  rng.save(u32, rngWord);
  f64[h + Slot.SAMPLES] += done;
  f64[h + Slot.STATUS] = status;
  return status;
}

/** a_i += rate · Σ_b e_b σ(λ_i^b) (assembly/sgd.ts `secondLayerStep`). */
export function secondLayerStep(f64: Float64Array, A: number, work: number, rate: number, p: number, batch: number): void {
  const errors = work + batch * p;
  for (let i = 0; i < p; i++) {
    let g = 0;
    for (let b = 0; b < batch; b++) g += f64[errors + b] * f64[work + b * p + i];
    f64[A + i] += rate * g;
  }
}

/** out[a] = scale · Σ_{j<n} U[a][j] x[j] (assembly/vec.ts `fieldsCompute`, scalar order). */
function fieldsCompute(f64: Float64Array, u: number, x: number, out: number, rows: number, row: number, n: number, scale: number): void {
  for (let a = 0; a < rows; a++) {
    const r = u + a * row;
    let t = 0;
    for (let j = 0; j < n; j++) t += f64[r + j] * f64[x + j];
    f64[out + a] = t * scale;
  }
}

/** U[a][j] += coef[a] · x[j] (assembly/vec.ts `rowsAxpy`). */
function rowsAxpy(f64: Float64Array, u: number, coef: number, x: number, rows: number, row: number, n: number): void {
  for (let a = 0; a < rows; a++) {
    const r = u + a * row;
    const c = f64[coef + a];
    for (let j = 0; j < n; j++) f64[r + j] += c * f64[x + j];
  }
}

/** Q, M, P from the weights, then the risk (assembly/overlaps.ts `overlapsCompute`). */
export function overlapsCompute(f64: Float64Array, h: number): number {
  const d = f64[h + Slot.D] | 0;
  const p = f64[h + Slot.P] | 0;
  const k = f64[h + Slot.K] | 0;
  const row = f64[h + Slot.ROW] | 0;
  const w = at(f64, h, Slot.W_PTR);
  const wstar = at(f64, h, Slot.WSTAR_PTR);
  const invD = 1.0 / d;
  gram(f64, w, w, at(f64, h, Slot.Q_PTR), p, p, row, d, invD, true);
  gram(f64, w, wstar, at(f64, h, Slot.M_PTR), p, k, row, d, invD, false);
  gram(f64, wstar, wstar, at(f64, h, Slot.P_PTR), k, k, row, d, invD, true);
  return riskCompute(f64, h);
}

/** Risk of the Q, M, P in the buffer, also written into Slot.RISK (assembly/overlaps.ts `riskCompute`). */
export function riskCompute(f64: Float64Array, h: number): number {
  const risk = riskOf(f64, at(f64, h, Slot.Q_PTR), at(f64, h, Slot.M_PTR), at(f64, h, Slot.P_PTR), at(f64, h, Slot.A_PTR), at(f64, h, Slot.ASTAR_PTR), f64[h + Slot.P] | 0, f64[h + Slot.K] | 0, f64[h + Slot.ACT_STUDENT], f64[h + Slot.ACT_TEACHER]);
  f64[h + Slot.RISK] = risk;
  return risk;
}

function gram(f64: Float64Array, a0: number, b0: number, g: number, n1: number, n2: number, row: number, n: number, scale: number, symmetric: boolean): void {
  for (let a = 0; a < n1; a++) {
    for (let b = symmetric ? a : 0; b < n2; b++) {
      const ra = a0 + a * row;
      const rb = b0 + b * row;
      let t = 0;
      for (let j = 0; j < n; j++) t += f64[ra + j] * f64[rb + j];
      const v = t * scale;
      f64[g + a * n2 + b] = v;
      if (symmetric) f64[g + b * n2 + a] = v;
    }
  }
}
