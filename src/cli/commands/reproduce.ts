// see: README.md (the paper's figures) — `sgd-phase reproduce fig1 … fig9 | all [--tiny | --quick | --full]`.
import { Command } from "commander";
import { checksRecords, FIGURES, reproduce, reproduceSweeps, type Check, type CostEstimate } from "../../jobs/reproduce.js";
import { formatOption, printResult, type Format } from "../format.js";
import { addJobOptions, addRunOptions, duration, handleJobFlags, splitJobFlags, workProgress, type JobFlags } from "../job.js";
import { fail } from "../options.js";

interface Flags extends JobFlags {
  quick?: boolean;
  full?: boolean;
  tiny?: boolean;
  yes?: boolean;
  resume?: boolean;
  outDir?: string;
  workers?: number;
  progress?: boolean;
  format?: Format;
}


function estimateText(e: CostEstimate, workers: number): string {
  const lines = [
    `estimated cost: ${e.simulations} simulation jobs (${e.samples.toExponential(2)} SGD samples) and ${e.odes} ODEs: ` +
      `${(e.coreHours).toFixed(e.coreHours < 0.1 ? 3 : 2)} core-hours, about ${duration(e.coreSeconds / workers)} on ${workers} worker${workers > 1 ? "s" : ""}`,
  ];
  for (const [id, f] of Object.entries(e.figures)) lines.push(`  ${id}: ${f.simulations} simulations, ${f.samples.toExponential(2)} samples, ${f.odes} ODEs${f.measures ? `, ${f.measures} measured (κ, δ) points` : ""}, ≈ ${duration(f.coreSeconds)} of one core`);
  return `${lines.join("\n")}\n`;
}

/** The table of every check: figure, claim, paper, ours, verdict (the tolerances are in checks.{json,csv}). */
export function checksTable(checks: Check[], judged: boolean): string {
  const head = ["figure", "claim", "paper", "ours", judged ? "pass" : "pass (not judged: tiny)"];
  const rows = checks.map((c) => [c.figure, c.claim, c.paper, c.ours, c.pass ? "yes" : "NO"]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  return `${[line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`;
}

export function reproduceCommand(): Command {
  const command = new Command("reproduce")
    .description(`regenerate the paper's figures into <out-dir>/<figure>/ and check the paper's claims on them:\n${FIGURES.map((f) => `  ${f.id}: ${f.paper}`).join("\n")}`)
    .argument("<figures...>", `figure ids (${FIGURES.map((f) => f.id).join(", ")}) or all`)
    .option("--quick", "every figure's phenomenon in minutes on two cores (default)")
    .option("--full", "the paper's sizes (hours; the estimate is printed first)")
    .option("--tiny", "seconds: smoke-test sizes (checks reported, not judged)")
    .option("--yes", "start a --full run estimated above one core-hour")
    .option("--resume", "keep the finished jobs of an interrupted run of the same size")
    .option("--out-dir <dir>", "where the figure directories and checks.{json,csv} go (default out/reproduce)")
    .addOption(formatOption("one object per check"));
  return addJobOptions(addRunOptions(command, "job"), "<out-dir>/runs-<size>-<kind>.jsonl")
    .action(async (figures: string[], allFlags: Flags, command: Command) => {
      try {
        const [job, flags] = splitJobFlags(allFlags);
        if ([flags.quick, flags.full, flags.tiny].filter(Boolean).length > 1) throw new Error("give one of --quick, --full, --tiny.");
        const size = flags.full ? "full" : flags.tiny ? "tiny" : "quick";
        const format = flags.format ?? "table";
        // with --format csv|tsv|json|jsonl stdout holds the checks only: the per-figure lines go to stderr
        const messages = format === "table" ? process.stdout : process.stderr;
        const next = await handleJobFlags(job, () => reproduceSweeps(figures, { size, outDir: flags.outDir }), { command: "reproduce", workers: flags.workers, progress: flags.progress, format: flags.format });
        if (next === "done") return;
        const { availableParallelism } = await import("node:os");
        const workers = flags.workers ?? availableParallelism();
        const report = workProgress("reproduce", flags.progress);
        const result = await reproduce(figures, {
          size,
          outDir: flags.outDir,
          workers: flags.workers,
          resume: flags.resume || next === "resume",
          yes: flags.yes || next === "resume",
          onEstimate: (e) => process.stderr.write(estimateText(e, workers)),
          onProgress: (p) => report({ done: p.done, total: p.total, workDone: p.workDone, workTotal: 1 }),
          onFigure: (id, _seconds, files, checks, warnings) => {
            const failed = checks.filter((c) => !c.pass).length;
            messages.write(`${id} (${size}): ${checks.length} checks${checks.length ? `, ${failed ? `${failed} failed` : "all pass"}` : ""} → ${files[0].replace(/\/[^/]*$/, "/")}\n`);
            for (const w of warnings) process.stderr.write(`warning: ${id}: ${w}\n`);
          },
        });
        const verdict = `${result.checks.length - result.failed}/${result.checks.length} checks pass${result.judged ? "" : " (tiny sizes: not judged)"}; done in ${duration(result.seconds)}; checks in ${result.files.at(-2)} and .csv\n`;
        await printResult({ records: checksRecords(result.checks), table: `\n${checksTable(result.checks, result.judged)}\n${verdict}`, note: verdict }, format);
        if (result.judged && result.failed > 0) process.exitCode = 4;
      } catch (error) {
        fail(command, error);
      }
    });
}
