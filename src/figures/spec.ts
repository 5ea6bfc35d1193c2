// see: README.md (the paper's figures) — how the figures look: the paper's conventions. Simulations are
// filled markers (mean over seeds) with their 10–90% band as an error bar where it is wider than the
// marker; ODEs are lines (limit ODE solid, finite-d ODE dashed); one colour family per region with shades
// (darker = larger d or smaller Δ); log axes with decade ticks written 10ⁿ; the x axis names its clock.
// Vega-Lite specs only: no numerics, no I/O.
import { REGION_COLOURS, type VegaLiteSpec } from "../output/plot.js";
import type { Curve, FigureData } from "./types.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Colour families of the regions, light to dark (the paper's greens, blues, oranges, reds). */
const FAMILIES = {
  green: ["#a1d99b", "#74c476", "#41ab5d", "#238b45", "#006d2c", "#00441b"],
  blue: ["#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"],
  orange: ["#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#8c2d04"],
  red: ["#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d", "#99000d"],
} as const;
export type Family = keyof typeof FAMILIES;

/** The paper's region colours (its matplotlib defaults; plot.ts holds them). */
export const REGION = REGION_COLOURS;

/** The line colour of a limit ODE in a family (darker than every marker shade). */
export const ODE_DARK = { green: "#006400", blue: "#08306b", orange: "#c44e00", red: "#99000d" } as const;

/** n shades of a family, light to dark, spread over its range (darkest last). */
export function shades(family: Family, n: number): string[] {
  const f = FAMILIES[family];
  if (n === 1) return [f[f.length - 2]];
  // from the second-lightest to the darkest, evenly
  return Array.from({ length: n }, (_, i) => f[Math.round(1 + ((f.length - 2) * i) / (n - 1))]);
}

/** The paper's marker sequence: ◀ ▲ ▼ ● (then ▶ ■ ◆). */
export const SHAPES = ["triangle-left", "triangle-up", "triangle-down", "circle", "triangle-right", "square", "diamond"] as const;

/** Markers of n series, the last one a circle as in the paper (◀ ▲ ▼ ● for four). */
export function shapesFor(n: number): string[] {
  return n <= 4 ? SHAPES.slice(4 - n, 4) : SHAPES.slice(0, n);
}

const SUPERSCRIPT: Record<string, string> = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };

/** 10ⁿ written with superscripts. */
export function decadeLabel(n: number): string {
  return `10${String(n).replace(/./g, (c) => SUPERSCRIPT[c] ?? c)}`;
}

/**
 * Ticks inside [lo, hi] and a Vega label expression writing them m·10ⁿ (0 as "0"): decades, and on a range
 * shorter than 2.5 decades also 2·10ⁿ and 5·10ⁿ, so that levels can be read off.
 */
function decadeAxis(lo: number, hi: number, withZero: boolean): { values: number[]; labelExpr: string } {
  const values: number[] = withZero ? [0] : [];
  const mantissas = Math.log10(hi / lo) < 2.5 ? [1, 2, 5] : [1];
  const labels: string[] = withZero ? ["0"] : [];
  for (let n = Math.floor(Math.log10(lo)); n <= Math.ceil(Math.log10(hi)); n++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** n).toPrecision(3));
      if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
      values.push(v);
      labels.push(m === 1 ? decadeLabel(n) : `${m}·${decadeLabel(n)}`);
    }
  }
  const cases = values.map((v, i) => `datum.value == ${v} ? '${labels[i]}'`);
  return { values, labelExpr: `${cases.join(" : ")} : ''` };
}

/** The two title lines of a figure: what it shows, then its parameters. */
export function titleOf(data: FigureData): Record<string, unknown> {
  return { text: data.title, subtitle: data.subtitle, fontSize: 14, subtitleFontSize: 11.5, subtitleColor: "#333", anchor: "start", offset: 8 };
}

/** Legend entries: each curve's label from `label` (undefined: not in the legend). */
export function legendOf(data: FigureData, label: (c: Curve) => string | undefined): Record<string, string> {
  return Object.fromEntries(data.curves.flatMap((c) => {
    const l = label(c);
    return l === undefined ? [] : [[c.name, l]];
  }));
}

/** Drawing options of a learning-curve figure. */
export interface CurvesLook {
  /** the plotted x range (log axes: both > 0; symlog: from 0) and y range; widened to hold every drawn value */
  x: [number, number];
  y: [number, number];
  /** x on a symmetric-log axis from 0 (the paper's Figs 2 and 8 show t = 0) */
  symlogX?: boolean;
  logX?: boolean;
  width?: number;
  height?: number;
  /** legend corner */
  legend?: "bottom-left" | "top-right" | "top-left" | "bottom-right" | "right";
  /** extra layers drawn under the curves (shaded bands, arrows, text) */
  under?: Record<string, unknown>[];
  /** marker area in px² */
  markerSize?: number;
  /** the legend's entries: curve name → its label (default: every curve, by name), e.g. one entry for all ODE lines */
  legendLabels?: Record<string, string>;
}

