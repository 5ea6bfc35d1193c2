/*
 * The fastest native C we know for one SGD sample of the same process (the law of assembly/sgd.ts with B = 1, erf
 * units, a = a* = 1; not its random stream), for bench/native.bench.ts: the standard normals by Box–Muller on eight
 * xoshiro256** streams at once (branch-free polynomial log, sin and cos over arrays of 8 that the compiler
 * vectorises), and one pass over the student rows per sample (the update of sample ν computes the fields of ν + 1,
 * as sgd.ts does). Coefficients: fdlibm (Sun Microsystems 1993) __ieee754_log's Lg1–Lg7, __kernel_sin's S1–S6 and
 * __kernel_cos's C1–C6; σ and σ' from activation.h.
 *
 * usage: best moments <n> <seed>          prints the mean, variance, fourth moment and P(|z| > 4) of n normals
 *        best normals <n> <seed>           prints ns per normal of n normals in calls of 1000
 *        best run <weights.bin> <d> <p> <k> <gamma> <noise> <seed> <timed steps> <rounds>
 *                                         reads [W; W*] as sgd.c, prints ns per sample of each round, then
 *                                         "Q_ii <mean Q_ii of the student>"
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activation.h"
#include "timing.h"

#define LANES 8
/* eight lanes in GCC/Clang vector extensions (the compiler picks the machine's widths) */
typedef uint64_t v8u __attribute__((vector_size(64)));
typedef int64_t v8i __attribute__((vector_size(64)));
typedef double v8d __attribute__((vector_size(64)));
static v8u S0, S1, S2, S3;

static inline v8u rotl8(v8u x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t splitmix64(uint64_t *z) {
  uint64_t r = (*z += 0x9E3779B97F4A7C15ULL);
  r = (r ^ (r >> 30)) * 0xBF58476D1CE4E5B9ULL;
  r = (r ^ (r >> 27)) * 0x94D049BB133111EBULL;
  return r ^ (r >> 31);
}

static void seed_lanes(uint64_t seed) {
  uint64_t z = seed;
  for (int l = 0; l < LANES; l++) { S0[l] = splitmix64(&z); S1[l] = splitmix64(&z); S2[l] = splitmix64(&z); S3[l] = splitmix64(&z); }
}

/* one xoshiro256** output per lane */
static inline v8u next8(void) {
  const v8u s1 = S1;
  const v8u r = rotl8(s1 * 5, 7) * 9;
  const v8u t = s1 << 17;
  S2 ^= S0;
  S3 ^= s1;
  S1 = s1 ^ S2;
  S0 ^= S3;
  S2 ^= t;
  S3 = rotl8(S3, 45);
  return r;
}

static inline v8d sqrt8(v8d x) {
  v8d r;
  for (int l = 0; l < LANES; l++) r[l] = sqrt(x[l]); /* vsqrtpd with -fno-math-errno */
  return r;
}

/* lanes of v where mask is all ones, 0 elsewhere */
static inline v8i where(v8i mask, v8d v) { return (v8i)v & mask; }

/* 16 standard normals: Box–Muller on eight pairs of uniforms, R = √(−2 ln u1) with u1 ∈ (0, 1], angle 2π u2 (52 bits each) */
static void normals16(double *out) {
  const v8u one = (v8u){0} + 0x3FF0000000000000ULL;
  const v8u a = next8(), b = next8();
  /* uniforms from the top 52 bits under the exponent of 1; u1 = 2 − [1, 2) ∈ (0, 1] */
  const v8d u1 = 2.0 - (v8d)((a >> 12) | one);
  /* ln u1 (fdlibm's method: u1 = 2^e m, m ∈ [√½, √2), f = m − 1, s = f/(2 + f)) */
  const v8u bits = (v8u)u1;
  v8d e = __builtin_convertvector((v8i)(bits >> 52) - 1023, v8d);
  v8d m = (v8d)((bits & 0x000FFFFFFFFFFFFFULL) | one);
  const v8i big = m > 1.4142135623730951;
  m = (v8d)(where(big, 0.5 * m) | where(~big, m));
  e = e - __builtin_convertvector(big, v8d);
  const v8d f = m - 1.0, s = f / (2.0 + f), z = s * s, w = z * z;
  const v8d t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  const v8d t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  const v8d hfsq = 0.5 * f * f;
  const v8d ln = e * 6.93147180369123816490e-01 - ((hfsq - (s * (hfsq + t1 + t2) + e * 1.90821492927058770002e-10)) - f);
  const v8d radius = sqrt8(-2.0 * ln);
  /* the angle q·π/2 + φ, φ = (v − 1/2)·π/2 ∈ [−π/4, π/4), from 4 u2 = q + v (a full period, uniform) */
  const v8d u4 = ((v8d)((b >> 12) | one) - 1.0) * 4.0;
  const v8i q = __builtin_convertvector(u4, v8i);
  const v8d phi = (u4 - __builtin_convertvector(q, v8d) - 0.5) * 1.5707963267948966, x2 = phi * phi;
  const v8d sn = phi + phi * x2 * (-1.66666666666666324348e-01 + x2 * (8.33333333332248946124e-03 + x2 * (-1.98412698298579493134e-04 + x2 * (2.75573137070700676789e-06 + x2 * (-2.50507602534068634195e-08 + x2 * 1.58969099521155010221e-10)))));
  const v8d cs = 1.0 - 0.5 * x2 + x2 * x2 * (4.16666666666666019037e-02 + x2 * (-1.38888888888741095749e-03 + x2 * (2.48015872894767294178e-05 + x2 * (-2.75573143513906633035e-07 + x2 * (2.08757232129817482790e-09 + x2 * -1.13596475577881948265e-11)))));
  /* rotate (cos φ, sin φ) by q quarter turns */
  const v8i q0 = q == 0, q1 = q == 1, q2 = q == 2, q3 = q == 3;
  const v8d c = (v8d)(where(q0, cs) | where(q1, -sn) | where(q2, -cs) | where(q3, sn));
  const v8d si = (v8d)(where(q0, sn) | where(q1, cs) | where(q2, -sn) | where(q3, -cs));
  const v8d z1 = radius * c, z2 = radius * si;
  memcpy(out, &z1, sizeof z1);
  memcpy(out + LANES, &z2, sizeof z2);
}

static double pool[2 * LANES];
static int pooled = 0; /* normals left at the end of pool */

static void fill_normals(double *out, int n) {
  int j = 0;
  while (j < n && pooled > 0) out[j++] = pool[2 * LANES - pooled--];
  for (; j + 2 * LANES <= n; j += 2 * LANES) normals16(out + j);
  if (j < n) {
    normals16(pool);
    pooled = 2 * LANES;
    while (j < n) out[j++] = pool[2 * LANES - pooled--];
  }
}

/* unaligned eight-lane access to a row */
typedef double v8du __attribute__((vector_size(64), aligned(8)));
static inline double hsum(v8d v) { return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7])); }

