// see: README.md (the paper's figures) and theory.md §9 — Fig 1: the phase diagram of SGD in the plane
// (δ across, κ up, as in the paper), with p ~ d^κ hidden units and γ ~ d^−δ learning rate: green "perfect
// learning" κ + δ > 0, the blue line "plateau" κ + δ = 0 (the Saad–Solla point at the origin), orange "bad
// learning" −½ < κ + δ < 0, red "no ODEs" κ + δ < −½ — and beside the theory's, the same plane measured:
// every grid point classified from simulations across d (src/phase/phase-measure.ts; README: the measured phase
// diagram), with the agreement checked.
import type { VegaLiteSpec } from "../output/plot.js";
import { axis } from "../phase/phase.js";
import { agreementOf, DIAGRAM_DEFAULTS } from "../phase/phase-diagram.js";
import { measuredPanels } from "../phase/phase-figure.js";
import { PHASE_OF_REGION, type MeasuredPhase } from "../phase/phase-measure.js";
import { check, fmt } from "./checks.js";
import { pick } from "./runs.js";
import { REGION, titleOf } from "./spec.js";
import type { FigureData, FigureDef, FigureSize } from "./types.js";

const DELTA: [number, number] = [-2.25, 1.5];
const KAPPA: [number, number] = [0, 2];
const WIDTH = 460;
const HEIGHT = 400;

/** Where the other figures of the paper sit in the plane. */
const POINTS = [
  { figure: "2, 3, 6, 9", kappa: 0, delta: 0 },
  { figure: "4, 6", kappa: 0, delta: 0.5 },
  { figure: "6", kappa: 0, delta: 0.375 },
  { figure: "5, 6", kappa: 0, delta: 0.25 },
  { figure: "7", kappa: 0, delta: -0.375 },
  { figure: "8", kappa: 1.1, delta: -2.2 },
  { figure: "8", kappa: 1.25, delta: -1.5 },
  { figure: "8", kappa: 1.5, delta: -1.5 },
  { figure: "8", kappa: 1.5, delta: -0.5 },
];

const clamp = (k: number) => Math.min(KAPPA[1], Math.max(KAPPA[0], k));

/** The measured grid and each point's budget of estimated core-seconds. */
const measured = (size: FigureSize) => ({
  kappas: pick(size, { tiny: [0], quick: axis(DIAGRAM_DEFAULTS.kappa), full: axis(DIAGRAM_DEFAULTS.kappa) }),
  deltas: pick(size, { tiny: [-0.75, -0.25, 0, 0.5], quick: axis(DIAGRAM_DEFAULTS.delta), full: axis(DIAGRAM_DEFAULTS.delta) }),
  budgetSeconds: pick(size, { tiny: 0.3, quick: 8, full: 60 }),
});

