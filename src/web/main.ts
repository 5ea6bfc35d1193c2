// see: README.md (browser) — the explorer page: boots the Wasm build the browser supports, runs the simulation
// and its ODE in two workers while the learning curve grows, fills a coarse phase diagram with one worker per
// core, exports results and keeps the parameters in the URL. The page thread never runs numerics.
import { simd } from "wasm-feature-detect";
import { compileBuild, type WasmBuild } from "../engine/wasm.js";
import { curvesSpec, matrixSpec, planeSpec, REGION_COLOURS, type PlaneCell, type Series } from "../output/plot.js";
import { toJson } from "../export.js";
import { regionOf } from "../regions.js";
import type { OdeResult, SimulationResult } from "../result.js";
import { ACTIVATIONS, type ActivationName } from "../validate.js";
import type { PhasePoint } from "../phase/phase.js";
import { axisValues, fromQuery, kappaOf, odeOptions, regionOfRun, RUN_DEFAULTS, simulateOptions, SWEEP_DEFAULTS, toQuery, type RunParams, type SweepParams } from "./params.js";
import { fileStem, NO_ODE_IN_RED, odeNote, resultCsv, runProblem, SIMD_MISSING, WASM_MISSING } from "./page.js";
import { Cancelled, JobError, WorkerClient, WorkerPool } from "./workers.js";
import type { Job, JobResult } from "./protocol.js";
import { Chart } from "./charts.js";

const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;

const runForm = $<HTMLFormElement>("#run-form");
const sweepForm = $<HTMLFormElement>("#sweep-form");
const statusBox = $<HTMLDivElement>("#status");
const progressBar = $<HTMLProgressElement>("#progress");
const banner = $<HTMLDivElement>("#banner");
const shareLink = $<HTMLInputElement>("#share-link");
const runButton = $<HTMLButtonElement>("#run");
const cancelButton = $<HTMLButtonElement>("#cancel");
const sweepButton = $<HTMLButtonElement>("#sweep");
const sweepCancelButton = $<HTMLButtonElement>("#sweep-cancel");
const sweepStatus = $<HTMLSpanElement>("#sweep-status");
const exportJson = $<HTMLButtonElement>("#export-json");
const exportCsv = $<HTMLButtonElement>("#export-csv");
const overlapsBox = $<HTMLDivElement>("#overlaps");
const overlapsNote = $<HTMLParagraphElement>("#overlaps-note");
const curveNote = $<HTMLParagraphElement>("#curve-note");
const qChart = new Chart($("#q-map"));
const mChart = new Chart($("#m-map"));
const plane = new Chart($("#plane"));
const curve = new Chart($("#curve"));

function showBanner(message: string, kind: "warning" | "error") {
  banner.textContent = message;
  banner.className = kind === "error" ? "error" : "";
  banner.hidden = false;
}

function setStatus(message: string, error = false) {
  statusBox.textContent = message;
  statusBox.classList.toggle("error", error);
}

// ---- the run form and the URL ------------------------------------------------------------------------------

