// see: README.md (figures) — Vega-Lite specifications of the figures (learning curves on log–log axes,
// heat maps of the (κ, δ) plane with the theory's boundaries). Specs are plain JSON, the same the browser
// page can render; render.ts renders them headless in Node. No numerics and no I/O here.

/** Colours of the phase diagram's regions (and of series named after them). */
export const REGION_COLOURS = { green: "#2ca02c", blue: "#1f77b4", orange: "#ff7f0e", red: "#d62728" } as const;

/** A Vega-Lite specification (top level). */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** One curve: x and y values, drawn as a line, as points, or as a shaded band between lo and hi. */
export interface Series {
  name: string;
  x: number[];
  y: number[];
  mark?: "line" | "points" | "dashed";
  /** a band around the curve (e.g. 10%–90% of the simulations) */
  lo?: number[];
  hi?: number[];
  colour?: string;
}

export interface CurvesOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  series: Series[];
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
}

/** Curves on shared axes (log–log by default), one colour per series, a legend. Non-positive values on a log axis are dropped. */
export function curvesSpec(o: CurvesOptions): VegaLiteSpec {
  const logX = o.logX ?? true;
  const logY = o.logY ?? true;
  const ok = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
  const rows = o.series.flatMap((s) =>
    s.x.flatMap((x, i) => (ok(x, s.y[i]) ? [{ series: s.name, x, y: s.y[i], lo: s.lo?.[i] ?? null, hi: s.hi?.[i] ?? null, mark: s.mark ?? "line" }] : [])),
  );
  const names = o.series.map((s) => s.name);
  const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  const colours = o.series.map((s, i) => s.colour ?? palette[i % palette.length]);
  // a points series gets a dotted legend stroke (its curve is drawn as dots)
  const dashes = o.series.map((s) => (s.mark === "dashed" ? [6, 4] : s.mark === "points" ? [2, 4] : [1, 0]));
  const x = { field: "x", type: "quantitative", title: o.xTitle, scale: logX ? { type: "log", nice: false } : { zero: false } };
  const y = { field: "y", type: "quantitative", title: o.yTitle, scale: logY ? { type: "log" } : { zero: false } };
  // Legend symbols are short strokes (solid or dashed like their curve) and labels are never truncated.
  const onlyPoints = o.series.every((s) => s.mark === "points");
  const legend = { labelLimit: 0, symbolType: onlyPoints ? "circle" : "stroke", symbolStrokeWidth: 2, symbolOpacity: 1 };
  const colour = { field: "series", type: "nominal", title: null, scale: { domain: names, range: colours }, sort: names, legend };
  const strokeDash = { field: "series", type: "nominal", title: null, sort: names, legend, scale: { domain: names, range: dashes } };
  const layers: Record<string, unknown>[] = [];
  if (rows.some((r) => r.lo !== null && r.hi !== null)) {
    layers.push({
      transform: [{ filter: "datum.lo !== null && datum.hi !== null" + (logY ? " && datum.lo > 0" : "") }],
      mark: { type: "area", opacity: 0.2 },
      encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" }, color: colour },
    });
  }
  layers.push(
    {
      transform: [{ filter: "datum.mark !== 'points'" }],
      mark: { type: "line", strokeWidth: 2 },
      // same field and legend as the colour, so the two merge into one legend whose strokes are dashed like the curves
      encoding: { x, y, color: colour, strokeDash },
    },
    { transform: [{ filter: "datum.mark === 'points'" }], mark: { type: "point", filled: true, size: 30 }, encoding: { x, y, color: colour, ...(onlyPoints ? {} : { strokeDash }) } },
  );
  return { $schema: SCHEMA, title: o.title, width: o.width ?? 420, height: o.height ?? 300, data: { values: rows }, layer: layers };
}

/** Side-by-side panels (e.g. the three regimes); with `columns`, a grid of that many columns. */
export function panelsSpec(title: string, panels: VegaLiteSpec[], columns?: number): VegaLiteSpec {
  const specs = panels.map(({ $schema: _s, ...p }) => p);
  const resolve = { scale: { color: "independent", strokeDash: "independent" }, legend: { color: "independent", strokeDash: "independent" } };
  return columns === undefined ? { $schema: SCHEMA, title, hconcat: specs, resolve } : { $schema: SCHEMA, title, columns, concat: specs, resolve };
}

/** A cell of the (κ, δ) plane. */
export interface PlaneCell {
  kappa: number;
  delta: number;
  /** the value coloured (e.g. log10 of the excess risk); null: no value (grey) */
  value: number | null;
  /** a flag drawn on the cell: "budget" (the horizon was not reached), "diverged" */
  flag?: "budget" | "diverged";
  region: string;
}

