// see: src/shared/layout.ts — region offsets of the flat buffer, computed once per run.
// A simulation needs the weights (d > 0); an ODE integration needs its state, outputs and work space (ode).
import { BDF_MAX_ORDER, HEADER_SLOTS, PairSlot, SCRATCH_VECTORS, Slot } from "../shared/layout.js";

/** What the buffer must hold. */
export interface Sizes {
  /** "direct": SGD on the weights; "chain": the exact reduced chain on Ω; "ode": an ODE integration
   * (default: "ode" when `outputs` > 0, else "direct") */
  kind?: "direct" | "chain" | "ode";
  /** input dimension (the weights have d columns in "direct"; a parameter only otherwise) */
  d: number;
  p: number;
  k: number;
  /** ODE integration: the number of output times (0: no ODE regions) */
  outputs?: number;
  /** ODE integration: room for the test right-hand side dy = A y + B∘y² (tests of the integrators) */
  testProblem?: boolean;
  /** simulators: the mini-batch size B (default 1): B inputs, fields and coefficient vectors per step */
  batch?: number;
  /** ODE: the state carries the second layer a (p more entries) */
  trainA?: boolean;
  /** ODE: the number of samples of the Monte-Carlo ψ (0: closed forms); lazy training: of its Monte-Carlo risk */
  mcSamples?: number;
  /** direct simulator: lazy training (W0 kept after W*, its fields and the overlaps R = W W0ᵀ/d) */
  lazy?: boolean;
  /** user-given activations: nodes of each table (0: none); room for a students' and a teachers' table */
  tableNodes?: number;
  /** chain with B = 1: room for a second seed run in the other f64x2 lane (src/shared/layout.ts `PairSlot`) */
  pair?: boolean;
}

/** Byte addresses of the regions (16-byte aligned) and the total size. */
export interface Layout {
  d: number;
  p: number;
  k: number;
  /** row stride of the weights in doubles (d rounded up to even) */
  row: number;
  /** dimension of the ODE state, p(p+1)/2 + pk (+ p with a trained second layer) */
  n: number;
  outputs: number;
  header: number;
  rng: number;
  W: number;
  Wstar: number;
  x: number;
  fields: number;
  coef: number;
  Q: number;
  M: number;
  P: number;
  y: number;
  tOut: number;
  yOut: number;
  omega: number;
  driftWork: number;
  scratch: number;
  bdfD: number;
  jac: number;
  lu: number;
  pivot: number;
  test: number;
  chol: number;
  z: number;
  gram: number;
  a: number;
  aStar: number;
  secondWork: number;
  mc: number;
  mcWork: number;
  mcSamples: number;
  /** lazy training: W0 (p rows after W*) and R (p×p); 0 otherwise */
  W0: number;
  R: number;
  lazy: boolean;
  /** the ODE's ψ is the Monte-Carlo one (an ODE layout with samples) */
  psiMc: boolean;
  /** user-given activations: the two tables (σ, σ', σ'' at tableNodes nodes each) */
  tableStudent: number;
  tableTeacher: number;
  tableNodes: number;
  /** mini-batch size B */
  batch: number;
  /** the ODE state ends with a */
  trainA: boolean;
  /** chain: the second seed's region and the two-lane work space (`PairSlot`); 0 without */
  pair: number;
  /** first byte after the buffer */
  end: number;
}

