// see: README.md (CLI) — `sgd-phase compare`: the ODE and n simulation seeds from one initial condition.
import { Command, Option } from "commander";
import { compare, comparisonRecords, DEFAULT_SEEDS, type Comparison, type CompareOptions } from "../../compare.js";
import { DEFAULTS, SIM_METHODS } from "../../validate.js";
import { divergedSeeds, toJsonChunks } from "../../export.js";
import { EXIT_DIVERGED } from "./simulate.js";
import { exitCodeOf, interruptSignal, interruption } from "../interrupt.js";
import { addModelOptions, checkOutputs, fail, inputsOf, modelOptions, parseNumber, progress, writeOutputs, type ModelFlags } from "../options.js";
import { formatOption, printResult, stdoutFormat, type Format, type Printable } from "../format.js";
import { addSolverOptions, SOLVER_KEYS } from "./ode.js";

/** A comparison as printed: one row per output time (the ODE's risk and the simulations' statistics). */
const printable = (c: Comparison): Printable => ({ records: comparisonRecords(c), table: comparisonTable(c), json: () => toJsonChunks(c) });

type Flags = ModelFlags & Pick<CompareOptions, "seeds" | "method" | "mode" | "integrator" | "rtol" | "atol" | "psi" | "mcSamples" | "mcSeed"> & { format?: Format };

export function compareCommand(): Command {
  return addSolverOptions(
    addModelOptions(
      new Command("compare").description("run the ODE and n simulation seeds from the same initial condition; write both curves (simulations: mean and spread)"),
      DEFAULTS,
    ),
    "finite-d",
  )
    .option("--seeds <n>", `number of simulation seeds, from --seed on (default ${DEFAULT_SEEDS})`, parseNumber)
    .addOption(new Option("--method <name>", 'simulations: "direct", "chain" or "auto" (default)').choices([...SIM_METHODS]))
    .option("--out <files...>", "write the comparison: .json (everything), .csv, .tsv, .jsonl (one row per output time, plot-ready), .txt (the table); - is stdout")
    .addOption(formatOption("one object per output time"))
    .action(async (flags: Flags, command: Command) => {
      try {
        process.exitCode = await runCompare(flags);
      } catch (error) {
        fail(command, error);
      }
    });
}

async function runCompare(flags: Flags): Promise<number> {
  const format = stdoutFormat(flags);
  await checkOutputs(flags.out, inputsOf(flags));
  const options = (await modelOptions(flags)) as CompareOptions;
  for (const key of ["seeds", "method", ...SOLVER_KEYS] as const) {
    if (flags[key] !== undefined) (options as Record<string, unknown>)[key] = flags[key];
  }
  const bar = progress(flags, "compare |{bar}| {percentage}% | {value}/{total} samples (all seeds) | ETA {eta_formatted}");
  const c = await compare({ ...options, signal: interruptSignal(), onProgress: (p) => bar.update(p.samples, p.totalSamples, {}) }).finally(() => bar.stop());
  for (const warning of warnings(c)) process.stderr.write(`warning: ${warning}\n`);
  await printResult(printable(c), format);
  const q = c.params.simulation;
  await writeOutputs(flags.out ?? [], printable(c), [], `${q.region} region, d = ${q.d}, p = ${q.p}, k = ${q.k}: ODE (${c.params.ode.mode}) and ${c.params.seeds.length} seeds`);
  const signal = interruption();
  if (signal) return exitCodeOf(signal);
  return warnings(c).length > 0 ? EXIT_DIVERGED : 0;
}

/** The warnings of a comparison (printed on stderr): diverged seeds, an ODE that stopped early. */
function warnings(c: Comparison): string[] {
  const out: string[] = [];
  const s = c.simulations;
  if (s.diverged > 0) out.push(`${divergedSeeds({ ...s, seeds: c.params.seeds })}; the simulations' mean and quantiles leave each out from where it stopped (column sim_runs of the CSV)`);
  if (c.ode.status !== "ok") out.push(`the ODE stopped early: ${c.ode.failure?.reason ?? c.ode.status}`);
  return out;
}

/** "10 seeds (0 … 9)", "seed 5", "3 seeds (4, 7, 9)". */
function seedsText(seeds: number[]): string {
  if (seeds.length === 1) return `seed ${seeds[0]}`;
  const consecutive = seeds.every((v, i) => i === 0 || v === seeds[i - 1] + 1);
  return `${seeds.length} seeds (${consecutive ? `${seeds[0]} … ${seeds[seeds.length - 1]}` : seeds.join(", ")})`;
}

function comparisonTable(c: Comparison): string {
  const q = c.params.simulation;
  const o = c.params.ode;
  const s = c.simulations;
  const fmt = (v: number | undefined) => (v === undefined ? "—" : v.toExponential(4));
  const head =
    `# ${q.region} region (κ = ${q.kappa}, δ = ${q.delta}), d = ${q.d}, p = ${q.p}, k = ${q.k}, γ = ${q.gamma}, Δ = ${q.noise}; ` +
    `ODE ${o.mode} (a1 = ${Number(o.a1.toPrecision(6))}, a2 = ${Number(o.a2.toPrecision(6))}); SGD ${q.method}, ${seedsText(c.params.seeds)}`;
  // one token per column name (whitespace-separated readers), as in the CSV
  const levels = s.quantiles.levels;
  const name = (level: number) => `sim_q${Math.round(level * 1000) / 10}`;
  const header = ["t", "samples", "ode", "sim_mean", "sim_se", name(levels[0]), name(levels[levels.length - 1])];
  const [q10, q90] = [s.quantiles.values[0], s.quantiles.values[s.quantiles.values.length - 1]];
  const rows = c.t.map((t, j) => [String(Number(t.toPrecision(6))), String(c.samples[j]), fmt(c.ode.risk[j]), fmt(s.mean[j]), fmt(s.se[j]), fmt(q10[j]), fmt(q90[j])]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i])).join("  ");
  return `${[head, line(header), ...rows.map(line)].join("\n")}\n`;
}
