// see: README.md (sweeps) — `sgd-phase sweep --spec FILE --out FILE.jsonl [--resume]`.
import { Command } from "commander";
import { sweep, type SweepSpec } from "../../jobs/sweep.js";
import { fail, readJson } from "../options.js";
import { refuseOverwritingInputs } from "../../jobs/files.js";
import { addJobOptions, addRunOptions, handleJobFlags, splitJobFlags, workProgress, type JobFlags } from "../job.js";
import { exitCodeOf, interruptSignal, interruption } from "../interrupt.js";

interface Flags extends JobFlags {
  spec: string;
  out?: string;
  resume?: boolean;
  workers?: number;
  progress?: boolean;
}

export function sweepCommand(): Command {
  const command = new Command("sweep")
    .description('run a grid or list of points ({ "kind": "simulate" | "ode" | "phase" | "measure", "base", "grid", "points" }) on all cores; one JSON line per finished point')
    .requiredOption("--spec <file>", "the sweep, JSON")
    .option("--out <file>", "JSON-lines file, appended to as points finish (required unless --plan)")
    .option("--resume", "keep the points already in --out and run only the others");
  return addJobOptions(addRunOptions(command), "--out")
    .action(async (allFlags: Flags, command: Command) => {
      try {
        const [job, flags] = splitJobFlags(allFlags);
        const spec = (await readJson(flags.spec, "--spec")) as SweepSpec;
        if (flags.out === undefined && !job.plan) throw new Error("required option '--out <file>' not specified (the sweep's JSON-lines file)");
        const out = flags.out ?? "sweep.jsonl";
        if (job.shard !== undefined || job.merge) await refuseOverwritingInputs([{ option: "--out", file: out }], [{ option: "--spec", file: flags.spec }]);
        const next = await handleJobFlags(job, async () => [{ spec, out }], { command: "sweep", workers: flags.workers, progress: flags.progress, specNames: true });
        if (next === "done") return;
        await refuseOverwritingInputs([{ option: "--out", file: out }], [{ option: "--spec", file: flags.spec }]);
        const started = performance.now();
        let skipped = 0;
        const report = workProgress("sweep", flags.progress);
        const lines = await sweep(spec, {
          out,
          resume: flags.resume || next === "resume",
          signal: interruptSignal(),
          workers: flags.workers,
          onStart: (s) => {
            skipped = s.skipped;
            if (s.skipped === s.total) return;
            report({ done: s.skipped, total: s.total, workDone: s.workSkipped, workTotal: s.workTotal, workSkipped: s.workSkipped });
          },
          onProgress: (p) => report(p),
        });
        const failed = lines.filter((l) => l.error !== undefined).length;
        process.stderr.write(`${lines.length} points (${skipped} kept from ${out}, ${failed} failed) in ${((performance.now() - started) / 1000).toFixed(1)} s; written: ${out}\n`);
        const stopped = interruption();
        if (stopped) {
          process.stderr.write(`${stopped}: stopped with ${lines.length} points on disk in ${out}; --resume runs the others\n`);
          process.exitCode = exitCodeOf(stopped);
        } else if (failed > 0) process.exitCode = 3;
      } catch (error) {
        fail(command, error);
      }
    });
}