/** Rows of the drawn values (finite, and > 0 on log axes). */
function rows(curves: Curve[], look: CurvesLook) {
  const logX = look.logX ?? !look.symlogX;
  return curves.flatMap((c) =>
    c.x.flatMap((x, i) => {
      const y = c.y[i];
      if (!Number.isFinite(x) || !Number.isFinite(y) || y <= 0 || (logX && x <= 0) || (look.symlogX && x < 0)) return [];
      const lo = c.lo?.[i];
      const hi = c.hi?.[i];
      return [{ series: c.name, x, y, lo: lo !== undefined && lo > 0 ? lo : null, hi: hi !== undefined && hi > 0 ? hi : null, kind: c.role === "simulation" || c.role === "measured" ? "point" : "line" }];
    }),
  );
}

/**
 * The figure: markers for simulations and measured points, lines for ODEs and fits, the band of a marker
 * drawn as an error bar only where it is wider than the marker, one legend entry per curve with its marker
 * or its line.
 */
export function curvesFigure(data: FigureData, look: CurvesLook): VegaLiteSpec {
  const width = look.width ?? 520;
  const height = look.height ?? 330;
  const markerSize = look.markerSize ?? 70;
  const values = rows(data.curves, look);
  // the ranges: the paper's, widened to every drawn value (a point is never clipped away)
  const ys = values.flatMap((r) => [r.y, ...(r.lo !== null ? [r.lo] : []), ...(r.hi !== null ? [r.hi] : [])]);
  const xs = values.map((r) => r.x);
  const yLo = Math.min(look.y[0], ...ys);
  const yHi = Math.max(look.y[1], ...ys);
  const xLo = look.symlogX ? 0 : Math.min(look.x[0], ...xs);
  const xHi = Math.max(look.x[1], ...xs);
  // a band is drawn where it spans more than the marker's diameter (in decades of the y axis)
  const markerDecades = ((2 * Math.sqrt(markerSize / Math.PI)) / height) * Math.log10(yHi / yLo);
  const withBand = values.map((r) => ({ ...r, band: r.kind === "point" && r.lo !== null && r.hi !== null && Math.log10(r.hi / r.lo) > markerDecades }));
  const names = data.curves.map((c) => c.name);
  const xTicks = look.symlogX ? decadeAxis(1, xHi, true) : decadeAxis(xLo, xHi, false);
  const yTicks = decadeAxis(yLo, yHi, false);
  const xScale = look.symlogX ? { type: "symlog", constant: 1, domain: [0, xHi], nice: false } : look.logX === false ? { domain: [xLo, xHi], nice: false } : { type: "log", domain: [xLo, xHi], nice: false };
  const x = { field: "x", type: "quantitative", title: data.xTitle, scale: xScale, axis: { values: xTicks.values, labelExpr: xTicks.labelExpr, grid: true, titleFontSize: 15, labelFontSize: 12 } };
  const y = { field: "y", type: "quantitative", title: data.yTitle, scale: { type: "log", domain: [yLo, yHi], nice: false }, axis: { values: yTicks.values, labelExpr: yTicks.labelExpr, grid: true, titleFontSize: 15, labelFontSize: 12 } };
  const orient = look.legend ?? "bottom-left";
  const shown = look.legendLabels ? names.filter((n) => n in look.legendLabels!) : names;
  const quote = (t: string) => `'${t.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const labelExpr = look.legendLabels ? shown.map((n) => `datum.label === ${quote(n)} ? ${quote(look.legendLabels![n])}`).join(" : ") + " : datum.label" : undefined;
  const legend = {
    orient,
    values: shown,
    ...(labelExpr ? { labelExpr } : {}),
    labelLimit: 0,
    labelFontSize: 12,
    symbolStrokeWidth: 2.5,
    symbolSize: 110,
    ...(orient === "right" ? {} : { fillColor: "rgba(255,255,255,0.9)", strokeColor: "#bbb" }),
    padding: 6,
    title: null,
  };
  const isPoint = (c: Curve) => c.role === "simulation" || c.role === "measured";
  const colour = { field: "series", type: "nominal", scale: { domain: names, range: data.curves.map((c) => c.colour) }, sort: names, legend };
  const shape = { field: "series", type: "nominal", scale: { domain: names, range: data.curves.map((c) => (isPoint(c) ? c.shape ?? "circle" : "stroke")) }, sort: names, legend };
  const dash = { field: "series", type: "nominal", scale: { domain: names, range: data.curves.map((c) => (isPoint(c) ? [1, 0] : c.dash?.length ? c.dash : [1, 0])) }, sort: names, legend };
  const layers: Record<string, unknown>[] = [
    ...(look.under ?? []),
    {
      transform: [{ filter: "datum.band" }],
      mark: { type: "rule", strokeWidth: 1.5, opacity: 0.8 },
      encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" }, color: colour },
    },
    { transform: [{ filter: "datum.kind === 'line'" }], mark: { type: "line", strokeWidth: 2.5, clip: true }, encoding: { x, y, color: colour, strokeDash: dash, shape } },
    { transform: [{ filter: "datum.kind === 'point'" }], mark: { type: "point", filled: true, opacity: 1, size: markerSize, clip: true }, encoding: { x, y, color: colour, shape, strokeDash: dash } },
  ];
  return {
    $schema: SCHEMA,
    title: titleOf(data),
    width,
    height,
    config: { font: "DejaVu Sans, sans-serif", axis: { gridColor: "#ddd", domainColor: "#444", tickColor: "#444" }, legend: { symbolType: "stroke" } },
    data: { values: withBand },
    layer: layers,
  };
}