/**
 * A heat map of the (κ, δ) plane: one rectangle per grid point coloured by `value`, the theory's boundaries
 * κ + δ = 0 (blue line) and κ + δ = −1/2 (edge of red) drawn over it, the region names, and markers for the
 * points whose budget ran out (○) or that diverged (×).
 */
export function planeSpec(o: {
  title: string;
  valueTitle: string;
  cells: PlaneCell[];
  width?: number;
  height?: number;
  /** the plotted rectangle (default: the cells' grid, half a step beyond its outer points) */
  extent?: { kappa: [number, number]; delta: [number, number] };
  /** shade the four regions in their colours under the cells */
  regions?: boolean;
  /** a marked point (e.g. the one being run) */
  marker?: { kappa: number; delta: number };
}): VegaLiteSpec {
  const kappas = [...new Set(o.cells.map((c) => c.kappa))].sort((a, b) => a - b);
  const deltas = [...new Set(o.cells.map((c) => c.delta))].sort((a, b) => a - b);
  const half = (v: number[]) => (v.length > 1 ? (v[1] - v[0]) / 2 : 0.5);
  const hk = half(kappas);
  const hd = half(deltas);
  const [k0, k1] = o.extent?.kappa ?? [kappas[0] - hk, kappas[kappas.length - 1] + hk];
  const [d0, d1] = o.extent?.delta ?? [deltas[0] - hd, deltas[deltas.length - 1] + hd];
  const cells = o.cells.map((c) => ({ ...c, k0: c.kappa - hk, k1: c.kappa + hk, d0: c.delta - hd, d1: c.delta + hd }));
  const line = (offset: number) => {
    // δ = offset − κ clipped to the plotted rectangle
    const pts: { kappa: number; delta: number }[] = [];
    for (let i = 0; i <= 50; i++) {
      const kappa = k0 + ((k1 - k0) * i) / 50;
      const delta = offset - kappa;
      if (delta >= d0 && delta <= d1) pts.push({ kappa, delta });
    }
    return pts;
  };
  const labels = [
    { kappa: (k0 + k1) / 2, delta: Math.min(d1 - 0.1, 0.8), text: "green (κ + δ > 0)" },
    { kappa: k0 + 0.7 * (k1 - k0), delta: -(k0 + 0.7 * (k1 - k0)) + 0.08, text: "blue line" },
    // orange: on the middle line δ = −¼ − κ of its band, kept above the bottom edge
    { kappa: -0.25 - Math.max(-0.25 - (k0 + 0.75 * (k1 - k0)), d0 + 0.08), delta: Math.max(-0.25 - (k0 + 0.75 * (k1 - k0)), d0 + 0.08), text: "orange" },
    { kappa: k0 + 0.15 * (k1 - k0), delta: Math.max(d0 + 0.1, -0.9), text: "red" },
  ].filter((l) => l.delta > d0 && l.delta < d1);
  const x = { field: "kappa", type: "quantitative", title: "κ   (p ~ d^κ)", scale: { domain: [k0, k1], nice: false } };
  const y = { field: "delta", type: "quantitative", title: "δ   (γ ~ d^−δ)", scale: { domain: [d0, d1], nice: false } };
  // the regions as bands over κ: green above δ = −κ, orange between −½ − κ and −κ, red below −½ − κ
  const clamp = (v: number) => Math.min(d1, Math.max(d0, v));
  const bands = o.regions
    ? Array.from({ length: 51 }, (_, i) => k0 + ((k1 - k0) * i) / 50).flatMap((kappa) => [
        { region: "green", kappa, lo: clamp(-kappa), hi: d1 },
        { region: "orange", kappa, lo: clamp(-0.5 - kappa), hi: clamp(-kappa) },
        { region: "red", kappa, lo: d0, hi: clamp(-0.5 - kappa) },
      ])
    : [];
  const regionLayer = {
    data: { values: bands },
    mark: { type: "area", opacity: 0.22, clip: true },
    encoding: {
      x,
      y: { ...y, field: "lo" },
      y2: { field: "hi" },
      color: { field: "region", type: "nominal", legend: null, scale: { domain: ["green", "orange", "red"], range: [REGION_COLOURS.green, REGION_COLOURS.orange, REGION_COLOURS.red] } },
    },
  };
  return {
    $schema: SCHEMA,
    title: o.title,
    width: o.width ?? 420,
    height: o.height ?? 420,
    ...(o.regions ? { resolve: { scale: { color: "independent" } } } : {}),
    layer: [
      ...(o.regions ? [regionLayer] : []),
      ...(cells.length === 0 ? [] : [{
        data: { values: cells },
        mark: { type: "rect", stroke: "white", strokeWidth: 0.5, clip: true },
        encoding: {
          x: { ...x, field: "k0" },
          x2: { field: "k1" },
          y: { ...y, field: "d0" },
          y2: { field: "d1" },
          color: { field: "value", type: "quantitative", title: o.valueTitle, scale: { scheme: "viridis" } },
          tooltip: [{ field: "kappa" }, { field: "delta" }, { field: "value", format: ".3f" }, { field: "region" }],
        },
      }]),
      ...(cells.every((c) => !c.flag) ? [] : [{
        data: { values: cells.filter((c) => c.flag) },
        mark: { type: "point", size: 60, strokeWidth: 2, color: "white" },
        encoding: {
          x,
          y,
          shape: {
            field: "flag",
            type: "nominal",
            title: "point",
            scale: { domain: ["budget", "diverged"], range: ["circle", "cross"] },
            legend: { symbolStrokeColor: "black", labelExpr: "datum.label === 'budget' ? 'budget used up' : 'diverged'" },
          },
        },
      }]),
      { data: { values: line(0) }, mark: { type: "line", color: REGION_COLOURS.blue, strokeWidth: 3 }, encoding: { x, y, order: { field: "kappa" } } },
      { data: { values: line(-0.5) }, mark: { type: "line", color: REGION_COLOURS.red, strokeWidth: 2, strokeDash: [6, 4] }, encoding: { x, y, order: { field: "kappa" } } },
      { data: { values: labels }, mark: { type: "text", fontSize: 12, fontWeight: "bold", color: o.regions ? "#222" : "white" }, encoding: { x, y, text: { field: "text" } } },
      ...(o.marker
        ? [{ data: { values: [o.marker] }, mark: { type: "point", shape: "diamond", size: 160, filled: true, color: "black", stroke: "white", strokeWidth: 1.5 }, encoding: { x, y } }]
        : []),
    ],
  };
}

