// see: README.md (the paper's figures) — `sgd-phase reproduce fig2 … fig9 | all [--quick | --full]`.
import { Command } from "commander";
import { FIGURES, reproduce } from "../../reproduce.js";
import { fail, parseNumber } from "../options.js";

interface Flags {
  quick?: boolean;
  full?: boolean;
  tiny?: boolean;
  outDir?: string;
  workers?: number;
}

export function reproduceCommand(): Command {
  return new Command("reproduce")
    .description(`regenerate the paper's learning-curve figures into <out-dir>/<figure>/:\n${FIGURES.map((f) => `  ${f.id}: ${f.title}`).join("\n")}`)
    .argument("<figures...>", `figure ids (${FIGURES.map((f) => f.id).join(", ")}) or all`)
    .option("--quick", "minutes on two cores (default)")
    .option("--full", "the paper's sizes (hours)")
    .option("--tiny", "seconds: smoke-test sizes")
    .option("--out-dir <dir>", "where the figure directories go (default out)")
    .option("--workers <n>", "worker threads (default: available parallelism)", parseNumber)
    .action(async (figures: string[], flags: Flags, command: Command) => {
      try {
        if ([flags.quick, flags.full, flags.tiny].filter(Boolean).length > 1) throw new Error("give one of --quick, --full, --tiny.");
        const size = flags.full ? "full" : flags.tiny ? "tiny" : "quick";
        const started = performance.now();
        await reproduce(figures, {
          size,
          outDir: flags.outDir,
          workers: flags.workers,
          onFigure: (id, seconds, files) => process.stdout.write(`${id} (${size}): ${seconds.toFixed(1)} s → ${files.join(", ")}\n`),
        });
        process.stdout.write(`done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      } catch (error) {
        fail(command, error);
      }
    });
}
