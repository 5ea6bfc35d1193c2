// see: theory.md §9 and README.md (the measured phase diagram) — the (κ, δ) plane measured: every grid point
// classified from simulations across its ladder of d (src/phase/phase-measure.ts), run in parallel as a resumable
// sweep, then one JSON, one CSV, the measured diagram beside the risk map, and the agreement with the theory.
import { join } from "node:path";
import { checkWritable, writeAtomic } from "../jobs/files.js";
import { sweep, type SweepLine, type SweepSpec } from "../jobs/sweep.js";
import type { JobSweep } from "../jobs/job.js";
import { axis } from "./phase.js";
import { MEASURE_DEFAULTS, type MeasuredPhase, type MeasurePointOptions } from "./phase-measure.js";
import { measuredDiagramSpec } from "./phase-figure.js";
import { checkRenderer, writeFigure } from "../output/render.js";
import { VERSION } from "../version.js";
import { delimited, type Cell, type Records } from "../records.js";

type Axis = { from: number; to: number; count: number } | number[];

/** The default grid: κ from 0 to 1, δ from −1.5 to 1, every ¼ — at least five points in each region. */
export const DIAGRAM_DEFAULTS = { kappa: { from: 0, to: 1, count: 5 }, delta: { from: -1.5, to: 1, count: 11 } } as const;

export interface PhaseDiagramOptions extends Omit<MeasurePointOptions, "kappa" | "delta"> {
  kappa?: Axis;
  delta?: Axis;
  /** directory of the outputs (default out/phase-diagram) */
  outDir?: string;
  /** keep the points already in <outDir>/phase-diagram.jsonl */
  resume?: boolean;
  workers?: number;
  /** at the start (work kept from a resumed file) and after each point: points, and the share of the estimated work */
  onProgress?: (progress: { done: number; total: number; workDone: number; workTotal: number; workSkipped?: number; point?: MeasuredPhase }) => void;
}

/** How the measured diagram agrees with the theory's. */
export interface Agreement {
  points: number;
  /** points within one grid spacing of κ + δ = 0 or κ + δ = −½ (in δ): counted apart */
  onBoundary: number;
  offBoundary: number;
  /** off the boundaries: measured as the theory says */
  agree: number;
  /** off the boundaries: undetermined */
  undetermined: number;
  /** off the boundaries: measured otherwise than the theory, with the reason */
  disagree: { kappa: number; delta: number; region: string; phase: string; reason: string }[];
  /** agree / offBoundary */
  share: number;
  /** the grid spacing in δ that decides "on the boundary" */
  spacing: number;
}

export interface PhaseDiagram {
  params: Record<string, unknown> & { kappa: number[]; delta: number[] };
  /** one per grid point, κ major; `error` when the point failed */
  points: (MeasuredPhase | { kappa: number; delta: number; error: string })[];
  agreement: Agreement;
  files: string[];
  meta: { version: string; elapsedMs: number; costScale: number };
}

/** Whether (κ, δ) lies within `spacing` (in δ) of κ + δ = 0 or κ + δ = −½. */
export function onBoundary(kappa: number, delta: number, spacing: number): boolean {
  const s = kappa + delta;
  return Math.abs(s) < spacing - 1e-9 || Math.abs(s + 0.5) < spacing - 1e-9;
}

/** The agreement of measured points with the theory (README: the measured phase diagram). */
export function agreementOf(points: MeasuredPhase[], spacing: number): Agreement {
  const off = points.filter((p) => !onBoundary(p.kappa, p.delta, spacing));
  const agree = off.filter((p) => p.agrees === true).length;
  const undetermined = off.filter((p) => p.phase === "undetermined").length;
  return {
    points: points.length,
    onBoundary: points.length - off.length,
    offBoundary: off.length,
    agree,
    undetermined,
    disagree: off.filter((p) => p.agrees === false).map((p) => ({ kappa: p.kappa, delta: p.delta, region: p.region, phase: p.phase, reason: p.reason })),
    share: off.length ? agree / off.length : NaN,
    spacing,
  };
}

/** The grid spacing that decides "on the boundary": the δ axis's smallest step (else κ's, else ¼). */
function spacingOf(kappas: number[], deltas: number[]): number {
  const step = (v: number[]) => Math.min(...[...new Set(v)].sort((a, b) => a - b).flatMap((x, i, a) => (i ? [x - a[i - 1]] : [])));
  const d = step(deltas);
  const k = step(kappas);
  return Number.isFinite(d) ? d : Number.isFinite(k) ? k : 0.25;
}

const CSV_COLUMNS = [
  "kappa", "delta", "s", "region", "phase", "agrees", "onBoundary", "reason", "dims", "dMax", "pMax", "clock", "clockExponent",
  "jumpExponent", "jumpError", "riskExponent", "riskError", "learningExponent", "learningError", "learningNever", "trendExponent",
  "trendError", "risk0", "riskEnd", "riskSe", "aboveStart", "elapsedMs",
] as const;

/** The points as records (phase-diagram.csv, the CLI's --format): one row per point, the evidence's summary (every
 * number of the ladder is in the JSON); a point that failed has its error in column reason. */
