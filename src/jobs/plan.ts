// see: README.md (clusters) — what a sweep will cost before it runs: per point its method, samples and
// estimated seconds, the total in core-hours, and the number of parts for a target wall time. The estimates are
// the cost model of validate.ts (costOfStep) brought to this machine by its calibration (calibrateMachine:
// marginal costs of the direct and chain steps, measured once and cached per machine and version); a measured
// point counts the ladders it will plan. Node only.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { checkMeasureOptions, jumpRunWork, plannedLadders, riskRunWork, type MeasurePointOptions } from "../phase/phase-measure.js";
import { simulate } from "../simulate.js";
import { expandSpec, validateSpec, type SweepSpec } from "./sweep.js";
import { pointCost } from "./shard.js";
import { cheaperMethod, costOfStep, resolveSimulate, OptionError, type SimulateOptions } from "../validate.js";
import { validateJob, type JobKind } from "./tasks.js";
import { VERSION } from "../version.js";

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
  /** this machine against the cost model */
  calibration: Calibration;
  /** parts for the target wall time (one core each), when a target is given */
  shards?: number;
  targetSeconds?: number;
}

/** The cache of this machine's calibration: ~/.cache/sgd-phase/calibration.json, keyed by host and version. */
function cacheFile(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "sgd-phase", "calibration.json");
}

/**
 * This machine against the cost model (costOfStep, in ns at COST_PER_UNIT): a direct step takes `direct` × its
 * model time, a chain step `chainFixed` ns + `chain` × its model time (the chain's fixed cost per step matters
 * at small p + k). Measured as marginal costs (two run lengths each, so that setting up a run does not count).
 */
export interface Calibration {
  direct: number;
  chain: number;
  chainFixed: number;
}

/** Seconds per sample of a run of n samples beyond a short one (its set-up cancels out). */
async function marginal(options: { d: number; p: number; k: number; method: "direct" | "chain" }, n: number): Promise<number> {
  const time = async (samples: number) => {
    const started = performance.now();
    await simulate({ ...options, times: [samples / options.d] });
    return (performance.now() - started) / 1000;
  };
  await time(n / 10); // warm-up
  const rounds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const short = await time(n / 10);
    const long = await time(n);
    rounds.push(Math.max(long - short, 1e-9) / (0.9 * n));
  }
  return rounds.sort((a, b) => a - b)[1]; // the median of three: a busy machine's outliers aside
}

/** Measures this machine's calibration (~1.5 s): the direct step at d = 1000, p = 8, k = 4; the chain at p + k = 2 and 12. */
export async function calibrateMachine(): Promise<Calibration> {
  const d = 1000;
  const direct = (await marginal({ d, p: 8, k: 4, method: "direct" }, 40000)) / (costOfStep(d, 8, 4, "direct") * 1e-9);
  const small = (await marginal({ d, p: 1, k: 1, method: "chain" }, 400000)) * 1e9;
  const large = (await marginal({ d, p: 8, k: 4, method: "chain" }, 100000)) * 1e9;
  const [u1, u2] = [costOfStep(d, 1, 1, "chain"), costOfStep(d, 8, 4, "chain")];
  const chain = Math.max((large - small) / (u2 - u1), 0.05);
  return { direct, chain, chainFixed: Math.max(small - chain * u1, 0) };
}

/** A uniform calibration: every model time × `scale` (tests, or a machine described by one number). */
export const uniformCalibration = (scale: number): Calibration => ({ direct: scale, chain: scale, chainFixed: 0 });

/** A cached calibration is measured again after this long (ms): the speed of shared machines drifts. */
const CALIBRATION_TTL_MS = 24 * 3600 * 1000;

/**
 * This machine's calibration (calibrateMachine), measured once and cached per host and version for a day;
 * `fresh`: measured now (and cached), e.g. by the plan bench, whose estimates must use this hour's speed.
 */
export async function machineCalibration(options: { fresh?: boolean } = {}): Promise<Calibration> {
  const key = `${hostname()} ${VERSION} marginal`;
  let cache: Record<string, Calibration & { measuredAt: string }> = {};
  try {
    cache = JSON.parse(await readFile(cacheFile(), "utf8"));
    const c = cache[key];
    const recent = c !== undefined && Date.now() - Date.parse(c.measuredAt) < CALIBRATION_TTL_MS;
    if (!options.fresh && recent && c.direct > 0 && c.chain > 0 && c.chainFixed >= 0) return { direct: c.direct, chain: c.chain, chainFixed: c.chainFixed };
  } catch {
    // none yet, or unreadable: measure
  }
  const calibration = await calibrateMachine();
  try {
    await mkdir(join(cacheFile(), ".."), { recursive: true });
    await writeFile(cacheFile(), `${JSON.stringify({ ...cache, [key]: { ...calibration, measuredAt: new Date().toISOString() } }, null, 1)}\n`);
  } catch {
    // a read-only home: the estimate is still made, only not cached
  }
  return calibration;
}

/** The ns of one SGD step on a machine of calibration `c`. */
function stepNs(c: Calibration, d: number, p: number, k: number, method: "direct" | "chain", batch = 1): number {
  const model = costOfStep(d, p, k, method, batch);
  return method === "direct" ? c.direct * model : c.chainFixed + c.chain * model;
}