/** Largest buffer a wasm32 memory can hold: 65536 pages of 64 KiB. */
export const MAX_MEMORY_BYTES = 65536 * 65536;

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Dimension of the packed ODE state (Q's upper triangle, then M). */
export function stateSize(p: number, k: number): number {
  return (p * (p + 1)) / 2 + p * k;
}

/** Layout of the buffer for `sizes` with the header at byte address `header`. */
export function layoutOf(sizes: Sizes, header: number): Layout {
  const { d, p, k } = sizes;
  const outputs = sizes.outputs ?? 0;
  const kind = sizes.kind ?? (outputs > 0 ? "ode" : "direct");
  const direct = kind === "direct";
  const chain = kind === "chain";
  const ode = kind === "ode";
  const row = direct ? d + (d % 2) : 0;
  const r = p + k;
  const batch = direct || chain ? (sizes.batch ?? 1) : 1;
  const trainA = ode && (sizes.trainA ?? false);
  const n = stateSize(p, k) + (trainA ? p : 0);
  let at = align16(header + HEADER_SLOTS * 8);
  const take = (doubles: number) => {
    const start = at;
    at = align16(at + doubles * 8);
    return start;
  };
  const rng = take(4);
  const lazy = direct && (sizes.lazy ?? false);
  const W = take(p * row);
  const Wstar = take(k * row);
  const W0 = take(lazy ? p * row : 0);
  // B = 1: two inputs, the sample and the next one, drawn ahead by the fused pass of sgd.ts
  const x = take((batch === 1 ? 2 : batch) * row);
  const fields = take(direct || chain ? batch * r + (lazy ? p : 0) : 0);
  const coef = take(direct || chain ? batch * p : 0);
  const Q = take(p * p);
  const M = take(p * k);
  const P = take(k * k);
  const y = take(ode ? n : 0);
  const tOut = take(ode ? outputs : 0);
  const yOut = take(ode ? outputs * n : 0);
  const omega = take(ode || chain ? r * r : 0);
  const driftWork = take(ode ? p * r + 4 * r + 3 * r * (r + 1) + 10 * r + 2 : 0);
  const scratch = take(ode ? SCRATCH_VECTORS * n : 0);
  const bdfD = take(ode ? (BDF_MAX_ORDER + 3) * n : 0);
  const jac = take(ode ? n * n : 0);
  const lu = take(ode ? n * n : 0);
  const pivot = take(ode ? n : 0);
  const test = take(ode && sizes.testProblem ? n * n + n : 0);
  const chol = take(chain ? r * r : 0);
  const z = take(chain ? batch * r : 0);
  const gram = take(chain ? 2 * batch * batch : 0);
  const a = take(p);
  const aStar = take(k);
  const secondWork = take(direct || chain ? batch * (p + 1) : 0);
  const mcSamples = sizes.mcSamples ?? 0;
  // lazy training's Monte-Carlo risk samples the 2p + k fields (λ, λ*, λ0)
  const rm = lazy ? r + p : r;
  const mc = take(mcSamples * rm);
  const mcWork = take(mcSamples > 0 ? 2 * rm * rm + 3 * rm + 2 * p + 2 * n : 0);
  const R = take(lazy ? p * p : 0);
  const tableNodes = sizes.tableNodes ?? 0;
  const tableStudent = take(3 * tableNodes);
  const tableTeacher = take(3 * tableNodes);
  const pair = take(chain && batch === 1 && sizes.pair ? pairDoubles(p, k) : 0);
  return { d, p, k, row, n, outputs, header, rng, W, Wstar, x, fields, coef, Q, M, P, y, tOut, yOut, omega, driftWork, scratch, bdfD, jac, lu, pivot, test, chol, z, gram, a, aStar, secondWork, mc, mcWork, mcSamples, W0: lazy ? W0 : 0, R, lazy, psiMc: ode && mcSamples > 0, tableStudent, tableTeacher, tableNodes, batch, trainA, pair, end: at };
}

/**
 * The second seed's region (`PairSlot`: counters, generator, Ω, then a at OMEGA + r²) and, from the next even
 * double `pairWorkStart`, the two-lane work space of assembly/chainpair.ts: Ω, L (2r² each), the pivots' diagonal,
 * the fields, z (2r each), both seeds' z one after the other (2r), g, a and σ(λ) (2p each).
 */
export function pairDoubles(p: number, k: number): number {
  const r = p + k;
  return pairWorkStart(p, k) + 4 * r * r + 8 * r + 6 * p;
}

/** Where the two-lane work space starts in the second seed's region, in doubles (even, so f64x2 stay aligned). */
export function pairWorkStart(p: number, k: number): number {
  const end = PairSlot.OMEGA + (p + k) * (p + k) + p;
  return end + (end % 2);
}

/** Bytes the buffer needs for `sizes`, excluding Wasm static data (for the memory check). */
export function bufferBytes(sizes: Sizes): number {
  return layoutOf(sizes, 0).end;
}

/**
 * Writes the sizes and region addresses of `layout` into the header (the rest of the header is zero) and the
 * paper's second layers a = 1, a* = 1 into their regions.
 */
export function writeLayout(f64: Float64Array, layout: Layout): void {
  const h = layout.header / 8;
  f64.fill(0, h, h + HEADER_SLOTS);
  const slots: [Slot, number][] = [
    [Slot.D, layout.d],
    [Slot.P, layout.p],
    [Slot.K, layout.k],
    [Slot.ROW, layout.row],
    [Slot.N, layout.n],
    [Slot.OUT_COUNT, layout.outputs],
    [Slot.RNG_PTR, layout.rng],
    [Slot.W_PTR, layout.W],
    [Slot.WSTAR_PTR, layout.Wstar],
    [Slot.X_PTR, layout.x],
    [Slot.FIELDS_PTR, layout.fields],
    [Slot.COEF_PTR, layout.coef],
    [Slot.Q_PTR, layout.Q],
    [Slot.M_PTR, layout.M],
    [Slot.P_PTR, layout.P],
    [Slot.Y_PTR, layout.y],
    [Slot.TOUT_PTR, layout.tOut],
    [Slot.YOUT_PTR, layout.yOut],
    [Slot.OMEGA_PTR, layout.omega],
    [Slot.DRIFT_WORK_PTR, layout.driftWork],
    [Slot.SCRATCH_PTR, layout.scratch],
    [Slot.BDF_D_PTR, layout.bdfD],
    [Slot.JAC_PTR, layout.jac],
    [Slot.LU_PTR, layout.lu],
    [Slot.PIVOT_PTR, layout.pivot],
    [Slot.TEST_PTR, layout.test],
    [Slot.CHOL_PTR, layout.chol],
    [Slot.Z_PTR, layout.z],
    [Slot.GRAM_PTR, layout.gram],
    [Slot.BATCH, layout.batch],
    [Slot.A_PTR, layout.a],
    [Slot.ASTAR_PTR, layout.aStar],
    [Slot.SECOND_WORK_PTR, layout.secondWork],
    [Slot.TRAIN_A, layout.trainA ? 1 : 0],
    [Slot.PSI_MC, layout.psiMc ? 1 : 0],
    [Slot.MC_SAMPLES, layout.mcSamples],
    [Slot.MC_PTR, layout.mc],
    [Slot.MC_WORK_PTR, layout.mcWork],
    [Slot.LAZY, layout.lazy ? 1 : 0],
    [Slot.R_PTR, layout.R],
    [Slot.ACT_TABLE_S_PTR, layout.tableStudent],
    [Slot.ACT_TABLE_T_PTR, layout.tableTeacher],
    [Slot.ACT_TABLE_N, layout.tableNodes],
    [Slot.PAIR_PTR, layout.pair],
  ];
  for (const [slot, value] of slots) f64[h + slot] = value;
  f64.fill(1, layout.a / 8, layout.a / 8 + layout.p);
  f64.fill(1, layout.aStar / 8, layout.aStar / 8 + layout.k);
  if (layout.pair) {
    const a = layout.pair / 8 + PairSlot.OMEGA + (layout.p + layout.k) ** 2;
    f64.fill(1, a, a + layout.p);
  }
}
