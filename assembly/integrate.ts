// see: Hairer, Nørsett & Wanner, Solving ODEs I (1993), §II.4–5 (Dormand–Prince 5(4), step control, initial
// step); Shampine & Reichelt (1997), SIAM J. Sci. Comput. 18:1, "The MATLAB ODE suite" (variable-order NDF/BDF
// in backward differences with quasi-constant step size, as SciPy's `BDF`, whose structure this follows).
// Integrators of dy/dt = ψ(y) (drift.ts) over the packed state y of n = p(p+1)/2 + pk order parameters.
// The state of an integration lives in the flat buffer (header slots and regions of src/shared/layout.ts), so a call
// can stop after a step budget and the next call continues exactly where it stopped.
import { Slot, Status, Method, Rhs, BDF_MAX_ORDER } from "../src/shared/layout";
import { slot, slotPtr, setSlot } from "./header";
import { driftEval } from "./drift";

const EPS: f64 = 2.220446049250313e-16;

/** One evaluation of the right-hand side (ψ, or the test problem), counted in Slot.NFEV. */
function rhs(y: usize, dy: usize): void {
  if (<i32>slot(Slot.RHS) == Rhs.TEST) testRhs(y, dy);
  else driftEval(y, dy);
  setSlot(Slot.NFEV, slot(Slot.NFEV) + 1);
}

/** dy_i = Σ_j A_ij y_j + B_i y_i² with A, B at Slot.TEST_PTR: linear and Riccati problems with known solutions. */
function testRhs(y: usize, dy: usize): void {
  const n = <i32>slot(Slot.N);
  const A = slotPtr(Slot.TEST_PTR);
  const B = A + ((<usize>(n * n)) << 3);
  for (let i = 0; i < n; i++) {
    let v: f64 = 0;
    for (let j = 0; j < n; j++) v += load<f64>(at(A, i * n + j)) * load<f64>(at(y, j));
    const yi = load<f64>(at(y, i));
    store<f64>(at(dy, i), v + load<f64>(at(B, i)) * yi * yi);
  }
}

@inline function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 3);
}

/** Vector `i` of the scratch region (n doubles each). */
@inline function scratch(i: i32, n: i32): usize {
  return slotPtr(Slot.SCRATCH_PTR) + ((<usize>(i * n)) << 3);
}

/** √(mean((v_i/scale_i)²)): the error norm of all integrators. */
function rmsNorm(v: usize, scale: usize, n: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    const q = load<f64>(at(v, i)) / load<f64>(at(scale, i));
    s += q * q;
  }
  return Math.sqrt(s / <f64>n);
}

/** Index of the first non-finite entry of v, or −1. */
function firstNonFinite(v: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) if (!isFinite(load<f64>(at(v, i)))) return i;
  return -1;
}

/** Copies y into the next output slot and advances Slot.OUT_NEXT. */
function writeOutput(y: usize, n: i32): void {
  const next = <i32>slot(Slot.OUT_NEXT);
  memory.copy(slotPtr(Slot.YOUT_PTR) + ((<usize>(next * n)) << 3), y, (<usize>n) << 3);
  setSlot(Slot.OUT_NEXT, <f64>(next + 1));
}

@inline function nextOutputTime(): f64 {
  return load<f64>(at(slotPtr(Slot.TOUT_PTR), <i32>slot(Slot.OUT_NEXT)));
}

@inline function outputsLeft(): bool {
  return slot(Slot.OUT_NEXT) < slot(Slot.OUT_COUNT);
}

/**
 * Hairer's starting step for a method of order `order`: h0 = 0.01·‖y0‖/‖f0‖, one explicit Euler step to
 * estimate ‖f'‖, h1 = (0.01/max(‖f0‖, ‖f'‖))^(1/(order+1)), h = min(100·h0, h1) (HNW I, §II.4).
 * Uses scratch vectors 10 and 11.
 */
function initialStep(y0: usize, f0: usize, n: i32, order: i32): f64 {
  const rtol = slot(Slot.RTOL);
  const atol = slot(Slot.ATOL);
  const scale = scratch(10, n);
  const y1 = scratch(11, n);
  for (let i = 0; i < n; i++) store<f64>(at(scale, i), atol + Math.abs(load<f64>(at(y0, i))) * rtol);
  const d0 = rmsNorm(y0, scale, n);
  const d1 = rmsNorm(f0, scale, n);
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  for (let i = 0; i < n; i++) store<f64>(at(y1, i), load<f64>(at(y0, i)) + h0 * load<f64>(at(f0, i)));
  rhs(y1, y1);
  for (let i = 0; i < n; i++) store<f64>(at(y1, i), load<f64>(at(y1, i)) - load<f64>(at(f0, i)));
  const d2 = rmsNorm(y1, scale, n) / h0;
  const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1.0 / <f64>(order + 1));
  return Math.min(100 * h0, h1);
}

