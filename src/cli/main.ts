#!/usr/bin/env node
// see: STYLE.md §8 — the `sgd-phase` command line (commander); one file per command in commands/.
import { Command } from "commander";
import { VERSION } from "../version.js";
import { simulateCommand } from "./commands/simulate.js";
import { schemaCommand } from "./commands/schema.js";
import { serveCommand } from "./commands/serve.js";
import { odeCommand } from "./commands/ode.js";
import { compareCommand } from "./commands/compare.js";
import { sweepCommand } from "./commands/sweep.js";
import { mergeCommand } from "./commands/merge.js";
import { slurmCommand } from "./commands/slurm.js";
import { phaseDiagramCommand } from "./commands/phase-diagram.js";
import { scalingCommand } from "./commands/scaling.js";
import { reproduceCommand } from "./commands/reproduce.js";
import { overviewCommand } from "./commands/overview.js";
import { installInterruptHandlers } from "./interrupt.js";
import { getHeapStatistics } from "node:v8";
import { setHeapLimit } from "../validate.js";

installInterruptHandlers();
// a reader that stops early (… | head) closes the pipe: the output it wanted is out, so end quietly
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
setHeapLimit(getHeapStatistics().heap_size_limit);

const program = new Command()
  .name("sgd-phase")
  .description(
    "One-pass SGD in two-layer teacher–student networks at finite d, and the phase diagram of its " +
      "width p ~ d^κ and learning rate γ ~ d^(−δ) (Veiga et al., NeurIPS 2022, arXiv:2202.00293).",
  )
  .version(VERSION)
  .showHelpAfterError("(add --help for usage)");
program.addCommand(simulateCommand());
program.addCommand(odeCommand());
program.addCommand(compareCommand());
program.addCommand(sweepCommand());
program.addCommand(mergeCommand());
program.addCommand(slurmCommand());
program.addCommand(phaseDiagramCommand());
program.addCommand(scalingCommand());
program.addCommand(reproduceCommand());
program.addCommand(overviewCommand());
program.addCommand(schemaCommand());
program.addCommand(serveCommand());
await program.parseAsync(process.argv);
