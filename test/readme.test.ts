// The README runs as printed: every code block of README.md is classified, and every command and snippet in it is
// run and its output compared with what the README shows.
//   - a block with `$ …` lines: each command runs in a scratch directory (`npx sgd-phase` is the built CLI),
//     stdout and stderr together as a terminal shows them, and must print the lines under it;
//   - <!-- readme: run --> before a ```js block: the snippet runs as a module (importing "sgd-phase" itself) and
//     must print the next block, marked <!-- readme: output -->;
//   - <!-- readme: file NAME --> before a block: its text is the file NAME in the scratch directory;
//   - <!-- readme: numbers vary (why) --> before a `$` block: every number is compared as "a number" (the lines,
//     words and their order still must match);
//   - <!-- readme: not run (why) --> for the rest (a listing, a synopsis, a command that takes hours).
// Durations ("3.5 s", "0.68 µs/sample") are machine-dependent and compared as "a duration" everywhere.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoPath } from "./helpers.js";
import { readmeSpeedBlock, savedResults, speedTables } from "../bench/readme-speed.js";

interface Block {
  line: number;
  info: string;
  text: string;
  marker?: string;
}

/** The README's fenced code blocks, each with the <!-- readme: … --> comment on the line before it, if any. */
function blocksOf(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`README.md:${i + 1}: a code block that never closes`);
    const marker = /^<!-- readme: (.*) -->$/.exec(lines[i - 1] ?? "")?.[1];
    blocks.push({ line: i + 1, info: open[1], text: lines.slice(i + 1, end).join("\n"), marker });
    i = end;
  }
  return blocks;
}

const DURATION = /\b\d+(?:\.\d+)?\s?(?:ms|s|min|h|µs\/sample|µs)\b/g;
/** Text as compared: durations masked; with `numbers`, every number masked too; trailing spaces dropped. */
function normalised(text: string, numbers: boolean): string {
  let t = text.replace(DURATION, "‹duration›");
  if (numbers) t = t.replace(/[−-]?\d+(?:\.\d+)?(?:e[−+-]?\d+)?/g, "‹n›");
  return t.split("\n").map((l) => l.trimEnd()).join("\n").trim();
}

function run(command: string, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const cli = `node ${JSON.stringify(repoPath("dist/cli/main.js"))}`;
    const shell = command.replace(/\bnpx sgd-phase\b/g, cli);
    const child = spawn("bash", ["-c", `exec 2>&1; ${shell}`], { cwd, env: { ...process.env, FORCE_COLOR: "0" } });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`\`${command}\` exited with ${code}:\n${out}`))));
  });
}

const readme = readFileSync(repoPath("README.md"), "utf8");
const blocks = blocksOf(readme);
const scratch = mkdtempSync(join(tmpdir(), "sgd-phase-readme-"));
// snippets import "sgd-phase" by its own name: they must sit inside the package (package.json "exports")
const snippets = repoPath("out/readme-test");
mkdirSync(snippets, { recursive: true });

describe("README.md runs as printed", () => {
  it("classifies every code block: commands ($), snippets, their outputs, files, or not run with a reason", () => {
    const unclassified = blocks.filter((b) => b.marker === undefined && !/^\$ /m.test(b.text));
    expect(unclassified.map((b) => `README.md:${b.line}`)).toEqual([]);
    for (const b of blocks.filter((x) => x.marker !== undefined)) {
      expect(b.marker, `README.md:${b.line}`).toMatch(/^(run|output|file \S+|numbers vary \(.+\)|not run \(.+\))$/);
    }
    const checked = blocks.filter((b) => /^\$ /m.test(b.text) || b.marker === "run").length;
    const notRun = blocks.filter((b) => b.marker?.startsWith("not run")).length;
    // the closing note of issue 15 quotes this line
    console.log(`README.md: ${blocks.length} code blocks; ${checked} run and compared, ${notRun} not run (each with its reason)`);
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it("the speed tables are those of the saved output of npm run bench (bench/results/*.json), none typed by hand", () => {
    const block = readmeSpeedBlock(readme);
    expect(block, "README.md has a <!-- speed:start --> … <!-- speed:end --> block").toBeDefined();
    expect(block).toContain("| 1000 |");
    expect(block).toBe(speedTables(savedResults()).trim());
  });

  for (const [i, b] of blocks.entries()) {
    if (b.marker?.startsWith("file ")) writeFileSync(join(scratch, b.marker.slice(5)), `${b.text}\n`);
    if (b.marker === "run") {
      it(`the snippet at README.md:${b.line} prints what the README shows`, async () => {
        const output = blocks[i + 1];
        expect(output?.marker, `README.md:${b.line}: the block after a snippet is its output`).toBe("output");
        const file = join(snippets, `snippet-${b.line}.mjs`);
        writeFileSync(file, b.text);
        const printed = await run(`node ${JSON.stringify(file)}`, scratch);
        expect(normalised(printed, false)).toBe(normalised(output.text, false));
      });
    }
    if (/^\$ /m.test(b.text) && !b.marker?.startsWith("not run")) {
      it(`the commands at README.md:${b.line} print what the README shows`, async () => {
        const numbers = b.marker?.startsWith("numbers vary") ?? false;
        // commands and the lines each prints
        const steps: { command: string; expected: string[] }[] = [];
        for (const line of b.text.split("\n")) {
          if (line.startsWith("$ ")) steps.push({ command: line.slice(2), expected: [] });
          else if (steps.length > 0) steps.at(-1)!.expected.push(line);
        }
        for (const step of steps) {
          const cat = /^cat (\S+)$/.exec(step.command);
          // a file shown with `cat` is the input it shows
          if (cat && !existsSync(join(scratch, cat[1]))) writeFileSync(join(scratch, cat[1]), `${step.expected.join("\n")}\n`);
          const printed = await run(step.command, scratch);
          expect(normalised(printed, numbers), `README.md:${b.line}: $ ${step.command}`).toBe(normalised(step.expected.join("\n"), numbers));
        }
      }, 120_000);
    }
  }
});
