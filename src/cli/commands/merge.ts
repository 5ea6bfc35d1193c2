// see: README.md (clusters) — `sgd-phase merge --spec FILE --out FILE.jsonl [--parts FILES…]`: joins the part
// files of a sharded sweep (sweep --shard i/n) into the file one machine would have written.
import { Command } from "commander";
import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { mergeSweep, type SweepSpec } from "../../sweep.js";
import { FileError, refuseOverwritingInputs } from "../../files.js";
import { fail, readJson } from "../options.js";

interface Flags {
  spec: string;
  out: string;
  parts?: string[];
}

/** The part files of `out` in its directory (out.part-i-of-n.jsonl), checked to be all n parts of one split. */
export async function findParts(out: string): Promise<string[]> {
  const dir = dirname(out);
  const stem = basename(out).replace(/\.jsonl?$/, "");
  const pattern = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.part-(\\d+)-of-(\\d+)\\.jsonl?$`);
  const found = (await readdir(dir === "" ? "." : dir)).map((f) => [f, pattern.exec(f)] as const).filter(([, m]) => m);
  if (found.length === 0) throw new FileError("--out", out, `no part files ${stem}.part-i-of-n.jsonl beside it (give them with --parts)`);
  const counts = new Set(found.map(([, m]) => m![2]));
  if (counts.size > 1) throw new FileError("--out", out, `its part files belong to splits into ${[...counts].join(" and ")} parts: give the right ones with --parts`);
  const n = Number([...counts][0]);
  const have = new Set(found.map(([, m]) => Number(m![1])));
  const absent = Array.from({ length: n }, (_, i) => i).filter((i) => !have.has(i));
  if (absent.length > 0) throw new FileError("--out", out, `parts ${absent.join(", ")} of ${n} are missing (${stem}.part-${absent[0]}-of-${n}.jsonl, …): run them, then merge`);
  return found.map(([f]) => join(dir, f)).sort();
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