const field = (form: HTMLFormElement, name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | RadioNodeList | null;

function writeRunForm(r: RunParams) {
  for (const key of ["d", "p", "kappa", "k", "delta", "noise", "seed", "tMax", "points", "method", "mode", "activation", "activationTeacher", "batch", "weightDecay"] as const) {
    (field(runForm, key) as HTMLInputElement).value = String(r[key]);
  }
  (field(runForm, "gamma0") as HTMLInputElement).value = r.gamma0 === null ? "" : String(r.gamma0);
  (field(runForm, "size") as RadioNodeList).value = r.size;
  (field(runForm, "ode") as HTMLInputElement).checked = r.ode;
}

/** The form as a query string (then parsed by the same code as a shared link). */
function readRunForm(): { params: RunParams; problems: string[] } {
  const value = (name: string) => (field(runForm, name) as HTMLInputElement).value;
  const q = new URLSearchParams();
  const size = (field(runForm, "size") as RadioNodeList).value;
  q.set("d", value("d"));
  if (size === "kappa") q.set("kappa", value("kappa"));
  else q.set("p", value("p"));
  for (const key of ["k", "delta", "noise", "seed", "tMax", "points", "method", "mode", "activation", "activationTeacher", "batch", "weightDecay"]) q.set(key, value(key));
  if (value("gamma0").trim() !== "") q.set("gamma0", value("gamma0"));
  q.set("ode", (field(runForm, "ode") as HTMLInputElement).checked ? "1" : "0");
  const { params, problems } = fromQuery(q.toString());
  // keep the p typed in the form when κ is chosen (and the other way round), so switching back finds it
  if (size === "kappa" && value("p").trim() !== "") params.p = Number(value("p"));
  if (size !== "kappa" && value("kappa").trim() !== "") params.kappa = Number(value("kappa"));
  return { params, problems };
}

function markInvalid(name?: string) {
  for (const element of runForm.querySelectorAll("[aria-invalid]")) element.removeAttribute("aria-invalid");
  if (!name) return;
  const target = runForm.querySelector(`[name="${name}"]:not([type="radio"])`);
  target?.setAttribute("aria-invalid", "true");
}

function publish(r: RunParams) {
  history.replaceState(null, "", `${location.pathname}?${toQuery(r)}`);
  shareLink.value = location.href;
}

// ---- the (κ, δ) plane ---------------------------------------------------------------------------------------

let sweepCells: PlaneCell[] = [];
let sweepGrid: { kappa: number[]; delta: number[] } | undefined;
let marker: { kappa: number; delta: number } | undefined;

function extent(): { kappa: [number, number]; delta: [number, number] } {
  const e = { kappa: [0, 1] as [number, number], delta: [-1, 1] as [number, number] };
  if (sweepGrid) {
    const half = (v: number[]) => (v.length > 1 ? (v[1] - v[0]) / 2 : 0.5);
    e.kappa = [Math.min(e.kappa[0], sweepGrid.kappa[0] - half(sweepGrid.kappa)), Math.max(e.kappa[1], sweepGrid.kappa.at(-1)! + half(sweepGrid.kappa))];
    e.delta = [Math.min(e.delta[0], sweepGrid.delta[0] - half(sweepGrid.delta)), Math.max(e.delta[1], sweepGrid.delta.at(-1)! + half(sweepGrid.delta))];
  }
  return e;
}

function drawPlane(): Promise<void> {
  const done = sweepCells.filter((c) => c.value !== null || c.flag);
  return plane.draw(
    planeSpec({
      title: sweepCells.length ? `log10 excess risk at t_end (d = ${sweepParams().d})` : "The four regions of SGD",
      valueTitle: "log10 R",
      cells: done,
      extent: extent(),
      regions: true,
      height: 340,
      ...(marker && marker.kappa >= extent().kappa[0] && marker.kappa <= extent().kappa[1] && marker.delta >= extent().delta[0] && marker.delta <= extent().delta[1] ? { marker } : {}),
    }),
  );
}

$("#plane").addEventListener("click", (event) => {
  const at = plane.dataAt(event);
  if (!at) return;
  const r = readRunForm().params;
  r.size = "kappa";
  r.kappa = Math.round(at.x * 100) / 100;
  r.delta = Math.round(at.y * 100) / 100;
  writeRunForm(r);
  void startRun(r);
});

// ---- runs ---------------------------------------------------------------------------------------------------

let build: WasmBuild = "wasm-simd";
let module: WebAssembly.Module | undefined;
let simWorker: WorkerClient;
let odeWorker: WorkerClient;
let pool: WorkerPool | undefined;

interface Current {
  params: RunParams;
  simulation?: SimulationResult;
  ode?: OdeResult;
  live: { t: number[]; risk: number[] };
}
let current: Current | undefined;
let runToken = 0;
let running: Promise<void> | undefined;

function curveSeries(c: Current): Series[] {
  const r = c.params;
  const region = regionOfRun(r);
  const series: Series[] = [];
  const sim = c.simulation ?? c.live;
  if (sim.t.length > 0) {
    const method = c.simulation ? `${c.simulation.params.method}, ` : "";
    series.push({ name: `simulation (${method}d = ${r.d}, seed ${r.seed})`, x: sim.t, y: sim.risk, colour: REGION_COLOURS[region] });
  }
  if (c.ode) series.push({ name: `ODE (${c.ode.params.mode})`, x: c.ode.t, y: c.ode.risk, mark: "dashed", colour: "#333" });
  return series;
}

function drawCurve(): Promise<void> {
  const c = current;
  if (!c) return Promise.resolve();
  const r = c.params;
  const q = c.simulation?.params ?? c.ode?.params;
  const red = regionOfRun(r) === "red";
  const title = `${regionOfRun(r)} region: κ = ${r.size === "kappa" ? r.kappa : "0 (p fixed)"}, δ = ${r.delta}, d = ${r.d}, p = ${q?.p ?? r.p}, k = ${r.k}`;
  const series = curveSeries(c);
  const spec = curvesSpec({
    title,
    xTitle: red ? "t = ν/d" : "t = ν·δt",
    yTitle: "excess risk",
    series: series.length ? series : [{ name: "no output yet", x: [], y: [] }],
    height: 280,
  });
  return curve.draw({ ...spec, config: { legend: { orient: "bottom", direction: "vertical" } } });
}

/** Redraws the live curve at most every 100 ms. */
let drawPending = false;
function scheduleCurve() {
  if (drawPending) return;
  drawPending = true;
  setTimeout(() => {
    drawPending = false;
    void drawCurve();
  }, 100);
}

/** The overlaps at the last output as two heat maps (values on hover; the export has every number). */
function showOverlaps(c: Current) {
  const source = c.simulation ?? c.ode;
  $("#overlaps").hidden = !source || source.t.length === 0;
  if (!source || source.t.length === 0) return;
  const last = source.t.length - 1;
  const p = source.Q[last].length;
  overlapsNote.textContent =
    `At t = ${Number(source.t[last].toPrecision(6))} (${c.simulation ? "simulation" : "ODE"}): excess risk ${source.risk[last].toExponential(4)}` +
    (c.simulation && c.ode ? `, ODE ${c.ode.risk.at(-1)!.toExponential(4)}` : "") +
    (p > 32 ? `; the first 32 of p = ${p} rows are shown, the export has all` : "") +
    ". Hover a cell for its value.";
  void qChart.draw(matrixSpec({ title: "Q = WWᵀ/d", values: source.Q[last], rowLabel: "", colLabel: "" }), false);
  void mChart.draw(matrixSpec({ title: "M = WW*ᵀ/d", values: source.M[last], rowLabel: "", colLabel: "*" }), false);
}

/** The note above the curve when the ODE is not drawn (or stops early), and why. */
function showOdeNote(r: RunParams, ode?: OdeResult, failure?: string) {
  const note = odeNote(r, ode, failure);
  curveNote.textContent = note ?? "";
  curveNote.hidden = note === undefined;
}

function setRunning(on: boolean) {
  runButton.disabled = !module;
  cancelButton.disabled = !on;
  exportJson.disabled = exportCsv.disabled = on || !(current?.simulation || current?.ode);
}

function describeError(error: unknown): string {
  if (error instanceof JobError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

async function startRun(r: RunParams): Promise<void> {
  if (!module) return;
  // refused before anything is drawn or linked: the title and the link only ever show a run that can start
  const problem = runProblem(r);
  if (problem) {
    setStatus(problem.message, true);
    markInvalid(problem.option);
    return;
  }
  cancelRun(false);
  const token = ++runToken;
  markInvalid();
  publish(r);
  marker = { kappa: kappaOf(r), delta: r.delta };
  void drawPlane();
  const c: Current = { params: r, live: { t: [], risk: [] } };
  current = c;
  overlapsBox.hidden = true;
  showOdeNote(r);
  progressBar.value = 0;
  setRunning(true);
  setStatus("running…");
  void drawCurve();
  const red = regionOfRun(r) === "red";
  const wantSim = r.method !== "ode";
  const wantOde = r.method === "ode" || (r.ode && !red);
  const started = performance.now();
  const jobs: Promise<void>[] = [];
  const problems: string[] = [];
  let odeError: unknown;
  if (wantSim) {
    jobs.push(
      simWorker
        .run(
          { type: "simulate", options: simulateOptions(r) },
          {
            onOutput: (o) => {
              if (token !== runToken) return;
              c.live.t.push(o.t);
              c.live.risk.push(o.risk);
              scheduleCurve();
            },
            onProgress: (fraction, t) => {
              if (token !== runToken) return;
              progressBar.value = fraction;
              setStatus(`simulating: t = ${Number(t.toPrecision(4))} of ${r.tMax}${red ? " (t = ν/d)" : ""}`);
            },
          },
        )
        .then((result) => {
          c.simulation = result as SimulationResult;
        }),
    );
  }
  if (wantOde) {
    if (red) problems.push(`${NO_ODE_IN_RED}: only the simulation is shown`);
    else
      jobs.push(
        odeWorker
          .run(
            { type: "ode", options: odeOptions(r) },
            {
              onProgress: (fraction, t) => {
                // shown once the simulation is done (or when there is none): the ODE can take longer at large p
                if (token !== runToken || (wantSim && !c.simulation)) return;
                progressBar.value = fraction;
                setStatus(`${c.simulation ? "simulation done; " : ""}integrating the ODE: t = ${Number(t.toPrecision(4))} of ${r.tMax}`);
              },
            },
          )
          .then((result) => {
            c.ode = result as OdeResult;
            if (token === runToken) scheduleCurve();
          })
          .catch((error: unknown) => {
            odeError = error;
            throw error;
          }),
      );
  }
  const run = Promise.allSettled(jobs).then(async (outcomes) => {
    if (token !== runToken) return;
    const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected").map((o) => o.reason as unknown);
    if (failures.some((f) => f instanceof Cancelled)) return; // cancelRun reported it
    const failure = failures[0];
    if (failure !== undefined && !c.simulation && !c.ode) {
      setStatus(describeError(failure), true);
      if (failure instanceof JobError) markInvalid(failure.option);
    } else {
      const seconds = (performance.now() - started) / 1000;
      const s = c.simulation;
      const parts = [];
      if (s) {
        const n = s.samples.at(-1) ?? 0;
        parts.push(
          `${s.status === "diverged" ? `diverged at t = ${s.divergence?.t}` : "done"}: ${n.toLocaleString("en")} samples (${s.params.method}, ${build}) in ${s.meta.elapsedMs.toFixed(0)} ms, ${(s.meta.nsPerSample / 1000).toFixed(2)} µs/sample`,
        );
      }
      if (c.ode) parts.push(`ODE: ${c.ode.stats.steps} steps${c.ode.failure ? `, stopped at t = ${c.ode.failure.t}: ${c.ode.failure.reason}` : ""}`);
      if (failure !== undefined) parts.push(`failed: ${describeError(failure)}`);
      parts.push(...problems, `total ${seconds.toFixed(2)} s`);
      setStatus(parts.join(" · "), failure !== undefined);
      progressBar.value = 1;
    }
    showOdeNote(r, c.ode, odeError === undefined ? undefined : describeError(odeError));
    await drawCurve();
    showOverlaps(c);
    setRunning(false);
  });
  running = run;
  return run;
}

function cancelRun(report = true) {
  if (!simWorker.busy && !odeWorker.busy) return;
  runToken++;
  simWorker.cancel();
  odeWorker.cancel();
  if (report) {
    setStatus(`cancelled${current?.live.t.length ? ` at t = ${Number(current.live.t.at(-1)!.toPrecision(4))}` : ""}`);
    setRunning(false);
  }
}

runForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const { params, problems } = readRunForm();
  if (problems.length) {
    setStatus(problems.join("; "), true);
    markInvalid(problems[0].split(" ")[0]);
    return;
  }
  void startRun(params);
});
cancelButton.addEventListener("click", () => cancelRun());

// ---- exports ------------------------------------------------------------------------------------------------

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

exportJson.addEventListener("click", () => {
  if (!current) return;
  const { params, simulation, ode } = current;
  download(`${fileStem(params)}.json`, toJson({ url: location.href, simulation: simulation ?? null, ode: ode ?? null }), "application/json");
});
exportCsv.addEventListener("click", () => {
  if (!current) return;
  download(`${fileStem(current.params)}.csv`, resultCsv(current.simulation, current.ode), "text/csv");
});

// ---- the sweep ----------------------------------------------------------------------------------------------

function sweepParams(): SweepParams {
  const value = (name: string) => (field(sweepForm, name) as HTMLInputElement).value;
  return {
    d: Number(value("d")),
    k: Number(value("k")),
    gamma0: Number(value("gamma0")),
    noise: Number(value("noise")),
    kappa: value("kappa"),
    delta: value("delta"),
    tEnd: Number(value("tEnd")),
    budget: Number(value("budget")),
  };
}

function writeSweepForm(s: SweepParams) {
  for (const [key, v] of Object.entries(s)) (field(sweepForm, key) as HTMLInputElement).value = String(v);
}

sweepForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void startSweep();
});
sweepCancelButton.addEventListener("click", () => {
  pool?.cancel();
  sweepStatus.textContent = `cancelled: ${sweepCells.filter((c) => c.value !== null || c.flag).length} of ${sweepCells.length} points done`;
});

