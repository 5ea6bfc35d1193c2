// The version recorded in results is the package's.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { VERSION } from "../src/version.js";
import { repoPath } from "./helpers.js";

it("VERSION equals the version in package.json", () => {
  expect(VERSION).toBe(JSON.parse(readFileSync(repoPath("package.json"), "utf8")).version);
});
