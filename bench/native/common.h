/*
 * The random stream and the erf of sgd-phase in C, shared by bench/native/sgd.c and chain.c: xoshiro256** with
 * splitmix64 seeding (assembly/rng.ts), the 256-layer ziggurat (tables.h, from src/shared/ziggurat.ts), Marsaglia &
 * Tsang's Gamma for the χ² of the chain, and fdlibm's erf with σ, σ' (as assembly/activation.ts). libm's log, exp and pow
 * stand in for the ports of musl's in AssemblyScript (the bench checks agreement to rounding).
 */
#ifndef SGD_PHASE_COMMON_H
#define SGD_PHASE_COMMON_H
#include <math.h>
#include <stdint.h>

#include "tables.h"

static uint64_t s0, s1, s2, s3;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t next(void) {
  const uint64_t result = rotl(s1 * 5, 7) * 9;
  const uint64_t t = s1 << 17;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 45);
  return result;
}

static uint64_t splitmix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static void seed_rng(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + stream * 0xD1B54A32D192ED03ULL;
  z += 0x9E3779B97F4A7C15ULL; s0 = splitmix64(z);
  z += 0x9E3779B97F4A7C15ULL; s1 = splitmix64(z);
  z += 0x9E3779B97F4A7C15ULL; s2 = splitmix64(z);
  z += 0x9E3779B97F4A7C15ULL; s3 = splitmix64(z);
}

static const double TWO_M51 = 4.440892098500626e-16, TWO_M52 = 2.220446049250313e-16, TWO_M53 = 1.1102230246251565e-16;
static inline double uniform(void) { return (double)(next() >> 11) * TWO_M53; }
static inline double open01(void) { return ((double)(next() >> 12) + 0.5) * TWO_M52; }

static double normal_slow(unsigned i, double x) {
  for (;;) {
    if (i == 0) {
      double tx = 1.0, ty = 0.0;
      while (-2.0 * ty < tx * tx) {
        tx = log(open01()) / ZIG_R;
        ty = log(open01());
      }
      return x < 0 ? tx - ZIG_R : ZIG_R - tx;
    }
    const double f1 = ZIG_F[i + 1];
    if (f1 + (ZIG_F[i] - f1) * uniform() < exp(-0.5 * x * x)) return x;
    const uint64_t r = next();
    i = (unsigned)(r & 0xFF);
    x = ((double)(r >> 12) * TWO_M51 - 1.0) * ZIG_X[i];
    if (fabs(x) < ZIG_X[i + 1]) return x;
  }
}

static inline double normal(void) {
  const uint64_t r = next();
  const unsigned i = (unsigned)(r & 0xFF);
  const double x = ((double)(r >> 12) * TWO_M51 - 1.0) * ZIG_X[i];
  if (fabs(x) < ZIG_X[i + 1]) return x;
  return normal_slow(i, x);
}

/* n normals, the generator state in locals (as fillNormals in assembly/rng.ts) */
static void fill_normals(double *out, int n) {
  uint64_t a = s0, b = s1, c = s2, e = s3;
  for (int j = 0; j < n; j++) {
    const uint64_t r = rotl(b * 5, 7) * 9;
    const uint64_t t = b << 17;
    c ^= a;
    e ^= b;
    b ^= c;
    a ^= e;
    c ^= t;
    e = rotl(e, 45);
    const unsigned i = (unsigned)(r & 0xFF);
    double x = ((double)(r >> 12) * TWO_M51 - 1.0) * ZIG_X[i];
    if (fabs(x) >= ZIG_X[i + 1]) {
      s0 = a; s1 = b; s2 = c; s3 = e;
      x = normal_slow(i, x);
      a = s0; b = s1; c = s2; e = s3;
    }
    out[j] = x;
  }
  s0 = a; s1 = b; s2 = c; s3 = e;
}

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

/* Gamma(a, 1) by Marsaglia & Tsang (assembly/rng.ts gammaSample), draw for draw */
static double gamma_sample(double a) {
  if (a < 1) {
    const double g = gamma_sample(a + 1);
    return g * pow(open01(), 1.0 / a);
  }
  const double c = a - 1.0 / 3.0, s = 1.0 / sqrt(9.0 * c);
  for (;;) {
    double x, v;
    do {
      x = normal();
      v = 1.0 + s * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = open01(), x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return c * v;
    if (log(u) < 0.5 * x2 + c * (1.0 - v + log(v))) return c * v;
  }
}

/* χ²_n = 2·Gamma(n/2), 0 for n = 0 */
static inline double chi_square(double n) { return n > 0 ? 2.0 * gamma_sample(0.5 * n) : 0.0; }

#endif