async function startSweep(): Promise<void> {
  if (!module) return;
  const s = sweepParams();
  let kappas: number[];
  let deltas: number[];
  try {
    kappas = axisValues("κ", s.kappa);
    deltas = axisValues("δ", s.delta);
  } catch (error) {
    sweepStatus.textContent = (error as Error).message;
    return;
  }
  const size = Math.max(1, navigator.hardwareConcurrency || 2);
  pool ??= new WorkerPool(build, module, size);
  sweepGrid = { kappa: kappas, delta: deltas };
  const points = kappas.flatMap((kappa) => deltas.map((delta) => ({ kappa, delta })));
  sweepCells = points.map(({ kappa, delta }) => ({ kappa, delta, value: null, region: regionOf(kappa, delta) }));
  const jobs: Job[] = points.map(({ kappa, delta }) => ({
    type: "phase",
    options: { d: s.d, kappa, delta, k: s.k, gamma0: s.gamma0, noise: s.noise, tEnd: s.tEnd, budget: s.budget, samplesFixed: Math.min(1e5, s.budget), ode: false, points: 8 },
  }));
  sweepButton.disabled = true;
  sweepCancelButton.disabled = false;
  let done = 0;
  const errors: string[] = [];
  sweepStatus.textContent = `0 of ${jobs.length} points, ${pool.clients.length} workers`;
  void drawPlane();
  await pool.runAll(jobs, (index, outcome: { result?: JobResult; error?: Error }) => {
    done++;
    const cell = sweepCells[index];
    if (outcome.result) {
      const point = outcome.result as PhasePoint;
      cell.value = point.riskEnd > 0 ? Math.log10(point.riskEnd) : null;
      if (point.diverged) cell.flag = "diverged";
      else if (point.budgetExhausted) cell.flag = "budget";
    } else {
      errors.push(`(κ = ${cell.kappa}, δ = ${cell.delta}): ${outcome.error?.message}`);
    }
    sweepStatus.textContent = `${done} of ${jobs.length} points, ${pool!.clients.length} workers${errors.length ? ` · ${errors.length} failed: ${errors[0]}` : ""}`;
    void drawPlane();
  });
  sweepButton.disabled = false;
  sweepCancelButton.disabled = true;
}

