// Memory layout shared by assembly/ and src/: compiles as AssemblyScript and as TypeScript (STYLE.md §3).
// d input dimension, p student hidden units, k teacher hidden units, gamma learning rate,
// Q (p×p), M (p×k), P (k×k) overlaps.
//
// One flat buffer. At the (16-byte aligned) header pointer sit HEADER_SLOTS 8-byte slots, numbered by
// `Slot`; every scalar is stored as f64 (integers are exact below 2^53). The TypeScript side computes
// the region offsets once, writes them into the pointer slots, and the Wasm side reads them from there.
// Regions, in order, each 16-byte aligned: rng state (4 × u64), weights U = [W; W*] ((p + k) rows of
// `ROW` doubles: W first, W* right after, rows padded with zeros to an even length so f64x2 loads stay
// aligned), inputs x (B rows of ROW: one per sample of a mini-batch), local fields (B × (p + k)), update
// coefficients (B × p), Q (p×p), M (p×k), P (k×k); B = 1 without mini-batches.

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

  // --- the order-parameter ODEs (drift.ts, integrate.ts); D, P, K, NOISE, P_PTR and STATUS are shared ---
  /** dimension of the ODE state y = (Q upper triangle row by row, then M row by row): p(p+1)/2 + pk */
  N = 18,
  /** drift prefactor a1 = γ/(p d δt) (0 when the region's limit drops it) */
  A1 = 19,
  /** variance prefactor a2 = γ²/(p² d δt) (0 when the region's limit drops it) */
  A2 = 20,
  /** `Method` of the integrator */
  METHOD = 21,
  RTOL = 22,
  ATOL = 23,
  /** Euler: the fixed step; adaptive methods: the current step size h */
  STEP = 24,
  /** current time t of the integrator */
  T = 25,
  /** BDF: current order (1..5) */
  ORDER = 26,
  /** BDF: steps taken with the current step size and order */
  EQUAL_STEPS = 27,
  /** BDF: Newton tolerance */
  NEWTON_TOL = 28,
  /** BDF: 1 when the Jacobian in J_PTR is at the current state */
  JAC_CURRENT = 29,
  /** BDF: 1 when LU_PTR holds the factors of I − c·J for the current c */
  LU_VALID = 30,
  /** right-hand-side (drift) evaluations so far */
  NFEV = 31,
  /** Jacobian evaluations so far */
  NJEV = 32,
  /** LU factorisations so far */
  NLU = 33,
  /** accepted steps so far */
  NSTEPS = 34,
  /** rejected steps so far */
  NREJECT = 35,
  /** number of output times */
  OUT_COUNT = 36,
  /** index of the next output time to reach */
  OUT_NEXT = 37,
  /** component of y found non-finite (Status.DIVERGED) */
  FAIL_INDEX = 38,
  /** byte address of the state y (n) */
  Y_PTR = 39,
  /** byte address of the output times (OUT_COUNT, increasing) */
  TOUT_PTR = 40,
  /** byte address of the states at the output times (OUT_COUNT × n) */
  YOUT_PTR = 41,
  /** byte address of the full overlap matrix Ω = [[Q, M], [Mᵀ, P]] ((p+k)², students first) */
  OMEGA_PTR = 42,
  /** byte address of the drift's work space (G: p×(p+k), four vectors of p+k, the asin arguments and weights) */
  DRIFT_WORK_PTR = 43,
  /** byte address of the integrator's vectors (SCRATCH_VECTORS × n) */
  SCRATCH_PTR = 44,
  /** BDF: byte address of the difference array D ((MAX_ORDER + 3) × n) */
  BDF_D_PTR = 45,
  /** BDF: byte address of the Jacobian J (n×n, row-major) */
  JAC_PTR = 46,
  /** BDF: byte address of the LU factors of I − c·J (n×n) */
  LU_PTR = 47,
  /** BDF: byte address of the pivot rows (n doubles holding integers) */
  PIVOT_PTR = 48,
  /** BDF: c = h/α_order of the factorised matrix */
  LU_C = 49,
  /** right-hand side of the integrators: `Rhs` */
  RHS = 50,
  /** byte address of the test problem's A (n×n, row-major) and then B (n) (Rhs.TEST only) */
  TEST_PTR = 51,
  /** DOPRI5: 1 when the last step was rejected (the next one may not grow) */
  LAST_REJECTED = 52,

  // --- the exact reduced chain (chain.ts): Ω lives at OMEGA_PTR (students first), P is its teacher block ---
  /** byte address of the LDLᵀ factors of Ω ((p+k)²: L's strict lower triangle, D on the diagonal; zero
   * columns for zero pivots) */
  CHOL_PTR = 53,
  /** byte address of the standard normals z of a step (p + k) */
  Z_PTR = 54,
  /** rank of Ω found by the last factorisation */
  RANK = 55,

  // --- extensions (issue 7), shared by the simulators and the ODE; a zero header means the base model ---
  /** mini-batch size B: each SGD step averages the gradient of B fresh samples (0 is read as 1) */
  BATCH = 56,
  /** weight decay λ ≥ 0: SGD on ½e² + (λ/2)·(1/p) Σ_i Q_ii, i.e. w_i ← (1 − γλ/(p d)) w_i + … */
  WEIGHT_DECAY = 57,
  /** chain: byte address of the B×B Gram matrix x_b·x_b'/d of a step's inputs, then its Bartlett factor (B×B) */
  GRAM_PTR = 58,
  /** byte address of the student's second layer a (p): f(x) = (1/p) Σ_i a_i σ(λ_i); 1 in the paper */
  A_PTR = 59,
  /** byte address of the teacher's second layer a* (k): f*(x) = (1/k) Σ_r a*_r σ(λ*_r); 1 in the paper */
  ASTAR_PTR = 60,
  /** learning-rate factor of the second layer: γ_a = GAMMA_A·γ/d, so that da/dt = GAMMA_A·a1·E[e σ(λ)] (0: a fixed) */
  GAMMA_A = 61,
  /** simulators: byte address of the second layer's gradient work (B × p values σ(λ_i^b), then B errors e_b) */
  SECOND_WORK_PTR = 62,
  /** ODE: 1 when the state ends with the p entries of a (the second layer is trained) */
  TRAIN_A = 63,
  /** the students' activation: `Activation` (0, erf, in the paper) */
  ACT_STUDENT = 64,
  /** the teachers' activation: `Activation` */
  ACT_TEACHER = 65,
  /** ODE: 1 when ψ is estimated by Monte Carlo over the fixed sample set at MC_PTR (driftmc.ts) */
  PSI_MC = 66,
  /** ODE, Monte-Carlo ψ: number of samples S (each r = p + k standard normals) */
  MC_SAMPLES = 67,
  /** ODE, Monte-Carlo ψ: byte address of the samples (S × r) */
  MC_PTR = 68,
  /** ODE, Monte-Carlo ψ: byte address of the work space (Cholesky factor, fields, sums) */
  MC_WORK_PTR = 69,
  /** ODE, Monte-Carlo ψ: byte address where an evaluation also writes Σ_s (per-sample ψ)² (0: not asked) */
  MC_SQUARES_PTR = 70,
  /** direct simulator: 1 for lazy training (the student linearised around W0, whose p rows follow W*) */
  LAZY = 71,
  /** lazy training: byte address of R = W W0ᵀ/d (p×p) */
  R_PTR = 72,
  /** lazy training: the standard error of the last Monte-Carlo risk */
  RISK_SE = 73,
  /** user-given activations: byte address of the students' table (σ, σ', σ'' at ACT_TABLE_N nodes on [−range, range]) */
  ACT_TABLE_S_PTR = 74,
  /** user-given activations: byte address of the teachers' table */
  ACT_TABLE_T_PTR = 75,
  /** user-given activations: number of nodes of each table */
  ACT_TABLE_N = 76,
  /** user-given activations: the tables cover [−range, range]; beyond, σ continues linearly */
  ACT_TABLE_RANGE = 77,

  // --- two seeds of the chain at once (chainpair.ts): the first seed uses the regions above ---
  /** byte address of the second seed's region (`PairSlot`), then the two-lane work space; 0: no second seed */
  PAIR_PTR = 78,
}

