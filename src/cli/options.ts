// see: STYLE.md §8 — flag parsing shared by the commands: numbers, lists, JSON files, and error messages
// that name the flag the user typed. The rules themselves live in src/validate.ts.
import { readFile } from "node:fs/promises";
import { checkWritable, FileError, refuseOverwritingInputs, writeAtomic } from "../jobs/files.js";
import { InvalidArgumentError, Option, type Command } from "commander";
import cliProgress from "cli-progress";
import { ACTIVATIONS, OptionError, formatValue, type SimulateOptions } from "../validate.js";
import { parseAxisText } from "../phase/phase.js";
import { FILE_FORMATS, fileFormat, rendered, type Printable } from "./format.js";

/** Parses a flag value as a number (any further rule is checked by validate.ts). */
export function parseNumber(value: string): number {
  const v = value.trim() === "" ? NaN : Number(value);
  if (Number.isNaN(v)) throw new InvalidArgumentError("must be a number.");
  return v;
}

/** Parses a comma-separated list of numbers. */
export function parseNumberList(value: string): number[] {
  return value.split(",").map((item, i) => {
    const v = item.trim() === "" ? NaN : Number(item);
    if (Number.isNaN(v)) throw new InvalidArgumentError(`item ${i + 1} (\`${item}\`) is not a number.`);
    return v;
  });
}

/** The flag of an API option name: tMax → --t-max. */
export function flagOf(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Reads a JSON file, with a message that names the flag on failure. */
export async function readJson(file: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new Error(`${flag} ${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${flag} ${file}: not valid JSON (${(error as Error).message}).`);
  }
}

/** Writes `text` (or its chunks) to `file` atomically (src/jobs/files.ts), creating its directory. */
export async function writeText(file: string, text: string | Iterable<string>, option = "--out"): Promise<void> {
  await writeAtomic(file, text, option);
}

/**
 * Reports `error` through commander (stderr, one line, exit code 1): OptionErrors with the flag name,
 * anything else with its message.
 */
export function fail(command: Command, error: unknown): never {
  if (error instanceof OptionError) {
    // a field of an input file keeps its path (init.Q0[1], spec.points[3].d); an API option becomes its flag
    const name = /^init\b/.test(error.option)
      ? `\`${error.option}\` (from --init)`
      : /^spec\b/.test(error.option)
        ? `\`${error.option}\` (from --spec)`
        : /^[A-Z_/]+$/.test(error.option)
          ? `\`${error.option}\` (environment)`
          : `\`${flagOf(error.option)}\``;
    command.error(`error: invalid option. ${name} ${error.rule}. Value: \`${formatValue(error.value)}\`.`);
  }
  command.error(`error: ${(error as Error).message}`);
}

/** Flags of every command that runs the model: the shared API options (same names), files and progress. */
export type ModelFlags = Omit<SimulateOptions, "init" | "onProgress" | "backend"> & {
  init?: string;
  out?: string[];
  progress?: boolean;
};

const MODEL_KEYS = ["d", "p", "kappa", "k", "gamma0", "delta", "noise", "tMax", "tMin", "points", "times", "timeScale", "seed", "initSeed", "batch", "weightDecay", "aTeacher", "aInit", "gammaA", "activation", "activationTeacher"] as const;
const INIT_KEYS = ["W0", "Wstar", "Q0", "M0", "P", "A"] as const;

/** Adds the model, time and initial-condition flags (names of the API options, kebab-cased). */
export function addModelOptions(command: Command, defaults: { d: number; p: number; k: number; delta: number; noise: number; tMax: number; points: number; seed: number }): Command {
  return addExtensionOptions(
    command
      .option("--d <n>", `input dimension d (default ${defaults.d}, or the columns of --init weights)`, parseNumber)
    .option("--p <n>", `student hidden units p (default ${defaults.p}; κ = 0: p fixed as d grows)`, parseNumber)
    .option("--kappa <x>", "width exponent κ: p = round(d^κ) (instead of --p)", parseNumber)
    .option("--k <n>", `teacher hidden units k (default ${defaults.k})`, parseNumber)
    .option("--gamma0 <x>", "learning-rate prefactor γ0 (default p, as in the paper)", parseNumber)
    .option("--delta <x>", `learning-rate exponent δ: γ = γ0·d^(−δ) (default ${defaults.delta})`, parseNumber)
    .option("--noise <x>", `label-noise variance Δ (default ${defaults.noise})`, parseNumber)
    .option("--t-max <x>", `last output time (default ${defaults.tMax})`, parseNumber)
    .option("--t-min <x>", "first log-spaced output time (default tMax·1e-4, at least one SGD step)", parseNumber)
    .option("--points <n>", `number of log-spaced output times (default ${defaults.points})`, parseNumber)
    .option("--times <list>", "explicit output times, comma-separated (instead of --t-max/--points)", parseNumberList)
    .addOption(new Option("--time-scale <scale>", 'clock: "region" (t = ν·δt, δt of the region) or "d" (t = ν/d)').choices(["region", "d"]))
    .option("--seed <n>", `seed of the SGD samples (default ${defaults.seed})`, parseNumber)
    .option("--init-seed <n>", "seed of the random initial condition (default: --seed)", parseNumber)
    .option("--init <file>", 'initial condition, JSON: { "W0", "Wstar" } | { "Q0", "M0", "P" } | { "A" [, "Wstar"] }'),
  )
    .option("--progress", "always show progress on stderr (default: on a terminal, for long runs)")
    .option("--no-progress", "never show progress");
}

/**
 * The flags of the extensions beyond the paper (README: extensions), the same in every command that runs the
 * model: simulate, ode, compare (through addModelOptions), phase-diagram and scaling.
 */
