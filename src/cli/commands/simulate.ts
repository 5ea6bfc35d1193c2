// see: README.md (CLI) — `sgd-phase simulate`: the flags of simulate(options), files in and out.
import { extname } from "node:path";
import { Command, Option } from "commander";
import cliProgress from "cli-progress";
import { simulate } from "../../simulate.js";
import type { SimulationResult } from "../../result.js";
import { BACKENDS } from "../../engine.js";
import { DEFAULTS, type SimulateOptions } from "../../validate.js";
import { initialOverlaps, toCsv, toJson, toTable } from "../../export.js";
import { fail, parseNumber, parseNumberList, readJson, writeText } from "../options.js";

const INIT_KEYS = ["W0", "Wstar", "Q0", "M0", "P", "A"] as const;
const WRITERS: Record<string, (result: SimulationResult) => string> = {
  ".json": toJson,
  ".csv": toCsv,
};
/** Exit code of a run that diverged (its output is still written). */
export const EXIT_DIVERGED = 3;
/** A run on a terminal shows a progress bar once it has lasted this long (ms). */
const PROGRESS_AFTER_MS = 1000;

/** The flags: the options of simulate() (the same names, camel-cased by commander), plus files. */
type Flags = Omit<SimulateOptions, "init" | "onProgress"> & {
  init?: string;
  saveInit?: string;
  out?: string[];
  progress?: boolean;
};

export function simulateCommand(): Command {
  return new Command("simulate")
    .description("run one-pass SGD at finite d and print or write the learning curve and the order parameters")
    .option("--d <n>", `input dimension d (default ${DEFAULTS.d}, or the columns of --init weights)`, parseNumber)
    .option("--p <n>", `student hidden units p (default ${DEFAULTS.p}; κ = 0: p fixed as d grows)`, parseNumber)
    .option("--kappa <x>", "width exponent κ: p = round(d^κ) (instead of --p)", parseNumber)
    .option("--k <n>", `teacher hidden units k (default ${DEFAULTS.k})`, parseNumber)
    .option("--gamma0 <x>", "learning-rate prefactor γ0 (default p, as in the paper)", parseNumber)
    .option("--delta <x>", `learning-rate exponent δ: γ = γ0·d^(−δ) (default ${DEFAULTS.delta})`, parseNumber)
    .option("--noise <x>", `label-noise variance Δ (default ${DEFAULTS.noise})`, parseNumber)
    .option("--t-max <x>", `last output time (default ${DEFAULTS.tMax})`, parseNumber)
    .option("--t-min <x>", "first log-spaced output time (default max(δt, tMax·1e-4))", parseNumber)
    .option("--points <n>", `number of log-spaced output times (default ${DEFAULTS.points})`, parseNumber)
    .option("--times <list>", "explicit output times, comma-separated (instead of --t-max/--points)", parseNumberList)
    .addOption(
      new Option("--time-scale <scale>", 'clock: "region" (t = ν·δt, δt of the region) or "d" (t = ν/d)').choices(["region", "d"]),
    )
    .option("--seed <n>", `seed of the SGD samples (default ${DEFAULTS.seed})`, parseNumber)
    .option("--init-seed <n>", "seed of the random initial condition (default: --seed)", parseNumber)
    .option("--init <file>", 'initial condition, JSON: { "W0", "Wstar" } | { "Q0", "M0", "P" } | { "A" [, "Wstar"] }')
    .option("--save-init <file>", "write the overlaps { Q0, M0, P } of the initial condition used (JSON)")
    .option("--out <files...>", "write the result: .json (whole result) and/or .csv (t, samples, risk)")
    .addOption(new Option("--backend <name>", "where the numerics run (default wasm-simd)").choices([...BACKENDS]))
    .option("--progress", "always show progress on stderr (default: on a terminal, for long runs)")
    .option("--no-progress", "never show progress")
    .action(async (flags: Flags, command: Command) => {
      try {
        process.exitCode = await runSimulate(flags);
      } catch (error) {
        fail(command, error);
      }
    });
}

async function runSimulate(flags: Flags): Promise<number> {
  for (const file of flags.out ?? []) {
    if (!(extname(file) in WRITERS)) throw new Error(`--out ${file}: unknown extension (use .json or .csv).`);
  }
  const options: SimulateOptions = {};
  for (const key of ["d", "p", "kappa", "k", "gamma0", "delta", "noise", "tMax", "tMin", "points", "times", "timeScale", "seed", "initSeed", "backend"] as const) {
    if (flags[key] !== undefined) (options as Record<string, unknown>)[key] = flags[key];
  }
  if (flags.init !== undefined) {
    const data = await readJson(flags.init, "--init");
    if (data === null || typeof data !== "object") throw new Error(`--init ${flags.init}: expected a JSON object.`);
    const init = Object.fromEntries(INIT_KEYS.filter((key) => key in data).map((key) => [key, (data as Record<string, unknown>)[key]]));
    if (Object.keys(init).length === 0) {
      throw new Error(`--init ${flags.init}: found none of ${INIT_KEYS.join(", ")}; expected { W0, Wstar }, { Q0, M0, P } or { A }.`);
    }
    options.init = init as SimulateOptions["init"];
  }

  // progress: forced on or off by the flags, else shown on a terminal once the run has lasted a while
  const started = performance.now();
  const wanted = flags.progress ?? process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  const onProgress: SimulateOptions["onProgress"] = (p) => {
    if (bar === undefined && wanted && (flags.progress === true || performance.now() - started > PROGRESS_AFTER_MS)) {
      bar = progressBar();
      bar.start(p.totalSamples, 0, { t: 0 });
    }
    bar?.update(p.samples, { t: Number(p.t.toPrecision(4)) });
  };
  const result = await simulate({ ...options, onProgress }).finally(() => bar?.stop());

  if (flags.saveInit !== undefined) await writeText(flags.saveInit, toJson(initialOverlaps(result)));
  if (result.status === "diverged") {
    const dv = result.divergence!;
    process.stderr.write(`warning: SGD diverged after ${dv.samples} samples (t = ${dv.t}): ${dv.reason}; the output stops there.\n`);
  }
  for (const file of flags.out ?? []) await writeText(file, WRITERS[extname(file)](result));
  if (flags.out === undefined) process.stdout.write(toTable(result));
  const written = [...(flags.out ?? []), ...(flags.saveInit === undefined ? [] : [flags.saveInit])];
  if (written.length > 0) process.stderr.write(`written: ${written.join(", ")} (${describe(result)})\n`);
  return result.status === "diverged" ? EXIT_DIVERGED : 0;
}

/** One line on what a run did: region, sizes, samples, final risk, speed. */
function describe(result: SimulationResult): string {
  const q = result.params;
  return (
    `${q.region} region, d = ${q.d}, p = ${q.p}, k = ${q.k}, Δ = ${q.noise}: ${result.samples.at(-1)} samples to t = ${result.t.at(-1)}, ` +
    `final excess risk ${result.risk.at(-1)?.toExponential(4)}, ${(result.meta.nsPerSample / 1000).toFixed(2)} µs/sample`
  );
}

function progressBar(): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "SGD |{bar}| {percentage}% | {value}/{total} samples | t = {t} | ETA {eta_formatted}",
      etaBuffer: 50,
      fps: 5,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 5000,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
}
