// see: README.md (the measured phase diagram) — `sgd-phase phase-diagram`: the (κ, δ) plane measured point by
// point from simulations across d, against the theory's regions.
import { Command } from "commander";
import { toJsonChunks } from "../../export.js";
import { formatOption, printResult, type Format, type Printable } from "../format.js";
import { DIAGRAM_DEFAULTS, diagramRecords, phaseDiagram, phaseDiagramSweeps, type PhaseDiagram, type PhaseDiagramOptions } from "../../phase/phase-diagram.js";
import { addJobOptions, addRunOptions, handleJobFlags, splitJobFlags, workProgress, type JobFlags } from "../job.js";
import { MEASURE_DEFAULTS } from "../../phase/phase-measure.js";
import { addExtensionOptions, fail, parseAxis, parseNumber } from "../options.js";

type Flags = Omit<PhaseDiagramOptions, "onProgress"> & { progress?: boolean; format?: Format } & JobFlags;

/** A measured diagram as printed: one row per (κ, δ) point, as phase-diagram.csv. */
const printable = (result: PhaseDiagram): Printable => ({ records: diagramRecords(result), table: diagramSummary(result), json: () => toJsonChunks(result), note: diagramSummary(result) });

/** The flags of the measured phase diagram (also used by `overview`). */
export function addPhaseOptions(command: Command): Command {
  const D = MEASURE_DEFAULTS;
  const G = DIAGRAM_DEFAULTS;
  return addRunOptions(
    addExtensionOptions(
      command
        .option("--kappa <axis>", `κ values: from:to:count or a list (default ${G.kappa.from}:${G.kappa.to}:${G.kappa.count})`, parseAxis)
        .option("--delta <axis>", `δ values: from:to:count or a list (default ${G.delta.from}:${G.delta.to}:${G.delta.count})`, parseAxis)
        .option("--k <n>", `teacher hidden units (default ${D.k}); p = round(d^κ) at each d`, parseNumber)
        .option("--gamma0 <x>", `γ = γ0·d^(−δ) (default ${D.gamma0})`, parseNumber)
        .option("--noise <x>", `label-noise variance Δ (default ${D.noise})`, parseNumber)
        .option("--t-end <x>", `horizon of the risk test on each point's clock (default ${D.tEnd})`, parseNumber)
        .option("--seeds <n>", `runs per d of the risk test (default ${D.seeds})`, parseNumber)
        .option("--jump-seeds <n>", `one-step runs per d of the clock test (default ${D.jumpSeeds})`, parseNumber)
        .option("--budget-seconds <x>", `estimated core-seconds per point: its ladder of d stops there (default ${D.budgetSeconds})`, parseNumber)
        .option("--d-min <n>", `smallest d of every ladder (default ${D.dMin})`, parseNumber)
        .option("--d-max <n>", `largest d of any ladder (default ${D.dMax})`, parseNumber)
        .option("--cost-scale <x>", `seconds per unit of the cost model that plans the ladders, relative to the built-in one (default ${D.costScale}: these machines)`, parseNumber)
        .option("--seed <n>", `seed (default ${D.seed})`, parseNumber)
        .addOption(formatOption("one object per (κ, δ) point")),
    ),
  );
}

export function phaseDiagramCommand(): Command {
  return addJobOptions(
    addPhaseOptions(new Command("phase-diagram").description("measure the phase diagram of SGD over a (κ, δ) grid from simulations across d: JSON, CSV, figure and agreement with the theory"))
      .option("--out-dir <dir>", "directory of the outputs (default out/phase-diagram)")
      .option("--resume", "keep the points already measured in <out-dir>/phase-diagram.jsonl"),
    "<out-dir>/phase-diagram.jsonl",
  )
    .action(async (flags: Flags, command: Command) => {
      try {
        const [job, rest] = splitJobFlags(flags);
        const { progress: show, ...options } = rest;
        const next = await handleJobFlags(job, async () => phaseDiagramSweeps(options), { command: "phase-diagram", workers: rest.workers, progress: show, format: rest.format });
        if (next === "done") return;
        await runPhaseDiagram({ ...rest, resume: rest.resume || next === "resume" });
      } catch (error) {
        fail(command, error);
      }
    });
}

/** The agreement, the disagreements with their reasons, and the files, as printed. */
export function diagramSummary(result: PhaseDiagram): string {
  const a = result.agreement;
  const failed = result.points.filter((p) => "error" in p).length;
  const lines = [
    `measured phase diagram: ${result.points.length} points in ${(result.meta.elapsedMs / 1000).toFixed(1)} s${failed ? `, ${failed} failed` : ""}`,
    `  agreement with the theory: ${a.agree}/${a.offBoundary} points off the boundaries${a.offBoundary > 0 ? ` (${(100 * a.share).toFixed(0)}%)` : ""}, ${a.undetermined} undetermined; ${a.onBoundary} on a boundary (within ${a.spacing} of κ + δ = 0 or −½), counted apart`,
    ...a.disagree.map((d) => `  disagrees: (κ, δ) = (${d.kappa}, ${d.delta}), theory ${d.region}, measured ${d.phase}: ${d.reason}`),
    `  files: ${result.files.join(", ")}`,
  ];
  return `${lines.join("\n")}\n`;
}

/** Runs the measured phase diagram with its progress (weighed by the points' estimated costs: a line redrawn on a
 * terminal, else one every 30 s) and prints the agreement and the files; returns the result. */
export async function runPhaseDiagram(flags: Omit<Flags, keyof JobFlags>): Promise<PhaseDiagram> {
  const { progress: showProgress, format = "table", ...rest } = flags;
  const report = workProgress("phase diagram", showProgress);
  const result = await phaseDiagram({ ...rest, onProgress: report });
  await printResult(printable(result), format);
  return result;
}
