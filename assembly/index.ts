// see: STYLE.md §1 — the export list of the Wasm module; no logic here.
// Exports take counts and byte addresses, never arrays; results come back through the flat buffer.
export { headerPtr } from "./header";
export { rngSeed, rngNormals, rngUniforms, rngChiSquares } from "./rng";
export { sgdRun } from "./sgd";
export { overlapsCompute, riskCompute } from "./overlaps";
export { I2 as integralI2, I2pair as integralI2pair } from "./integrals";
export { erf as activationErf, pairFunctionValues } from "./activation";
export { driftEval } from "./drift";
export { odeInit, odeRun } from "./integrate";
export { J2 as integralJ2, I3 as integralI3, I4 as integralI4, I3pair as integralI3pair } from "./integrals";
export { chainRun, chainOverlaps } from "./chain";
export { chainRunPair } from "./chainpair";
export { lazyOverlaps } from "./lazy";
