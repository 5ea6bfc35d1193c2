/*
 * A native C reference of one SGD sample, for bench/native.bench.ts: the algorithm of assembly/sgd.ts (B = 1,
 * erf units, a = a* = 1, no weight decay) with the same random stream (xoshiro256**, splitmix64 seeding, the
 * 256-layer ziggurat of src/ziggurat.ts) and the same order of operations (fields summed in two lanes as the
 * SIMD build does, four rows per pass over x), so that after the same samples its weights agree with the
 * Wasm engine's to rounding (the bench checks it). Tables and erf coefficients come from tables.h, written by
 * the bench from src/ziggurat.ts and src/erf-coefficients.ts.
 *
 * usage: sgd <weights.bin> <d> <p> <k> <gamma> <noise> <seed> <stream> <check steps> <timed steps> <rounds> <out.bin>
 * Reads the (p + k) × d weights [W; W*] (f64, row-major), runs <check steps> samples and writes W to <out.bin>,
 * then times <rounds> runs of <timed steps> samples and prints their ns per sample, one per line.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

/* the fields of four rows per pass over x, each summed in two lanes (even and odd j) as the SIMD build */
static void fields(const double *U, const double *x, double *out, int rows, int d, double scale) {
  int a = 0;
  for (; a + 4 <= rows; a += 4) {
    const double *r0 = U + (size_t)a * d, *r1 = r0 + d, *r2 = r1 + d, *r3 = r2 + d;
    double e0 = 0, o0 = 0, e1 = 0, o1 = 0, e2 = 0, o2 = 0, e3 = 0, o3 = 0;
    int j = 0;
    for (; j + 2 <= d; j += 2) {
      e0 += r0[j] * x[j]; o0 += r0[j + 1] * x[j + 1];
      e1 += r1[j] * x[j]; o1 += r1[j + 1] * x[j + 1];
      e2 += r2[j] * x[j]; o2 += r2[j + 1] * x[j + 1];
      e3 += r3[j] * x[j]; o3 += r3[j + 1] * x[j + 1];
    }
    double t0 = e0 + o0, t1 = e1 + o1, t2 = e2 + o2, t3 = e3 + o3;
    for (; j < d; j++) { t0 += r0[j] * x[j]; t1 += r1[j] * x[j]; t2 += r2[j] * x[j]; t3 += r3[j] * x[j]; }
    out[a] = t0 * scale; out[a + 1] = t1 * scale; out[a + 2] = t2 * scale; out[a + 3] = t3 * scale;
  }
  for (; a < rows; a++) {
    const double *r = U + (size_t)a * d;
    double v0e = 0, v0o = 0, v1e = 0, v1o = 0;
    int j = 0;
    for (; j + 4 <= d; j += 4) { v0e += r[j] * x[j]; v0o += r[j + 1] * x[j + 1]; v1e += r[j + 2] * x[j + 2]; v1o += r[j + 3] * x[j + 3]; }
    double t = (v0e + v1e) + (v0o + v1o);
    for (; j < d; j++) t += r[j] * x[j];
    out[a] = t * scale;
  }
}

static void run(double *W, double *x, double *lam, double *coef, int d, int p, int k, double gamma, double noise, long steps) {
  const double invSqrtD = 1.0 / sqrt((double)d), rate = gamma / ((double)p * sqrt((double)d));
  const double sqrtNoise = sqrt(noise), invP = 1.0 / p, invK = 1.0 / k;
  for (long s = 0; s < steps; s++) {
    fill_normals(x, d);
    const double zeta = normal();
    fields(W, x, lam, p + k, d, invSqrtD);
    double teacher = 0, student = 0;
    for (int r = 0; r < k; r++) teacher += 1.0 * sigma(lam[p + r]);
    for (int i = 0; i < p; i++) student += 1.0 * sigma(lam[i]);
    const double e = teacher * invK + sqrtNoise * zeta - student * invP;
    const double re = rate * e;
    for (int i = 0; i < p; i++) coef[i] = re * 1.0 * sigma_prime(lam[i]);
    for (int i = 0; i < p; i++) {
      double *w = W + (size_t)i * d;
      const double c = coef[i];
      for (int j = 0; j < d; j++) w[j] += c * x[j];
    }
  }
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 13) {
    fprintf(stderr, "usage: %s weights.bin d p k gamma noise seed stream check-steps timed-steps rounds out.bin\n", argv[0]);
    return 2;
  }
  const int d = atoi(argv[2]), p = atoi(argv[3]), k = atoi(argv[4]);
  const double gamma = atof(argv[5]), noise = atof(argv[6]);
  const uint64_t seed = strtoull(argv[7], 0, 10), stream = strtoull(argv[8], 0, 10);
  const long check = atol(argv[9]), timed = atol(argv[10]);
  const int rounds = atoi(argv[11]);
  double *W = malloc(sizeof(double) * (size_t)(p + k) * d), *x = malloc(sizeof(double) * d), *lam = malloc(sizeof(double) * (p + k)), *coef = malloc(sizeof(double) * p);
  FILE *in = fopen(argv[1], "rb");
  if (!in || fread(W, sizeof(double), (size_t)(p + k) * d, in) != (size_t)(p + k) * d) { fprintf(stderr, "cannot read %s\n", argv[1]); return 1; }
  fclose(in);
  seed_rng(seed, stream);
  run(W, x, lam, coef, d, p, k, gamma, noise, check);
  FILE *out = fopen(argv[12], "wb");
  if (!out || fwrite(W, sizeof(double), (size_t)p * d, out) != (size_t)p * d) { fprintf(stderr, "cannot write %s\n", argv[12]); return 1; }
  fclose(out);
  for (int r = 0; r < rounds; r++) {
    const double t0 = now();
    run(W, x, lam, coef, d, p, k, gamma, noise, timed);
    printf("%.3f\n", (now() - t0) * 1e9 / timed);
  }
  return 0;
}
