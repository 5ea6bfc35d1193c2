// see: README.md (files and interrupts) — Ctrl-C (SIGINT) and SIGTERM. A command that can stop cleanly takes
// `interruptSignal()`: the first signal aborts it, the run stops at its next chunk, its outputs are written with
// status "interrupted", and the process exits 130 (SIGINT) or 143 (SIGTERM). Any other command, or a second
// signal (one second or more after the first: a repeat within it is the same request delivered twice), exits at once — after removing temporary files, releasing locks and restoring the terminal's cursor.
import { releaseLocks, removeTemporaries } from "../jobs/files.js";

const controller = new AbortController();
let graceful = false;
let received: NodeJS.Signals | undefined;
let receivedAt = 0;

/** A repeat of the first signal within this many ms is the same request delivered twice (a terminal's or Slurm's
 * signal reaches both a wrapper and this process, which the wrapper may forward): ignored, not "quit at once". */
const REPEAT_MS = 1000;

/** Exit status of a process stopped by `signal` (128 + its number). */
export function exitCodeOf(signal: NodeJS.Signals): number {
  return signal === "SIGTERM" ? 143 : 130;
}

/** The signal the CLI's run should watch: aborted by the first SIGINT/SIGTERM. */
export function interruptSignal(): AbortSignal {
  graceful = true;
  return controller.signal;
}

/** The signal received, if any (the command's exit status is then exitCodeOf it). */
export function interruption(): NodeJS.Signals | undefined {
  return received;
}

function cleanUpNow(): void {
  removeTemporaries();
  releaseLocks();
  if (process.stderr.isTTY) process.stderr.write("\x1b[?25h"); // the progress bar hides the cursor
}

/** Installs the handlers (once, by main.ts). */
export function installInterruptHandlers(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (received === signal && graceful && Date.now() - receivedAt < REPEAT_MS) return;
      if (received === undefined && graceful) {
        received = signal;
        receivedAt = Date.now();
        process.stderr.write(`\n${signal}: stopping at the next chunk of work and writing what is done (again to quit at once)\n`);
        controller.abort(signal);
        return;
      }
      received ??= signal;
      cleanUpNow();
      process.exit(exitCodeOf(signal));
    });
  }
  process.on("exit", () => {
    if (process.stderr.isTTY) process.stderr.write("\x1b[?25h");
  });
}
