// see: theory.md §10 (the paper's initial conditions) and §3 (the law of SGD depends on the weights only
// through Ω = [[Q, M], [Mᵀ, P]]). Writes the initial weights into an engine's buffer; not a hot path.
import { Stream } from "../shared/layout.js";
import type { Engine } from "./engine.js";
import { OptionError, type Model } from "../validate.js";

/**
 * Lower-triangular L (row-major r×r) with L Lᵀ = Ω for a symmetric positive semi-definite Ω, by Cholesky
 * with zero pivots allowed: pivot j ≤ tol_j = 1e-14·Ω_jj (relative to its own variance, so the test is
 * invariant under rescaling any field: Ω → DΩD) counts as 0, and then its column below must vanish too — to
 * 10·√(tol_j·Ω_aa), the size PSD-ness allows (|v|² ≤ pivot_j·pivot_a). Singular Ω (informed starts,
 * p + k > rank) are factored exactly; for near-singular ones the realised Ω differs from the given one by at
 * most that bound. Throws OptionError naming `name` when Ω is not PSD.
 */
export function semidefiniteCholesky(omega: Float64Array, r: number, name: string, value: unknown): Float64Array {
  const L = new Float64Array(r * r);
  for (let j = 0; j < r; j++) {
    const tol = 1e-14 * Math.abs(omega[j * r + j]);
    let pivot = omega[j * r + j];
    for (let m = 0; m < j; m++) pivot -= L[j * r + m] * L[j * r + m];
    if (pivot < -tol) {
      throw new OptionError(name, `must have Ω = [[P, M0ᵀ], [M0, Q0]] positive semi-definite, but its Cholesky pivot ${j} is ${pivot.toPrecision(3)} < 0`, value);
    }
    const ljj = pivot > tol ? Math.sqrt(pivot) : 0;
    L[j * r + j] = ljj;
    for (let a = j + 1; a < r; a++) {
      let v = omega[a * r + j];
      for (let m = 0; m < j; m++) v -= L[a * r + m] * L[j * r + m];
      if (ljj === 0) {
        if (Math.abs(v) > 10 * Math.sqrt(tol * Math.abs(omega[a * r + a]))) {
          throw new OptionError(name, `must have Ω = [[P, M0ᵀ], [M0, Q0]] positive semi-definite, but pivot ${j} vanishes while entry (${a}, ${j}) of its Schur complement is ${v.toPrecision(3)}`, value);
        }
      } else {
        L[a * r + j] = v / ljj;
      }
    }
  }
  return L;
}

/** Ω = [[P, M0ᵀ], [M0, Q0]] (teacher first) as a row-major (k + p)² array. */
function omegaOf(Q0: number[][], M0: number[][], P: number[][], p: number, k: number): Float64Array {
  const r = p + k;
  const omega = new Float64Array(r * r);
  for (let a = 0; a < r; a++) {
    for (let b = 0; b < r; b++) {
      omega[a * r + b] =
        a < k && b < k ? P[a][b] : a >= k && b >= k ? Q0[a - k][b - k] : a >= k ? M0[a - k][b] : M0[b - k][a];
    }
  }
  return omega;
}

/**
 * Everything `writeInitialWeights` needs that can fail, computed before any engine exists: for an overlap
 * initial condition, the factor L of Ω (throws OptionError when Ω is not PSD).
 */
export function prepareInit(resolved: Model): Float64Array | undefined {
  if (resolved.initKind !== "overlaps") return undefined;
  const { Q0, M0, P } = resolved.init as { Q0: number[][]; M0: number[][]; P: number[][] };
  return semidefiniteCholesky(omegaOf(Q0, M0, P, resolved.p, resolved.k), resolved.p + resolved.k, "init", resolved.init);
}

/**
 * Writes the initial W (p rows) and W* (k rows) into the engine:
 * - random (the paper's default, theory.md §10): from the INIT stream of `initSeed`, k teacher rows of
 *   d normals then p student rows of d normals; the teacher rows are orthonormalised (Gram–Schmidt, two
 *   passes) and every row is scaled to norm √d, so P = I and Q_ii = 1;
 * - informed: W* random as above (or given), W0 = A·W*;
 * - weights: W0 and W* copied;
 * - overlaps: rows √d·L_a in the first p + k coordinates, where L Lᵀ = Ω (from `prepareInit`).
 */
export function writeInitialWeights(engine: Engine, resolved: Model, factor: Float64Array | undefined): void {
  const { d, p, k, initKind } = resolved;
  const { f64, layout } = engine;
  const row = layout.row;
  const W = layout.W / 8;
  const Wstar = layout.Wstar / 8;
  const init = resolved.init as Record<string, number[][]> | undefined;
  const sqrtD = Math.sqrt(d);

  if (initKind === "weights" || ((initKind === "informed") && init?.Wstar)) {
    init!.Wstar.forEach((w, r) => f64.set(w, Wstar + r * row));
  } else if (initKind !== "overlaps") {
    engine.seed(resolved.initSeed, Stream.INIT);
    for (let r = 0; r < k; r++) engine.normals(layout.Wstar + r * row * 8, d);
    if (initKind === "random") for (let i = 0; i < p; i++) engine.normals(layout.W + i * row * 8, d);
    orthonormalRows(f64, Wstar, k, row, d, sqrtD);
  }

  switch (initKind) {
    case "random":
      for (let i = 0; i < p; i++) scaleRow(f64, W + i * row, d, sqrtD);
      break;
    case "weights":
      init!.W0.forEach((w, i) => f64.set(w, W + i * row));
      break;
    case "informed":
      for (let i = 0; i < p; i++) {
        for (let r = 0; r < k; r++) {
          const a = init!.A[i][r];
          for (let j = 0; j < d; j++) f64[W + i * row + j] += a * f64[Wstar + r * row + j];
        }
      }
      break;
    case "overlaps": {
      const r = p + k;
      for (let a = 0; a < r; a++) {
        const base = a < k ? Wstar + a * row : W + (a - k) * row;
        for (let b = 0; b <= a; b++) f64[base + b] = sqrtD * factor![a * r + b];
      }
      break;
    }
  }
}

/** Scales row f64[at .. at+n) to Euclidean norm `norm` (a zero row stays zero). */
function scaleRow(f64: Float64Array, at: number, n: number, norm: number): void {
  let s = 0;
  for (let j = 0; j < n; j++) s += f64[at + j] * f64[at + j];
  if (s === 0) return;
  const c = norm / Math.sqrt(s);
  for (let j = 0; j < n; j++) f64[at + j] *= c;
}

/** Modified Gram–Schmidt, applied twice for orthogonality to rounding, then every row scaled to `norm`. */
function orthonormalRows(f64: Float64Array, at: number, rows: number, row: number, n: number, norm: number): void {
  for (let a = 0; a < rows; a++) {
    const ra = at + a * row;
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < a; b++) {
        const rb = at + b * row;
        let s = 0;
        for (let j = 0; j < n; j++) s += f64[ra + j] * f64[rb + j];
        for (let j = 0; j < n; j++) f64[ra + j] -= s * f64[rb + j];
      }
      scaleRow(f64, ra, n, 1);
    }
  }
  for (let a = 0; a < rows; a++) scaleRow(f64, at + a * row, n, norm);
}
