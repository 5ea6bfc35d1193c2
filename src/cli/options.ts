// see: STYLE.md §8 — flag parsing shared by the commands: numbers, lists, JSON files, and error messages
// that name the flag the user typed. The rules themselves live in src/validate.ts.
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { OptionError, formatValue } from "../validate.js";

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

/** Writes `text` to `file`, creating its directory. */
export async function writeText(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

/**
 * Reports `error` through commander (stderr, one line, exit code 1): OptionErrors with the flag name,
 * anything else with its message.
 */
export function fail(command: Command, error: unknown): never {
  if (error instanceof OptionError) {
    const name = /^init\b/.test(error.option) ? `\`${error.option}\` (from --init)` : `\`${flagOf(error.option)}\``;
    command.error(`error: invalid option. ${name} ${error.rule}. Value: \`${formatValue(error.value)}\`.`);
  }
  command.error(`error: ${(error as Error).message}`);
}
