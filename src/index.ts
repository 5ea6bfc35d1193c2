// see: STYLE.md §1 — the public API of sgd-phase: re-exports and types only.
export { simulate } from "./simulate.js";
export { solveOde } from "./ode.js";
export { compare, comparisonCsv } from "./compare.js";
export type { CompareOptions, Comparison } from "./compare.js";
export { curveStatistics, quantile } from "./stats.js";
export type { CurveStatistics } from "./stats.js";
export { parseResult, resultJsonSchema } from "./result.js";
export type { SimulationResult, SimulationParams, Divergence, OdeResult } from "./result.js";
export { OptionError, DEFAULTS, ODE_DEFAULTS } from "./validate.js";
export type { SimulateOptions, OdeOptions, OdeProgress, OdeMode, OdeIntegrator, SimMethod, InitialCondition, InitKind, Progress } from "./validate.js";
export { regionOf, timeExponentOf, BLUE_TOLERANCE } from "./regions.js";
export type { Region } from "./regions.js";
export { BACKENDS } from "./engine.js";
export type { Backend } from "./engine.js";
export { toJson, toCsv, toTable, toOdeTable, initialOverlaps } from "./export.js";
export { VERSION } from "./version.js";
