// see: README.md (clusters) — `sgd-phase merge --spec FILE --out FILE.jsonl [--parts FILES…]`: joins the part
// files of a sharded sweep (sweep --shard i/n) into the file one machine would have written.
import { Command } from "commander";
import { mergeSweep, type SweepSpec } from "../../jobs/sweep.js";
import { refuseOverwritingInputs } from "../../jobs/files.js";
import { findParts } from "../../jobs/job.js";
import { fail, readJson } from "../options.js";

interface Flags {
  spec: string;
  out: string;
  parts?: string[];
}

export function mergeCommand(): Command {
  return new Command("merge")
    .description("join the part files of a sharded sweep (sweep --shard i/n) into the file one machine would write; refuses missing, repeated or cut points")
    .requiredOption("--spec <file>", "the sweep's spec, JSON")
    .requiredOption("--out <file>", "the merged JSON-lines file (its parts are out.part-i-of-n.jsonl unless --parts is given)")
    .option("--parts <files...>", "the part files (default: all out.part-i-of-n.jsonl beside --out)")
    .action(async (flags: Flags, command: Command) => {
      try {
        const spec = (await readJson(flags.spec, "--spec")) as SweepSpec;
        const parts = flags.parts ?? (await findParts(flags.out));
        await refuseOverwritingInputs([{ option: "--out", file: flags.out }], [{ option: "--spec", file: flags.spec }, ...parts.map((file) => ({ option: "--parts", file }))]);
        const merged = await mergeSweep(spec, parts, flags.out);
        const failed = merged.lines.filter((l) => l.error !== undefined).length;
        process.stderr.write(`${merged.lines.length} points from ${parts.length} part${parts.length === 1 ? "" : "s"} (${failed} failed); written: ${flags.out}\n`);
        if (failed > 0) process.exitCode = 3;
      } catch (error) {
        fail(command, error);
      }
    });
}
