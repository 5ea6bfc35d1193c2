// see: theory.md §7 and chain.ts — two seeds of the exact reduced chain at once, one per f64x2 lane (the SIMD
// build only): each lane does exactly what chainRun (B = 1) does for its seed, the same operations in the same
// order on the same draws from its own stream, so each seed's Ω is bit for bit the one of a one-seed run; the
// Cholesky's serial chain of pivots (√ → 1/· → diagonal update), the fields, σ and the update are shared by both.
// d input dimension, p student and k teacher hidden units, r = p + k, γ the learning rate.
import { PairSlot, Slot, Status } from "../src/shared/layout";
import { slot, slotPtr, setSlot } from "./header";
import { rngLoadAt, rngSaveAt, normal, fillNormals, chiSquare } from "./rng";
import { activationPair, activationPrimePair } from "./activation";
import { PIVOT_TOLERANCE } from "./chain";

/** Byte address of double i of a region. */
@inline function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 3);
}

/** Byte address of pair i (lane 0 at +0, lane 1 at +8) of a two-lane region. */
@inline function at2(base: usize, i: i32): usize {
  return base + ((<usize>i) << 4);
}

/**
 * L_aj = v/L_jj and the diagonal's update, in each lane that kept its pivot; the zero column's value elsewhere.
 * Returns the updated diagonal pair.
 */
@inline function lower2(col: usize, D2: usize, a: i32, v: v128, inv: v128, fill: v128, kept: v128, both: bool): v128 {
  let l = f64x2.mul(v, inv);
  const d = v128.load(at2(D2, a));
  let dn = f64x2.sub(d, f64x2.mul(l, l));
  if (!both) {
    l = v128.bitselect(l, fill, kept);
    dn = v128.bitselect(dn, d, kept);
  }
  v128.store(at2(col, a), l);
  v128.store(at2(D2, a), dn);
  return dn;
}

/**
 * chain.ts choleskySemidefinite on two matrices at once: Ω2 and L2 hold pairs (r×r, L2 column by column), D2 (r
 * pairs) is the diagonal scratch. Each lane has its own tolerance, pivots and zero columns (a lane whose pivot is
 * ≤ its tolerance gets a zero column — NaN for a NaN pivot — and keeps its diagonal, as there); the sums run over
 * m = 0, 1, … in the order of the one-seed code, so each lane's factor is bit for bit chain.ts's. Returns the
 * two ranks as an f64x2.
 */
function cholesky2(O2: usize, L2: usize, D2: usize, r: i32): v128 {
  let scale = f64x2.splat(0);
  for (let a = 0; a < r; a++) {
    const v = v128.load(at2(O2, a * r + a));
    v128.store(at2(D2, a), v);
    scale = f64x2.max(scale, f64x2.abs(v));
  }
  const tol = f64x2.mul(f64x2.splat(PIVOT_TOLERANCE), scale);
  const one = f64x2.splat(1.0);
  let rank = f64x2.splat(0);
  // the next pivots, kept in a register (chain.ts choleskySemidefinite: the serial chain of pivots)
  let next = v128.load(D2);
  for (let j = 0; j < r; j++) {
    const col = L2 + ((<usize>(j * r)) << 4);
    const pivot = next;
    const kept = f64x2.gt(pivot, tol); // all ones in a lane with a nonzero pivot (NaN: not kept)
    // a lane's zero column: 0, or NaN for a NaN pivot
    const fill = v128.and(pivot, f64x2.ne(pivot, pivot));
    const ljj = v128.bitselect(f64x2.sqrt(pivot), fill, kept);
    v128.store(at2(col, j), ljj);
    rank = f64x2.add(rank, v128.and(one, kept));
    const inv = f64x2.div(one, ljj);
    const both = i64x2.all_true(kept);
    const rowj = O2 + ((<usize>(j * r)) << 4);
    const stride = (<usize>r) << 4;
    const lj = L2 + ((<usize>j) << 4);
    let a = j + 1;
    // two rows a, a + 1 per turn: two independent sums (the one-seed order within each)
    for (; a + 2 <= r; a += 2) {
      let v0 = v128.load(at2(rowj, a));
      let v1 = v128.load(at2(rowj, a + 1));
      let pa = L2 + ((<usize>a) << 4), pj = lj;
      for (let m = 0; m < j; m++) {
        const ljm = v128.load(pj);
        v0 = f64x2.sub(v0, f64x2.mul(v128.load(pa), ljm));
        v1 = f64x2.sub(v1, f64x2.mul(v128.load(pa, 16), ljm));
        pa += stride;
        pj += stride;
      }
      const updated = lower2(col, D2, a, v0, inv, fill, kept, both);
      if (a == j + 1) next = updated;
      lower2(col, D2, a + 1, v1, inv, fill, kept, both);
    }
    if (a < r) {
      let v = v128.load(at2(rowj, a));
      let pa = L2 + ((<usize>a) << 4), pj = lj;
      for (let m = 0; m < j; m++) {
        v = f64x2.sub(v, f64x2.mul(v128.load(pa), v128.load(pj)));
        pa += stride;
        pj += stride;
      }
      const updated = lower2(col, D2, a, v, inv, fill, kept, both);
      if (a == j + 1) next = updated;
    }
  }
  return rank;
}

