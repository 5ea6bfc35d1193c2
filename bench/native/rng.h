/*
 * The random stream of sgd-phase in C (assembly/rng.ts), for bench/native/sgd.c and chain.c: xoshiro256** with
 * splitmix64 seeding, the 256-layer ziggurat (tables.h, from src/shared/ziggurat.ts) and Marsaglia & Tsang's Gamma
 * for the χ² of the chain. libm's log and pow stand in for the ports of musl's in AssemblyScript (the bench checks
 * agreement to rounding).
 */
#ifndef SGD_PHASE_RNG_H
#define SGD_PHASE_RNG_H
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