/**
 * The second seed of a chain run with two seeds at once (Slot.PAIR_PTR), in doubles from its start: its
 * samples done, `Status` and rank (as Slot.SAMPLES, STATUS, RANK for the first), its generator state (4 × u64)
 * and its Ω (r² doubles, r = p + k); its second layer a (p) follows Ω, and the two-lane work space follows a,
 * from the next even double (src/engine/memory.ts `pairDoubles`, assembly/chainpair.ts).
 */
export enum PairSlot {
  SAMPLES = 0,
  STATUS = 1,
  RANK = 2,
  RNG = 4,
  OMEGA = 8,
}

/** Activations of the hidden units (Slot.ACT_STUDENT, Slot.ACT_TEACHER). */
export enum Activation {
  /** σ(u) = erf(u/√2), the paper's */
  ERF = 0,
  /** σ(u) = max(0, u), σ'(u) = 1 for u > 0, else 0 */
  RELU = 1,
  /** σ(u) = u */
  LINEAR = 2,
  /** σ(u) = tanh(u): no closed-form integrals here, so its risk and ψ come from Monte Carlo */
  TANH = 3,
  /** a user-given activation, tabulated (the students' table, Slot.ACT_TABLE_S_PTR) */
  TABLE_STUDENT = 4,
  /** a user-given activation, tabulated (the teachers' table, Slot.ACT_TABLE_T_PTR) */
  TABLE_TEACHER = 5,
}

