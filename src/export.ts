// see: STYLE.md §1 — writers for a finished result; no numerics here.
import type { OdeResult, SimulationResult } from "./result.js";
import { delimited, joined, type Cell, type Records } from "./records.js";

/** The overlaps of the initial condition of a result, as `init` accepts them ({ Q0, M0, P }). */
export function initialOverlaps(result: SimulationResult): { Q0: number[][]; M0: number[][]; P: number[][] } {
  return { Q0: result.Q[0], M0: result.M[0], P: result.P };
}

/** The result as JSON (numbers at full precision: parsing it back gives the same doubles). */
export function toJson(result: unknown): string {
  return `${JSON.stringify(result, null, 1)}\n`;
}

/**
 * The same text as `toJson`, in chunks (one per leaf), so that a result larger than the longest string a
 * JavaScript engine can hold (~512 MB in V8) can still be written to a file (src/jobs/files.ts writeAtomic).
 */
export function* toJsonChunks(value: unknown, indent = ""): Generator<string> {
  yield* jsonValue(value, indent);
  if (indent === "") yield "\n";
}

function* jsonValue(value: unknown, indent: string): Generator<string> {
  if (Array.isArray(value)) {
    if (value.length === 0) return yield "[]";
    const inner = `${indent} `;
    yield "[\n";
    for (let i = 0; i < value.length; i++) {
      yield inner;
      const v = value[i];
      if (v === undefined || typeof v === "function" || typeof v === "symbol") yield "null";
      else yield* jsonValue(v, inner);
      yield i < value.length - 1 ? ",\n" : "\n";
    }
    return yield `${indent}]`;
  }
  if (value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON !== "function") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function" && typeof v !== "symbol");
    if (entries.length === 0) return yield "{}";
    const inner = `${indent} `;
    yield "{\n";
    for (let i = 0; i < entries.length; i++) {
      yield `${inner}${JSON.stringify(entries[i][0])}: `;
      yield* jsonValue(entries[i][1], inner);
      yield i < entries.length - 1 ? ",\n" : "\n";
    }
    return yield `${indent}}`;
  }
  // leaves (and objects with toJSON) as JSON.stringify writes them at this depth
  const text = JSON.stringify(value, null, 1);
  yield text === undefined ? "null" : text.replace(/\n/g, `\n${indent}`);
}

/**
 * One record per output time: t, samples (simulations), risk (full precision); with several seeds also the
 * ensemble's runs, mean, std, se and quantiles (columns q10, q50, … by level).
 */
export function resultRecords(result: SimulationResult | OdeResult): Records {
  const samples = "samples" in result ? result.samples : undefined;
  const ensemble = "ensemble" in result ? result.ensemble : undefined;
  const columns = [...(samples ? ["t", "samples", "risk"] : ["t", "risk"])];
  if (ensemble) columns.push("runs", "mean", "std", "se", ...ensemble.quantiles.levels.map((q) => `q${Math.round(q * 1000) / 10}`));
  // with an ensemble, its grid (the first seed's risk is blank where that seed had diverged)
  const grid = ensemble ?? { t: result.t, samples };
  const rows = grid.t.map((t, j) => {
    const risk = result.risk[j] ?? null;
    const row: Cell[] = samples ? [t, grid.samples![j], risk] : [t, risk];
    if (ensemble) row.push(ensemble.runs[j], ensemble.mean[j], ensemble.std[j], ensemble.se[j], ...ensemble.quantiles.values.map((v) => v[j]));
    return row;
  });
  return { columns, rows };
}

/** The records of a result as CSV (resultRecords). */
export function toCsv(result: SimulationResult | OdeResult): string {
  return joined(delimited(resultRecords(result)));
}

/** A short table of an ODE solution: a header line with the parameters and the solver's work, then t, risk. */
export function toOdeTable(result: OdeResult): string {
  const { params: q, stats, meta } = result;
  const head =
    `# ODE, ${q.region} region (κ = ${q.kappa}, δ = ${q.delta}), ${q.mode} prefactors a1 = ${fmt(q.a1)}, a2 = ${fmt(q.a2)} (d = ${q.d}), ` +
    `p = ${q.p}, k = ${q.k}, Δ = ${q.noise}; ${q.integrator}${q.integrator === "euler" ? ` step ${q.step}` : ` rtol ${q.rtol}`}: ${stats.steps} steps, ` +
    `${stats.rhsEvaluations} ψ evaluations in ${(meta.elapsedMs / 1000).toFixed(3)} s`;
  return table(head, ["t", "risk"], result.t.map((t, j) => [fmt(t), result.risk[j].toExponential(6)]), result.failure && `# stopped at t = ${fmt(result.failure.t)}: ${result.failure.reason}`);
}

/** Right-aligned columns under a header line, and an optional last line. */
function table(head: string, header: string[], rows: string[][], last?: string): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c])).join("  ");
  return `${[head, line(header), ...rows.map(line), ...(last ? [last] : [])].join("\n")}\n`;
}

/** A short human-readable table: a header line with the parameters, then t, samples, risk. */
export function toTable(result: SimulationResult): string {
  const { params: q, meta } = result;
  const head =
    `# ${q.region} region (κ = ${q.kappa}, δ = ${q.delta}), d = ${q.d}, p = ${q.p}, k = ${q.k}, ` +
    `γ = ${fmt(q.gamma)}, Δ = ${q.noise}, δt = ${fmt(q.dt)}, seed ${q.seed}; ` +
    `${result.samples.at(-1) ?? 0} samples${q.seeds > 1 ? ` × ${q.seeds} seeds` : ""} in ${(meta.elapsedMs / 1000).toFixed(2)} s (${q.method}, ${(meta.nsPerSample / 1000).toFixed(2)} µs/sample, ${q.backend})`;
  const e = result.ensemble;
  const rows = (e ?? result).t.map((t, j) => [
    fmt(t),
    String((e ?? result).samples[j]),
    result.risk[j]?.toExponential(6) ?? "—",
    ...(e ? [e.mean[j].toExponential(6), e.se[j].toExponential(2), String(e.runs[j])] : []),
  ]);
  const dv = result.divergence;
  // one token per column name (for whitespace-separated readers): the first seed's curve, then the ensemble's
  const header = ["t", "samples", e ? `risk_seed${q.seed}` : "risk", ...(e ? ["mean", "se", "runs"] : [])];
  const notes = [
    ...(dv ? [`# diverged after ${dv.samples} samples (t = ${fmt(dv.t)}): ${dv.reason}`] : []),
    ...(result.interruption ? [`# interrupted after ${result.interruption.samples} samples (t = ${fmt(result.interruption.t)}): the rows stop at the last output time before`] : []),
    ...(e && e.diverged > 0 ? [`# ${divergedSeeds(e)}; mean and se are over the seeds still finite at each time (column runs)`] : []),
  ];
  return table(head, header, rows, notes.length > 0 ? notes.join("\n") : undefined);
}

/** "2 of 8 seeds diverged: seed 3 at t = 0.5, seed 6 at t = 2" for an ensemble with diverged seeds. */
export function divergedSeeds(e: Pick<NonNullable<SimulationResult["ensemble"]>, "seeds" | "diverged" | "divergences">): string {
  const where = (e.divergences ?? []).map((dv) => `seed ${dv.seed} at t = ${fmt(dv.t)}`).join(", ");
  return `${e.diverged} of ${e.seeds.length} seeds diverged${where ? `: ${where}` : ""}`;
}

function fmt(v: number): string {
  return Number(v.toPrecision(6)).toString();
}
