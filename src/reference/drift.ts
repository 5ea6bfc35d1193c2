// see: assembly/drift.ts — ψ, the drift of the order parameters, in plain JS: the same hoisted sums in the
// same order as the scalar Wasm build (Math.asin instead of the Wasm one). Formulas are documented there.
import { Slot } from "../shared/layout.js";
import { I2 } from "./integrals.js";

const TWO_OVER_PI = 0.6366197723675814;
const FOUR_OVER_PI2 = 0.40528473456935109;

function clampUnit(v: number): number {
  return v > 1.0 ? 1.0 : v < -1.0 ? -1.0 : v;
}

/** dy = ψ(y) (assembly/drift.ts `driftEval`); y, dy and the header h are element indices into f64. */
export function driftEval(f64: Float64Array, h: number, y: number, dy: number): void {
  if (f64[h + Slot.PSI_MC] !== 0) throw new Error("the Monte-Carlo ψ runs in the Wasm builds only (assembly/driftmc.ts)");
  const p = f64[h + Slot.P] | 0;
  const k = f64[h + Slot.K] | 0;
  const n = f64[h + Slot.N] | 0;
  const r = p + k;
  const a1 = f64[h + Slot.A1];
  const a2 = f64[h + Slot.A2];
  const omega = (f64[h + Slot.OMEGA_PTR] / 8) | 0;
  const G = (f64[h + Slot.DRIFT_WORK_PTR] / 8) | 0;
  const diag1 = G + p * r;
  const c = diag1 + r;
  const s = c + r;
  const w = s + r;
  const args = w + r;
  const weights = args + ((r * (r + 1)) >> 1);
  const P = (f64[h + Slot.P_PTR] / 8) | 0;
  const nBase = (p * (p + 1)) / 2 + p * k;
  const trainA = f64[h + Slot.TRAIN_A] !== 0;
  const A = trainA ? y + nBase : (f64[h + Slot.A_PTR] / 8) | 0;
  const Astar = (f64[h + Slot.ASTAR_PTR] / 8) | 0;
  let at = y;
  for (let j = 0; j < p; j++) {
    for (let l = j; l < p; l++) {
      const v = f64[at++];
      f64[omega + j * r + l] = v;
      f64[omega + l * r + j] = v;
    }
  }
  for (let j = 0; j < p; j++) {
    for (let t = 0; t < k; t++) {
      const v = f64[at++];
      f64[omega + j * r + p + t] = v;
      f64[omega + (p + t) * r + j] = v;
    }
  }
  for (let t = 0; t < k; t++) for (let u = 0; u < k; u++) f64[omega + (p + t) * r + p + u] = f64[P + t * k + u];
  for (let a = 0; a < r; a++) {
    f64[diag1 + a] = 1.0 + f64[omega + a * r + a];
    f64[c + a] = a < p ? -f64[A + a] / p : f64[Astar + a - p] / k;
  }
  f64.fill(0, dy, dy + n);
  if (a1 !== 0) gradientTerm(f64, omega, diag1, c, w, G, dy, p, k, a1, A);
  if (trainA && a1 !== 0) {
    const rate = f64[h + Slot.GAMMA_A] * a1;
    for (let j = 0; j < p; j++) {
      const ojj = f64[omega + j * r + j];
      let g = 0;
      for (let b = 0; b < r; b++) g += f64[c + b] * I2(ojj, f64[omega + j * r + b], f64[omega + b * r + b]);
      f64[dy + nBase + j] = rate * g;
    }
  }
  const lambda = f64[h + Slot.WEIGHT_DECAY];
  if (a1 !== 0 && lambda !== 0) {
    const np = (p * (p + 1)) / 2;
    for (let i = 0; i < nBase; i++) f64[dy + i] -= (i < np ? 2.0 : 1.0) * a1 * lambda * f64[y + i];
  }
  if (a2 !== 0) {
    let i = weights;
    for (let a = 0; a < r; a++) {
      const ca = f64[c + a];
      f64[i++] = ca * ca;
      for (let b = a + 1; b < r; b++) f64[i++] = 2.0 * ca * f64[c + b];
    }
    varianceTerm(f64, omega, diag1, s, args, weights, dy, p, k, a2, f64[h + Slot.NOISE], A);
  }
}