/** 10 ulp of t: the smallest step that still moves t (as SciPy). */
function minStep(t: f64): f64 {
  const up = t == 0 ? 5e-324 : reinterpret<f64>(reinterpret<u64>(Math.abs(t)) + 1) - Math.abs(t);
  return 10 * up;
}

/**
 * Starts an integration from y (Slot.Y_PTR) at t = 0 with the method, tolerances and output times in the
 * header: writes the outputs at t = 0, then prepares the method (BDF: ψ(y0), first step, differences,
 * Jacobian; DOPRI5: ψ(y0) and the first step). Called once per integration by the TS layer.
 */
export function odeInit(): void {
  const n = <i32>slot(Slot.N);
  const y = slotPtr(Slot.Y_PTR);
  setSlot(Slot.T, 0);
  setSlot(Slot.OUT_NEXT, 0);
  setSlot(Slot.STATUS, Status.OK);
  setSlot(Slot.NFEV, 0);
  setSlot(Slot.NJEV, 0);
  setSlot(Slot.NLU, 0);
  setSlot(Slot.NSTEPS, 0);
  setSlot(Slot.NREJECT, 0);
  setSlot(Slot.LAST_REJECTED, 0);
  while (outputsLeft() && nextOutputTime() <= 0) writeOutput(y, n);
  const method = <i32>slot(Slot.METHOD);
  if (method == Method.BDF) bdfInit(y, n);
  else if (method == Method.DOPRI5) {
    const k1 = scratch(0, n);
    rhs(y, k1);
    setSlot(Slot.STEP, initialStep(y, k1, n, 5));
  }
}

/**
 * Integrates until every output time is reached (Status.OK), the budget of `maxSteps` accepted or rejected
 * steps is used (Status.RUNNING: call again), the state becomes non-finite (Status.DIVERGED: Slot.T is the
 * last finite time, Slot.FAIL_INDEX the component) or the step size underflows (Status.STEP_TOO_SMALL).
 */
export function odeRun(maxSteps: i32): i32 {
  let status: i32 = Status.OK;
  if (outputsLeft()) {
    const method = <i32>slot(Slot.METHOD);
    status = method == Method.BDF ? bdfRun(maxSteps) : method == Method.DOPRI5 ? dopriRun(maxSteps) : eulerRun(maxSteps);
  }
  setSlot(Slot.STATUS, <f64>status);
  return status;
}

