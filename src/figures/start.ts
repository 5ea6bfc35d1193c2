// see: README.md (the paper's figures: initial conditions) — the start of the paper's Figs 2–7.
// p = 8 student units, k = 4 teacher units; Q0 (p×p), M0 (p×k), P (k×k) overlaps; R excess risk.
//
// The paper's curves start at R(0) ≈ 0.016, far below the ≈ 0.0625 of a random start (Q = I, M ≈ 0), and
// the authors' repository (rodsveiga/phdiag_sgd) keeps no initial condition. Its notebooks offer an
// informed start W0 = A·W*, rows of A Gaussian and normalised to unit norm (sim/how_to.ipynb, "Option 2";
// with P = I: Q0 = A·Aᵀ with unit diagonal, M0 = A), and that kind of start reproduces the shape of the
// paper's curves: a shoulder at R ≈ 2·10⁻³ from t ≈ 10 to 100, the escape by t ≈ 300, the orange rise to
// ≈ 0.2. Which A the authors drew is unknown; ours is chosen by a stated rule (scripts/paper-start.py and
// scripts/paper-start-select.ts):
//   1. candidates: A = rows of numpy.random.default_rng(s).standard_normal((8, 4)), normalised, for
//      s = 0 … 19999, kept when R(0) ∈ [0.0155, 0.0165) (103 candidates);
//   2. for each, the three limit ODEs of the paper's Fig 2 (green δ = ½, blue δ = 0, orange, κ = 0,
//      γ0 = 8, Δ = 10⁻³) at the times where values were read off the paper's Fig 2 (blue 2·10⁻³ at t = 10,
//      7·10⁻⁴ at 100, 1.15·10⁻⁴ at 10³; green 5·10⁻⁴ at 100, 4·10⁻⁶ at 10³, 6·10⁻⁸ at 10⁴; orange 0.2 at
//      200, 0.14 at 10⁴);
//   3. the candidate closest to those readings in root-mean-square log10 distance: s = 5865, 0.037 decades
//      (the median candidate is 0.31 decades away; 9 of the 103 end on another fixed point).
// Every figure's data records this start (params.start).

/** A of the informed start W0 = A·W*: numpy.random.default_rng(5865).standard_normal((8, 4)), rows normalised. */
const A: number[][] = [
  [0.11123416566374385, 0.3637412811480779, -0.31169397226423234, 0.8707273444839031],
  [0.5381370622021499, 0.10610876529874237, -0.7580975225289063, -0.35275710984578384],
  [-0.08526819374211403, -0.8601374476638697, 0.49911034737930904, -0.061496076306921506],
  [0.5342586267850478, -0.15312638673021736, -0.8228960319635306, 0.11816154184580971],
  [-0.32753548221769885, -0.06123730820831283, 0.7351466687619423, 0.5903641887682878],
  [0.07307206202576555, 0.4495772191684918, 0.7707384012010291, -0.445536883624813],
  [-0.4322636654650088, 0.7452464911830151, 0.5035898202681385, 0.06444442427753623],
  [-0.27586997325515605, 0.8337506981375994, 0.18352808948444513, 0.44167065963391156],
];

/** The seed of numpy's default_rng that drew A. */
export const PAPER_START_SEED = 5865;

/** The informed start's overlaps: Q0 = A·Aᵀ, M0 = A, P = I (p = 8, k = 4). */
export function paperStart(): { Q0: number[][]; M0: number[][]; P: number[][] } {
  const Q0 = A.map((a) => A.map((b) => a.reduce((s, v, i) => s + v * b[i], 0)));
  const P = A[0].map((_, r) => A[0].map((_, s) => (r === s ? 1 : 0)));
  return { Q0, M0: A.map((row) => [...row]), P };
}

/** How the start is described in a figure's data. */
export const PAPER_START_NOTE =
  "informed start W0 = A·W* (Q0 = A·Aᵀ, M0 = A, P = I), A = numpy default_rng(5865) 8×4 Gaussian with unit rows, R(0) = 0.01648; " +
  "chosen among informed starts with R(0) ≈ 0.016 as the closest to the paper's Fig 2 (src/figures/start.ts)";
