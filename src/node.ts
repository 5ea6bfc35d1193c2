// see: README.md (Node API) — `sgd-phase/node`: everything of the main entry plus what needs Node (files,
// worker threads, headless rendering): sweeps, the phase diagram, the paper's figures, the overview.
export * from "./index.js";
import { getHeapStatistics } from "node:v8";
import { setHeapLimit } from "./validate.js";

// results held in JavaScript are checked against this process's heap limit too (validate.ts availableMemory)
setHeapLimit(getHeapStatistics().heap_size_limit);
export { sweep, expandSpec, canonicalJson } from "./jobs/sweep.js";
export { scaling } from "./phase/scaling.js";
export type { Scaling, ScalingOptions } from "./phase/scaling.js";
export type { SweepSpec, SweepLine, SweepOptions } from "./jobs/sweep.js";
export { phaseDiagram, agreementOf, onBoundary, DIAGRAM_DEFAULTS } from "./phase/phase-diagram.js";
export type { PhaseDiagram, PhaseDiagramOptions, Agreement } from "./phase/phase-diagram.js";
export { reproduce, FIGURES, FIGURE_IDS } from "./jobs/reproduce.js";
export type { FigureSize, FigureDef, FigureData, Check, CostEstimate, ReproduceOptions, ReproduceResult } from "./jobs/reproduce.js";
export { regionCurves, REGION_EXAMPLES } from "./output/overview.js";
export { renderSvg, renderPng, writeFigure } from "./output/render.js";
