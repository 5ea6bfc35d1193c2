// see: README.md (output for pipes) — what a command prints on stdout: --format table|csv|tsv|json|jsonl, and
// `--out -` for stdout beside files. Data go to stdout, messages (progress, warnings, "written: …") to stderr.
import { extname } from "node:path";
import { Option } from "commander";
import { delimited, jsonLines, type Records } from "../records.js";
import { toJsonChunks } from "../export.js";

export const FORMATS = ["table", "csv", "tsv", "json", "jsonl"] as const;
export type Format = (typeof FORMATS)[number];

/** The formats of --out files, by extension (.txt: the table). */
export const FILE_FORMATS: Record<string, Format> = { ".json": "json", ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".txt": "table" };

/** What a command prints: its records (single-token columns), its table for people, and its JSON. */
export interface Printable {
  records: Records;
  /** the table, its first line(s) "# …" saying what ran */
  table: string;
  /** the whole result as JSON (default: the records as an array of objects) */
  json?: () => Iterable<string>;
  /** what stderr gets with the machine formats (default: the table's "# …" lines) */
  note?: string;
}

/** The --format option; `what`: what one row is ("one row per output time"). */
export function formatOption(what: string): Option {
  return new Option("--format <format>", `what stdout gets: table (for people; the default), csv, tsv, json (the whole result) or jsonl (${what})`).choices([...FORMATS]);
}

/** The text of `p` in `format`. */
export function rendered(p: Printable, format: Format): Iterable<string> {
  switch (format) {
    case "table":
      return [p.table];
    case "csv":
      return delimited(p.records, ",");
    case "tsv":
      return delimited(p.records, "\t");
    case "jsonl":
      return jsonLines(p.records);
    case "json":
      return p.json ? p.json() : toJsonChunks(p.records.rows.map((row) => Object.fromEntries(p.records.columns.map((c, i) => [c, row[i]]))));
  }
}

/** The format of an --out file by its extension (undefined: none). */
export function fileFormat(file: string): Format | undefined {
  return FILE_FORMATS[extname(file)];
}

/**
 * Whether stdout gets the result (no --out, or `-` among them) and in which format; refuses a --format that
 * would go nowhere (--out names files only).
 */
export function stdoutFormat(flags: { out?: string[] | string; format?: Format }): Format | undefined {
  const out = flags.out === undefined ? undefined : ([] as string[]).concat(flags.out);
  const toStdout = out === undefined || out.includes("-");
  if (!toStdout) {
    if (flags.format !== undefined) throw new Error(`--format ${flags.format}: nothing goes to stdout when --out names files only; add - to --out (e.g. --out - ${out![0]}) or give the file's extension`);
    return undefined;
  }
  return flags.format ?? "table";
}

/** Writes chunks to stdout, waiting for it to drain (a large result does not pile up in memory). */
export async function writeStdout(chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once("drain", resolve));
  }
}

/**
 * Prints `p` on stdout in `format` (undefined: nothing); with the machine formats its note (by default the
 * table's "# …" lines, which say what ran) goes to stderr.
 */
export async function printResult(p: Printable, format: Format | undefined): Promise<void> {
  if (format === undefined) return;
  if (format !== "table") {
    const note = p.note ?? p.table.split("\n").filter((line) => line.startsWith("# ")).join("\n");
    if (note.trim() !== "") process.stderr.write(`${note.trimEnd()}\n`);
  }
  await writeStdout(rendered(p, format));
}
