// see: README.md (sweeps) — `sgd-phase sweep --spec FILE --out FILE.jsonl [--resume]`.
import { Command } from "commander";
import { sweep, type SweepSpec } from "../../sweep.js";
import { fail, parseNumber, readJson } from "../options.js";
import { refuseOverwritingInputs } from "../../files.js";
import { parseShard, partFile, shardFromEnvironment } from "../../shard.js";
import { parseDuration, planSweep, planText } from "../../plan.js";
import { exitCodeOf, interruptSignal, interruption } from "../interrupt.js";

interface Flags {
  spec: string;
  out: string;
  shard?: string;
  plan?: boolean;
  target?: string;
  resume?: boolean;
  workers?: number;
  progress?: boolean;
}

const duration = (s: number) => (s < 90 ? `${s.toFixed(0)} s` : s < 5400 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);

export function sweepCommand(): Command {
  return new Command("sweep")
    .description('run a grid or list of points ({ "kind": "simulate" | "ode" | "phase", "base", "grid", "points" }) on all cores; one JSON line per finished point')
    .requiredOption("--spec <file>", "the sweep, JSON")
    .option("--out <file>", "JSON-lines file, appended to as points finish (required unless --plan)")
    .option("--resume", "keep the points already in --out and run only the others")
    .option("--plan", "print each point's method, samples and estimated time, the total in core-hours (and with --target the parts to use), and run nothing")
    .option("--target <duration>", "with --plan: the wall time wanted per part (30m, 2h, 1d): the number of parts to use")
    .option("--shard <i/n>", "run only part i of n (0 ≤ i < n; balanced by estimated cost, the same on every machine) into out.part-i-of-n.jsonl; default from SLURM_ARRAY_TASK_ID/COUNT in a Slurm job array")
    .option("--workers <n>", "worker threads (default: available parallelism; 0: this thread)", parseNumber)
    .option("--progress", "a progress line on stderr at every finished point (default: redrawn on a terminal, every 30 s otherwise)")
    .option("--no-progress", "no progress lines")
    .action(async (flags: Flags, command: Command) => {
      try {
        const spec = (await readJson(flags.spec, "--spec")) as SweepSpec;
        if (flags.plan) {
          process.stdout.write(planText(await planSweep(spec, { targetSeconds: flags.target === undefined ? undefined : parseDuration(flags.target) })));
          return;
        }
        if (flags.target !== undefined) throw new Error("--target goes with --plan");
        if (flags.out === undefined) throw new Error("required option '--out <file>' not specified (the sweep's JSON-lines file)");
        const shard = flags.shard !== undefined ? parseShard(flags.shard) : shardFromEnvironment();
        if (shard && flags.shard === undefined) process.stderr.write(`part ${shard.index} of ${shard.count} (from the job array's environment)\n`);
        const out = shard ? partFile(flags.out, shard) : flags.out;
        await refuseOverwritingInputs([{ option: "--out", file: out }], [{ option: "--spec", file: flags.spec }]);
        // progress weighed by the points' estimated costs: on a terminal one line redrawn, else a line every 30 s
        // (cluster logs are files); --no-progress silences it, --progress forces it
        const started = performance.now();
        let skipped = 0;
        let workSkipped = 0;
        let lastLog = 0;
        const tty = process.stderr.isTTY === true;
        const show = flags.progress !== false;
        const report = (done: number, total: number, workDone: number, workTotal: number, final = false) => {
          if (!show) return;
          const elapsed = (performance.now() - started) / 1000;
          const fresh = workDone - workSkipped;
          const eta = fresh > 0 ? (elapsed * (workTotal - workDone)) / fresh : NaN;
          const text = `sweep: ${done}/${total} points, ${(100 * (workTotal > 0 ? workDone / workTotal : 1)).toFixed(0)}% of the estimated work, ${duration(elapsed)} elapsed, ETA ${Number.isFinite(eta) ? duration(eta) : "?"}`;
          if (tty) process.stderr.write(`\r${text}\x1b[K${final ? "\n" : ""}`);
          else if (flags.progress === true || elapsed - lastLog >= 30 || final) {
            if (final && elapsed < 30 && flags.progress !== true) return;
            lastLog = elapsed;
            process.stderr.write(`${text}\n`);
          }
        };
        const lines = await sweep(spec, {
          out,
          resume: flags.resume,
          shard,
          signal: interruptSignal(),
          workers: flags.workers,
          onStart: (s) => {
            skipped = s.skipped;
            workSkipped = s.workSkipped;
            report(s.skipped, s.total, s.workSkipped, s.workTotal, s.skipped === s.total);
          },
          onProgress: (p) => report(p.done, p.total, p.workDone, p.workTotal, p.done === p.total),
        });
        const failed = lines.filter((l) => l.error !== undefined).length;
        process.stderr.write(
          `${lines.length} points${shard ? ` (part ${shard.index} of ${shard.count})` : ""} (${skipped} kept from ${out}, ${failed} failed) in ${((performance.now() - started) / 1000).toFixed(1)} s; written: ${out}\n`,
        );
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