/** Marks a blow-up if y has a non-finite entry; returns true then. */
function blownUp(y: usize, n: i32): bool {
  const bad = firstNonFinite(y, n);
  if (bad < 0) return false;
  setSlot(Slot.FAIL_INDEX, <f64>bad);
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Explicit Euler: y ← y + h·ψ(y) with the fixed step h = Slot.STEP, the last step before each output time
// shortened so that the output time is hit exactly (the paper's code uses the same fixed-step scheme).

function eulerRun(maxSteps: i32): i32 {
  const n = <i32>slot(Slot.N);
  const y = slotPtr(Slot.Y_PTR);
  const f = scratch(0, n);
  const h = slot(Slot.STEP);
  let t = slot(Slot.T);
  for (let step = 0; step < maxSteps && outputsLeft(); step++) {
    const tOut = nextOutputTime();
    const remaining = tOut - t;
    const last = remaining <= h * (1 + 1e-9);
    const hh = last ? remaining : h;
    rhs(y, f);
    for (let i = 0; i < n; i++) store<f64>(at(y, i), load<f64>(at(y, i)) + hh * load<f64>(at(f, i)));
    if (blownUp(y, n)) {
      setSlot(Slot.T, t);
      return Status.DIVERGED;
    }
    t = last ? tOut : t + hh;
    setSlot(Slot.NSTEPS, slot(Slot.NSTEPS) + 1);
    while (outputsLeft() && nextOutputTime() <= t) writeOutput(y, n);
  }
  setSlot(Slot.T, t);
  return outputsLeft() ? Status.RUNNING : Status.OK;
}

// ---------------------------------------------------------------------------------------------------------
// Dormand–Prince 5(4) (HNW I, Table 5.2), FSAL, error control on the 5th-order solution with the embedded
// 4th-order one, steps shortened to hit the output times exactly.

const C2: f64 = 1.0 / 5.0, C3: f64 = 3.0 / 10.0, C4: f64 = 4.0 / 5.0, C5: f64 = 8.0 / 9.0;
const A21: f64 = 1.0 / 5.0;
const A31: f64 = 3.0 / 40.0, A32: f64 = 9.0 / 40.0;
const A41: f64 = 44.0 / 45.0, A42: f64 = -56.0 / 15.0, A43: f64 = 32.0 / 9.0;
const A51: f64 = 19372.0 / 6561.0, A52: f64 = -25360.0 / 2187.0, A53: f64 = 64448.0 / 6561.0, A54: f64 = -212.0 / 729.0;
const A61: f64 = 9017.0 / 3168.0, A62: f64 = -355.0 / 33.0, A63: f64 = 46732.0 / 5247.0, A64: f64 = 49.0 / 176.0, A65: f64 = -5103.0 / 18656.0;
const B1: f64 = 35.0 / 384.0, B3: f64 = 500.0 / 1113.0, B4: f64 = 125.0 / 192.0, B5: f64 = -2187.0 / 6784.0, B6: f64 = 11.0 / 84.0;
/** b − b̂ (5th minus embedded 4th order weights) */
const E1: f64 = 71.0 / 57600.0, E3: f64 = -71.0 / 16695.0, E4: f64 = 71.0 / 1920.0, E5: f64 = -17253.0 / 339200.0, E6: f64 = 22.0 / 525.0, E7: f64 = -1.0 / 40.0;

/** yStage = y + h·Σ coef_i k_i over the given stages (unused coefficients 0). */
function stage(y: usize, out: usize, n: i32, h: f64, c1: f64, c2: f64, c3: f64, c4: f64, c5: f64, c6: f64): void {
  const k1 = scratch(0, n), k2 = scratch(1, n), k3 = scratch(2, n), k4 = scratch(3, n), k5 = scratch(4, n), k6 = scratch(5, n);
  for (let i = 0; i < n; i++) {
    const sum =
      c1 * load<f64>(at(k1, i)) + c2 * load<f64>(at(k2, i)) + c3 * load<f64>(at(k3, i)) +
      c4 * load<f64>(at(k4, i)) + c5 * load<f64>(at(k5, i)) + c6 * load<f64>(at(k6, i));
    store<f64>(at(out, i), load<f64>(at(y, i)) + h * sum);
  }
}

function dopriRun(maxSteps: i32): i32 {
  const n = <i32>slot(Slot.N);
  const y = slotPtr(Slot.Y_PTR);
  const rtol = slot(Slot.RTOL);
  const atol = slot(Slot.ATOL);
  const k1 = scratch(0, n), k2 = scratch(1, n), k3 = scratch(2, n), k4 = scratch(3, n);
  const k5 = scratch(4, n), k6 = scratch(5, n), k7 = scratch(6, n);
  const yStage = scratch(7, n), yNew = scratch(8, n), err = scratch(9, n), scale = scratch(10, n);
  let t = slot(Slot.T);
  let h = slot(Slot.STEP);
  let rejected = slot(Slot.LAST_REJECTED) != 0;
  for (let step = 0; step < maxSteps && outputsLeft(); step++) {
    const tOut = nextOutputTime();
    const clipped = t + h >= tOut;
    const hh = clipped ? tOut - t : h;
    // (a NaN step, from a non-finite ψ, fails here too: no attempt loop may run forever)
    if (!(hh >= minStep(t))) {
      setSlot(Slot.T, t);
      return Status.STEP_TOO_SMALL;
    }
    stage(y, yStage, n, hh, A21, 0, 0, 0, 0, 0);
    rhs(yStage, k2);
    stage(y, yStage, n, hh, A31, A32, 0, 0, 0, 0);
    rhs(yStage, k3);
    stage(y, yStage, n, hh, A41, A42, A43, 0, 0, 0);
    rhs(yStage, k4);
    stage(y, yStage, n, hh, A51, A52, A53, A54, 0, 0);
    rhs(yStage, k5);
    stage(y, yStage, n, hh, A61, A62, A63, A64, A65, 0);
    rhs(yStage, k6);
    stage(y, yNew, n, hh, B1, 0, B3, B4, B5, B6);
    rhs(yNew, k7);
    for (let i = 0; i < n; i++) {
      const e =
        E1 * load<f64>(at(k1, i)) + E3 * load<f64>(at(k3, i)) + E4 * load<f64>(at(k4, i)) +
        E5 * load<f64>(at(k5, i)) + E6 * load<f64>(at(k6, i)) + E7 * load<f64>(at(k7, i));
      store<f64>(at(err, i), hh * e);
      store<f64>(at(scale, i), atol + rtol * Math.max(Math.abs(load<f64>(at(y, i))), Math.abs(load<f64>(at(yNew, i)))));
    }
    const errNorm = rmsNorm(err, scale, n);
    if (errNorm <= 1) {
      if (blownUp(yNew, n)) {
        setSlot(Slot.T, t);
        return Status.DIVERGED;
      }
      memory.copy(y, yNew, (<usize>n) << 3);
      memory.copy(k1, k7, (<usize>n) << 3);
      t = clipped ? tOut : t + hh;
      setSlot(Slot.NSTEPS, slot(Slot.NSTEPS) + 1);
      const grow = errNorm == 0 ? 10.0 : Math.min(rejected ? 1.0 : 10.0, Math.max(0.2, 0.9 * Math.pow(errNorm, -0.2)));
      if (!clipped) h = hh * grow;
      else h = Math.max(h, hh * grow);
      rejected = false;
      while (outputsLeft() && nextOutputTime() <= t) writeOutput(y, n);
    } else {
      // a NaN error norm (non-finite stage) also lands here: the step shrinks until it underflows
      h = hh * (isNaN(errNorm) ? 0.2 : Math.max(0.2, 0.9 * Math.pow(errNorm, -0.2)));
      rejected = true;
      setSlot(Slot.NREJECT, slot(Slot.NREJECT) + 1);
    }
  }
  setSlot(Slot.T, t);
  setSlot(Slot.STEP, h);
  setSlot(Slot.LAST_REJECTED, rejected ? 1 : 0);
  return outputsLeft() ? Status.RUNNING : Status.OK;
}

// ---------------------------------------------------------------------------------------------------------
// BDF/NDF of orders 1–5 in backward differences D (Shampine & Reichelt 1997; SciPy's `BDF`): predictor
// Σ_{i≤q} D_i, corrector by simplified Newton with the LU of I − c·J (c = h/α_q), J by forward differences and
// kept until Newton fails to converge, error ∝ D_{q+1}, order and step chosen from the errors at q−1, q, q+1
// after q+1 steps of equal size, outputs from the interpolating polynomial (dense output).

const NEWTON_MAXITER = 4;
const MIN_FACTOR: f64 = 0.2;
const MAX_FACTOR: f64 = 10.0;
/** NDF coefficients κ_q (Shampine & Reichelt 1997, Table 1) */
const KAPPA: usize = memory.data<f64>([0.0, -0.185, -0.1111111111111111, -0.0823, -0.0415, 0.0]);
/** 6×6 work matrices of changeD */
const R_WORK: usize = memory.data(6 * 6 * 8 * 2, 16);

/** γ_q = Σ_{j=1..q} 1/j */
function bdfGamma(q: i32): f64 {
  let g: f64 = 0;
  for (let j = 1; j <= q; j++) g += 1.0 / <f64>j;
  return g;
}

/** α_q = (1 − κ_q) γ_q */
@inline function bdfAlpha(q: i32): f64 {
  return (1.0 - load<f64>(at(KAPPA, q))) * bdfGamma(q);
}

/** error constant κ_q γ_q + 1/(q + 1) */
@inline function bdfErrorConst(q: i32): f64 {
  return load<f64>(at(KAPPA, q)) * bdfGamma(q) + 1.0 / <f64>(q + 1);
}

/** Row i of the difference array. */
@inline function diffRow(i: i32, n: i32): usize {
  return slotPtr(Slot.BDF_D_PTR) + ((<usize>(i * n)) << 3);
}

/** R(q, factor)[i][j] = Π_{m=1..i} (m − 1 − factor·j)/m (R[0][j] = 1, R[i][0] = 0 for i ≥ 1), into out (6×6). */
function computeR(q: i32, factor: f64, out: usize): void {
  for (let j = 0; j <= q; j++) store<f64>(at(out, j), 1.0);
  for (let i = 1; i <= q; i++) {
    for (let j = 0; j <= q; j++) {
      const m = j == 0 ? 0.0 : (<f64>(i - 1) - factor * <f64>j) / <f64>i;
      store<f64>(at(out, i * 6 + j), load<f64>(at(out, (i - 1) * 6 + j)) * m);
    }
  }
}

/** Rescales the differences D_0..D_q to a step size multiplied by `factor`: D ← (R(factor)·R(1))ᵀ D. */
function changeD(q: i32, factor: f64, n: i32): void {
  const R = R_WORK;
  const U = R_WORK + 6 * 6 * 8;
  computeR(q, factor, R);
  computeR(q, 1.0, U);
  // RU = R·U, kept in R (row by row, with a small temporary)
  for (let i = 0; i <= q; i++) {
    let row0: f64 = 0, row1: f64 = 0, row2: f64 = 0, row3: f64 = 0, row4: f64 = 0, row5: f64 = 0;
    for (let m = 0; m <= q; m++) {
      const rim = load<f64>(at(R, i * 6 + m));
      row0 += rim * load<f64>(at(U, m * 6));
      row1 += rim * load<f64>(at(U, m * 6 + 1));
      row2 += rim * load<f64>(at(U, m * 6 + 2));
      row3 += rim * load<f64>(at(U, m * 6 + 3));
      row4 += rim * load<f64>(at(U, m * 6 + 4));
      row5 += rim * load<f64>(at(U, m * 6 + 5));
    }
    store<f64>(at(R, i * 6), row0);
    store<f64>(at(R, i * 6 + 1), row1);
    store<f64>(at(R, i * 6 + 2), row2);
    store<f64>(at(R, i * 6 + 3), row3);
    store<f64>(at(R, i * 6 + 4), row4);
    store<f64>(at(R, i * 6 + 5), row5);
  }
  const old = U; // U is free again: old values of one component
  for (let e = 0; e < n; e++) {
    for (let m = 0; m <= q; m++) store<f64>(at(old, m), load<f64>(at(diffRow(m, n), e)));
    for (let i = 0; i <= q; i++) {
      let v: f64 = 0;
      for (let m = 0; m <= q; m++) v += load<f64>(at(R, m * 6 + i)) * load<f64>(at(old, m));
      store<f64>(at(diffRow(i, n), e), v);
    }
  }
}

/** J = ∂ψ/∂y at y by forward differences (column i: step 1.49e-8·max(|y_i|, 1)); n + 1 ψ evaluations. */
function jacobian(y: usize, n: i32): void {
  const J = slotPtr(Slot.JAC_PTR);
  const f0 = scratch(7, n);
  const yp = scratch(8, n);
  const fp = scratch(9, n);
  rhs(y, f0);
  memory.copy(yp, y, (<usize>n) << 3);
  for (let i = 0; i < n; i++) {
    const yi = load<f64>(at(y, i));
    const delta = 1.4901161193847656e-8 * Math.max(Math.abs(yi), 1.0);
    store<f64>(at(yp, i), yi + delta);
    const actual = load<f64>(at(yp, i)) - yi; // the step as represented
    rhs(yp, fp);
    for (let e = 0; e < n; e++) {
      store<f64>(at(J, e * n + i), (load<f64>(at(fp, e)) - load<f64>(at(f0, e))) / actual);
    }
    store<f64>(at(yp, i), yi);
  }
  setSlot(Slot.NJEV, slot(Slot.NJEV) + 1);
  setSlot(Slot.JAC_CURRENT, 1);
}

/** LU (partial pivoting) of I − c·J into LU_PTR and PIVOT_PTR. */
function factorize(c: f64, n: i32): void {
  const J = slotPtr(Slot.JAC_PTR);
  const A = slotPtr(Slot.LU_PTR);
  const piv = slotPtr(Slot.PIVOT_PTR);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) store<f64>(at(A, i * n + j), (i == j ? 1.0 : 0.0) - c * load<f64>(at(J, i * n + j)));
  }
  for (let col = 0; col < n; col++) {
    let best = col;
    let bestAbs = Math.abs(load<f64>(at(A, col * n + col)));
    for (let i = col + 1; i < n; i++) {
      const v = Math.abs(load<f64>(at(A, i * n + col)));
      if (v > bestAbs) {
        bestAbs = v;
        best = i;
      }
    }
    store<f64>(at(piv, col), <f64>best);
    if (best != col) {
      for (let j = 0; j < n; j++) {
        const a = load<f64>(at(A, col * n + j));
        store<f64>(at(A, col * n + j), load<f64>(at(A, best * n + j)));
        store<f64>(at(A, best * n + j), a);
      }
    }
    const pivot = load<f64>(at(A, col * n + col));
    if (pivot == 0) continue; // singular: the solve yields non-finite values and Newton fails
    for (let i = col + 1; i < n; i++) {
      const m = load<f64>(at(A, i * n + col)) / pivot;
      store<f64>(at(A, i * n + col), m);
      if (m != 0) {
        for (let j = col + 1; j < n; j++) {
          store<f64>(at(A, i * n + j), load<f64>(at(A, i * n + j)) - m * load<f64>(at(A, col * n + j)));
        }
      }
    }
  }
  setSlot(Slot.NLU, slot(Slot.NLU) + 1);
  setSlot(Slot.LU_VALID, 1);
  setSlot(Slot.LU_C, c);
}

