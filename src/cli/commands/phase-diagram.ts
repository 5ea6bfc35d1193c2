// see: README.md (phase diagram) — `sgd-phase phase-diagram`: the (κ, δ) plane computed point by point.
import { Command } from "commander";
import { phaseDiagram, type PhaseDiagramOptions } from "../../phase-diagram.js";
import { PHASE_DEFAULTS, type PhasePoint } from "../../phase.js";
import { addExtensionOptions, fail, parseAxis, parseNumber, progress } from "../options.js";

type Flags = Omit<PhaseDiagramOptions, "onProgress" | "samplesFixed"> & { samples?: number; progress?: boolean };

/** The flags of the phase diagram (also used by `overview`). */
export function addPhaseOptions(command: Command): Command {
  const D = PHASE_DEFAULTS;
  return addExtensionOptions(
    command
      .option("--d <n>", `input dimension (default ${D.d})`, parseNumber)
    .option("--k <n>", `teacher hidden units (default ${D.k}); p = round(d^κ) at each point`, parseNumber)
    .option("--gamma0 <x>", `γ = γ0·d^(−δ) (default ${D.gamma0}: a1 = 1 in green and on the blue line)`, parseNumber)
    .option("--noise <x>", `label-noise variance Δ (default ${D.noise})`, parseNumber)
    .option("--kappa <axis>", `κ values: from:to:count or a list (default ${D.kappa.from}:${D.kappa.to}:${D.kappa.count})`, parseAxis)
    .option("--delta <axis>", `δ values: from:to:count or a list (default ${D.delta.from}:${D.delta.to}:${D.delta.count})`, parseAxis)
    .option("--t-end <x>", `horizon on each point's clock (t = ν/d in red) (default ${D.tEnd})`, parseNumber)
    .option("--budget <n>", `most SGD samples per point (default ${D.budget}); a point that needs more is marked`, parseNumber)
    .option("--samples <n>", `the fixed number of samples n of the second map (default ${D.samplesFixed})`, parseNumber)
    .option("--seed <n>", `seed (default ${D.seed})`, parseNumber),
  )
    .option("--no-ode", "do not integrate the limit ODE at each point")
    .option("--workers <n>", "worker threads (default: available parallelism)", parseNumber)
    .option("--progress", "always show progress on stderr")
    .option("--no-progress", "never show progress");
}

export function phaseDiagramCommand(): Command {
  return addPhaseOptions(new Command("phase-diagram").description("compute the phase diagram of SGD over a (κ, δ) grid: JSON, CSV and heat maps"))
    .option("--out-dir <dir>", "directory of the outputs (default out/phase-diagram)")
    .option("--resume", "keep the points already computed in <out-dir>/phase-diagram.jsonl")
    .action(async (flags: Flags, command: Command) => {
      try {
        await runPhaseDiagram(flags);
      } catch (error) {
        fail(command, error);
      }
    });
}

/** Runs the phase diagram with a progress bar and prints where the files are; returns the result. */
export async function runPhaseDiagram(flags: Flags) {
  const { samples, progress: showProgress, ...rest } = flags;
  const bar = progress({ progress: showProgress }, "phase diagram |{bar}| {value}/{total} points | ETA {eta_formatted}");
  const result = await phaseDiagram({ ...rest, ...(samples !== undefined ? { samplesFixed: samples } : {}), onProgress: (p) => bar.update(p.done, p.total, {}) }).finally(() => bar.stop());
  const points = result.points.filter((p): p is PhasePoint => !("error" in p));
  const count = (f: (p: PhasePoint) => boolean) => points.filter(f).length;
  const regions = ["green", "blue", "orange", "red"].map((r) => `${r} ${count((p) => p.region === r)}`).join(", ");
  process.stdout.write(
    `phase diagram: ${result.points.length} points (${regions}) at d = ${result.params.d} in ${(result.meta.elapsedMs / 1000).toFixed(1)} s; ` +
      `${count((p) => p.budgetExhausted)} used up their budget, ${count((p) => p.diverged)} diverged, ${result.points.length - points.length} failed\n` +
      `  trend over the last decade: down ${count((p) => p.trend === "down")}, plateau ${count((p) => p.trend === "plateau")}, up ${count((p) => p.trend === "up")}\n` +
      `  files: ${result.files.join(", ")}\n`,
  );
  return result;
}