/** The estimated seconds of one point on a machine of calibration `c`. */
export function pointSeconds(kind: JobKind, point: Record<string, unknown>, c: Calibration): number {
  switch (kind) {
    case "simulate": {
      const r = resolveSimulate(point as SimulateOptions);
      return (r.samples[r.samples.length - 1] * r.seeds * stepNs(c, r.d, r.p, r.k, r.method, r.batch) + 1e6 * c.direct) / 1e9;
    }
    case "measure": {
      // the ladders the point will plan (fixed by its options: their work from phase-measure.ts), priced here;
      // set-up per run ~1 ms (a risk run per seed; the clock test's one call, ~0.1 ms per seed)
      const o = checkMeasureOptions(point as unknown as MeasurePointOptions);
      const { dims, jumpDims, timeExponent, studentsAt } = plannedLadders(o);
      const priced = (w: { steps: number; other: number }, d: number, p: number) => w.steps * stepNs(c, d, p, o.k, cheaperMethod(d, p, o.k)) + w.other * c.direct;
      let ns = 0;
      for (const d of dims) ns += priced(riskRunWork(d, studentsAt(d), { ...o, timeExponent }), d, studentsAt(d)) + o.seeds * 1e6;
      for (const d of jumpDims) ns += priced(jumpRunWork(d, studentsAt(d), o), d, studentsAt(d)) + o.jumpSeeds * 1e5 + 1e6;
      return ns / 1e9;
    }
    default:
      // ODEs (ψ's integrals, scalar like the chain) and phase points: the fixed model
      return (pointCost(kind, point) * (kind === "ode" ? c.chain : c.direct)) / 1e9;
  }
}

/** Parses a wall time: "90s", "45m", "2h", "1d" or seconds as a number. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new OptionError("target", 'must be a duration such as 30m, 2h, 1d or seconds', text);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? "s") as "s"];
}

export interface PlanOptions {
  targetSeconds?: number;
  /** the machine (default: this one's, measured once and cached) */
  calibration?: Calibration;
  /** a uniform calibration (uniformCalibration) */
  costScale?: number;
  specNames?: boolean;
}

/** The plan of a sweep (nothing runs): every point's estimate, the total, and the parts for `targetSeconds`. */
export async function planSweep(spec: SweepSpec, options: PlanOptions = {}): Promise<Plan> {
  return planSweeps([spec], options);
}

/** Every point of `spec` with its method, samples and estimated seconds on a machine of calibration `c`. */
function planRows(spec: SweepSpec, c: Calibration, specNames: boolean): Omit<PlanRow, "index">[] {
  const points = expandSpec(spec);
  if (specNames) validateSpec(spec, points);
  else points.forEach((point) => validateJob(spec.kind, point));
  return points.map((point) => {
    const seconds = pointSeconds(spec.kind, point, c);
    if (spec.kind === "simulate") {
      const r = resolveSimulate(point as SimulateOptions);
      return { kind: spec.kind, method: r.method, samples: r.samples[r.samples.length - 1] * r.batch * r.seeds, seconds };
    }
    return { kind: spec.kind, method: spec.kind, samples: null, seconds };
  });
}

/** The plan of a job made of several sweeps (src/jobs/job.ts): their points numbered one after the other, one total,
 * and the parts for `targetSeconds` (at most one per point). */
export async function planSweeps(specs: SweepSpec[], options: PlanOptions = {}): Promise<Plan> {
  const calibration = options.calibration ?? (options.costScale !== undefined ? uniformCalibration(options.costScale) : await machineCalibration());
  const rows = specs.flatMap((spec) => planRows(spec, calibration, options.specNames !== false)).map((r, index) => ({ ...r, index }));
  const seconds = rows.reduce((s, r) => s + r.seconds, 0);
  const plan: Plan = { rows, seconds, coreHours: seconds / 3600, calibration };
  if (options.targetSeconds !== undefined) {
    plan.targetSeconds = options.targetSeconds;
    // a point is never split: at most one part per point (the longest point bounds the wall time whatever the split)
    plan.shards = Math.max(1, Math.min(rows.length, Math.ceil(seconds / options.targetSeconds)));
  }
  return plan;
}

/** Estimated seconds as the plans print them: "0.752 s", "7.5 s", "3.9 min", "2.05 h". */
export const formatSeconds = (s: number): string => (s < 120 ? `${s.toFixed(s < 1 ? 3 : 1)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(2)} h`);

/** The plan as text: one line per point (the first and last 10 of a long spec), then the totals. */
export function planText(plan: Plan): string {
  const fmt = formatSeconds;
  const shown = plan.rows.length > 20 ? [...plan.rows.slice(0, 10), null, ...plan.rows.slice(-10)] : plan.rows;
  const lines = ["point  kind      method   samples      estimate"];
  for (const r of shown) {
    if (r === null) lines.push(`  … ${plan.rows.length - 20} more`);
    else lines.push(`${String(r.index).padStart(5)}  ${r.kind.padEnd(8)}  ${r.method.padEnd(7)}  ${(r.samples === null ? "—" : r.samples.toExponential(2)).padEnd(11)}  ${fmt(r.seconds)}`);
  }
  const longest = Math.max(...plan.rows.map((r) => r.seconds));
  lines.push(`total: ${plan.rows.length} point${plan.rows.length === 1 ? "" : "s"}, ${fmt(plan.seconds)} on one core = ${plan.coreHours.toFixed(3)} core-hours (this machine: direct ${plan.calibration.direct.toFixed(2)} × the cost model, chain ${plan.calibration.chainFixed.toFixed(0)} ns + ${plan.calibration.chain.toFixed(2)} ×; the longest point ${fmt(longest)})`);
  if (plan.shards !== undefined) {
    lines.push(`for a wall time of ${fmt(plan.targetSeconds!)}: --shard i/${plan.shards} (${plan.shards} part${plan.shards === 1 ? "" : "s"} of ~${fmt(plan.seconds / plan.shards)} each${longest > plan.targetSeconds! ? `; the longest point alone exceeds the target` : ""})`);
  }
  return `${lines.join("\n")}\n`;
}