/** x ← (I − c·J)⁻¹ x with the factors of `factorize`. */
function luSolve(x: usize, n: i32): void {
  const A = slotPtr(Slot.LU_PTR);
  const piv = slotPtr(Slot.PIVOT_PTR);
  for (let i = 0; i < n; i++) {
    const pi = <i32>load<f64>(at(piv, i));
    if (pi != i) {
      const t = load<f64>(at(x, i));
      store<f64>(at(x, i), load<f64>(at(x, pi)));
      store<f64>(at(x, pi), t);
    }
  }
  for (let i = 1; i < n; i++) {
    let v = load<f64>(at(x, i));
    for (let j = 0; j < i; j++) v -= load<f64>(at(A, i * n + j)) * load<f64>(at(x, j));
    store<f64>(at(x, i), v);
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = load<f64>(at(x, i));
    for (let j = i + 1; j < n; j++) v -= load<f64>(at(A, i * n + j)) * load<f64>(at(x, j));
    store<f64>(at(x, i), v / load<f64>(at(A, i * n + i)));
  }
}

function bdfInit(y: usize, n: i32): void {
  const rtol = slot(Slot.RTOL);
  const f0 = scratch(0, n);
  rhs(y, f0);
  const h = initialStep(y, f0, n, 1);
  setSlot(Slot.STEP, h);
  setSlot(Slot.ORDER, 1);
  setSlot(Slot.EQUAL_STEPS, 0);
  // Newton stops at 3% of the error tolerance (CVODE uses 10%). SciPy's min(0.03, √rtol) is 1e-4 at rtol 1e-8:
  // below the rounding noise of c·ψ at the large steps of a converged run, where Newton then never converges.
  setSlot(Slot.NEWTON_TOL, Math.max((10 * EPS) / rtol, 0.03));
  memory.fill(diffRow(0, n), 0, (<usize>((BDF_MAX_ORDER + 3) * n)) << 3);
  memory.copy(diffRow(0, n), y, (<usize>n) << 3);
  const d1 = diffRow(1, n);
  for (let i = 0; i < n; i++) store<f64>(at(d1, i), load<f64>(at(f0, i)) * h);
  jacobian(y, n);
  setSlot(Slot.LU_VALID, 0);
}