// ---- boot ---------------------------------------------------------------------------------------------------

interface PageApi {
  /** resolves once the Wasm build is compiled and the page can run */
  ready: Promise<WasmBuild>;
  build(): WasmBuild;
  params(): RunParams;
  result(): { simulation: SimulationResult | null; ode: OdeResult | null };
  /** the run started last (resolves when it has finished, failed or been cancelled) */
  running(): Promise<void> | undefined;
  /** the cells of the last sweep (value: log10 of the excess risk at t_end; null until done) */
  sweep(): PlaneCell[];
  /** runs one job in a worker kept for this (benchmarks and tests), with the page's build; calls queue */
  runJob(job: Job): Promise<{ result: JobResult; ms: number }>;
}

/** The activations' choices (one list for the students' and the teachers' select). */
const ACTIVATION_LABELS: Record<ActivationName, string> = { erf: "erf(u/√2)", relu: "ReLU", linear: "linear", tanh: "tanh" };

async function boot(): Promise<WasmBuild> {
  for (const select of document.querySelectorAll<HTMLSelectElement>("select.activations")) {
    for (const name of ACTIVATIONS) select.add(new Option(ACTIVATION_LABELS[name], name));
  }
  writeRunForm(RUN_DEFAULTS);
  writeSweepForm(SWEEP_DEFAULTS);
  runButton.disabled = true;
  sweepButton.disabled = true;
  void drawPlane();
  if (typeof WebAssembly === "undefined") {
    showBanner(WASM_MISSING, "error");
    setStatus("unavailable: no WebAssembly", true);
    throw new Error(WASM_MISSING);
  }
  const hasSimd = await simd();
  build = hasSimd ? "wasm-simd" : "wasm-scalar";
  if (!hasSimd) showBanner(SIMD_MISSING, "warning");
  try {
    module = await compileBuild(build);
  } catch (error) {
    showBanner(`The WebAssembly module could not be loaded: ${describeError(error)}`, "error");
    setStatus("unavailable", true);
    throw error;
  }
  simWorker = new WorkerClient(build, module);
  odeWorker = new WorkerClient(build, module);
  runButton.disabled = false;
  sweepButton.disabled = false;
  setStatus(`ready (${build}, ${navigator.hardwareConcurrency || 2} cores)`);
  const { params, problems } = fromQuery(location.search);
  writeRunForm(params);
  publish(params);
  // a run on first load (the link's, else the defaults'), so the curve panel is never empty without a word
  if (problems.length) setStatus(`the link has bad parameters, defaults kept: ${problems.join("; ")}`, true);
  else void startRun(params);
  return build;
}

const ready = boot();
let jobWorker: WorkerClient | undefined;
let jobQueue: Promise<unknown> = Promise.resolve();
ready.catch(() => undefined);

const api: PageApi = {
  ready,
  build: () => build,
  params: () => readRunForm().params,
  result: () => ({ simulation: current?.simulation ?? null, ode: current?.ode ?? null }),
  running: () => running,
  sweep: () => sweepCells.map((c) => ({ ...c })),
  runJob(job) {
    // one job at a time in the kept worker: a call made while one runs waits for it
    const next = jobQueue.then(async () => {
      await ready;
      jobWorker ??= new WorkerClient(build, module!);
      const started = performance.now();
      const result = await jobWorker.run(job);
      return { result, ms: performance.now() - started };
    });
    jobQueue = next.catch(() => undefined);
    return next;
  },
};
(window as unknown as { sgdPhase: PageApi }).sgdPhase = api;
