// see: README.md (CLI) — `sgd-phase ode`: the flags of solveOde(options), files in and out.
import { Command, Option } from "commander";
import { solveOde } from "../../ode.js";
import type { OdeResult } from "../../result.js";
import { BACKENDS } from "../../engine/engine.js";
import { DEFAULTS, ODE_DEFAULTS, ODE_INTEGRATORS, ODE_MODES, PSI_METHODS, type OdeOptions } from "../../validate.js";
import { resultRecords, toJsonChunks, toOdeTable } from "../../export.js";
import { formatOption, printResult, stdoutFormat, type Format, type Printable } from "../format.js";
import { exitCodeOf, interruptSignal, interruption } from "../interrupt.js";
import { addModelOptions, checkOutputs, fail, inputsOf, modelOptions, parseNumber, progress, writeOutputs, type ModelFlags } from "../options.js";
import { EXIT_DIVERGED } from "./simulate.js";

/** An ODE solution as printed: one row per output time (t, risk). */
const printable = (r: OdeResult): Printable => ({ records: resultRecords(r), table: toOdeTable(r), json: () => toJsonChunks(r) });

type Flags = ModelFlags & Pick<OdeOptions, "mode" | "integrator" | "rtol" | "atol" | "step" | "backend" | "psi" | "mcSamples" | "mcSeed"> & { format?: Format };

/** The solver flags `ode` and `compare` hand to the API as they are. */
export const SOLVER_KEYS = ["mode", "integrator", "rtol", "atol", "psi", "mcSamples", "mcSeed"] as const;

/** The solver flags of `ode` and `compare`. */
export function addSolverOptions(command: Command, defaultMode: string): Command {
  return command
    .addOption(new Option("--mode <mode>", `terms kept: "limit" (the region's limit) or "finite-d" (both, at this d) (default ${defaultMode})`).choices([...ODE_MODES]))
    .addOption(new Option("--integrator <name>", "ODE integrator (default bdf; dopri5 with --psi monte-carlo)").choices([...ODE_INTEGRATORS]))
    .option("--rtol <x>", `relative tolerance (default ${ODE_DEFAULTS.rtol}; ${ODE_DEFAULTS.mcRtol} with --psi monte-carlo)`, parseNumber)
    .option("--atol <x>", `absolute tolerance (default rtol·${ODE_DEFAULTS.atolPerRtol}, at least ${ODE_DEFAULTS.bdfAtolFloor} for bdf)`, parseNumber)
    .option("--step <x>", `fixed step of --integrator euler (default ${ODE_DEFAULTS.step})`, parseNumber)
    .addOption(new Option("--psi <method>", "ψ by closed forms (erf or linear units) or by Monte Carlo over a fixed sample set (any activations; the default for the others)").choices([...PSI_METHODS]))
    .option("--mc-samples <n>", `Monte-Carlo ψ: samples of its fixed set, even (default ${ODE_DEFAULTS.mcSamples})`, parseNumber)
    .option("--mc-seed <n>", "Monte-Carlo ψ: seed of its sample set (default: --seed)", parseNumber);
}

export function odeCommand(): Command {
  return addSolverOptions(
    addModelOptions(
      new Command("ode").description("integrate the order-parameter ODEs (the d → ∞ limit of SGD in the region of (κ, δ)) and print or write the risk curve"),
      DEFAULTS,
    ),
    "limit",
  )
    .option("--out <files...>", "write the result: .json (whole result), .csv, .tsv, .jsonl (one row per output time: t, risk), .txt (the table); - is stdout")
    .addOption(formatOption("one object per output time"))
    .addOption(new Option("--backend <name>", "Wasm build (default wasm-simd)").choices(BACKENDS.filter((b) => b !== "js")))
    .action(async (flags: Flags, command: Command) => {
      try {
        process.exitCode = await runOde(flags);
      } catch (error) {
        fail(command, error);
      }
    });
}

async function runOde(flags: Flags): Promise<number> {
  const format = stdoutFormat(flags);
  await checkOutputs(flags.out, inputsOf(flags));
  const options = (await modelOptions(flags)) as OdeOptions;
  for (const key of [...SOLVER_KEYS, "step", "backend"] as const) {
    if (flags[key] !== undefined) (options as Record<string, unknown>)[key] = flags[key];
  }
  const bar = progress(flags, "ODE |{bar}| {percentage}% | t = {t} | {steps} steps");
  const result = await solveOde({
    ...options,
    signal: interruptSignal(),
    onProgress: (p) => bar.update(Math.min(p.t, p.tEnd), p.tEnd, { t: Number(p.t.toPrecision(4)), steps: p.steps }),
  }).finally(() => bar.stop());
  if (result.failure) process.stderr.write(`warning: the integration stopped at t = ${result.failure.t}: ${result.failure.reason}; the output stops there.\n`);
  await printResult(printable(result), format);
  const q = result.params;
  await writeOutputs(flags.out ?? [], printable(result), [], `ODE, ${q.region} region, ${q.mode}, p = ${q.p}, k = ${q.k}, Δ = ${q.noise}: t = ${result.t.at(-1)}, final excess risk ${result.risk.at(-1)?.toExponential(4)}`);
  const signal = interruption();
  if (signal) return exitCodeOf(signal);
  return result.status === "ok" ? 0 : EXIT_DIVERGED;
}
