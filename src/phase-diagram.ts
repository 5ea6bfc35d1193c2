// see: theory.md §9 and README.md (phase diagram) — the whole (κ, δ) plane: every grid point run in parallel
// as a resumable sweep (src/sweep.ts), then one JSON, one CSV and two heat maps (log10 of the excess risk at
// the horizon, and after a fixed number of samples n: the width/learning-rate trade-off at equal data).
import { join } from "node:path";
import { writeFile } from "node:fs/promises";
import { sweep, type SweepLine } from "./sweep.js";
import { axis, PHASE_DEFAULTS, type PhasePoint, type PhasePointOptions } from "./phase.js";
import { planeSpec } from "./plot.js";
import { writeFigure } from "./render.js";
import { VERSION } from "./version.js";

type Axis = { from: number; to: number; count: number } | number[];

export interface PhaseDiagramOptions extends Omit<PhasePointOptions, "d" | "kappa" | "delta"> {
  d?: number;
  kappa?: Axis;
  delta?: Axis;
  /** directory of the outputs (default out/phase-diagram) */
  outDir?: string;
  /** keep the points already in <outDir>/phase-diagram.jsonl */
  resume?: boolean;
  workers?: number;
  onProgress?: (progress: { done: number; total: number; point?: PhasePoint }) => void;
}

export interface PhaseDiagram {
  params: Required<Omit<PhaseDiagramOptions, "outDir" | "resume" | "workers" | "onProgress" | "kappa" | "delta" | "ode" | "backend">> & { kappa: number[]; delta: number[]; ode: boolean };
  /** one per grid point, κ major; `error` when the point failed */
  points: (PhasePoint | { kappa: number; delta: number; error: string })[];
  files: string[];
  meta: { version: string; elapsedMs: number };
}

const CSV_COLUMNS = [
  "kappa", "delta", "region", "p", "gamma", "method", "samples", "tReached", "budgetExhausted", "risk0", "riskEnd",
  "change", "trend", "diverged", "samplesFixed", "riskAtSamples", "odeRisk", "elapsedMs",
] as const;

/** Runs the phase diagram (README: defaults) and writes its files; resolves with all points. */
export async function phaseDiagram(options: PhaseDiagramOptions = {}): Promise<PhaseDiagram> {
  const started = performance.now();
  const { outDir = join("out", "phase-diagram"), resume = false, workers, onProgress, kappa, delta, ...pointOptions } = options;
  const params = {
    d: pointOptions.d ?? PHASE_DEFAULTS.d,
    k: pointOptions.k ?? PHASE_DEFAULTS.k,
    gamma0: pointOptions.gamma0 ?? PHASE_DEFAULTS.gamma0,
    noise: pointOptions.noise ?? PHASE_DEFAULTS.noise,
    tEnd: pointOptions.tEnd ?? PHASE_DEFAULTS.tEnd,
    budget: pointOptions.budget ?? PHASE_DEFAULTS.budget,
    samplesFixed: pointOptions.samplesFixed ?? PHASE_DEFAULTS.samplesFixed,
    seed: pointOptions.seed ?? PHASE_DEFAULTS.seed,
    points: pointOptions.points ?? PHASE_DEFAULTS.points,
    odeMaxP: pointOptions.odeMaxP ?? PHASE_DEFAULTS.odeMaxP,
    ode: pointOptions.ode ?? true,
    batch: pointOptions.batch ?? 1,
    weightDecay: pointOptions.weightDecay ?? 0,
    aTeacher: pointOptions.aTeacher ?? 1,
    aInit: pointOptions.aInit ?? 1,
    gammaA: pointOptions.gammaA ?? 0,
    activation: pointOptions.activation ?? "erf",
    activationTeacher: pointOptions.activationTeacher ?? pointOptions.activation ?? "erf",
    kappa: axis(kappa ?? PHASE_DEFAULTS.kappa),
    delta: axis(delta ?? PHASE_DEFAULTS.delta),
  };
  const { kappa: kappas, delta: deltas, ...base } = params;
  const lines = await sweep(
    { kind: "phase", base, grid: { kappa: kappas, delta: deltas } },
    {
      out: join(outDir, "phase-diagram.jsonl"),
      resume,
      workers,
      onProgress: (p) => onProgress?.({ done: p.done, total: p.total, point: p.line.result as PhasePoint | undefined }),
    },
  );
  const points = lines.map((line: SweepLine) =>
    line.result ? (line.result as PhasePoint) : { kappa: line.options.kappa as number, delta: line.options.delta as number, error: line.error ?? "unknown error" },
  );
  const files = [join(outDir, "phase-diagram.jsonl"), join(outDir, "phase-diagram.json"), join(outDir, "phase-diagram.csv")];
  const result: PhaseDiagram = { params, points, files, meta: { version: VERSION, elapsedMs: 0 } };
  const ok = points.filter((p): p is PhasePoint => !("error" in p));
  // the budget flag belongs to the horizon's map only: the fixed-n map runs every point to exactly n samples
  const cell = (p: PhasePoint, value: number | null, markBudget: boolean) => ({
    kappa: p.kappa,
    delta: p.delta,
    value: value !== null && value > 0 ? Math.log10(value) : null,
    region: p.region,
    ...(p.diverged ? { flag: "diverged" as const } : markBudget && p.budgetExhausted ? { flag: "budget" as const } : {}),
  });
  const title = `d = ${params.d}, k = ${params.k}, γ0 = ${params.gamma0}, Δ = ${params.noise}`;
  files.push(
    ...(await writeFigure(outDir, "phase-diagram", planeSpec({ title: `excess risk at t = ${params.tEnd} (${title})`, valueTitle: "log10 R", cells: ok.map((p) => cell(p, p.riskEnd, true)) }))),
    ...(await writeFigure(outDir, "phase-diagram-samples", planeSpec({ title: `excess risk after n = ${params.samplesFixed} samples (${title})`, valueTitle: "log10 R", cells: ok.map((p) => cell(p, p.riskAtSamples, false)) }))),
  );
  result.meta.elapsedMs = performance.now() - started;
  await writeFile(files[1], `${JSON.stringify(result, null, 1)}\n`);
  const rows = points.map((p) => ("error" in p ? [p.kappa, p.delta, `error: ${p.error.replaceAll(",", ";")}`] : CSV_COLUMNS.map((c) => p[c] ?? "")));
  await writeFile(files[2], `${[CSV_COLUMNS.join(","), ...rows.map((r) => r.join(","))].join("\n")}\n`);
  return result;
}
