// see: README.md (clusters) — `sgd-phase slurm`: a sweep-shaped job (sweep, phase-diagram, reproduce, scaling)
// as a Slurm job array — one part per task (--shard i/n), each resuming its own part files, requeueable, warned by
// USR1 before its time limit and then requeued by itself — and its merge (--merge) as a job that runs only after
// every task succeeded (afterok). Writes the two scripts (--dry-run: prints them only); --submit hands them to sbatch.
import { Command } from "commander";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { resolve, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { writeAtomic } from "../../jobs/files.js";
import { MAX_SHARDS } from "../../jobs/shard.js";
import type { Plan } from "../../jobs/plan.js";
import { fail, parseNumber } from "../options.js";
import { formatSeconds, parseDuration } from "../../jobs/plan.js";

interface Flags {
  spec?: string;
  out?: string;
  dir?: string;
  tasks?: number;
  target?: string;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  account?: string;
  sbatch?: string[];
  setup?: string[];
  node?: string;
  submit?: boolean;
  dryRun?: boolean;
}

/** Slurm's time formats (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS) in seconds; throws naming --time. */
export function slurmSeconds(text: string): number {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`--time must be a Slurm time limit (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS); got "${text}"`);
  const [days, a, b, c] = [m[1], m[2], m[3], m[4]].map((v) => (v === undefined ? undefined : Number(v)));
  if (days !== undefined) return days * 86400 + a! * 3600 + (b ?? 0) * 60 + (c ?? 0);
  if (c !== undefined) return a! * 3600 + b! * 60 + c;
  if (b !== undefined) return a! * 60 + b;
  return a! * 60;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The commands that run as a job array: their work is sweeps (src/jobs/job.ts). */
export const ARRAY_COMMANDS = ["sweep", "phase-diagram", "reproduce", "scaling"];

/** Seconds before its time limit at which Slurm warns a task with USR1 (it then stops cleanly and requeues itself). */
const WARNING_SECONDS = 120;

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The two scripts: the array (part i of n per task) and the merge; `job` is the command and its arguments. */
export function slurmScripts(o: { job: string[]; tasks: number; name: string; node: string; cli: string; cwd: string; dir: string; lines: string[]; setup?: string[] }): { array: string; merge: string } {
  const setup = o.setup ?? [];
  const sgd = [o.node, o.cli, ...o.job].map(quote).join(" ");
  const common = [...o.lines.map((l) => `#SBATCH ${l}`)];
  const array = [
    "#!/bin/bash",
    `#SBATCH --job-name=${o.name}`,
    `#SBATCH --array=0-${o.tasks - 1}`,
    "#SBATCH --requeue",
    `#SBATCH --signal=B:USR1@${WARNING_SECONDS}`,
    `#SBATCH --output=${o.dir}/%A_%a.log`,
    "#SBATCH --open-mode=append",
    ...common,
    "# part i of n of the job (--shard): a requeued or preempted task resumes its own part files.",
    "# USR1 is Slurm's warning before the time limit: the job stops cleanly (whole lines on disk) and the",
    "# task requeues itself, so that the merge (afterok) still waits for it. SIGTERM (scancel, preemption,",
    "# scontrol requeue) stops the job cleanly too, and the task ends as Slurm decides.",
    `cd ${quote(o.cwd)}`,
    ...setup,
    "requeue=0",
    `trap 'requeue=1; kill -TERM "$pid" 2>/dev/null' USR1`,
    `trap 'kill -TERM "$pid" 2>/dev/null' TERM`,
    `${sgd} --shard "$SLURM_ARRAY_TASK_ID/${o.tasks}" --workers "\${SLURM_CPUS_PER_TASK:-1}" &`,
    "pid=$!",
    'while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done',
    'wait "$pid"; status=$?',
    "# 143: stopped cleanly after finishing points (requeued, it goes on); 124: no point finished in this run",
    "# (its points need a longer --time: requeued, it would start over for ever)",
    'if [ "$requeue" = 1 ] && [ "$status" = 143 ]; then',
    '  echo "time limit near: part stopped cleanly; requeueing task $SLURM_ARRAY_TASK_ID" >&2',
    '  scontrol requeue "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}" && exit 0',
    "fi",
    'exit "$status"',
    "",
  ].join("\n");
  const merge = [
    "#!/bin/bash",
    `#SBATCH --job-name=${o.name}-merge`,
    `#SBATCH --output=${o.dir}/%j-merge.log`,
    "#SBATCH --kill-on-invalid-dep=yes",
    ...common.filter((l) => !/--cpus-per-task|--array/.test(l)),
    "# submitted with --dependency=afterok:<array job>: runs once every task has succeeded (cancelled if one fails);",
    "# joins the parts, then finishes as one machine would (its figures, tables and checks)",
    `cd ${quote(o.cwd)}`,
    ...setup,
    `exec ${sgd} --merge`,
    "",
  ].join("\n");
  return { array, merge };
}

/** The job's cost plan, from the command itself (`--plan --json`): checks its arguments as it would. */
async function planOf(cli: string, job: string[], target: string): Promise<Plan & { files: string[]; splits: number[] }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, ...job, "--plan", "--json", "--target", target], { maxBuffer: 1 << 28 });
    return JSON.parse(stdout) as Plan & { files: string[]; splits: number[] };
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
    throw new Error(`the job \`${job.join(" ")}\` does not plan: ${stderr.replace(/^error: /, "")}`);
  }
}

