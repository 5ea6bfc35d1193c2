// see: theory.md §9 — the (κ, δ) plane: regions, clocks δt and the prefactors of the ODE terms.
// kappa: p ~ d^κ, delta: γ = γ0 d^(−δ), s = κ + δ.

/** Region names of the paper's phase diagram. */
export type Region = "green" | "blue" | "orange" | "red";

/** |κ + δ| at or below this counts as the blue line κ + δ = 0 (floating-point grids hit it inexactly). */
export const BLUE_TOLERANCE = 1e-9;

/**
 * Region of (κ, δ), s = κ + δ: green s > 0 (perfect learning), blue s = 0 (plateau, Saad–Solla),
 * orange −1/2 < s < 0 (bad learning), red s ≤ −1/2 (no deterministic limit; s = −1/2 is marginal).
 * The blue line and the red boundary are widened by BLUE_TOLERANCE.
 */
export function regionOf(kappa: number, delta: number): Region {
  const s = kappa + delta;
  if (Math.abs(s) <= BLUE_TOLERANCE) return "blue";
  if (s > 0) return "green";
  if (s > -0.5 + BLUE_TOLERANCE) return "orange";
  return "red";
}

/**
 * Exponent θ' of the region's clock δt = d^(−θ'): 1 + s in green and blue (exactly 1 on the blue line),
 * 1 + 2s in orange; undefined in red, where no time scale gives a deterministic limit.
 */
export function timeExponentOf(region: Region, kappa: number, delta: number): number | undefined {
  const s = kappa + delta;
  switch (region) {
    case "blue":
      return 1;
    case "green":
      return 1 + s;
    case "orange":
      return 1 + 2 * s;
    case "red":
      return undefined;
  }
}
