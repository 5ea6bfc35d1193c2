// see: README.md (npm start) — `sgd-phase overview`: the default phase diagram and one curve per region.
import { join } from "node:path";
import { Command } from "commander";
import { regionCurves } from "../../output/overview.js";
import { fail } from "../options.js";
import { addPhaseOptions, runPhaseDiagram } from "./phase-diagram.js";

export function overviewCommand(): Command {
  return addPhaseOptions(
    new Command("overview").description("the main job (npm start): the measured phase diagram and one learning curve per region, into <out-dir>"),
  )
    .option("--out-dir <dir>", "directory of the outputs (default out)")
    .action(async (flags: Record<string, unknown> & { outDir?: string }, command: Command) => {
      try {
        const outDir = flags.outDir ?? "out";
        const started = performance.now();
        await runPhaseDiagram({ ...flags, outDir: join(outDir, "phase-diagram") });
        const files = await regionCurves({ outDir, workers: flags.workers as number | undefined });
        // with --format csv|tsv|json|jsonl stdout holds the diagram's data only; this message goes to stderr
        (flags.format === undefined || flags.format === "table" ? process.stdout : process.stderr).write(
          `one learning curve per region (simulations, 10–90% band, and the limit ODE): ${files.join(", ")}\n` +
            `overview done in ${((performance.now() - started) / 1000).toFixed(1)} s. phase-diagram.png: each (κ, δ) cell coloured by the phase ` +
            `its simulations show as d grows (grey "?": undetermined), the theory's boundaries κ + δ = 0 (blue) and −½ (dashed) over it, ` +
            `× where they disagree; beside it the excess risk at each point's largest d.\n`,
        );
      } catch (error) {
        fail(command, error);
      }
    });
}