export const fig1: FigureDef = {
  id: "fig1",
  title: "Fig 1 — the phase diagram of one-pass SGD: the theory's, and measured",
  paper: "the theory's four regions in the (δ, κ) plane: perfect learning (κ + δ > 0), plateau (κ + δ = 0), bad learning (−½ < κ + δ < 0), no ODEs (κ + δ < −½); ours beside it, measured from simulations across d",
  async plan(size) {
    const { kappas, deltas, budgetSeconds } = measured(size);
    return { sims: {}, odes: {}, measures: Object.fromEntries(kappas.flatMap((kappa) => deltas.map((delta) => [`${kappa},${delta}`, { kappa, delta, budgetSeconds }]))) };
  },
  assemble(size, results) {
    const { kappas, deltas, budgetSeconds } = measured(size);
    const points = Object.values(results.measures ?? {});
    const spacing = deltas.length > 1 ? Math.min(...deltas.slice(1).map((d, i) => d - deltas[i])) : 0.25;
    const line = (offset: number) => {
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i <= 100; i++) {
        const delta = DELTA[0] + ((DELTA[1] - DELTA[0]) * i) / 100;
        const kappa = offset - delta;
        if (kappa >= KAPPA[0] && kappa <= KAPPA[1]) {
          x.push(delta);
          y.push(kappa);
        }
      }
      return { x, y };
    };
    const data: FigureData = {
      figure: "fig1",
      title: this.title,
      subtitle: "p = d^κ hidden units, learning rate γ = γ0·d⁻ᵟ; ◆ n: where Fig n of the paper sits",
      paper: this.paper,
      size,
      params: { deltaRange: DELTA, kappaRange: KAPPA, measured: { kappa: kappas, delta: deltas, budgetSeconds, spacing } },
      xTitle: "δ   (learning rate γ = γ0·d⁻ᵟ)",
      yTitle: "κ   (hidden units p = d^κ)",
      curves: [
        { name: "κ + δ = 0: plateau (blue line)", role: "boundary", ...line(0), colour: REGION.blue },
        { name: "κ + δ = −½: edge of the deterministic limit", role: "boundary", ...line(-0.5), colour: REGION.red },
      ],
      extra: {
        regions: [
          { region: "green", name: "perfect learning", condition: "κ + δ > 0", clock: "t = ν/d^(1+κ+δ)", limitOde: "drift only (a2 → 0)" },
          { region: "blue", name: "plateau", condition: "κ + δ = 0", clock: "t = ν/d", limitOde: "drift and variance (a1, a2 = O(1)): Saad–Solla" },
          { region: "orange", name: "bad learning", condition: "−½ < κ + δ < 0", clock: "t = ν/d^(1+2(κ+δ))", limitOde: "variance only (a1 → 0: M frozen)" },
          { region: "red", name: "no ODEs", condition: "κ + δ < −½", clock: "none", limitOde: "none: one step moves Q by ≫ 1" },
        ],
        figurePoints: POINTS,
        measured: points.map((p) => ({ kappa: p.kappa, delta: p.delta, region: p.region, phase: p.phase, agrees: p.agrees, reason: p.reason })),
        agreement: agreementOf(points, spacing),
        points,
      },
      warnings: [],
    };
    return data;
  },
  checks(data) {
    const a = data.extra.agreement as ReturnType<typeof agreementOf>;
    const measuredPoints = data.extra.measured as Pick<MeasuredPhase, "kappa" | "delta" | "region" | "phase">[];
    // at κ = 0 one point per region: δ = ½, 0, −¼, −¾
    const row = [0.5, 0, -0.25, -0.75].map((delta) => measuredPoints.find((p) => p.kappa === 0 && p.delta === delta));
    return [
      check(data, "the measured phases agree with the theory's regions off the boundaries", "the four regions (theory)", `${a.agree}/${a.offBoundary} (${fmt(100 * a.share)}%)`, "≥ 90%", a.share >= 0.9),
      check(data, "points off the boundaries left undetermined", "—", `${a.undetermined}/${a.offBoundary}`, "≤ 10%", a.undetermined <= 0.1 * a.offBoundary),
      check(
        data,
        "at κ = 0, δ = ½, 0, −¼, −¾: perfect learning, plateau, bad learning, no deterministic limit",
        "green, blue, orange, red",
        row.map((p) => p?.phase ?? "not measured").join(", "),
        "each as its region",
        row.every((p) => p !== undefined && p.phase === PHASE_OF_REGION[p.region]),
      ),
    ];
  },
  spec(data): VegaLiteSpec {
    const theory = theoryPanel(data);
    const points = (data.extra.points as MeasuredPhase[]) ?? [];
    const m = data.params.measured as { kappa: number[]; delta: number[] };
    if (points.length === 0) return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", ...theory, title: titleOf(data) };
    const { phases } = measuredPanels({ points, kappas: m.kappa, deltas: m.delta });
    const a = data.extra.agreement as ReturnType<typeof agreementOf>;
    return {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: titleOf({ ...data, subtitle: `${data.subtitle} · measured: ${a.agree}/${a.offBoundary} off the boundaries as the theory says` }),
      config: { font: "DejaVu Sans, sans-serif" },
      hconcat: [{ ...theory, title: "theory (the paper's Fig 1)" }, { ...phases, title: "measured from simulations across d" }],
      resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    };
  },
};