export function diagramRecords(result: Pick<PhaseDiagram, "points" | "agreement">): Records {
  const rows = result.points.map((p): Cell[] => ("error" in p ? CSV_COLUMNS.map((c) => (c === "kappa" ? p.kappa : c === "delta" ? p.delta : c === "reason" ? `error: ${p.error}` : null)) : csvRow(p, result.agreement.spacing)));
  return { columns: [...CSV_COLUMNS], rows };
}

/** A point's CSV row. */
function csvRow(p: MeasuredPhase, spacing: number): Cell[] {
  const e = p.evidence;
  const last = e.ladder.filter((l) => l.riskEnd !== undefined).at(-1);
  const row: Record<(typeof CSV_COLUMNS)[number], Cell> = {
    kappa: p.kappa,
    delta: p.delta,
    s: p.s,
    region: p.region,
    phase: p.phase,
    agrees: p.agrees === null ? "" : p.agrees,
    onBoundary: onBoundary(p.kappa, p.delta, spacing),
    reason: p.reason,
    dims: e.ladder.map((l) => l.d).join(";"),
    dMax: last?.d ?? "",
    pMax: last?.p ?? "",
    clock: e.clock,
    clockExponent: e.clockExponent ?? "",
    jumpExponent: e.jump?.value ?? "",
    jumpError: e.jump?.error ?? "",
    riskExponent: e.risk?.value ?? "",
    riskError: e.risk?.error ?? "",
    learningExponent: e.learning && !e.learning.never ? e.learning.value : "",
    learningError: e.learning && !e.learning.never ? e.learning.error : "",
    learningNever: e.learning?.never ?? "",
    trendExponent: e.trend?.value ?? "",
    trendError: e.trend?.error ?? "",
    risk0: last?.risk0 ?? "",
    riskEnd: last?.riskEnd ?? "",
    riskSe: last?.riskSe ?? "",
    aboveStart: e.aboveStart ?? "",
    elapsedMs: Math.round(p.elapsedMs),
  };
  return CSV_COLUMNS.map((c) => row[c]);
}

/** The options resolved: axes, the points' options with their defaults, the sweep and its file. */
function diagramSpec(options: PhaseDiagramOptions) {
  const { outDir = join("out", "phase-diagram"), resume: _r, workers: _w, onProgress: _p, kappa, delta, ...pointOptions } = options;
  const kappas = axis(kappa ?? DIAGRAM_DEFAULTS.kappa);
  const deltas = axis(delta ?? DIAGRAM_DEFAULTS.delta);
  const base = { ...MEASURE_DEFAULTS, ...Object.fromEntries(Object.entries(pointOptions).filter(([, v]) => v !== undefined)) };
  const spec: SweepSpec = { kind: "measure", base, grid: { kappa: kappas, delta: deltas } };
  return { outDir, kappas, deltas, base, spec, out: join(outDir, "phase-diagram.jsonl") };
}

/** The diagram as a sweep-shaped job (src/jobs/job.ts): its one sweep, the measured points, and their file. */
export function phaseDiagramSweeps(options: PhaseDiagramOptions = {}): JobSweep[] {
  const { spec, out } = diagramSpec(options);
  return [{ spec, out }];
}

/** Runs the measured phase diagram (README: defaults) and writes its files; resolves with every point and the agreement. */
export async function phaseDiagram(options: PhaseDiagramOptions = {}): Promise<PhaseDiagram> {
  const started = performance.now();
  await checkRenderer();
  const { resume = false, workers, onProgress } = options;
  const { outDir, kappas, deltas, base, spec, out } = diagramSpec(options);
  // the output directory is usable, before any work
  await checkWritable(join(outDir, "phase-diagram.json"), "--out-dir");
  const costScale = base.costScale;
  const lines = await sweep(
    spec,
    {
      out,
      resume,
      existing: "backup",
      specNames: false,
      workers,
      onStart: (st) => onProgress?.({ done: st.skipped, total: st.total, workDone: st.workSkipped, workTotal: st.workTotal, workSkipped: st.workSkipped }),
      onProgress: (p) => onProgress?.({ done: p.done, total: p.total, workDone: p.workDone, workTotal: p.workTotal, point: p.line.result as MeasuredPhase | undefined }),
    },
  );
  const points = lines.map((line: SweepLine) =>
    line.result ? (line.result as MeasuredPhase) : { kappa: line.options.kappa as number, delta: line.options.delta as number, error: line.error ?? "unknown error" },
  );
  const ok = points.filter((p): p is MeasuredPhase => !("error" in p));
  const spacing = spacingOf(kappas, deltas);
  const agreement = agreementOf(ok, spacing);
  const params = { ...base, kappa: kappas, delta: deltas };
  const files = [join(outDir, "phase-diagram.jsonl"), join(outDir, "phase-diagram.json"), join(outDir, "phase-diagram.csv")];
  const result: PhaseDiagram = { params, points, agreement, files, meta: { version: VERSION, elapsedMs: 0, costScale } };
  files.push(...(await writeFigure(outDir, "phase-diagram", measuredDiagramSpec({ points: ok, kappas, deltas, agreement, params: base }))));
  result.meta.elapsedMs = performance.now() - started;
  await writeAtomic(files[1], `${JSON.stringify(result, null, 1)}\n`);
  await writeAtomic(files[2], delimited(diagramRecords(result)));
  return result;
}
