// see: README.md (clusters) — what a sweep will cost before it runs: per point its method, samples and
// estimated seconds, the total in core-hours, and the number of parts for a target wall time. The estimates are
// the fixed cost model of shard.ts times this machine's speed against it (calibrateCost, measured once and
// cached per machine and version). Node only.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { calibrateCost } from "./phase-measure.js";
import { expandSpec, validateSpec, type SweepSpec } from "./sweep.js";
import { pointCost } from "./shard.js";
import { resolveSimulate, OptionError, type SimulateOptions } from "./validate.js";
import { VERSION } from "./version.js";

export interface PlanRow {
  index: number;
  kind: string;
  /** the simulator's method ("direct" | "chain"), or the job's kind */
  method: string;
  /** SGD samples (all seeds; simulations only) */
  samples: number | null;
  seconds: number;
}

export interface Plan {
  rows: PlanRow[];
  seconds: number;
  coreHours: number;
  /** this machine's time per unit of the cost model, relative to COST_PER_UNIT */
  costScale: number;
  /** parts for the target wall time (one core each), when a target is given */
  shards?: number;
  targetSeconds?: number;
}

/** The cache of this machine's cost scale: ~/.cache/sgd-phase/calibration.json, keyed by host and version. */
function cacheFile(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "sgd-phase", "calibration.json");
}

/** This machine's cost scale (calibrateCost), measured once (~0.2 s) and cached per host and version. */
export async function machineCostScale(): Promise<number> {
  const key = `${hostname()} ${VERSION}`;
  let cache: Record<string, { costScale: number; measuredAt: string }> = {};
  try {
    cache = JSON.parse(await readFile(cacheFile(), "utf8"));
    if (cache[key] && cache[key].costScale > 0) return cache[key].costScale;
  } catch {
    // none yet, or unreadable: measure
  }
  const costScale = await calibrateCost();
  try {
    await mkdir(join(cacheFile(), ".."), { recursive: true });
    await writeFile(cacheFile(), `${JSON.stringify({ ...cache, [key]: { costScale, measuredAt: new Date().toISOString() } }, null, 1)}\n`);
  } catch {
    // a read-only home: the estimate is still made, only not cached
  }
  return costScale;
}

/** Parses a wall time: "90s", "45m", "2h", "1d" or seconds as a number. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new OptionError("target", 'must be a duration such as 30m, 2h, 1d or seconds', text);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? "s") as "s"];
}

/** The plan of a sweep (nothing runs): every point's estimate, the total, and the parts for `targetSeconds`. */
export async function planSweep(spec: SweepSpec, options: { targetSeconds?: number; costScale?: number } = {}): Promise<Plan> {
  const points = expandSpec(spec);
  validateSpec(spec, points);
  const costScale = options.costScale ?? (await machineCostScale());
  const rows = points.map((point, index) => {
    const seconds = (pointCost(spec.kind, point) * costScale) / 1e9;
    if (spec.kind === "simulate") {
      const r = resolveSimulate(point as SimulateOptions);
      return { index, kind: spec.kind, method: r.method, samples: r.samples[r.samples.length - 1] * r.batch * r.seeds, seconds };
    }
    return { index, kind: spec.kind, method: spec.kind, samples: null, seconds };
  });
  const seconds = rows.reduce((s, r) => s + r.seconds, 0);
  const plan: Plan = { rows, seconds, coreHours: seconds / 3600, costScale };
  if (options.targetSeconds !== undefined) {
    plan.targetSeconds = options.targetSeconds;
    // the longest point bounds the wall time whatever the split
    plan.shards = Math.max(1, Math.min(points.length, Math.ceil(seconds / options.targetSeconds)));
  }
  return plan;
}

/** The plan as text: one line per point (the first and last 10 of a long spec), then the totals. */
export function planText(plan: Plan): string {
  const fmt = (s: number) => (s < 120 ? `${s.toFixed(s < 1 ? 3 : 1)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(2)} h`);
  const shown = plan.rows.length > 20 ? [...plan.rows.slice(0, 10), null, ...plan.rows.slice(-10)] : plan.rows;
  const lines = ["point  kind      method   samples      estimate"];
  for (const r of shown) {
    if (r === null) lines.push(`  … ${plan.rows.length - 20} more`);
    else lines.push(`${String(r.index).padStart(5)}  ${r.kind.padEnd(8)}  ${r.method.padEnd(7)}  ${(r.samples === null ? "—" : r.samples.toExponential(2)).padEnd(11)}  ${fmt(r.seconds)}`);
  }
  const longest = Math.max(...plan.rows.map((r) => r.seconds));
  lines.push(`total: ${plan.rows.length} points, ${fmt(plan.seconds)} on one core = ${plan.coreHours.toFixed(3)} core-hours (this machine: ${plan.costScale.toFixed(2)} × the cost model; the longest point ${fmt(longest)})`);
  if (plan.shards !== undefined) {
    lines.push(`for a wall time of ${fmt(plan.targetSeconds!)}: --shard i/${plan.shards} (${plan.shards} parts of ~${fmt(plan.seconds / plan.shards)} each${longest > plan.targetSeconds! ? `; the longest point alone exceeds the target` : ""})`);
  }
  return `${lines.join("\n")}\n`;
}