/**
 * Both lanes' nonlinear part of a step (chainRun's loop body for b = 0, each lane with its own fields U2, second
 * layer A2 and ζ): the errors e, returned as a pair, g_j = e a_j σ'(λ_j) into G2 and σ(λ_j) into S2 when the
 * second layer is trained — each lane's expressions in chainRun's order, so its bits; σ and σ' of both lanes at
 * once (activationPair, activationPrimePair).
 */
@inline function pairError(U2: usize, A2: usize, G2: usize, S2: usize, Astar: usize, p: i32, k: i32, actS: i32, actT: i32, trainA: bool, zeta: v128, sqrtNoise: f64, invP: f64, invK: f64): v128 {
  let teacher = f64x2.splat(0);
  for (let t = 0; t < k; t++) teacher = f64x2.add(teacher, f64x2.mul(f64x2.splat(load<f64>(at(Astar, t))), activationPair(actT, v128.load(at2(U2, p + t)))));
  let student = f64x2.splat(0);
  for (let j = 0; j < p; j++) {
    const s = activationPair(actS, v128.load(at2(U2, j)));
    if (trainA) v128.store(at2(S2, j), s);
    student = f64x2.add(student, f64x2.mul(v128.load(at2(A2, j)), s));
  }
  const e = f64x2.sub(f64x2.add(f64x2.mul(teacher, f64x2.splat(invK)), f64x2.mul(f64x2.splat(sqrtNoise), zeta)), f64x2.mul(student, f64x2.splat(invP)));
  for (let j = 0; j < p; j++) v128.store(at2(G2, j), f64x2.mul(f64x2.mul(e, v128.load(at2(A2, j))), activationPrimePair(actS, v128.load(at2(U2, j)))));
  return e;
}

/** Lane `lane` of n pairs at `pairs` ↔ n doubles at `one` (toPairs: one → pairs). */
function copyLane(one: usize, pairs: usize, lane: usize, n: i32, toPairs: bool): void {
  const q = pairs + (lane << 3);
  for (let i = 0; i < n; i++) {
    if (toPairs) store<f64>(at2(q, i), load<f64>(at(one, i)));
    else store<f64>(at(one, i), load<f64>(at2(q, i)));
  }
}

/**
 * Runs `steps` steps of the reduced chain (theory.md §7, chain.ts chainRun with B = 1: weight decay, trained
 * second layers and every activation included) on two seeds at once: the first seed's Ω, generator, a and
 * counters in the regions of the header (Slot.OMEGA_PTR, RNG_PTR, A_PTR, SAMPLES, STATUS, RANK), the second's in
 * its region at Slot.PAIR_PTR (`PairSlot`). Per step: both factorisations in the lanes; each seed's z_1..z_r, ζ
 * and χ²_{d−ρ} from its own stream (the one-seed order); the fields in the lanes; each lane's error (scalar: the
 * activations); the updates of Q, M in the lanes. A seed whose field or error is not finite keeps its Ω and a
 * (its Status DIVERGED, its samples those before that step) while the other completes the step; a seed whose Ω
 * diagonal is not finite at the start of a step diverges there, before any draw, and the other stops before that
 * step too. The call then returns DIVERGED and the TS layer goes on with the other seed alone (chainRun).
 * Otherwise returns OK.
 */
