// see: STYLE.md §1 — writers for a finished result; no numerics here.
import type { SimulationResult } from "./result.js";

/** The overlaps of the initial condition of a result, as `init` accepts them ({ Q0, M0, P }). */
export function initialOverlaps(result: SimulationResult): { Q0: number[][]; M0: number[][]; P: number[][] } {
  return { Q0: result.Q[0], M0: result.M[0], P: result.P };
}

/** The result as JSON (numbers at full precision: parsing it back gives the same doubles). */
export function toJson(result: unknown): string {
  return `${JSON.stringify(result, null, 1)}\n`;
}

/** One CSV row per output time: t, samples, risk (full precision). */
export function toCsv(result: SimulationResult): string {
  const lines = ["t,samples,risk"];
  result.t.forEach((t, j) => lines.push(`${t},${result.samples[j]},${result.risk[j]}`));
  return `${lines.join("\n")}\n`;
}

/** A short human-readable table: a header line with the parameters, then t, samples, risk. */
export function toTable(result: SimulationResult): string {
  const { params: q, meta } = result;
  const head =
    `# ${q.region} region (κ = ${q.kappa}, δ = ${q.delta}), d = ${q.d}, p = ${q.p}, k = ${q.k}, ` +
    `γ = ${fmt(q.gamma)}, Δ = ${q.noise}, δt = ${fmt(q.dt)}, seed ${q.seed}; ` +
    `${result.samples.at(-1) ?? 0} samples in ${(meta.elapsedMs / 1000).toFixed(2)} s (${(meta.nsPerSample / 1000).toFixed(2)} µs/sample, ${q.backend})`;
  const rows = result.t.map((t, j) => [fmt(t), String(result.samples[j]), result.risk[j].toExponential(6)]);
  const header = ["t", "samples", "risk"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c])).join("  ");
  const lines = [head, line(header), ...rows.map(line)];
  if (result.status === "diverged") {
    const dv = result.divergence!;
    lines.push(`# diverged after ${dv.samples} samples (t = ${fmt(dv.t)}): ${dv.reason}`);
  }
  return `${lines.join("\n")}\n`;
}

function fmt(v: number): string {
  return Number(v.toPrecision(6)).toString();
}
