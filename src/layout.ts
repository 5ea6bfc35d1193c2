// Memory layout shared by assembly/ and src/: compiles as AssemblyScript and as TypeScript (STYLE.md §3).
// d input dimension, p student hidden units, k teacher hidden units, gamma learning rate,
// Q (p×p), M (p×k), P (k×k) overlaps.
//
// One flat buffer. At the (16-byte aligned) header pointer sit HEADER_SLOTS 8-byte slots, numbered by
// `Slot`; every scalar is stored as f64 (integers are exact below 2^53). The TypeScript side computes
// the region offsets once, writes them into the pointer slots, and the Wasm side reads them from there.
// Regions, in order, each 16-byte aligned: rng state (4 × u64), weights U = [W; W*] ((p + k) rows of
// `ROW` doubles: W first, W* right after, rows padded with zeros to an even length so f64x2 loads stay
// aligned), input x (ROW), local fields (p + k), update coefficients (p), Q (p×p), M (p×k), P (k×k).

/** Header slot numbers (slot s lives at header + 8·s). */
export enum Slot {
  /** input dimension d */
  D = 0,
  /** student hidden units p */
  P = 1,
  /** teacher hidden units k */
  K = 2,
  /** row stride of the weights in doubles: d rounded up to even */
  ROW = 3,
  /** learning rate gamma = gamma0 · d^(−delta) */
  GAMMA = 4,
  /** label-noise variance Delta */
  NOISE = 5,
  /** `Status` of the last run */
  STATUS = 6,
  /** SGD samples processed so far (nu) */
  SAMPLES = 7,
  /** excess risk computed by the last overlapsCompute */
  RISK = 8,
  /** byte address of the rng state */
  RNG_PTR = 9,
  /** byte address of the student weights W (p rows); the teacher W* follows */
  W_PTR = 10,
  /** byte address of the teacher weights W* (k rows) */
  WSTAR_PTR = 11,
  /** byte address of the input x */
  X_PTR = 12,
  /** byte address of the local fields (lambda_1..p, lambda*_1..k) */
  FIELDS_PTR = 13,
  /** byte address of the per-row update coefficients */
  COEF_PTR = 14,
  /** byte address of Q */
  Q_PTR = 15,
  /** byte address of M */
  M_PTR = 16,
  /** byte address of P */
  P_PTR = 17,
}

/** Number of 8-byte header slots (room left for later issues). */
export const HEADER_SLOTS = 32;

/** Values of the STATUS slot. */
export enum Status {
  OK = 0,
  /** a local field or the error signal became non-finite; SAMPLES holds the samples done before it */
  DIVERGED = 1,
}

/** RNG streams: the SGD samples and the random initial condition use independent streams of one seed. */
export enum Stream {
  SGD = 0,
  INIT = 1,
}