/**
 * Simplified Newton for y_new = y_predict + d with (I − c J) Δ = c ψ(y) − ψ_hist − d (SciPy `solve_bdf_system`):
 * at most NEWTON_MAXITER iterations, stopped early when the convergence rate predicts failure. Leaves y in
 * scratch 5 and d in scratch 3; returns the iterations done, negative when it did not converge.
 */
function newton(c: f64, n: i32): i32 {
  const yPredict = scratch(1, n), psi = scratch(2, n), d = scratch(3, n), dy = scratch(4, n);
  const yNew = scratch(5, n), scale = scratch(6, n), f = scratch(0, n);
  const tol = slot(Slot.NEWTON_TOL);
  memory.fill(d, 0, (<usize>n) << 3);
  memory.copy(yNew, yPredict, (<usize>n) << 3);
  let dyNormOld: f64 = -1;
  for (let k = 0; k < NEWTON_MAXITER; k++) {
    rhs(yNew, f);
    if (firstNonFinite(f, n) >= 0) return -(k + 1);
    for (let i = 0; i < n; i++) {
      store<f64>(at(dy, i), c * load<f64>(at(f, i)) - load<f64>(at(psi, i)) - load<f64>(at(d, i)));
    }
    luSolve(dy, n);
    const dyNorm = rmsNorm(dy, scale, n);
    if (!isFinite(dyNorm)) return -(k + 1);
    const rate = dyNormOld < 0 ? -1.0 : dyNorm / dyNormOld;
    // A correction already below the tolerance is accepted whatever the rate (near an equilibrium the
    // corrections are rounding noise of ψ, whose ratio says nothing about convergence).
    const small = dyNorm <= tol;
    if (!small && rate >= 0 && (rate >= 1 || (Math.pow(rate, <f64>(NEWTON_MAXITER - k)) / (1 - rate)) * dyNorm > tol)) return -(k + 1);
    for (let i = 0; i < n; i++) {
      store<f64>(at(yNew, i), load<f64>(at(yNew, i)) + load<f64>(at(dy, i)));
      store<f64>(at(d, i), load<f64>(at(d, i)) + load<f64>(at(dy, i)));
    }
    if (small || (rate >= 0 && (rate / (1 - rate)) * dyNorm < tol)) return k + 1;
    dyNormOld = dyNorm;
  }
  return -NEWTON_MAXITER;
}

