// see: assembly/activation.ts — the same fdlibm erf and σ, σ' in plain JS (Math.exp for exp), for tests and
// the `js` benchmark case. Method, formula and the fdlibm notice are in the AssemblyScript doc comments.
import {
  ERX, EFX, PP0, PP1, PP2, PP3, PP4, QQ1, QQ2, QQ3, QQ4, QQ5, PA0, PA1, PA2, PA3, PA4, PA5, PA6,
  QA1, QA2, QA3, QA4, QA5, QA6, RA0, RA1, RA2, RA3, RA4, RA5, RA6, RA7, SA1, SA2, SA3, SA4, SA5,
  SA6, SA7, SA8, RB0, RB1, RB2, RB3, RB4, RB5, RB6, SB1, SB2, SB3, SB4, SB5, SB6, SB7,
} from "../shared/erf-coefficients.js";

const SQRT1_2 = 0.7071067811865476;
const SQRT_2_OVER_PI = 0.7978845608028654;

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/** erf(x), the fdlibm method of assembly/activation.ts `erf`. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 3.725290298461914e-9) return x + EFX * x;
    const z = x * x;
    const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
    const s = 1.0 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
    return x + x * (r / s);
  }
  if (ax < 1.25) {
    const s = ax - 1.0;
    const pa = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
    const qa = 1.0 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
    return x < 0 ? -ERX - pa / qa : ERX + pa / qa;
  }
  if (ax >= 6.0) return x < 0 ? -1.0 : 1.0;
  const s = 1.0 / (ax * ax);
  let r: number, q: number;
  if (ax < 2.857142857142857) {
    r = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    q = 1.0 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
  } else {
    r = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
    q = 1.0 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  }
  scratch[0] = ax;
  scratchWords[0] = 0; // low word (little-endian), as in the AssemblyScript
  const z = scratch[0];
  const e = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + r / q);
  return x < 0 ? e / ax - 1.0 : 1.0 - e / ax;
}

/** σ(u) = erf(u/√2). */
export function sigma(u: number): number {
  return erf(u * SQRT1_2);
}

/** σ'(u) = √(2/π)·exp(−u²/2). */
export function sigmaPrime(u: number): number {
  return SQRT_2_OVER_PI * Math.exp(-0.5 * u * u);
}

/** The activation `kind` (assembly/activation.ts `activation`). */
export function activation(kind: number, u: number): number {
  if (kind === 0) return sigma(u);
  if (kind === 1) return u > 0 ? u : 0.0;
  if (kind === 3) return Math.tanh(u);
  return u;
}

/** Its derivative (assembly/activation.ts `activationPrime`). */
export function activationPrime(kind: number, u: number): number {
  if (kind === 0) return sigmaPrime(u);
  if (kind === 1) return u > 0 ? 1.0 : 0.0;
  if (kind === 3) {
    const t = Math.tanh(u);
    return 1.0 - t * t;
  }
  return 1.0;
}