export function slurmCommand(): Command {
  return new Command("slurm")
    .description(
      `write (and with --submit, submit through sbatch) a job array for a sweep-shaped job (${ARRAY_COMMANDS.join(", ")}) plus its merge as a dependent job (afterok):\n` +
        "  sgd-phase slurm --spec sweep.json --out runs.jsonl [options]\n  sgd-phase slurm [options] -- reproduce all --full --yes",
    )
    .argument("[job...]", `after --: the command and its arguments (${ARRAY_COMMANDS.join(", ")}); or --spec and --out for a sweep`)
    .option("--spec <file>", "a sweep's spec, JSON (with --out; same as -- sweep --spec FILE --out FILE)")
    .option("--out <file>", "the sweep's merged JSON-lines file (parts: out.part-i-of-n.jsonl)")
    .option("--dir <dir>", "where the scripts and the tasks' logs go (default: a folder slurm beside the job's JSON-lines files, e.g. out/reproduce/slurm)")
    .option("--tasks <n>", "array tasks (parts); default: the split already begun beside the job's files, else from --target and the cost plan", parseNumber)
    .option("--target <duration>", "wall time wanted per task (30m, 2h) with its --cpus-per-task workers: the number of tasks from the cost plan (default 1h)")
    .option("--partition <name>", "#SBATCH --partition")
    .option("--time <limit>", "#SBATCH --time (each task's limit; warned 2 min before, a task stops cleanly and requeues itself)")
    .option("--cpus-per-task <n>", "#SBATCH --cpus-per-task: worker threads per task", parseNumber)
    .option("--mem <size>", "#SBATCH --mem")
    .option("--account <name>", "#SBATCH --account")
    .option("--sbatch <option>", 'a further #SBATCH line, e.g. --sbatch=--qos=long (repeat for more)', collect)
    .option("--setup <line>", 'a shell line run before sgd-phase in every job, e.g. --setup "module load nodejs" (repeat for more)', collect)
    .option("--node <path>", "the node executable on the compute nodes (default: this one's)")
    .option("--submit", "submit the array, then the merge with --dependency=afterok:<array job> (default: write and print the scripts only)")
    .option("--dry-run", "print the scripts; write nothing, submit nothing")
    .action(async (jobArgs: string[], flags: Flags, command: Command) => {
      try {
        if (flags.dryRun && flags.submit) throw new Error("--dry-run and --submit: choose one (--dry-run writes and submits nothing)");
        let job: string[];
        if (flags.spec !== undefined || flags.out !== undefined) {
          if (jobArgs.length > 0) throw new Error(`give either --spec and --out (a sweep) or a command after --, not both (got ${jobArgs.join(" ")})`);
          if (flags.spec === undefined || flags.out === undefined) throw new Error("--spec and --out go together (a sweep's spec and its merged file)");
          job = ["sweep", "--spec", resolve(flags.spec), "--out", resolve(flags.out)];
        } else {
          if (jobArgs.length === 0) throw new Error(`nothing to run: give --spec and --out, or a command after -- (${ARRAY_COMMANDS.join(", ")})`);
          if (!ARRAY_COMMANDS.includes(jobArgs[0])) throw new Error(`"${jobArgs[0]}" does not run as a job array: the commands that do are ${ARRAY_COMMANDS.join(", ")}`);
          const own = jobArgs.find((a) => /^--(shard|merge|plan|workers)(=|$)/.test(a));
          if (own) throw new Error(`the job's arguments must not hold ${own}: each task gets --shard i/n and --workers, the merge --merge`);
          job = jobArgs;
        }
        const cli = fileURLToPath(new URL("../main.js", import.meta.url));
        const cpus = flags.cpusPerTask ?? 1;
        if (!Number.isInteger(cpus) || cpus < 1) throw new Error(`--cpus-per-task must be a positive integer; got ${flags.cpusPerTask}`);
        if (flags.mem !== undefined && !/^\d+(\.\d+)?[KMGT]?$/i.test(flags.mem)) throw new Error(`--mem must be a size such as 4000, 4G or 500M; got "${flags.mem}"`);
        for (const line of flags.sbatch ?? []) if (!line.startsWith("-")) throw new Error(`--sbatch takes an sbatch option such as --qos=long; got "${line}"`);
        const limit = flags.time === undefined ? undefined : slurmSeconds(flags.time);
        const target = flags.target ?? "1h";
        const targetSeconds = parseDuration(target);
        const plan = await planOf(cli, job, target);
        const points = plan.rows.length;
        const longest = Math.max(...plan.rows.map((r) => r.seconds));
        const fmt = formatSeconds;
        const splits = plan.splits ?? [];
        if (splits.length > 1) throw new Error(`part files of splits into ${splits.join(" and ")} parts lie beside ${plan.files.join(", ")}: remove those of the split you do not want`);
        let tasks = flags.tasks;
        if (tasks === undefined && splits.length === 1) {
          tasks = splits[0];
          process.stderr.write(`resuming the split into ${tasks} parts begun beside ${plan.files[0]} (its finished points are kept)\n`);
        } else if (tasks !== undefined && splits.length === 1 && splits[0] !== tasks) {
          throw new Error(`--tasks ${tasks}: the parts beside ${plan.files[0]} belong to a split into ${splits[0]}; use --tasks ${splits[0]} to resume it, or remove its part files to start another split`);
        }
        // each task runs its points on --cpus-per-task workers
        tasks ??= Math.max(1, Math.min(points, Math.ceil(plan.seconds / (targetSeconds * cpus))));
        if (!Number.isInteger(tasks) || tasks < 1 || tasks > Math.min(MAX_SHARDS, points)) {
          throw new Error(`--tasks must be an integer in [1, ${Math.min(MAX_SHARDS, points)}] (at most one task per point); got ${tasks}`);
        }
        process.stderr.write(`plan: ${points} points, ${plan.coreHours.toFixed(2)} core-hours: ${tasks} task${tasks === 1 ? "" : "s"} of ~${fmt(plan.seconds / tasks / cpus)} on ${cpus} CPU${cpus === 1 ? "" : "s"} each; the longest point ${fmt(longest)}\n`);
        if (limit !== undefined && longest > limit - WARNING_SECONDS) {
          process.stderr.write(`warning: the longest point alone is estimated at ${fmt(longest)}, past --time ${flags.time} less the ${WARNING_SECONDS} s warning: a point is never split, so that task would stop without finishing it (exit 124, not requeued); give a longer --time\n`);
        } else if (limit === undefined && longest > targetSeconds) {
          process.stderr.write(`warning: the longest point alone is estimated at ${fmt(longest)}, past the target ${target}: give the tasks a --time above that (a point is never split)\n`);
        }
        const lines = [
          ...(flags.partition ? [`--partition=${flags.partition}`] : []),
          ...(flags.time ? [`--time=${flags.time}`] : []),
          ...(flags.cpusPerTask ? [`--cpus-per-task=${flags.cpusPerTask}`] : []),
          ...(flags.mem ? [`--mem=${flags.mem}`] : []),
          ...(flags.account ? [`--account=${flags.account}`] : []),
          ...(flags.sbatch ?? []),
        ];
        const hash = createHash("sha256").update(JSON.stringify(job)).digest("hex").slice(0, 8);
        const dir = resolve(flags.dir ?? join(dirname(resolve(plan.files[0])), "slurm"));
        const scripts = slurmScripts({ job, tasks, name: `sgd-phase-${job[0]}-${hash}`, node: flags.node ?? process.execPath, cli, cwd: process.cwd(), dir, lines, setup: flags.setup });
        const files = { array: join(dir, "array.sbatch"), merge: join(dir, "merge.sbatch") };
        if (flags.dryRun) {
          process.stdout.write(`# ${files.array}\n${scripts.array}\n# ${files.merge}\n${scripts.merge}`);
          return;
        }
        await writeAtomic(files.array, scripts.array, "--dir");
        await writeAtomic(files.merge, scripts.merge, "--dir");
        if (!flags.submit) {
          process.stdout.write(`# ${files.array}\n${scripts.array}\n# ${files.merge}\n${scripts.merge}`);
          process.stderr.write(`written: ${files.array}, ${files.merge}; submit with --submit, or: id=$(sbatch --parsable ${files.array}) && sbatch --dependency=afterok:$id ${files.merge}\n`);
          return;
        }
        const run = promisify(execFile);
        const sbatch = async (args: string[]) => (await run("sbatch", ["--parsable", ...args])).stdout.trim().split(";")[0];
        const arrayId = await sbatch([files.array]);
        const mergeId = await sbatch([`--dependency=afterok:${arrayId}`, files.merge]);
        process.stdout.write(`submitted: array job ${arrayId} (${tasks} tasks), merge job ${mergeId} (after all tasks succeed); logs in ${dir}\n`);
      } catch (error) {
        fail(command, error);
      }
    });
}