/** User-given activations are tabulated at TABLE_NODES points on [−TABLE_RANGE, TABLE_RANGE]. */
export const TABLE_NODES = 4097;
export const TABLE_RANGE = 12.0;

/** Number of 8-byte header slots. */
export const HEADER_SLOTS = 80;

/** Values of the STATUS slot. */
export enum Status {
  OK = 0,
  /** simulator: a local field or the error signal (chain: or Ω's diagonal) became non-finite (SAMPLES = samples done before it);
   * ODE: the state or the drift became non-finite (T and FAIL_INDEX say when and which component) */
  DIVERGED = 1,
  /** ODE: the step budget of the call is used up; call again to continue */
  RUNNING = 2,
  /** ODE: the step size fell below the resolution of t (T says where) */
  STEP_TOO_SMALL = 3,
}

/** Integrators of the order-parameter ODEs (Slot.METHOD). */
export enum Method {
  /** variable-order (1–5) BDF/NDF with Newton iterations, for stiff problems (Shampine & Reichelt 1997) */
  BDF = 0,
  /** Dormand–Prince 5(4) with error control */
  DOPRI5 = 1,
  /** explicit Euler with a fixed step, as the paper's code */
  EULER = 2,
}

/** Right-hand sides the integrators can run (Slot.RHS). */
export enum Rhs {
  /** ψ, the drift of the order parameters (drift.ts) */
  DRIFT = 0,
  /** dy_i = Σ_j A_ij y_j + B_i y_i²: problems with known solutions, to test the integrators */
  TEST = 1,
}

/** BDF: highest order. */
export const BDF_MAX_ORDER = 5;
/** Vectors of length n in the integrator's scratch region (RK stages, Newton and BDF work vectors). */
export const SCRATCH_VECTORS = 12;

/** RNG streams: the SGD samples and the random initial condition use independent streams of one seed. */
export enum Stream {
  SGD = 0,
  INIT = 1,
  /** the fixed sample set of the Monte-Carlo ψ */
  MC = 2,
}
