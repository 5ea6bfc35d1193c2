// Results can be saved and read back: the JSON a run writes parses against the result schema, keeps every
// number exactly, and malformed files are refused with the place of the problem.
import { describe, expect, it } from "vitest";
import { simulate } from "../src/simulate.js";
import { parseResult } from "../src/result.js";
import { toJson } from "../src/export.js";
import { cli } from "./helpers.js";

describe("parseResult", () => {
  it("reads back a saved result with every number unchanged", async () => {
    const result = await simulate({ d: 50, p: 3, k: 2, noise: 1e-2, tMax: 1, points: 4 });
    expect(parseResult(toJson(result))).toEqual(result);
  });

  it("reads back a diverged result", async () => {
    const result = await simulate({ d: 1, p: 1, k: 1, gamma0: 1e150, noise: 1e300, times: [10] });
    expect(result.status).toBe("diverged");
    expect(parseResult(toJson(result)).divergence).toEqual(result.divergence);
  });

  it("refuses what is not a result, naming where", async () => {
    const result = await simulate({ d: 50, p: 3, k: 2, tMax: 1, points: 2 });
    const broken = JSON.parse(toJson(result));
    broken.params.region = "purple";
    expect(() => parseResult(broken)).toThrow(/at `params.region`/);
    expect(() => parseResult({ t: [] })).toThrow(/not an sgd-phase result/);
  });
});

describe("sgd-phase schema", () => {
  it("prints a JSON Schema (draft 2020-12) listing every result field", async () => {
    const run = await cli(["schema"]);
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(Object.keys(schema.properties).sort()).toEqual(["M", "P", "Q", "R", "a", "divergence", "ensemble", "interruption", "meta", "params", "risk", "riskStandardError", "samples", "status", "t"]);
    expect(schema.properties.risk.description).toMatch(/Δ\/2 is NOT included/);
  });
});
