// see: assembly/chainpair.ts — two seeds of the reduced chain at once, one per f64x2 lane (wasm-simd). Each seed's
// numbers are those of a one-seed run, bit for bit; this file drives the pair through the output times, and swaps
// the seeds so that the one-seed calls (chainRun, chainOverlaps) can serve either of them.
import { PairSlot, Slot, Status, Stream } from "./shared/layout.js";
import { slotValue, stopCheck, type Engine } from "./engine/engine.js";
import { resolveSimulate, type Resolved, type SimulateOptions } from "./validate.js";
import type { SimulationResult } from "./result.js";
import { badInit, chunkSteps, createStepper, FIELD_DIVERGENCE, initialOmega, recorder, simulate, type Stepper } from "./simulate.js";
import { prepareInit } from "./engine/init.js";
import { canonicalJson } from "./json.js";

/** Two seeds at once pay here: the reduced chain with B = 1 on the SIMD build, for two seeds or more. */
export function runsInPairs(r: Pick<Resolved, "method" | "batch" | "backend" | "seeds">): boolean {
  return r.method === "chain" && r.batch === 1 && r.backend === "wasm-simd" && r.seeds >= 2;
}

/**
 * Exchanges the two seeds of a two-seed chain engine: Ω, the generator state, the second layer a and the samples
 * done, status and rank move between the header's regions (the first seed) and the second seed's region.
 */
export function swapSeeds(engine: Engine): void {
  const { f64, layout } = engine;
  const { p, k, header } = layout;
  const r = p + k;
  const pair = layout.pair / 8;
  if (!pair) throw new Error("swapSeeds: the engine has no second seed (a chain layout with `pair`)");
  const u32 = new Uint32Array(f64.buffer, f64.byteOffset, f64.length * 2);
  const swap = (view: Float64Array | Uint32Array, a: number, b: number, n: number) => {
    const keep = view.slice(a, a + n);
    view.copyWithin(a, b, b + n);
    view.set(keep, b);
  };
  swap(f64, layout.omega / 8, pair + PairSlot.OMEGA, r * r);
  swap(f64, layout.a / 8, pair + PairSlot.OMEGA + r * r, p);
  swap(u32, layout.rng / 4, (pair + PairSlot.RNG) * 2, 8); // the generator's u64 words, as their bits
  swap(f64, header / 8 + Slot.SAMPLES, pair + PairSlot.SAMPLES, 1);
  swap(f64, header / 8 + Slot.STATUS, pair + PairSlot.STATUS, 1);
  swap(f64, header / 8 + Slot.RANK, pair + PairSlot.RANK, 1);
}

/**
 * Seeds `seeds[0]` and `seeds[1]` run side by side from their initial states (`starts[i]` puts seed i's into the
 * header's regions: the stepper's own for simulate's `seeds`, another initial condition for twins), simulate's
 * one-seed driver for each but the common steps in one chainRunPair call: outputs at the same times (onOutput is
 * called for the first, then the second seed at each output time), progress over both, and once a seed diverges
 * the other goes on alone (chainRun). `rs[i]`: seed i's resolved options (its result's params); `keep[i]`: whether
 * seed i's result keeps Q and M at every output.
 */