/** The theory's schematic: the four regions, their names, the boundaries, where each figure sits. */
function theoryPanel(data: FigureData): Record<string, unknown> {
  const x = { field: "delta", type: "quantitative", title: data.xTitle, scale: { domain: DELTA, nice: false }, axis: { grid: false, titleFontSize: 15, labelFontSize: 12, values: [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5] } };
  const y = { field: "kappa", type: "quantitative", title: data.yTitle, scale: { domain: KAPPA, nice: false }, axis: { grid: false, titleFontSize: 15, labelFontSize: 12 } };
  const bands = Array.from({ length: 301 }, (_, i) => DELTA[0] + ((DELTA[1] - DELTA[0]) * i) / 300).flatMap((delta) => [
    { region: "green", delta, lo: clamp(-delta), hi: KAPPA[1] },
    { region: "orange", delta, lo: clamp(-0.5 - delta), hi: clamp(-delta) },
    { region: "red", delta, lo: KAPPA[0], hi: clamp(-0.5 - delta) },
  ]);
  // a line κ = c − δ drawn at the angle it has on screen
  // (Vega turns text clockwise: the lines fall to the right on screen)
  const angle = (Math.atan((HEIGHT / (KAPPA[1] - KAPPA[0])) / (WIDTH / (DELTA[1] - DELTA[0]))) * 180) / Math.PI;
  const rows = data.curves.flatMap((c) => c.x.map((d, i) => ({ curve: c.name, delta: d, kappa: c.y[i] })));
  const labels = [
    { text: "Perfect learning", delta: 0.55, kappa: 1.45, colour: "#0b5d0b", size: 22, angle: 0 },
    { text: "Plateau", delta: -0.8, kappa: 1.02, colour: "#0b3d75", size: 16, angle },
    { text: "Bad learning", delta: -0.62, kappa: 0.37, colour: "#a34400", size: 17, angle },
    { text: "No ODEs", delta: -1.55, kappa: 0.42, colour: "#7a0000", size: 16, angle },
  ];
  return {
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: bands },
        mark: { type: "area", opacity: 0.55, clip: true },
        encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" }, color: { field: "region", type: "nominal", legend: null, scale: { domain: ["green", "orange", "red"], range: ["#7cc87c", "#ffaa55", "#e06666"] } } },
      },
      ...data.curves.map((c, i) => ({
        data: { values: rows.filter((r) => r.curve === c.name) },
        mark: { type: "line", clip: true, color: c.colour, strokeWidth: i === 0 ? 5 : 1.5 },
        encoding: { x, y },
      })),
      { data: { values: [{ delta: 0, kappa: 0 }] }, mark: { type: "point", filled: true, size: 260, color: REGION.blue, opacity: 1, clip: false }, encoding: { x, y } },
      ...labels.map((l) => ({
        data: { values: [l] },
        mark: { type: "text", fontSize: l.size, fontWeight: "bold", color: l.colour, angle: (l.angle + 360) % 360 },
        encoding: { x, y, text: { field: "text" } },
      })),
      {
        data: { values: POINTS.slice(1) },
        mark: { type: "point", shape: "diamond", size: 50, filled: true, color: "#222", opacity: 0.85 },
        encoding: { x, y, tooltip: [{ field: "figure" }, { field: "kappa" }, { field: "delta" }] },
      },
      {
        data: { values: POINTS.slice(1).map((p) => ({ ...p, text: p.figure })) },
        mark: { type: "text", align: "left", dx: 5, dy: -8, fontSize: 11, fontWeight: "bold", color: "#222" },
        encoding: { x, y, text: { field: "text" } },
      },
      {
        data: { values: [{ ...POINTS[0], text: POINTS[0].figure }] },
        mark: { type: "text", align: "left", dx: 8, dy: -24, fontSize: 11, fontWeight: "bold", color: "#222" },
        encoding: { x, y, text: { field: "text" } },
      },
    ],
  };
}