/** Points with error bars and a fitted power law on log–log axes (e.g. R∞ against d). */
export function fitSpec(o: { title: string; xTitle: string; yTitle: string; points: { x: number; y: number; lo: number; hi: number }[]; fit: { x: number; y: number }[]; fitLabel: string }): VegaLiteSpec {
  const x = { field: "x", type: "quantitative", title: o.xTitle, scale: { type: "log" } };
  const y = { field: "y", type: "quantitative", title: o.yTitle, scale: { type: "log" } };
  return {
    $schema: SCHEMA,
    title: o.title,
    width: 420,
    height: 300,
    layer: [
      { data: { values: o.points.filter((p) => p.lo > 0) }, mark: { type: "rule" }, encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" } } },
      { data: { values: o.points }, mark: { type: "point", filled: true, size: 50 }, encoding: { x, y } },
      { data: { values: o.fit.map((p) => ({ ...p, label: o.fitLabel })) }, mark: { type: "line", strokeDash: [6, 4] }, encoding: { x, y, color: { field: "label", type: "nominal", title: null, legend: { labelLimit: 0, symbolType: "stroke", symbolDash: [6, 4], symbolStrokeWidth: 2 } } } },
    ],
  };
}

/**
 * A matrix (Q, M) as a small heat map: one cell per entry, coloured on a diverging scale symmetric about 0 (so
 * a sign and a relative size read at any magnitude), the value on hover. At most `limit` rows and columns.
 */
export function matrixSpec(o: { title: string; values: number[][]; rowLabel: string; colLabel: string; cell?: number; limit?: number }): VegaLiteSpec {
  const limit = o.limit ?? 32;
  const rows = o.values.slice(0, limit);
  const cells = rows.flatMap((row, i) => row.slice(0, limit).map((value, j) => ({ i: i + 1, j: j + 1, value, row: `${o.rowLabel}${i + 1}`, col: `${o.colLabel}${j + 1}` })));
  const biggest = cells.reduce((m, c) => (Number.isFinite(c.value) ? Math.max(m, Math.abs(c.value)) : m), 0) || 1;
  const size = o.cell ?? 14;
  const cols = Math.max(1, ...rows.map((r) => Math.min(limit, r.length)));
  return {
    $schema: SCHEMA,
    title: { text: o.title, fontSize: 12, anchor: "start" },
    width: cols * size,
    height: rows.length * size,
    data: { values: cells },
    mark: { type: "rect", stroke: "white", strokeWidth: 0.5 },
    encoding: {
      x: { field: "j", type: "ordinal", title: null, axis: cols > 12 ? null : { labelExpr: `'${o.colLabel}' + datum.value`, labelAngle: 0 } },
      y: { field: "i", type: "ordinal", title: null, axis: rows.length > 12 ? null : { labelExpr: `'${o.rowLabel}' + datum.value` } },
      color: { field: "value", type: "quantitative", title: null, scale: { scheme: "blueorange", domain: [-biggest, biggest] }, legend: { format: ".3~g", gradientLength: Math.max(60, rows.length * size) } },
      tooltip: [{ field: "row", title: "row" }, { field: "col", title: "column" }, { field: "value", format: ".6~g" }],
    },
  };
}