/** Writes the interpolated state at every output time in (tOld, t] (dense output of the current polynomial). */
function bdfOutputs(t: f64, h: f64, q: i32, n: i32): void {
  const tmp = scratch(11, n);
  while (outputsLeft() && nextOutputTime() <= t) {
    const tOut = nextOutputTime();
    memory.copy(tmp, diffRow(0, n), (<usize>n) << 3);
    let prod: f64 = 1;
    for (let j = 1; j <= q; j++) {
      prod *= (tOut - (t - h * <f64>(j - 1))) / (h * <f64>j);
      const dj = diffRow(j, n);
      for (let i = 0; i < n; i++) store<f64>(at(tmp, i), load<f64>(at(tmp, i)) + load<f64>(at(dj, i)) * prod);
    }
    writeOutput(tmp, n);
  }
}

function bdfRun(maxSteps: i32): i32 {
  const n = <i32>slot(Slot.N);
  const y = slotPtr(Slot.Y_PTR);
  const rtol = slot(Slot.RTOL);
  const atol = slot(Slot.ATOL);
  const tEnd = load<f64>(at(slotPtr(Slot.TOUT_PTR), <i32>slot(Slot.OUT_COUNT) - 1));
  const yPredict = scratch(1, n), psi = scratch(2, n), d = scratch(3, n);
  const yNew = scratch(5, n), scale = scratch(6, n), err = scratch(4, n);
  let t = slot(Slot.T);
  let hAbs = slot(Slot.STEP);
  let q = <i32>slot(Slot.ORDER);
  let attempts = 0;
  while (outputsLeft() && attempts < maxSteps) {
    const hMin = minStep(t);
    if (!(hAbs >= hMin) && !(hAbs < hMin)) {
      // a NaN step (a non-finite ψ): no step can be taken
      setSlot(Slot.T, t);
      setSlot(Slot.STEP, hAbs);
      return Status.STEP_TOO_SMALL;
    }
    if (hAbs < hMin) {
      changeD(q, hMin / hAbs, n);
      hAbs = hMin;
      setSlot(Slot.EQUAL_STEPS, 0);
    }
    setSlot(Slot.JAC_CURRENT, 0);
    let accepted = false;
    let iterations = 0;
    let tNew = t;
    let errorNorm: f64 = 0;
    while (!accepted) {
      if (attempts++ >= maxSteps) break;
      if (!(hAbs >= hMin)) {
        setSlot(Slot.T, t);
        setSlot(Slot.STEP, hAbs);
        return Status.STEP_TOO_SMALL;
      }
      tNew = t + hAbs;
      if (tNew > tEnd) {
        tNew = tEnd;
        changeD(q, (tNew - t) / hAbs, n);
        setSlot(Slot.EQUAL_STEPS, 0);
        setSlot(Slot.LU_VALID, 0);
      }
      hAbs = tNew - t;
      const alphaQ = bdfAlpha(q);
      for (let i = 0; i < n; i++) {
        let v: f64 = 0;
        let w: f64 = 0;
        for (let j = 0; j <= q; j++) v += load<f64>(at(diffRow(j, n), i));
        for (let j = 1; j <= q; j++) w += bdfGamma(j) * load<f64>(at(diffRow(j, n), i));
        store<f64>(at(yPredict, i), v);
        store<f64>(at(psi, i), w / alphaQ);
        store<f64>(at(scale, i), atol + rtol * Math.abs(v));
      }
      const c = hAbs / alphaQ;
      let converged = false;
      while (true) {
        if (slot(Slot.LU_VALID) == 0) factorize(c, n);
        iterations = newton(c, n);
        if (iterations > 0) {
          converged = true;
          break;
        }
        if (slot(Slot.JAC_CURRENT) != 0) break;
        jacobian(yPredict, n);
        setSlot(Slot.LU_VALID, 0);
      }
      if (!converged) {
        hAbs *= 0.5;
        changeD(q, 0.5, n);
        setSlot(Slot.EQUAL_STEPS, 0);
        setSlot(Slot.LU_VALID, 0);
        setSlot(Slot.NREJECT, slot(Slot.NREJECT) + 1);
        continue;
      }
      const safety = (0.9 * <f64>(2 * NEWTON_MAXITER + 1)) / <f64>(2 * NEWTON_MAXITER + iterations);
      const ec = bdfErrorConst(q);
      for (let i = 0; i < n; i++) {
        store<f64>(at(scale, i), atol + rtol * Math.abs(load<f64>(at(yNew, i))));
        store<f64>(at(err, i), ec * load<f64>(at(d, i)));
      }
      errorNorm = rmsNorm(err, scale, n);
      if (errorNorm > 1) {
        const factor = Math.max(MIN_FACTOR, safety * Math.pow(errorNorm, -1.0 / <f64>(q + 1)));
        hAbs *= factor;
        changeD(q, factor, n);
        setSlot(Slot.EQUAL_STEPS, 0);
        setSlot(Slot.NREJECT, slot(Slot.NREJECT) + 1);
      } else {
        accepted = true;
        if (blownUp(yNew, n)) {
          setSlot(Slot.T, t);
          return Status.DIVERGED;
        }
        // differences of the new polynomial: D_{q+2} = d − D_{q+1}, D_{q+1} = d, D_i += D_{i+1} (i = q..0)
        const dq1 = diffRow(q + 1, n), dq2 = diffRow(q + 2, n);
        for (let i = 0; i < n; i++) {
          const di = load<f64>(at(d, i));
          store<f64>(at(dq2, i), di - load<f64>(at(dq1, i)));
          store<f64>(at(dq1, i), di);
        }
        for (let j = q; j >= 0; j--) {
          const dj = diffRow(j, n), dj1 = diffRow(j + 1, n);
          for (let i = 0; i < n; i++) store<f64>(at(dj, i), load<f64>(at(dj, i)) + load<f64>(at(dj1, i)));
        }
        memory.copy(y, yNew, (<usize>n) << 3);
        t = tNew;
        setSlot(Slot.NSTEPS, slot(Slot.NSTEPS) + 1);
        const equal = slot(Slot.EQUAL_STEPS) + 1;
        setSlot(Slot.EQUAL_STEPS, equal);
        if (equal >= <f64>(q + 1)) {
          // order and step from the error estimates at orders q − 1, q, q + 1
          let em: f64 = Infinity;
          let ep: f64 = Infinity;
          if (q > 1) {
            const c1 = bdfErrorConst(q - 1);
            const dq = diffRow(q, n);
            for (let i = 0; i < n; i++) store<f64>(at(err, i), c1 * load<f64>(at(dq, i)));
            em = rmsNorm(err, scale, n);
          }
          if (q < BDF_MAX_ORDER) {
            const c1 = bdfErrorConst(q + 1);
            for (let i = 0; i < n; i++) store<f64>(at(err, i), c1 * load<f64>(at(dq2, i)));
            ep = rmsNorm(err, scale, n);
          }
          const fm = Math.pow(em, -1.0 / <f64>q);
          const f0 = Math.pow(errorNorm, -1.0 / <f64>(q + 1));
          const fp = Math.pow(ep, -1.0 / <f64>(q + 2));
          let best = f0;
          let delta = 0;
          if (fm > best) {
            best = fm;
            delta = -1;
          }
          if (fp > best) {
            best = fp;
            delta = 1;
          }
          q += delta;
          const factor = Math.min(MAX_FACTOR, safety * best);
          hAbs *= factor;
          changeD(q, factor, n);
          setSlot(Slot.EQUAL_STEPS, 0);
          setSlot(Slot.LU_VALID, 0);
        }
        bdfOutputs(t, hAbs, q, n);
      }
    }
  }
  setSlot(Slot.T, t);
  setSlot(Slot.STEP, hAbs);
  setSlot(Slot.ORDER, <f64>q);
  return outputsLeft() ? Status.RUNNING : Status.OK;
}
