// see: README.md (the measured phase diagram) — its picture, in the paper's orientation (δ across, κ up):
// each cell coloured by its measured phase in the paper's colours (undetermined: grey with "?", never a
// colour of the phases), the theory's boundaries κ + δ = 0 and κ + δ = −½ over it, × where the measurement
// disagrees with the theory; beside it the excess risk at the horizon at the largest d each point reached.
// Vega-Lite only: no numerics, no I/O.
import { REGION_COLOURS, type VegaLiteSpec } from "../output/plot.js";
import { MEASURED_PHASES, type MeasuredPhase } from "./phase-measure.js";
import type { Agreement } from "./phase-diagram.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const PHASE_COLOURS = [REGION_COLOURS.green, REGION_COLOURS.blue, REGION_COLOURS.orange, REGION_COLOURS.red, "#d9d9d9"];

/** The two panels of a measured diagram: its phases and its risk map (Vega-Lite units without $schema). */
export function measuredPanels(o: { points: MeasuredPhase[]; kappas: number[]; deltas: number[] }): { phases: Record<string, unknown>; risk: Record<string, unknown> } {
  const half = (v: number[]) => {
    const u = [...new Set(v)].sort((a, b) => a - b);
    return u.length > 1 ? Math.min(...u.slice(1).map((x, i) => x - u[i])) / 2 : 0.125;
  };
  const hk = half(o.kappas);
  const hd = half(o.deltas);
  const kDomain = [Math.min(...o.kappas) - hk, Math.max(...o.kappas) + hk];
  const dDomain = [Math.min(...o.deltas) - hd, Math.max(...o.deltas) + hd];
  const cells = o.points.map((p) => {
    const last = p.evidence.ladder.filter((l) => l.riskEnd !== undefined).at(-1);
    return {
      kappa: p.kappa,
      delta: p.delta,
      k0: p.kappa - hk,
      k1: p.kappa + hk,
      d0: p.delta - hd,
      d1: p.delta + hd,
      phase: p.phase,
      region: p.region,
      disagrees: p.agrees === false,
      reason: p.reason,
      dMax: last?.d ?? null,
      logRisk: last?.riskEnd && last.riskEnd > 0 ? Math.log10(last.riskEnd) : null,
    };
  });
  // ticks at the grid's values (at most 12 per axis)
  const ticks = (v: number[]) => {
    const u = [...new Set(v)].sort((a, b) => a - b);
    const every = Math.ceil(u.length / 12);
    return u.filter((_, i) => i % every === 0);
  };
  const x = { field: "delta", type: "quantitative", title: "δ   (learning rate γ = γ0·d⁻ᵟ)", scale: { domain: dDomain, nice: false }, axis: { titleFontSize: 13, values: ticks(o.deltas), format: ".3~g", grid: false } };
  const y = { field: "kappa", type: "quantitative", title: "κ   (hidden units p = d^κ)", scale: { domain: kDomain, nice: false }, axis: { titleFontSize: 13, values: ticks(o.kappas), format: ".3~g", grid: false } };
  const rect = { x: { ...x, field: "d0" }, x2: { field: "d1" }, y: { ...y, field: "k0" }, y2: { field: "k1" } };
  const line = (offset: number) =>
    Array.from({ length: 101 }, (_, i) => dDomain[0] + ((dDomain[1] - dDomain[0]) * i) / 100)
      .map((delta) => ({ delta, kappa: offset - delta }))
      .filter((q) => q.kappa >= kDomain[0] - 1e-9 && q.kappa <= kDomain[1] + 1e-9);
  // the boundaries, cased in white so that they stay visible over cells of their own colour
  const boundaries = [
    { data: { values: line(0) }, mark: { type: "line", color: "white", strokeWidth: 7, clip: true }, encoding: { x, y, order: { field: "delta" } } },
    { data: { values: line(0) }, mark: { type: "line", color: "#08306b", strokeWidth: 3.5, clip: true }, encoding: { x, y, order: { field: "delta" } } },
    { data: { values: line(-0.5) }, mark: { type: "line", color: "white", strokeWidth: 5, clip: true }, encoding: { x, y, order: { field: "delta" } } },
    { data: { values: line(-0.5) }, mark: { type: "line", color: "#8b0000", strokeWidth: 2.5, strokeDash: [6, 4], clip: true }, encoding: { x, y, order: { field: "delta" } } },
  ];
  const tooltip = [{ field: "kappa" }, { field: "delta" }, { field: "region", title: "theory" }, { field: "phase", title: "measured" }, { field: "reason" }, { field: "dMax", title: "largest d" }];
  // one rectangle per grid point, coloured by `color`
  const cellLayer = (color: Record<string, unknown>, tip: Record<string, unknown>[]) => ({ data: { values: cells }, mark: { type: "rect", stroke: "white", strokeWidth: 1 }, encoding: { ...rect, color, tooltip: tip } });
  const phases = {
    title: "measured phase · theory's lines",
    width: 380,
    height: 330,
    layer: [
      cellLayer({ field: "phase", type: "nominal", title: "measured", scale: { domain: [...MEASURED_PHASES], range: PHASE_COLOURS }, legend: { orient: "bottom", columns: 2, labelLimit: 0, symbolType: "square" } }, tooltip),
      ...boundaries,
      // "?" on the undetermined cells, haloed in white over the boundary lines
      { data: { values: cells.filter((c) => c.phase === "undetermined") }, mark: { type: "text", fontSize: 16, fontWeight: "bold", stroke: "white", strokeWidth: 4, color: "white" }, encoding: { x, y, text: { value: "?" } } },
      { data: { values: cells.filter((c) => c.phase === "undetermined") }, mark: { type: "text", fontSize: 16, fontWeight: "bold", color: "#333" }, encoding: { x, y, text: { value: "?" } } },
      { data: { values: cells.filter((c) => c.disagrees) }, mark: { type: "point", shape: "cross", size: 90, filled: true, color: "black", angle: 45 }, encoding: { x, y, tooltip } },
    ],
  };
  const risk = {
    title: "log₁₀ R(t_end), largest d",
    width: 380,
    height: 330,
    layer: [
      cellLayer({ field: "logRisk", type: "quantitative", title: "log₁₀ R", scale: { scheme: "viridis" }, legend: { orient: "bottom", gradientLength: 200 } }, [...tooltip, { field: "logRisk", format: ".2f" }]),
      ...boundaries,
    ],
  };
  return { phases, risk };
}

/** The measured diagram beside its risk map, with the agreement in the title. */
export function measuredDiagramSpec(o: { points: MeasuredPhase[]; kappas: number[]; deltas: number[]; agreement: Agreement; params: Record<string, unknown> }): VegaLiteSpec {
  const { phases, risk } = measuredPanels(o);
  const a = o.agreement;
  return {
    $schema: SCHEMA,
    title: {
      text: "The phase diagram of one-pass SGD, measured",
      subtitle: `${a.agree}/${a.offBoundary} points off the boundaries as the theory says (${(100 * a.share).toFixed(0)}%), ${a.undetermined} undetermined, ${a.onBoundary} on a boundary; × disagrees; k = ${o.params.k}, γ0 = ${o.params.gamma0}, Δ = ${o.params.noise}, t_end = ${o.params.tEnd}`,
      anchor: "start",
      fontSize: 14,
      subtitleFontSize: 11.5,
    },
    config: { font: "DejaVu Sans, sans-serif" },
    hconcat: [phases, risk],
    resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
  };
}
