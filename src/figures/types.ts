// see: README.md (the paper's figures) — the shape of a figure of `reproduce`: what it runs (a plan of named
// simulation and ODE jobs, known before anything runs, so its cost can be estimated), how its data is made
// from the results, the claims of the paper it checks on that data, and how it is drawn. No numerics here.
import type { OdeSummary, SimulationSummary } from "../jobs/tasks.js";
import type { MeasuredPhase, MeasurePointOptions } from "../phase/phase-measure.js";
import type { OdeOptions, SimulateOptions } from "../validate.js";
import type { VegaLiteSpec } from "../output/plot.js";

/** "tiny": seconds (smoke tests); "quick": every phenomenon, minutes on two cores; "full": the paper's sizes. */
export type FigureSize = "tiny" | "quick" | "full";

/** The jobs of a figure, by name (a simulation job is one seed: seeds run in parallel). */
export interface Plan {
  sims: Record<string, SimulateOptions>;
  odes: Record<string, OdeOptions>;
  /** points of the measured phase diagram (Fig 1) */
  measures?: Record<string, MeasurePointOptions>;
}

/** The results of a plan's jobs, by the same names. */
export interface Results {
  sims: Record<string, SimulationSummary>;
  odes: Record<string, OdeSummary>;
  measures?: Record<string, MeasuredPhase>;
}

/** What a curve of a figure is: the paper's figures draw simulations as markers and ODEs as lines. */
export type CurveRole = "simulation" | "limit ODE" | "finite-d ODE" | "fit" | "measured" | "boundary";

/** One curve of a figure, with everything needed to draw it and to check claims on it. */
export interface Curve {
  name: string;
  role: CurveRole;
  x: number[];
  y: number[];
  /** the 10% and 90% quantiles over seeds (simulations), or y ± standard error (measured points) */
  lo?: number[];
  hi?: number[];
  /** seeds behind each simulation point */
  runs?: number[];
  colour: string;
  /** marker of a simulation or measured series (Vega shape name) */
  shape?: string;
  /** dash pattern of a line ([] solid) */
  dash?: number[];
  /** parameters that tell this curve from its neighbours (d, Δ, δ, κ, …) */
  tags?: Record<string, number | string>;
}

/** The data of a figure: written to data.json, drawn, and checked. */
export interface FigureData {
  figure: string;
  title: string;
  /** the parameters, as the figure's second title line */
  subtitle: string;
  /** what the paper's figure shows (one line) */
  paper: string;
  size: FigureSize;
  /** every parameter of the figure (model, sizes, seeds, horizons, initial condition) */
  params: Record<string, unknown>;
  /** the x axis: its clock, written out */
  xTitle: string;
  yTitle: string;
  curves: Curve[];
  /** anything else a check or the reader needs (fits, floors, peak times, …) */
  extra: Record<string, unknown>;
  /** values not drawn (e.g. a non-positive ODE risk on a log axis) and why */
  warnings: string[];
}

/** One quantitative claim of the paper measured on a figure's own data. */
export interface Check {
  figure: string;
  claim: string;
  /** the paper's value or statement */
  paper: string;
  /** ours, measured on the figure's data */
  ours: string;
  /** what counts as agreement */
  tolerance: string;
  pass: boolean;
}

/** A figure of the paper, regenerated. */
export interface FigureDef {
  id: string;
  title: string;
  /** one line on what the paper's figure shows */
  paper: string;
  /** the jobs (async: a plan may need a cheap computation, e.g. a run's initial overlaps) */
  plan(size: FigureSize): Promise<Plan>;
  /** the figure's data from the results of its plan */
  assemble(size: FigureSize, results: Results): FigureData;
  /** the paper's claims measured on the data (a pure function of it: altered data changes the verdict) */
  checks(data: FigureData): Check[];
  /** the Vega-Lite specification of the figure */
  spec(data: FigureData): VegaLiteSpec;
}
