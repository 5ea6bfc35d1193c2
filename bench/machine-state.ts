// The machine's speed state, for the benchmark suites. These shared machines switch between two speeds for tens of
// seconds at a time (2026-12-02, CPU 0, a probe every 2 s for 90 s: 1.83–1.95 ns per normal, then 2.4–2.7 for ~40 s,
// then 1.8–1.9 again), and the slow state slows programs unequally (one run caught in it: wasm-simd's SGD sample
// 1.40× slower, the same C 1.24×, best.c 1.10×), so a ratio measured across a switch is wrong and a row timed in it is
// inflated. Every timed case therefore waits for the fast state first (`awaitFastState`), and a suite whose case ended
// in the slow state is run again (`gatedSuite`, at most twice). The probe is wasm-simd's normal generator (~20 ms);
// the fastest probe of this boot of the machine is kept in the system's temporary folder, so that a suite started in
// the slow state still knows the fast one from the suites before it.
import b from "benny";
import type { Summary } from "benny/lib/internal/common-types.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngine, type Engine } from "../src/engine/engine.js";
import { Stream } from "../src/shared/layout.js";
import { rowsOf, type Row } from "./harness.js";

/** A probe above this factor times the fastest one is the slow state (the two states are ~1.35× apart). */
export const SLOW = 1.12;
/** The longest wait for the fast state before a case (s); then it runs anyway, and the results say so. */
const MAX_WAIT_S = 120;
const PROBE_NORMALS = 2_000_000;

const bootId = existsSync("/proc/sys/kernel/random/boot_id") ? readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() : "";
const store = join(tmpdir(), "sgd-phase-bench-probe.json");

let engine: Engine | undefined;
/** What the results record (their `state`): the reference probe, the waits, the re-runs and the cases that ended slow anyway. */
export type StateReport = { probeNsPerNormal: number; waits: number; waitedSeconds: number; reruns: number; slowCases: number };
const state: StateReport = { probeNsPerNormal: Infinity, waits: 0, waitedSeconds: 0, reruns: 0, slowCases: 0 };

/** ns per normal of wasm-simd's generator: the faster of two runs of PROBE_NORMALS in calls of 1000. */
function probe(): number {
  const e = engine!;
  let best = Infinity;
  for (let r = 0; r < 2; r++) {
    const t0 = process.cpuUsage();
    for (let c = 0; c < PROBE_NORMALS / 1000; c++) e.normals(e.layout.x, 1000);
    const t = process.cpuUsage(t0);
    best = Math.min(best, ((t.user + t.system) * 1e3) / PROBE_NORMALS);
  }
  if (best < state.probeNsPerNormal) {
    state.probeNsPerNormal = best;
    if (bootId !== "") writeFileSync(store, JSON.stringify({ bootId, probeNsPerNormal: best }));
  }
  return best;
}

/** Starts the probe: its engine, the fastest probe known on this boot, and five probes now. Call once per suite. */
export async function startProbe(): Promise<void> {
  engine = await createEngine("wasm-simd", { d: 1000, p: 8, k: 4 });
  engine.seed(1, Stream.SGD);
  try {
    const known = JSON.parse(readFileSync(store, "utf8")) as { bootId: string; probeNsPerNormal: number };
    if (known.bootId === bootId && known.probeNsPerNormal > 0) state.probeNsPerNormal = known.probeNsPerNormal;
  } catch {
    // no earlier suite on this boot
  }
  for (let i = 0; i < 5; i++) probe();
}

/** The current probe over the fastest known (1: the fast state; always 1 before startProbe, so nothing waits). */
export function slowFactor(): number {
  return engine === undefined ? 1 : probe() / state.probeNsPerNormal;
}

/** Blocks (probing every second) until the machine is in its fast state, or MAX_WAIT_S has passed. */
export function awaitFastState(): void {
  const start = Date.now();
  if (slowFactor() <= SLOW) return;
  state.waits++;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() - start < MAX_WAIT_S * 1000) {
    Atomics.wait(pause, 0, 0, 1000);
    if (slowFactor() <= SLOW) break;
  }
  state.waitedSeconds += Math.round((Date.now() - start) / 1000);
}

/** For the results file: the reference probe and what the gate did. */
export function stateReport(): StateReport {
  return { ...state };
}

/**
 * One round of a suite timed by hand (interleaved rounds): in the fast state, and run again (at most twice) when the
 * machine was in its slow state at its end. Returns the round's result.
 */
export function gatedRound<T>(round: () => T): T {
  for (let attempt = 0; ; attempt++) {
    awaitFastState();
    const result = round();
    if (slowFactor() <= SLOW) return result;
    if (attempt === 2) {
      state.slowCases++;
      return result;
    }
    state.reruns++;
  }
}

/** Options for a benny case: wait for the fast state before it, count it if it ended in the slow state. */
type Gate = { onStart: () => void; onComplete: () => void };

/**
 * Runs a benny suite of the cases `cases(gate)` builds (each passes `gate` into its options) and returns its rows
 * (rowsOf, `samplesPerOp` samples per timed call); each case starts in the fast state, and the suite runs again
 * (at most twice) when a case ended in the slow state. Without startProbe, a plain suite.
 */
export async function gatedSuite(name: string, cases: (gate: Gate) => ReturnType<typeof b.add>[], samplesPerOp: number): Promise<Row[]> {
  for (let attempt = 0; ; attempt++) {
    let slow = 0;
    const gate: Gate = {
      onStart: awaitFastState,
      onComplete: () => {
        if (slowFactor() > SLOW) slow++;
      },
    };
    let summary: Summary | undefined;
    await b.suite(
      name,
      ...cases(gate),
      b.cycle(),
      b.complete((s) => {
        summary = s;
      }),
    );
    if (slow === 0 || attempt === 2) {
      state.slowCases += slow;
      return rowsOf(summary!, samplesPerOp);
    }
    state.reruns++;
    console.log(`  ${slow} case(s) ended in the machine's slow state: the suite again`);
  }
}
