// Statistics of learning curves over seeds (simulate's ensemble, compare). No numerics of the model here.

/** Quantile q of sorted values: linear interpolation between order statistics (R's type 7). */
export function quantile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Per output time: runs that reached it, mean, sample standard deviation, standard error, quantiles. */
export interface CurveStatistics {
  runs: number[];
  mean: number[];
  std: number[];
  se: number[];
  /** quantile levels and, per level, the values at each time */
  quantiles: { levels: number[]; values: number[][] };
}

/** Statistics of `curves` (one array per seed; shorter arrays stopped early) at each of `length` times. */
export function curveStatistics(curves: number[][], length: number, levels: number[]): CurveStatistics {
  const out: CurveStatistics = { runs: [], mean: [], std: [], se: [], quantiles: { levels, values: levels.map(() => []) } };
  for (let j = 0; j < length; j++) {
    const values = curves.filter((c) => c.length > j).map((c) => c[j]);
    const n = values.length;
    // on values scaled by their largest magnitude, so that neither the sum nor the squares overflow (risks of a
    // run blowing up reach 1e300 while staying finite)
    const scale = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
    const meanScaled = n > 0 ? values.reduce((s, v) => s + v / scale, 0) / n : NaN;
    const mean = meanScaled * scale;
    const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v / scale - meanScaled) ** 2, 0) / (n - 1)) * scale : 0;
    const sorted = [...values].sort((a, b) => a - b);
    out.runs.push(n);
    out.mean.push(mean);
    out.std.push(std);
    out.se.push(n > 0 ? std / Math.sqrt(n) : NaN);
    levels.forEach((q, i) => out.quantiles.values[i].push(n > 0 ? quantile(sorted, q) : NaN));
  }
  return out;
}
