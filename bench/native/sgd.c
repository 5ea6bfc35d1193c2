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
 *        sgd normals <seed> <stream> <timed normals> <out.bin>
 * Writes the generator's first 1000 normals to <out.bin> (the bench compares them with the Wasm's), then times
 * <timed normals> more in calls of 1000, as one sample at d = 1000 draws them, and prints ns per normal.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activation.h"
#include "rng.h"
#include "timing.h"

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

/* the generator alone: its first 1000 normals to `path`, then ns per normal of `timed` more in calls of 1000 */
static int normals(uint64_t seed, uint64_t stream, long timed, const char *path) {
  static double buf[1000];
  seed_rng(seed, stream);
  fill_normals(buf, 1000);
  FILE *out = fopen(path, "wb");
  if (!out || fwrite(buf, sizeof(double), 1000, out) != 1000) { fprintf(stderr, "cannot write %s\n", path); return 1; }
  fclose(out);
  double sum = 0;
  const long calls = (timed + 999) / 1000;
  const double t0 = now();
  for (long c = 0; c < calls; c++) {
    fill_normals(buf, 1000);
    sum += buf[c % 1000]; /* keeps every call's output live */
  }
  const double t = now() - t0;
  printf("%.4f %.6g\n", t * 1e9 / (calls * 1000.0), sum);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 6 && strcmp(argv[1], "normals") == 0) return normals(strtoull(argv[2], 0, 10), strtoull(argv[3], 0, 10), atol(argv[4]), argv[5]);
  if (argc != 13) {
    fprintf(stderr, "usage: %s weights.bin d p k gamma noise seed stream check-steps timed-steps rounds out.bin | %s normals seed stream timed-normals out.bin\n", argv[0], argv[0]);
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
