/*
 * fdlibm's erf and the activation σ(u) = erf(u/√2), σ'(u) = √(2/π) exp(−u²/2) in C (assembly/activation.ts), for
 * bench/native/sgd.c, chain.c and best.c; the coefficients come from tables.h (src/shared/erf-coefficients.ts).
 * libm's exp stands in for the port of musl's in AssemblyScript.
 */
#ifndef SGD_PHASE_ACTIVATION_H
#define SGD_PHASE_ACTIVATION_H
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "tables.h"

/* fdlibm's erf, as assembly/activation.ts */
static double erf_fdlibm(double x) {
  if (isnan(x)) return x;
  const double ax = fabs(x);
  if (ax < 0.84375) {
    if (ax < 3.725290298461914e-9) return x + EFX * x;
    const double z = x * x;
    const double r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
    const double s = 1.0 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
    return x + x * (r / s);
  }
  if (ax < 1.25) {
    const double s = ax - 1.0;
    const double pa = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
    const double qa = 1.0 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
    return x < 0 ? -ERX - pa / qa : ERX + pa / qa;
  }
  if (ax >= 6.0) return x < 0 ? -1.0 : 1.0;
  const double s = 1.0 / (ax * ax);
  double r, q;
  if (ax < 2.857142857142857) {
    r = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    q = 1.0 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
  } else {
    r = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
    q = 1.0 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  }
  union { double f; uint64_t u; } bits = { .f = ax };
  bits.u &= 0xFFFFFFFF00000000ULL;
  const double z = bits.f;
  const double e = exp(-z * z - 0.5625) * exp((z - ax) * (z + ax) + r / q);
  return x < 0 ? e / ax - 1.0 : 1.0 - e / ax;
}

static inline double sigma(double u) { return erf_fdlibm(u * 0.7071067811865476); }
static inline double sigma_prime(double u) { return 0.7978845608028654 * exp(-0.5 * u * u); }

#endif
