/*
 * A native C reference of one step of the exact reduced chain, for bench/native.bench.ts: the algorithm of
 * assembly/chain.ts chainRun with B = 1 (erf units, a = a* = 1, no weight decay) on the same random stream (z, ζ,
 * then χ²_{d−ρ}; rng.h) and with every sum in the same order (the semidefinite Cholesky column by column, the
 * fields u_a = Σ_{m ≤ a} L_am z_m, the update of Q's upper triangle and of M), so that after the same steps its Ω
 * agrees with the Wasm engine's to rounding (the bench checks it). Scalar code, as the single-seed chain is.
 *
 * usage: chain <omega.bin> <p> <k> <d> <gamma> <noise> <seed> <stream> <check steps> <timed steps> <rounds> <out.bin>
 * Reads Ω (r × r, r = p + k, f64, row-major, students first), runs <check steps> steps and writes Ω to <out.bin>,
 * then times <rounds> runs of <timed steps> steps and prints their ns per step, one per line.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "activation.h"
#include "rng.h"
#include "timing.h"

static const double PIVOT_TOLERANCE = 1e-12;

/* chain.ts choleskySemidefinite: L column by column (L_am at m·r + a), zero columns for zero pivots; the rank */
static int cholesky(const double *omega, double *L, double *diag, int r) {
  double scale = 0;
  for (int a = 0; a < r; a++) {
    diag[a] = omega[a * r + a];
    scale = fmax(scale, fabs(diag[a]));
  }
  const double tol = PIVOT_TOLERANCE * scale;
  int rank = 0;
  for (int j = 0; j < r; j++) {
    double *col = L + (size_t)j * r;
    const double pivot = diag[j];
    if (!(pivot > tol)) {
      for (int a = j; a < r; a++) col[a] = isnan(pivot) ? pivot : 0.0;
      continue;
    }
    const double ljj = sqrt(pivot);
    col[j] = ljj;
    rank++;
    const double inv = 1.0 / ljj;
    for (int a = j + 1; a < r; a++) {
      double v = omega[j * r + a];
      for (int m = 0; m < j; m++) v -= L[m * r + a] * L[m * r + j];
      const double l = v * inv;
      col[a] = l;
      diag[a] -= l * l;
    }
  }
  return rank;
}

/* `steps` steps; returns the steps done (fewer when a field or e is not finite) */
static long run(double *omega, double *L, double *z, double *u, double *g, int p, int k, double d, double gamma, double noise, long steps) {
  const int r = p + k;
  const double linear = gamma / (p * d), quadratic = (gamma * gamma) / ((double)p * p * d);
  const double sqrtNoise = sqrt(noise), invP = 1.0 / p, invK = 1.0 / k;
  for (long s = 0; s < steps; s++) {
    const int rank = cholesky(omega, L, u, r); /* u serves as the diagonal's scratch until the fields */
    fill_normals(z, r);
    const double zeta = normal();
    for (int a = 0; a < r; a++) {
      double v = 0;
      for (int m = 0; m <= a; m++) v += L[m * r + a] * z[m];
      u[a] = v;
    }
    double fieldSum = 0, teacher = 0, student = 0;
    for (int a = 0; a < r; a++) fieldSum += u[a];
    for (int t = 0; t < k; t++) teacher += 1.0 * sigma(u[p + t]);
    for (int j = 0; j < p; j++) student += 1.0 * sigma(u[j]);
    const double e = teacher * invK + sqrtNoise * zeta - student * invP;
    if (!isfinite(e)) fieldSum = e;
    for (int j = 0; j < p; j++) g[j] = e * 1.0 * sigma_prime(u[j]);
    const double free = d - rank;
    const double chi = free > 0 ? chi_square(free) : 0.0;
    double zz = 0;
    for (int a = 0; a < r; a++) if (L[a * r + a] > 0) zz += z[a] * z[a];
    const double X = (zz + chi) / d;
    if (!isfinite(fieldSum)) return s;
    for (int j = 0; j < p; j++) {
      const double gj = g[j], lj = u[j];
      double *row = omega + (size_t)j * r;
      for (int l = j; l < p; l++) row[l] = 1.0 * row[l] + (linear * (gj * u[l] + g[l] * lj) + quadratic * gj * g[l] * X);
      for (int t = 0; t < k; t++) row[p + t] = 1.0 * row[p + t] + linear * gj * u[p + t];
    }
  }
  return steps;
}

int main(int argc, char **argv) {
  if (argc != 13) {
    fprintf(stderr, "usage: %s omega.bin p k d gamma noise seed stream check-steps timed-steps rounds out.bin\n", argv[0]);
    return 2;
  }
  const int p = atoi(argv[2]), k = atoi(argv[3]), r = p + k;
  const double d = atof(argv[4]), gamma = atof(argv[5]), noise = atof(argv[6]);
  const uint64_t seed = strtoull(argv[7], 0, 10), stream = strtoull(argv[8], 0, 10);
  const long check = atol(argv[9]), timed = atol(argv[10]);
  const int rounds = atoi(argv[11]);
  double *omega = malloc(sizeof(double) * r * r), *L = malloc(sizeof(double) * r * r);
  double *z = malloc(sizeof(double) * r), *u = malloc(sizeof(double) * r), *g = malloc(sizeof(double) * p);
  FILE *in = fopen(argv[1], "rb");
  if (!in || fread(omega, sizeof(double), (size_t)r * r, in) != (size_t)r * r) { fprintf(stderr, "cannot read %s\n", argv[1]); return 1; }
  fclose(in);
  seed_rng(seed, stream);
  if (run(omega, L, z, u, g, p, k, d, gamma, noise, check) != check) { fprintf(stderr, "the chain diverged\n"); return 1; }
  FILE *out = fopen(argv[12], "wb");
  if (!out || fwrite(omega, sizeof(double), (size_t)r * r, out) != (size_t)r * r) { fprintf(stderr, "cannot write %s\n", argv[12]); return 1; }
  fclose(out);
  for (int i = 0; i < rounds; i++) {
    const double t0 = now();
    if (run(omega, L, z, u, g, p, k, d, gamma, noise, timed) != timed) { fprintf(stderr, "the chain diverged\n"); return 1; }
    printf("%.3f\n", (now() - t0) * 1e9 / timed);
  }
  return 0;
}
