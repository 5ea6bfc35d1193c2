// see: README.md (finite-size scaling) — `sgd-phase scaling --dims 30,100,300,1000 --delta 0.5 ...`.
import { Command } from "commander";
import { scaling, scalingSweeps, type Scaling, type ScalingOptions } from "../../phase/scaling.js";
import { formatOption, printResult, stdoutFormat, type Format, type Printable } from "../format.js";
import { addJobOptions, addRunOptions, handleJobFlags, splitJobFlags, type JobFlags, workProgress } from "../job.js";
import { exitCodeOf, interruptSignal, interruption } from "../interrupt.js";
import { toJson } from "../../export.js";
import { checkWritable } from "../../jobs/files.js";
import { addExtensionOptions, fail, parseNumber, parseNumberList, writeText } from "../options.js";

type Flags = Omit<ScalingOptions, "onProgress" | "signal"> & { out?: string; progress?: boolean; format?: Format } & JobFlags;

/** A finite-size scaling as printed: one row per d (d, r_inf, se, seeds); the fit in the table and the JSON. */
function printable(result: Scaling): Printable {
  const lines = result.points.map((q) => `  d = ${q.d}: R∞ = ${q.rInf.toExponential(4)} ± ${q.se.toExponential(1)} (${q.seeds} seeds)`);
  const { slope, slopeError, reducedChi2 } = result.fit;
  return {
    records: { columns: ["d", "r_inf", "se", "seeds"], rows: result.points.map((q) => [q.d, q.rInf, q.se, q.seeds]) },
    table: `${lines.join("\n")}\nfit: R∞ − ${result.floor} ∝ d^slope, slope = ${slope.toFixed(4)} ± ${slopeError.toFixed(4)} (χ²/dof = ${reducedChi2.toFixed(2)})\n`,
    json: () => [toJson(result)],
  };
}

export function scalingCommand(): Command {
  const command = addExtensionOptions(
    new Command("scaling")
    .description("estimate the plateau R∞(d) over seeds for several d and fit R∞ − floor ∝ d^slope")
    .requiredOption("--dims <list>", "input dimensions, comma-separated (at least two)", parseNumberList)
    .option("--p <n>", "student hidden units (default 1)", parseNumber)
    .option("--kappa <x>", "p = round(d^κ) instead of --p", parseNumber)
    .option("--k <n>", "teacher hidden units (default 1)", parseNumber)
    .option("--gamma0 <x>", "γ = γ0·d^(−δ) (default 1)", parseNumber)
    .option("--delta <x>", "learning-rate exponent δ (default 0.5)", parseNumber)
    .option("--noise <x>", "label-noise variance Δ (default 0.01)", parseNumber)
    .option("--t-max <x>", "horizon on the region's clock (default 100)", parseNumber)
    .option("--seeds <n>", "seeds per d (default 10)", parseNumber)
    .option("--tail <x>", "R∞ averages the risk over t ∈ [tail·tMax, tMax] (default 0.5)", parseNumber)
    .option("--floor <x>", "subtracted from R∞ before the fit (default 0)", parseNumber)
    .option("--seed <n>", "first seed (default 0)", parseNumber),
  )
    .option("--out <file>", "write the points and the fit (JSON; - is stdout)")
    .addOption(formatOption("one object per d"))
    .option("--runs <file>", "JSON-lines file of the simulations, one line per d as it finishes (default with --out: <out>.runs.jsonl)")
    .option("--resume", "keep the d already in --runs");
  return addJobOptions(addRunOptions(command, "d"), "--runs")
    .action(async (allFlags: Flags, command: Command) => {
      try {
        const [job, flags] = splitJobFlags(allFlags);
        const { out, progress: show, format: _format, ...options } = flags;
        const defaults = { p: options.kappa === undefined ? 1 : undefined, k: 1, gamma0: 1, delta: 0.5, noise: 0.01, tMax: 100 };
        const merged = { ...Object.fromEntries(Object.entries(defaults).filter(([, v]) => v !== undefined)), ...options } as ScalingOptions;
        const format = out === "-" ? (flags.format ?? "json") : stdoutFormat({ out: out === undefined ? undefined : [out], format: flags.format });
        merged.runs ??= out === undefined || out === "-" ? undefined : `${out.replace(/\.json$/, "")}.runs.jsonl`;
        const next = await handleJobFlags(
          job,
          async () => {
            if (merged.runs === undefined && !job.plan) throw new Error("--shard and --merge need --runs (or --out, whose <out>.runs.jsonl is then the runs file)");
            return scalingSweeps({ ...merged, runs: merged.runs ?? "scaling.runs.jsonl" });
          },
          { command: "scaling", workers: merged.workers, progress: show, format: flags.format },
        );
        if (next === "done") return;
        if (out && out !== "-") await checkWritable(out, "--out");
        const report = workProgress("scaling", show);
        const result = await scaling({ ...merged, resume: merged.resume || next === "resume", signal: interruptSignal(), onProgress: report }).catch((error) => {
          const stopped = interruption();
          if (stopped) {
            process.stderr.write(`${(error as Error).message}\n`);
            process.exit(exitCodeOf(stopped));
          }
          throw error;
        });
        await printResult(printable(result), format);
        if (out && out !== "-") {
          await writeText(out, toJson(result));
          process.stderr.write(`written: ${out}\n`);
        }
      } catch (error) {
        fail(command, error);
      }
    });
}
