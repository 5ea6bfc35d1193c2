// see: README.md (clusters) — `sgd-phase slurm`: a sweep as a Slurm job array (one part per task, each resuming
// its own part file, requeueable, warned by SIGTERM before its time limit) and its merge as a job that runs only
// after every task succeeded (afterok). Writes the two scripts; --submit hands them to sbatch.
import { Command } from "commander";
import { execFile } from "node:child_process";
import { resolve, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { specHash, expandSpec, validateSpec, type SweepSpec } from "../../sweep.js";
import { writeAtomic } from "../../files.js";
import { parseDuration, planSweep } from "../../plan.js";
import { MAX_SHARDS } from "../../shard.js";
import { fail, parseNumber, readJson } from "../options.js";

interface Flags {
  spec: string;
  out: string;
  tasks?: number;
  target?: string;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  account?: string;
  sbatch?: string[];
  submit?: boolean;
}

/** Seconds before its time limit at which Slurm warns a task with SIGTERM (it then stops cleanly: sweep). */
const WARNING_SECONDS = 120;

/** The two scripts: the array (part i of n per task) and the merge. */
export function slurmScripts(o: { spec: string; out: string; tasks: number; hash: string; node: string; cli: string; cwd: string; lines: string[] }): { array: string; merge: string } {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const logs = join(dirname(o.out), "slurm");
  const common = [...o.lines.map((l) => `#SBATCH ${l}`)];
  const array = [
    "#!/bin/bash",
    `#SBATCH --job-name=sgd-phase-${o.hash}`,
    `#SBATCH --array=0-${o.tasks - 1}`,
    "#SBATCH --requeue",
    `#SBATCH --signal=B:TERM@${WARNING_SECONDS}`,
    `#SBATCH --output=${logs}/%A_%a.log`,
    ...common,
    "# part i of n of the sweep; --resume: a requeued or preempted task continues its own part file",
    `cd ${q(o.cwd)}`,
    `exec ${q(o.node)} ${q(o.cli)} sweep --spec ${q(o.spec)} --out ${q(o.out)} --shard "$SLURM_ARRAY_TASK_ID/${o.tasks}" --resume --workers "\${SLURM_CPUS_PER_TASK:-1}"`,
    "",
  ].join("\n");
  const merge = [
    "#!/bin/bash",
    `#SBATCH --job-name=sgd-phase-${o.hash}-merge`,
    `#SBATCH --output=${logs}/%j-merge.log`,
    ...common.filter((l) => !/--cpus-per-task|--array/.test(l)),
    "# submitted with --dependency=afterok:<array job>: runs once every task has succeeded",
    `cd ${q(o.cwd)}`,
    `exec ${q(o.node)} ${q(o.cli)} merge --spec ${q(o.spec)} --out ${q(o.out)}`,
    "",
  ].join("\n");
  return { array, merge };
}

export function slurmCommand(): Command {
  return new Command("slurm")
    .description("write (and with --submit, submit through sbatch) a sweep as a Slurm job array plus its merge as a dependent job (afterok)")
    .requiredOption("--spec <file>", "the sweep, JSON")
    .requiredOption("--out <file>", "the merged JSON-lines file (parts: out.part-i-of-n.jsonl; scripts and logs: <dir of out>/slurm/)")
    .option("--tasks <n>", "array tasks (parts); default from --target and the cost plan", parseNumber)
    .option("--target <duration>", "wall time wanted per task (30m, 2h): the number of tasks from the cost plan (default 1h)")
    .option("--partition <name>", "#SBATCH --partition")
    .option("--time <limit>", "#SBATCH --time (each task's limit; it is warned by SIGTERM 2 min before and stops cleanly)")
    .option("--cpus-per-task <n>", "#SBATCH --cpus-per-task: the sweep's worker threads per task", parseNumber)
    .option("--mem <size>", "#SBATCH --mem")
    .option("--account <name>", "#SBATCH --account")
    .option("--sbatch <lines...>", 'further #SBATCH lines, e.g. "--qos=long"')
    .option("--submit", "submit the array, then the merge with --dependency=afterok:<array job> (default: write and print the scripts only)")
    .action(async (flags: Flags, command: Command) => {
      try {
        const spec = (await readJson(flags.spec, "--spec")) as SweepSpec;
        const points = expandSpec(spec);
        validateSpec(spec, points);
        let tasks = flags.tasks;
        if (tasks === undefined) {
          const plan = await planSweep(spec, { targetSeconds: parseDuration(flags.target ?? "1h") });
          tasks = plan.shards!;
          process.stderr.write(`plan: ${points.length} points, ${plan.coreHours.toFixed(2)} core-hours: ${tasks} task${tasks === 1 ? "" : "s"} for ${flags.target ?? "1h"} each\n`);
          const longest = Math.max(...plan.rows.map((r) => r.seconds));
          if (longest > plan.targetSeconds!) {
            process.stderr.write(`warning: the longest point alone is estimated at ${(longest / 3600).toFixed(2)} h, past the target: give its task a --time above that (a point is never split)\n`);
          }
        }
        if (!Number.isInteger(tasks) || tasks < 1 || tasks > Math.min(MAX_SHARDS, points.length)) {
          throw new Error(`--tasks must be an integer in [1, ${Math.min(MAX_SHARDS, points.length)}] (at most one task per point); got ${tasks}`);
        }
        const lines = [
          ...(flags.partition ? [`--partition=${flags.partition}`] : []),
          ...(flags.time ? [`--time=${flags.time}`] : []),
          ...(flags.cpusPerTask ? [`--cpus-per-task=${flags.cpusPerTask}`] : []),
          ...(flags.mem ? [`--mem=${flags.mem}`] : []),
          ...(flags.account ? [`--account=${flags.account}`] : []),
          ...(flags.sbatch ?? []),
        ];
        const out = resolve(flags.out);
        const scripts = slurmScripts({
          spec: resolve(flags.spec),
          out,
          tasks,
          hash: specHash(spec),
          node: process.execPath,
          cli: fileURLToPath(new URL("../main.js", import.meta.url)),
          cwd: process.cwd(),
          lines,
        });
        const dir = join(dirname(out), "slurm");
        const files = { array: join(dir, "array.sbatch"), merge: join(dir, "merge.sbatch") };
        await writeAtomic(files.array, scripts.array, "--out");
        await writeAtomic(files.merge, scripts.merge, "--out");
        if (!flags.submit) {
          process.stdout.write(`# ${files.array}\n${scripts.array}\n# ${files.merge}\n${scripts.merge}`);
          process.stderr.write(`written: ${files.array}, ${files.merge}; submit with --submit, or: id=$(sbatch --parsable ${files.array}) && sbatch --dependency=afterok:$id ${files.merge}\n`);
          return;
        }
        const run = promisify(execFile);
        const sbatch = async (args: string[]) => (await run("sbatch", ["--parsable", ...args])).stdout.trim().split(";")[0];
        const arrayId = await sbatch([files.array]);
        const mergeId = await sbatch([`--dependency=afterok:${arrayId}`, files.merge]);
        process.stdout.write(`submitted: array job ${arrayId} (${tasks} tasks), merge job ${mergeId} (after all tasks succeed) → ${out}\n`);
      } catch (error) {
        fail(command, error);
      }
    });
}
