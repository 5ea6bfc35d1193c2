// The (κ, δ) plane of theory.md §9: regions, their boundaries and their clocks.
import { describe, expect, it } from "vitest";
import { BLUE_TOLERANCE, regionOf, timeExponentOf } from "../src/regions.js";

describe("regionOf", () => {
  it.each([
    [0, 0.5, "green"],
    [0.5, 0, "green"],
    [0.3, -0.1, "green"],
    [0, 0, "blue"],
    [0.5, -0.5, "blue"],
    [0.1 + 0.2, -0.3, "blue"], // 0.30000000000000004 − 0.3: within the tolerance
    [0, -0.25, "orange"],
    [0, -3 / 8, "orange"],
    [0.5, -0.99, "orange"],
    [0, -0.5, "red"], // s = −1/2 is the marginal case: no deterministic limit
    [0, -0.75, "red"],
    [1, -2, "red"],
  ] as const)("κ = %s, δ = %s is %s", (kappa, delta, region) => {
    expect(regionOf(kappa, delta)).toBe(region);
  });

  it("puts the blue line within ±BLUE_TOLERANCE of κ + δ = 0 and no further", () => {
    expect(regionOf(0, BLUE_TOLERANCE)).toBe("blue");
    expect(regionOf(0, -BLUE_TOLERANCE)).toBe("blue");
    expect(regionOf(0, 3 * BLUE_TOLERANCE)).toBe("green");
    expect(regionOf(0, -3 * BLUE_TOLERANCE)).toBe("orange");
    expect(regionOf(0, -0.5 + 3 * BLUE_TOLERANCE)).toBe("orange");
  });
});

describe("timeExponentOf", () => {
  it("is 1 + κ + δ in green, 1 on the blue line, 1 + 2(κ + δ) in orange and undefined in red", () => {
    expect(timeExponentOf("green", 0.25, 0.5)).toBe(1.75);
    expect(timeExponentOf("blue", 0.5, -0.5 + 1e-12)).toBe(1);
    expect(timeExponentOf("orange", 0, -3 / 8)).toBe(0.25);
    expect(timeExponentOf("red", 0, -1)).toBeUndefined();
  });
});
