// see: README.md (the paper's figures: checks) — measuring the paper's claims on a figure's own curves:
// values at a time, averages over a window, the time a curve falls below a level, power-law fits.
// Every function reads FigureData only, so a check changes when the data does.
import { fitPowerLaw, type PowerFit } from "../phase/fit.js";
import type { Check, Curve, FigureData } from "./types.js";

/** The curve named `name` (throws with the names there are). */
export function curveNamed(data: FigureData, name: string): Curve {
  const c = data.curves.find((x) => x.name === name);
  if (!c) throw new Error(`${data.figure}: no curve "${name}" (curves: ${data.curves.map((x) => x.name).join(", ")})`);
  return c;
}

/** The curves of a role whose tags match `tags`, in the data's order. */
export function curvesWith(data: FigureData, role: Curve["role"], tags: Record<string, number | string> = {}): Curve[] {
  return data.curves.filter((c) => c.role === role && Object.entries(tags).every(([k, v]) => c.tags?.[k] === v));
}

/** y at x: exact when x is an abscissa, else interpolated linearly in (log x, log y) (NaN outside the curve). */
export function valueAt(c: Curve, x: number): number {
  const i = c.x.findIndex((v) => Math.abs(v - x) <= 1e-6 * Math.abs(x));
  if (i >= 0) return c.y[i];
  for (let j = 1; j < c.x.length; j++) {
    if (c.x[j - 1] < x && x < c.x[j]) {
      const [x0, x1, y0, y1] = [c.x[j - 1], c.x[j], c.y[j - 1], c.y[j]];
      if (!(x0 > 0 && y0 > 0 && y1 > 0)) return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
      const f = Math.log(x / x0) / Math.log(x1 / x0);
      return Math.exp(Math.log(y0) + f * Math.log(y1 / y0));
    }
  }
  return NaN;
}

/** The last value of a curve. */
export const last = (c: Curve): number => c.y[c.y.length - 1];

/** Mean of y over the points with x in [x0, x1] (NaN when there are none) and how many there were. */
export function windowMean(c: Curve, x0: number, x1: number): { mean: number; n: number; se: number } {
  const ys = c.y.filter((_, i) => c.x[i] >= x0 * (1 - 1e-12) && c.x[i] <= x1 * (1 + 1e-12));
  const n = ys.length;
  const mean = n ? ys.reduce((s, v) => s + v, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(ys.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, n, se: sd / Math.sqrt(n) };
}

/** The largest y and where it is. */
export function peak(c: Curve): { x: number; y: number } {
  let best = 0;
  c.y.forEach((y, i) => {
    if (y > c.y[best]) best = i;
  });
  return { x: c.x[best], y: c.y[best] };
}

/** The first x where the curve is at or below `level` (log-interpolated between points); NaN if never. */
export function firstBelow(c: Curve, level: number): number {
  for (let i = 0; i < c.y.length; i++) {
    if (c.y[i] <= level) {
      if (i === 0) return c.x[0];
      const [x0, x1, y0, y1] = [c.x[i - 1], c.x[i], c.y[i - 1], c.y[i]];
      const f = Math.log(y0 / level) / Math.log(y0 / y1);
      return x0 > 0 ? x0 * (x1 / x0) ** f : x0 + f * (x1 - x0);
    }
  }
  return NaN;
}

/** Power-law fit of measured points (x, y ± (hi − lo)/2). */
export function fitCurve(c: Curve): PowerFit {
  return fitPowerLaw(c.x.map((x, i) => ({ x, y: c.y[i], se: c.lo && c.hi ? (c.hi[i] - c.lo[i]) / 2 : c.y[i] * 0.1 })));
}

/** A number as printed in checks: three significant digits. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : Number(v.toPrecision(3)).toString();
}

/** A reading as the paper's values are written: m·10ⁿ with the mantissa's needed digits (2·10⁻⁵, 3.5·10⁻⁷). */
export function sci(v: number): string {
  const n = Math.floor(Math.log10(Math.abs(v)) + 1e-12);
  const m = Number((v / 10 ** n).toPrecision(2));
  const sup = String(n).replace(/./g, (c) => "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"["-0123456789".indexOf(c)]);
  return n === 0 ? String(m) : `${m === 1 ? "" : `${m}·`}10${sup}`;
}

/** A check of `data.figure`. */
export function check(data: FigureData, claim: string, paper: string, ours: string, tolerance: string, pass: boolean): Check {
  return { figure: data.figure, claim, paper, ours, tolerance, pass: Boolean(pass) };
}

/** |log10(a/b)| ≤ log10(factor): a and b agree within a factor. */
export const withinFactor = (a: number, b: number, factor: number): boolean => a > 0 && b > 0 && Math.abs(Math.log10(a / b)) <= Math.log10(factor) + 1e-12;

/** Increasing (strictly) along the array. */
export const increasing = (v: number[]): boolean => v.every((x, i) => i === 0 || x > v[i - 1]);
export const decreasing = (v: number[]): boolean => v.every((x, i) => i === 0 || x < v[i - 1]);