static double dot(const double *a, const double *b, int d) {
  v8d s0 = {0}, s1 = {0};
  int j = 0;
  for (; j + 16 <= d; j += 16) {
    s0 += *(const v8du *)(a + j) * *(const v8du *)(b + j);
    s1 += *(const v8du *)(a + j + 8) * *(const v8du *)(b + j + 8);
  }
  double t = hsum(s0 + s1);
  for (; j < d; j++) t += a[j] * b[j];
  return t;
}

/* `steps` samples; xs[0] holds the current sample and lam its fields on entry (drawn ahead), and on exit */
static void run(double *W, double **xs, double *lam, double *coef, int d, int p, int k, double gamma, double noise, long steps) {
  const double invSqrtD = 1.0 / sqrt((double)d), rate = gamma / ((double)p * sqrt((double)d));
  const double sqrtNoise = sqrt(noise), invP = 1.0 / p, invK = 1.0 / k;
  for (long s = 0; s < steps; s++) {
    double *x = xs[0], *xNext = xs[1];
    double zeta;
    fill_normals(&zeta, 1);
    double teacher = 0, student = 0;
    for (int r = 0; r < k; r++) teacher += sigma(lam[p + r]);
    for (int i = 0; i < p; i++) student += sigma(lam[i]);
    const double e = teacher * invK + sqrtNoise * zeta - student * invP;
    const double re = rate * e;
    for (int i = 0; i < p; i++) coef[i] = re * sigma_prime(lam[i]);
    /* draw x_{ν+1}; one pass per student row: w_i += c_i x_ν, λ_i(ν+1) = w_i·x_{ν+1}/√d */
    fill_normals(xNext, d);
    for (int i = 0; i < p; i++) {
      double *w = W + (size_t)i * d;
      const double c = coef[i];
      v8d s0 = {0}, s1 = {0};
      int j = 0;
      for (; j + 16 <= d; j += 16) {
        const v8d w0 = *(v8du *)(w + j) + c * *(const v8du *)(x + j);
        const v8d w1 = *(v8du *)(w + j + 8) + c * *(const v8du *)(x + j + 8);
        *(v8du *)(w + j) = w0;
        *(v8du *)(w + j + 8) = w1;
        s0 += w0 * *(const v8du *)(xNext + j);
        s1 += w1 * *(const v8du *)(xNext + j + 8);
      }
      double t = hsum(s0 + s1);
      for (; j < d; j++) { w[j] += c * x[j]; t += w[j] * xNext[j]; }
      lam[i] = t * invSqrtD;
    }
    for (int r = 0; r < k; r++) lam[p + r] = dot(W + (size_t)(p + r) * d, xNext, d) * invSqrtD;
    xs[0] = xNext;
    xs[1] = x;
  }
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "moments") == 0) {
    const long n = atol(argv[2]);
    seed_lanes(strtoull(argv[3], 0, 10));
    double buf[1000], m1 = 0, m2 = 0, m4 = 0, tail = 0;
    for (long done = 0; done < n; done += 1000) {
      fill_normals(buf, 1000);
      for (int j = 0; j < 1000; j++) { const double z = buf[j], z2 = z * z; m1 += z; m2 += z2; m4 += z2 * z2; tail += fabs(z) > 4; }
    }
    const double N = (double)((n + 999) / 1000 * 1000);
    printf("%.9g %.9g %.9g %.9g\n", m1 / N, m2 / N, m4 / N, tail / N);
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "normals") == 0) {
    const long calls = (atol(argv[2]) + 999) / 1000;
    seed_lanes(strtoull(argv[3], 0, 10));
    static double buf[1000];
    double sum = 0;
    const double t0 = now();
    for (long c = 0; c < calls; c++) {
      fill_normals(buf, 1000);
      sum += buf[c % 1000]; /* keeps every call's output live */
    }
    printf("%.4f %.6g\n", (now() - t0) * 1e9 / (calls * 1000.0), sum);
    return 0;
  }
  if (argc != 11 || strcmp(argv[1], "run") != 0) {
    fprintf(stderr, "usage: %s moments n seed | %s normals n seed | %s run weights.bin d p k gamma noise seed timed-steps rounds\n", argv[0], argv[0], argv[0]);
    return 2;
  }
  const int d = atoi(argv[3]), p = atoi(argv[4]), k = atoi(argv[5]);
  const double gamma = atof(argv[6]), noise = atof(argv[7]);
  seed_lanes(strtoull(argv[8], 0, 10));
  const long timed = atol(argv[9]);
  const int rounds = atoi(argv[10]);
  double *W = malloc(sizeof(double) * (size_t)(p + k) * d);
  double *xs[2] = { malloc(sizeof(double) * d), malloc(sizeof(double) * d) };
  double *lam = malloc(sizeof(double) * (p + k)), *coef = malloc(sizeof(double) * p);
  FILE *in = fopen(argv[2], "rb");
  if (!in || fread(W, sizeof(double), (size_t)(p + k) * d, in) != (size_t)(p + k) * d) { fprintf(stderr, "cannot read %s\n", argv[2]); return 1; }
  fclose(in);
  fill_normals(xs[0], d);
  for (int a = 0; a < p + k; a++) lam[a] = dot(W + (size_t)a * d, xs[0], d) / sqrt((double)d);
  run(W, xs, lam, coef, d, p, k, gamma, noise, 1000); /* warm-up */
  for (int r = 0; r < rounds; r++) {
    const double t0 = now();
    run(W, xs, lam, coef, d, p, k, gamma, noise, timed);
    printf("%.3f\n", (now() - t0) * 1e9 / timed);
  }
  double norm = 0;
  for (size_t i = 0; i < (size_t)p * d; i++) norm += W[i] * W[i];
  printf("Q_ii %.6g\n", norm / ((double)p * d)); /* mean Q_ii: the bench checks it is finite, of order 1 */
  return 0;
}
