// see: README.md (CLI) — `sgd-phase simulate`: the flags of simulate(options), files in and out.
import { Command, Option } from "commander";
import { simulate } from "../../simulate.js";
import type { SimulationResult } from "../../result.js";
import { BACKENDS } from "../../engine/engine.js";
import { DEFAULTS, SIM_METHODS, type SimulateOptions } from "../../validate.js";
import { divergedSeeds, initialOverlaps, resultRecords, toJson, toJsonChunks, toTable } from "../../export.js";
import { formatOption, printResult, stdoutFormat, type Format, type Printable } from "../format.js";
import { exitCodeOf, interruptSignal, interruption } from "../interrupt.js";
import { addModelOptions, checkOutputs, fail, inputsOf, modelOptions, parseNumber, parseNumberList, progress, writeOutputs, writeText, type ModelFlags } from "../options.js";

/** A simulation as printed: one row per output time (t, samples, risk; with --seeds the ensemble's columns). */
const printable = (r: SimulationResult): Printable => ({ records: resultRecords(r), table: toTable(r), json: () => toJsonChunks(r) });
/** Exit code of a run that diverged (its output is still written). */
export const EXIT_DIVERGED = 3;

type Flags = ModelFlags & Pick<SimulateOptions, "backend" | "method" | "seeds" | "quantiles" | "lazy" | "mcSamples" | "mcSeed"> & { saveInit?: string; format?: Format };

export function simulateCommand(): Command {
  return addModelOptions(
    new Command("simulate").description("run one-pass SGD at finite d and print or write the learning curve and the order parameters"),
    DEFAULTS,
  )
    .option("--save-init <file>", "write the overlaps { Q0, M0, P } of the initial condition used (JSON)")
    .option("--out <files...>", "write the result: .json (whole result), .csv, .tsv, .jsonl (one row per output time: t, samples, risk, …), .txt (the table); - is stdout")
    .addOption(formatOption("one object per output time"))
    .addOption(new Option("--backend <name>", "where the numerics run (default wasm-simd)").choices([...BACKENDS]))
    .addOption(new Option("--method <name>", 'direct SGD on the weights, the exact reduced chain on the overlaps, or "auto": the cheaper (default)').choices([...SIM_METHODS]))
    .option("--seeds <n>", "run n seeds from the same initial condition and add the mean, se and quantiles of the risk (default 1)", parseNumber)
    .option("--quantiles <list>", "quantile levels of the ensemble, comma-separated (default 0.1,0.5,0.9)", parseNumberList)
    .option("--lazy", "lazy training: the student linearised around its initial weights W0 (direct simulator; risk by Monte Carlo)")
    .option("--mc-samples <n>", "lazy training: samples of its Monte-Carlo risk, even (default 20000)", parseNumber)
    .option("--mc-seed <n>", "lazy training: seed of that sample set (default: --seed)", parseNumber)
    .action(async (flags: Flags, command: Command) => {
      try {
        process.exitCode = await runSimulate(flags);
      } catch (error) {
        fail(command, error);
      }
    });
}

async function runSimulate(flags: Flags): Promise<number> {
  const format = stdoutFormat(flags);
  await checkOutputs(flags.out, inputsOf(flags), flags.saveInit === undefined ? [] : [{ option: "--save-init", file: flags.saveInit }]);
  const options = (await modelOptions(flags)) as SimulateOptions;
  for (const key of ["backend", "method", "seeds", "quantiles", "lazy", "mcSamples", "mcSeed"] as const) {
    if (flags[key] !== undefined) (options as Record<string, unknown>)[key] = flags[key];
  }
  const bar = progress(flags, "SGD |{bar}| {percentage}% | {value}/{total} samples | t = {t} | ETA {eta_formatted}");
  const result = await simulate({
    ...options,
    signal: interruptSignal(),
    onProgress: (p) => bar.update(p.samples, p.totalSamples, { t: Number(p.t.toPrecision(4)) }),
  }).finally(() => bar.stop());

  if (result.status === "diverged") {
    const dv = result.divergence!;
    process.stderr.write(`warning: SGD diverged after ${dv.samples} samples (t = ${dv.t}): ${dv.reason}; the output stops there.\n`);
  }
  const ensembleDiverged = (result.ensemble?.diverged ?? 0) > 0;
  if (ensembleDiverged) {
    process.stderr.write(`warning: ${divergedSeeds(result.ensemble!)}; the ensemble's mean and quantiles leave each out from where it stopped (see runs).\n`);
  }
  await printResult(printable(result), format);
  // --out and --save-init are written independently: one failing does not stop the other
  let saveInitError: unknown;
  if (flags.saveInit !== undefined) await writeText(flags.saveInit, toJson(initialOverlaps(result)), "--save-init").catch((error) => (saveInitError = error));
  await writeOutputs(flags.out ?? [], printable(result), flags.saveInit === undefined || saveInitError ? [] : [flags.saveInit], describe(result));
  if (saveInitError) throw saveInitError;
  const signal = interruption();
  if (signal) {
    process.stderr.write(`interrupted after ${result.interruption?.samples ?? result.samples.at(-1)} samples: the outputs hold the run up to t = ${result.t.at(-1)} (status "interrupted")\n`);
    return exitCodeOf(signal);
  }
  return result.status === "diverged" || ensembleDiverged ? EXIT_DIVERGED : 0;
}

/** One line on what a run did: region, sizes, samples, final risk, speed. */
function describe(result: SimulationResult): string {
  const q = result.params;
  return (
    `${q.region} region, d = ${q.d}, p = ${q.p}, k = ${q.k}, Δ = ${q.noise}: ${result.samples.at(-1)} samples to t = ${result.t.at(-1)}, ` +
    `final excess risk ${result.risk.at(-1)?.toExponential(4)}, ${(result.meta.nsPerSample / 1000).toFixed(2)} µs/sample`
  );
}