export function addExtensionOptions(command: Command): Command {
  return command
    .option("--batch <n>", "mini-batch size B: each step averages B fresh samples; t counts steps, samples and budgets count samples (ode, compare: the variance term is divided by B) (default 1)", parseNumber)
    .option("--weight-decay <x>", "weight decay λ ≥ 0: w ← (1 − γλ/(p d)) w + … per step (ode, compare: the terms −2a1λQ, −a1λM) (default 0)", parseNumber)
    .option("--a-teacher <list>", "the teacher's second layer a*: one number or k, comma-separated (default 1)", parseNumberList)
    .option("--a-init <list>", "the student's second layer at t = 0: one number or p, comma-separated (default 1)", parseNumberList)
    .option("--gamma-a <x>", "learning-rate factor of the student's second layer: γ_a = gammaA·γ/d (default 0: a fixed)", parseNumber)
    .addOption(new Option("--activation <name>", "the students' activation (default erf: erf(u/√2), the paper's)").choices([...ACTIVATIONS]))
    .addOption(new Option("--activation-teacher <name>", "the teachers' activation (default: the students')").choices([...ACTIVATIONS]));
}

/** The API options of the model flags, with the --init file read (its other keys ignored). */
export async function modelOptions(flags: ModelFlags): Promise<Record<string, unknown>> {
  const options: Record<string, unknown> = {};
  for (const key of MODEL_KEYS) if (flags[key] !== undefined) options[key] = flags[key];
  if (flags.init !== undefined) {
    const data = await readJson(flags.init, "--init");
    if (data === null || typeof data !== "object") throw new Error(`--init ${flags.init}: expected a JSON object.`);
    const init = Object.fromEntries(INIT_KEYS.filter((key) => key in data).map((key) => [key, (data as Record<string, unknown>)[key]]));
    if (Object.keys(init).length === 0) {
      throw new Error(`--init ${flags.init}: found none of ${INIT_KEYS.join(", ")}; expected { W0, Wstar }, { Q0, M0, P } or { A }.`);
    }
    options.init = init;
  }
  return options;
}

/** The input files named by the model flags (--init), which no output may overwrite. */
export function inputsOf(flags: ModelFlags): { option: string; file: string }[] {
  return flags.init === undefined ? [] : [{ option: "--init", file: flags.init }];
}

/**
 * Fails before any work when an --out file has no format (src/cli/format.ts FILE_FORMATS), cannot be written
 * (its directory cannot be created, it is not a writable regular file), is named twice, or is one of the inputs
 * (`inputs`: flag and file, e.g. --init). `-` is stdout. `extra`: further output files with their flag (e.g.
 * --save-init), checked the same way.
 */
export async function checkOutputs(files: string[] | undefined, inputs: { option: string; file: string }[] = [], extra: { option: string; file: string }[] = []): Promise<void> {
  const named = (files ?? []).filter((file) => file !== "-");
  for (const file of named) {
    if (fileFormat(file) === undefined) throw new Error(`--out ${file}: unknown extension (use ${Object.keys(FILE_FORMATS).join(", ")}, or - for stdout).`);
  }
  if ((files ?? []).filter((file) => file === "-").length > 1) throw new Error("--out -: stdout is named twice");
  const outputs = [...named.map((file) => ({ option: "--out", file })), ...extra];
  for (const [i, out] of outputs.entries()) {
    for (const other of outputs.slice(i + 1)) {
      if (other.file === out.file) throw new FileError(other.option, other.file, `is named twice as an output (${out.option} too)`);
    }
    await checkWritable(out.file, out.option);
  }
  await refuseOverwritingInputs(outputs, inputs);
}

/**
 * Writes the result to each --out file in the format of its extension (atomically: a failed write leaves any
 * previous file as it was) and says so on stderr with a one-line summary; `-` was stdout (printResult). Every
 * file is attempted; the first failure is rethrown after the others.
 */
export async function writeOutputs(files: string[], result: Printable, extra: string[], summary: string): Promise<void> {
  const failures: unknown[] = [];
  const written: string[] = [];
  for (const file of files.filter((f) => f !== "-")) {
    try {
      await writeText(file, rendered(result, fileFormat(file)!));
      written.push(file);
    } catch (error) {
      failures.push(error);
    }
  }
  written.push(...extra);
  if (written.length > 0) process.stderr.write(`written: ${written.join(", ")} (${summary})\n`);
  if (failures.length > 0) throw failures[0];
}

/** A run on a terminal shows a progress bar once it has lasted this long (ms). */
const PROGRESS_AFTER_MS = 1000;

/**
 * Progress on stderr: forced on or off by --progress / --no-progress, else shown on a terminal once the run
 * has lasted a second. `update(value, total, fields)` is cheap to call often; `stop()` ends the bar.
 */
export function progress(flags: { progress?: boolean }, format: string): { update: (value: number, total: number, fields: Record<string, string | number>) => void; stop: () => void } {
  const started = performance.now();
  const wanted = flags.progress ?? process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(value, total, fields) {
      if (bar === undefined && wanted && (flags.progress === true || performance.now() - started > PROGRESS_AFTER_MS)) {
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format, etaBuffer: 50, fps: 5, noTTYOutput: !process.stderr.isTTY, notTTYSchedule: 5000, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, fields);
      }
      bar?.update(value, fields);
    },
    stop() {
      bar?.stop();
    },
  };
}

/** Parses a grid axis: "from:to:count" (evenly spaced) or a comma-separated list. */
export function parseAxis(value: string): { from: number; to: number; count: number } | number[] {
  try {
    return parseAxisText(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