function packedIndex(j: number, l: number, p: number): number {
  return j * p - ((j * (j - 1)) >> 1) + (l - j);
}

function gradientTerm(f64: Float64Array, omega: number, diag1: number, c: number, w: number, G: number, dy: number, p: number, k: number, a1: number, A: number): void {
  const r = p + k;
  for (let j = 0; j < p; j++) {
    const dj = f64[diag1 + j];
    const rowj = omega + j * r;
    let sj = 0;
    for (let a = 0; a < r; a++) {
      const oja = f64[rowj + a];
      const wa = (f64[c + a] * TWO_OVER_PI) / (dj * Math.sqrt(dj * f64[diag1 + a] - oja * oja));
      f64[w + a] = wa;
      sj += wa * oja;
    }
    for (let b = 0; b < r; b++) {
      let vb = 0;
      for (let a = 0; a < r; a++) vb += f64[omega + b * r + a] * f64[w + a];
      f64[G + j * r + b] = dj * vb - f64[rowj + b] * sj;
    }
  }
  const np = (p * (p + 1)) >> 1;
  for (let j = 0; j < p; j++) {
    const aj = f64[A + j];
    for (let l = j; l < p; l++) f64[dy + packedIndex(j, l, p)] += a1 * (aj * f64[G + j * r + l] + f64[A + l] * f64[G + l * r + j]);
    for (let t = 0; t < k; t++) f64[dy + np + j * k + t] += a1 * (aj * f64[G + j * r + p + t]);
  }
}

function varianceTerm(f64: Float64Array, omega: number, diag1: number, s: number, args: number, weights: number, dy: number, p: number, k: number, a2: number, noise: number, A: number): void {
  const r = p + k;
  const m = (r * (r + 1)) >> 1;
  for (let j = 0; j < p; j++) {
    const dj = f64[diag1 + j];
    const rowj = omega + j * r;
    for (let l = j; l < p; l++) {
      const dl = f64[diag1 + l];
      const rowl = omega + l * r;
      const ojl = f64[rowj + l];
      const l4 = dj * dl - ojl * ojl;
      for (let a = 0; a < r; a++) {
        const xa = f64[rowj + a];
        const ya = f64[rowl + a];
        const l1 = l4 * f64[diag1 + a] - ya * ya * dj - xa * xa * dl + 2.0 * ojl * xa * ya;
        f64[s + a] = 1.0 / Math.sqrt(l1);
      }
      let at = args;
      for (let a = 0; a < r; a++) {
        const xa = f64[rowj + a];
        const ya = f64[rowl + a];
        const sa = f64[s + a];
        const alpha = ojl * xa - dj * ya;
        const beta = ojl * ya - dl * xa;
        const rowa = omega + a * r;
        f64[at++] = 1.0 - l4 * sa * sa;
        for (let b = a + 1; b < r; b++) {
          const lam0 = l4 * f64[rowa + b] + alpha * f64[rowl + b] + beta * f64[rowj + b];
          f64[at++] = sa * f64[s + b] * lam0;
        }
      }
      let sum = 0;
      for (let i = 0; i < m; i++) sum += f64[weights + i] * Math.asin(clampUnit(f64[args + i]));
      const invSqrtL4 = 1.0 / Math.sqrt(l4);
      const phi = noise * TWO_OVER_PI * invSqrtL4 + FOUR_OVER_PI2 * invSqrtL4 * sum;
      f64[dy + packedIndex(j, l, p)] += a2 * (f64[A + j] * f64[A + l]) * phi;
    }
  }
}
