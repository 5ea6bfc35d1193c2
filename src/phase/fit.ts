// see: theory.md §9 — the power law y = C·x^slope fitted to measured points (finite-size scaling, the phase
// exponents of phase-measure.ts, the figures' checks). Pure arithmetic: part of the light main entry.
import { OptionError } from "../validate.js";

/** A power-law fit y = C·x^slope by weighted least squares on (log x, log y). */
export interface PowerFit {
  slope: number;
  /** standard error of the slope: from the error bars, inflated by √(χ²/dof) when the scatter exceeds them */
  slopeError: number;
  /** log10 C */
  intercept: number;
  /** χ² per degree of freedom of the fit (NaN with two points) */
  reducedChi2: number;
}

/**
 * Fits log y = a + slope·log x to points with standard errors σ_y (σ of log y = σ_y / y), weights 1/σ², and
 * returns the slope with its standard error (the usual (XᵀWX)⁻¹ error, times √(χ²/dof) when that exceeds 1).
 */
export function fitPowerLaw(points: { x: number; y: number; se: number }[]): PowerFit {
  const use = points.filter((q) => q.x > 0 && q.y > 0 && Number.isFinite(q.se));
  if (use.length < 2) throw new OptionError("points", "need at least two points with x > 0 and y > 0 to fit a power law", points.length);
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  const rows = use.map((q) => {
    const sigma = Math.max(q.se / q.y, 1e-12);
    return { lx: Math.log(q.x), ly: Math.log(q.y), w: 1 / (sigma * sigma) };
  });
  for (const { lx, ly, w } of rows) {
    sw += w;
    sx += w * lx;
    sy += w * ly;
    sxx += w * lx * lx;
    sxy += w * lx * ly;
  }
  const det = sw * sxx - sx * sx;
  const slope = (sw * sxy - sx * sy) / det;
  const a = (sxx * sy - sx * sxy) / det;
  const chi2 = rows.reduce((c, { lx, ly, w }) => c + w * (ly - a - slope * lx) ** 2, 0);
  const dof = rows.length - 2;
  const reducedChi2 = dof > 0 ? chi2 / dof : NaN;
  const slopeError = Math.sqrt(sw / det) * (dof > 0 ? Math.sqrt(Math.max(1, reducedChi2)) : 1);
  return { slope, slopeError, intercept: a / Math.LN10, reducedChi2 };
}
