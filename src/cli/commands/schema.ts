// see: src/result.ts — `sgd-phase schema`: the JSON Schema of the result files `simulate --out x.json` writes.
import { Command } from "commander";
import { resultJsonSchema } from "../../result.js";

export function schemaCommand(): Command {
  return new Command("schema")
    .description("print the JSON Schema (draft 2020-12) of the result files written by `simulate --out x.json`")
    .action(() => {
      process.stdout.write(`${JSON.stringify(resultJsonSchema(), null, 2)}\n`);
    });
}