export async function runPair(
  stepper: Stepper,
  rs: [Resolved, Resolved],
  seeds: [number, number],
  starts: [() => void, () => void],
  onProgress: SimulateOptions["onProgress"],
  onOutput: SimulateOptions["onOutput"],
  signal: AbortSignal | undefined,
  keep: [boolean, boolean],
): Promise<[SimulationResult, SimulationResult]> {
  const { engine } = stepper;
  const { f64, layout } = engine;
  // the second seed's initial state into its region, then the first's into the header's
  starts[1]();
  engine.seed(seeds[1], Stream.SGD);
  swapSeeds(engine);
  starts[0]();
  engine.seed(seeds[0], Stream.SGD);
  let front = 0; // the seed in the header's regions
  const toFront = (i: number) => {
    if (front !== i) swapSeeds(engine);
    front = i;
  };
  const recs = [0, 1].map((i) => recorder(stepper, rs[i], seeds[i], onOutput, keep[i]));
  const slotOf = (i: number, s: Slot.SAMPLES | Slot.STATUS) =>
    i === front ? slotValue(engine, s) : f64[layout.pair / 8 + (s === Slot.SAMPLES ? PairSlot.SAMPLES : PairSlot.STATUS)];
  const done = [0, 0];
  const alive = [true, true];
  for (const i of [0, 1]) {
    toFront(i);
    if (!recs[i].record(0)) throw badInit(rs[i]);
  }
  const B = rs[0].batch;
  const total = rs[0].samples[rs[0].samples.length - 1];
  const chunk = Math.max(1, Math.floor(chunkSteps(stepper) / 2));
  const stopped = stopCheck(signal);
  for (const target of rs[0].samples) {
    for (;;) {
      const behind = [0, 1].filter((i) => alive[i] && done[i] < target);
      if (behind.length === 0) break;
      if (behind.length === 2 && done[0] === done[1]) {
        engine.chainRunPair(Math.min(chunk, target - done[0]));
      } else {
        toFront(behind[0]);
        stepper.run(Math.min(chunk, target - done[behind[0]]));
      }
      for (const i of behind) {
        done[i] = slotOf(i, Slot.SAMPLES);
        if (slotOf(i, Slot.STATUS) === Status.DIVERGED) {
          recs[i].diverge(done[i], FIELD_DIVERGENCE);
          alive[i] = false;
        }
      }
      const low = Math.min(...[0, 1].filter((i) => alive[i]).map((i) => done[i]), target);
      onProgress?.({ samples: (done[0] + done[1]) * B, totalSamples: 2 * total * B, t: recs[0].timeOf(low), tEnd: recs[0].timeOf(total), steps: 0 });
      if (await stopped()) {
        for (const i of [0, 1]) if (alive[i]) recs[i].interrupt(done[i]);
        return [recs[0].result, recs[1].result];
      }
    }
    for (const i of [0, 1]) {
      if (!alive[i]) continue;
      toFront(i);
      alive[i] = recs[i].record(target);
    }
  }
  return [recs[0].result, recs[1].result];
}

/** Options that make a run's identity other than its values (callbacks, a signal): such runs are not paired. */
const CALLBACKS = ["onOutput", "onProgress", "signal"] as const;

/**
 * The key under which one-seed runs pair up as twins (`simulateTwins`), or undefined when `options` cannot be
 * paired: the reduced chain with B = 1 on wasm-simd, one seed, named activations, no callbacks. Two runs with equal keys differ at most
 * in `seed` — hence in their initial conditions and SGD streams, which each lane of a pair has its own of — and
 * share the Monte-Carlo sample set of the risk if it has one (tanh units: `mcSeed` is part of the key).
 */
export function twinKey(options: SimulateOptions): string | undefined {
  if (CALLBACKS.some((name) => options[name] !== undefined)) return undefined;
  const r = resolveSimulate(options);
  // a user-given activation is a function, which JSON does not show: such runs stay alone
  if (!runsInPairs({ ...r, seeds: 2 }) || r.seeds !== 1 || r.tables) return undefined;
  const { seed: _seed, ...rest } = options;
  return canonicalJson({ ...rest, ...(r.mcSamples > 0 ? { mcSeed: r.mcSeed } : {}) });
}

/**
 * Two one-seed simulations whose options differ only in `seed` (equal twinKey), run as one pair of the reduced chain
 * (two seeds in the f64x2 lanes): each result is the one `simulate` gives for its options alone, bit for bit, but for
 * `meta` (each is given half the pair's time). Options that cannot pair run one after the other.
 */
export async function simulateTwins(a: SimulateOptions, b: SimulateOptions): Promise<[SimulationResult, SimulationResult]> {
  const key = twinKey(a);
  if (key === undefined || key !== twinKey(b)) return [await simulate(a), await simulate(b)];
  const rs: [Resolved, Resolved] = [resolveSimulate(a), resolveSimulate(b)];
  const stepper = await createStepper(rs[0], true);
  const { engine } = stepper;
  const second = await initialOmega(rs[1], prepareInit(rs[1]));
  // timed as simulate times a run: from the initial state on
  const start = performance.now();
  const starts: [() => void, () => void] = [
    () => stepper.reset(),
    () => {
      stepper.reset();
      engine.f64.set(second, engine.layout.omega / 8);
    },
  ];
  const results = await runPair(stepper, rs, [rs[0].seed, rs[1].seed], starts, undefined, undefined, undefined, [true, true]);
  const elapsedMs = (performance.now() - start) / 2;
  for (const result of results) {
    const samples = result.divergence?.samples ?? result.samples.at(-1) ?? 0;
    result.meta.elapsedMs = elapsedMs;
    result.meta.nsPerSample = samples > 0 ? (elapsedMs * 1e6) / samples : 0;
  }
  return results;
}