export function chainRunPair(steps: i32): i32 {
  if (!ASC_FEATURE_SIMD) {
    assert(false, "chainRunPair: SIMD build only");
    return Status.DIVERGED;
  }
  const d = slot(Slot.D);
  const p = <i32>slot(Slot.P);
  const k = <i32>slot(Slot.K);
  const r = p + k;
  assert(max<i32>(1, <i32>slot(Slot.BATCH)) == 1, "chainRunPair: B = 1 only");
  const pair = slotPtr(Slot.PAIR_PTR);
  assert(pair != 0, "chainRunPair: no second seed in the layout");
  const omegaA = slotPtr(Slot.OMEGA_PTR);
  const omegaB = at(pair, PairSlot.OMEGA);
  const aA = slotPtr(Slot.A_PTR);
  const aB = at(pair, PairSlot.OMEGA + r * r);
  const rngA = slotPtr(Slot.RNG_PTR);
  const rngB = at(pair, PairSlot.RNG);
  const Astar = slotPtr(Slot.ASTAR_PTR);
  // the two-lane work space (src/engine/memory.ts pairDoubles, pairWorkStart)
  const end = PairSlot.OMEGA + r * r + p;
  const O2 = at(pair, end + (end & 1));
  const L2 = O2 + ((<usize>(r * r)) << 4);
  const D2 = L2 + ((<usize>(r * r)) << 4);
  const U2 = D2 + ((<usize>r) << 4);
  const Z2 = U2 + ((<usize>r) << 4);
  const ZS = Z2 + ((<usize>r) << 4);
  const G2 = ZS + ((<usize>r) << 4);
  const A2 = G2 + ((<usize>p) << 4);
  const S2 = A2 + ((<usize>p) << 4);
  const gammaA = slot(Slot.GAMMA_A);
  const trainA = gammaA != 0;
  const actS = <i32>slot(Slot.ACT_STUDENT);
  const actT = <i32>slot(Slot.ACT_TEACHER);
  const gamma = slot(Slot.GAMMA);
  const decay = 1.0 - (gamma * slot(Slot.WEIGHT_DECAY)) / (<f64>p * d);
  // chain.ts's prefactors with B = 1 (its divisions by B, B² and products by B are exact, so left out)
  const linear = decay * (gamma / (<f64>p * d));
  const quadratic = (gamma * gamma) / (<f64>p * <f64>p * d);
  const decay2 = decay * decay;
  const rateA = (gammaA * gamma) / d / <f64>p;
  const sqrtNoise = Math.sqrt(slot(Slot.NOISE));
  const invP = 1.0 / <f64>p;
  const invK = 1.0 / <f64>k;
  copyLane(omegaA, O2, 0, r * r, true);
  copyLane(omegaB, O2, 1, r * r, true);
  copyLane(aA, A2, 0, p, true);
  copyLane(aB, A2, 1, p, true);
  let done = 0;
  let doneB = 0;
  let statusA = Status.OK;
  let statusB = Status.OK;
  let rank = f64x2.splat(0);
  const vlinear = f64x2.splat(linear), vquadratic = f64x2.splat(quadratic), vdecay = f64x2.splat(decay), vdecay2 = f64x2.splat(decay2);
  for (; done < steps; done++) {
    // chain.ts: a seed whose Ω diagonal overflowed (∞ or NaN) diverges before the step's draws; the pair stops
    // before the step for both (the other goes on alone, in chainRun)
    let scale = f64x2.splat(0);
    for (let a = 0; a < r; a++) scale = f64x2.max(scale, f64x2.abs(v128.load(at2(O2, a * r + a))));
    const finiteA = isFinite(f64x2.extract_lane(scale, 0)), finiteB = isFinite(f64x2.extract_lane(scale, 1));
    if (!finiteA || !finiteB) {
      if (!finiteA) statusA = Status.DIVERGED;
      if (!finiteB) statusB = Status.DIVERGED;
      doneB = done;
      break;
    }
    rank = cholesky2(O2, L2, D2, r);
    // each seed's draws, in the one-seed order: z_1..z_r, ζ, then χ²_{d−ρ}
    rngLoadAt(rngA);
    fillNormals(ZS, r);
    const zetaA = normal();
    const freeA = d - f64x2.extract_lane(rank, 0);
    const chiA = freeA > 0 ? chiSquare(freeA) : 0.0;
    rngSaveAt(rngA);
    rngLoadAt(rngB);
    fillNormals(at(ZS, r), r);
    const zetaB = normal();
    const freeB = d - f64x2.extract_lane(rank, 1);
    const chiB = freeB > 0 ? chiSquare(freeB) : 0.0;
    rngSaveAt(rngB);
    for (let a = 0; a < r; a++) v128.store(at2(Z2, a), f64x2.replace_lane(f64x2.splat(load<f64>(at(ZS, a))), 1, load<f64>(at(ZS, r + a))));
    // the fields u = L z (chain.ts fieldsOf: u_a = Σ_{m ≤ a} L_am z_m from 0, m in order; here summed in registers,
    // two a per turn), their sum, and z·z over the kept components (the L_aa > 0)
    let zz = f64x2.splat(0);
    const stride = (<usize>r) << 4;
    let a = 0;
    for (; a + 2 <= r; a += 2) {
      let u0 = f64x2.splat(0), u1 = f64x2.splat(0);
      let pl = L2 + ((<usize>a) << 4), pz = Z2;
      for (let m = 0; m <= a; m++) {
        const zm = v128.load(pz);
        u0 = f64x2.add(u0, f64x2.mul(v128.load(pl), zm));
        u1 = f64x2.add(u1, f64x2.mul(v128.load(pl, 16), zm));
        pl += stride;
        pz += 16;
      }
      // u_{a+1}'s last term, m = a + 1
      u1 = f64x2.add(u1, f64x2.mul(v128.load(pl, 16), v128.load(pz)));
      v128.store(at2(U2, a), u0);
      v128.store(at2(U2, a + 1), u1);
    }
    if (a < r) {
      let u0 = f64x2.splat(0);
      let pl = L2 + ((<usize>a) << 4), pz = Z2;
      for (let m = 0; m <= a; m++) {
        u0 = f64x2.add(u0, f64x2.mul(v128.load(pl), v128.load(pz)));
        pl += stride;
        pz += 16;
      }
      v128.store(at2(U2, a), u0);
    }
    let fieldSum = f64x2.splat(0);
    for (let a = 0; a < r; a++) {
      fieldSum = f64x2.add(fieldSum, v128.load(at2(U2, a)));
      const kept = f64x2.gt(v128.load(at2(L2, a * r + a)), f64x2.splat(0));
      const za = v128.load(at2(Z2, a));
      zz = v128.bitselect(f64x2.add(zz, f64x2.mul(za, za)), zz, kept);
    }
    const ePair = pairError(U2, A2, G2, S2, Astar, p, k, actS, actT, trainA, f64x2.replace_lane(f64x2.splat(zetaA), 1, zetaB), sqrtNoise, invP, invK);
    const eA = f64x2.extract_lane(ePair, 0), eB = f64x2.extract_lane(ePair, 1);
    const okA = isFinite(isFinite(eA) ? f64x2.extract_lane(fieldSum, 0) : eA);
    const okB = isFinite(isFinite(eB) ? f64x2.extract_lane(fieldSum, 1) : eB);
    // X = x·x/d = (z·z over the kept components + χ²)/d
    const X = f64x2.div(f64x2.add(zz, f64x2.replace_lane(f64x2.splat(chiA), 1, chiB)), f64x2.splat(d));
    // a lane that diverged keeps its Ω and a
    const keep = i64x2.replace_lane(i64x2.splat(okA ? -1 : 0), 1, okB ? -1 : 0);
    if (trainA) {
      // sgd.ts secondLayerStep with B = 1: a_j += rate·(0 + e σ(λ_j))
      const vrate = f64x2.splat(rateA);
      for (let j = 0; j < p; j++) {
        const old = v128.load(at2(A2, j));
        const g = f64x2.add(f64x2.splat(0), f64x2.mul(ePair, v128.load(at2(S2, j))));
        v128.store(at2(A2, j), v128.bitselect(f64x2.add(old, f64x2.mul(vrate, g)), old, keep));
      }
    }
    // chain.ts's B = 1 update, each lane with its own g, λ and X
    for (let j = 0; j < p; j++) {
      const gj = v128.load(at2(G2, j));
      const lj = v128.load(at2(U2, j));
      const row = O2 + ((<usize>(j * r)) << 4);
      const vqg = f64x2.mul(vquadratic, gj);
      for (let l = j; l < p; l++) {
        const gl = v128.load(at2(G2, l));
        const dq = f64x2.add(
          f64x2.mul(vlinear, f64x2.add(f64x2.mul(gj, v128.load(at2(U2, l))), f64x2.mul(gl, lj))),
          f64x2.mul(f64x2.mul(vqg, gl), X),
        );
        const q = at2(row, l);
        const old = v128.load(q);
        v128.store(q, v128.bitselect(f64x2.add(f64x2.mul(vdecay2, old), dq), old, keep));
      }
      const vlg = f64x2.mul(vlinear, gj);
      for (let t = 0; t < k; t++) {
        const m = at2(row, p + t);
        const old = v128.load(m);
        v128.store(m, v128.bitselect(f64x2.add(f64x2.mul(vdecay, old), f64x2.mul(vlg, v128.load(at2(U2, p + t)))), old, keep));
      }
    }
    if (!okA || !okB) {
      if (!okA) statusA = Status.DIVERGED;
      if (!okB) statusB = Status.DIVERGED;
      doneB = done + (okB ? 1 : 0);
      if (okA) done++;
      break;
    }
    doneB = done + 1;
  }
  copyLane(omegaA, O2, 0, r * r, false);
  copyLane(omegaB, O2, 1, r * r, false);
  copyLane(aA, A2, 0, p, false);
  copyLane(aB, A2, 1, p, false);
  setSlot(Slot.RANK, f64x2.extract_lane(rank, 0));
  setSlot(Slot.SAMPLES, slot(Slot.SAMPLES) + <f64>done);
  setSlot(Slot.STATUS, <f64>statusA);
  store<f64>(at(pair, PairSlot.RANK), f64x2.extract_lane(rank, 1));
  store<f64>(at(pair, PairSlot.SAMPLES), load<f64>(at(pair, PairSlot.SAMPLES)) + <f64>doneB);
  store<f64>(at(pair, PairSlot.STATUS), <f64>statusB);
  return statusA != Status.OK || statusB != Status.OK ? Status.DIVERGED : Status.OK;
}
