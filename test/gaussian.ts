// A seeded Gaussian generator independent of the project's (mulberry32 + Box–Muller), and correlated
// Gaussian vectors by Cholesky: the Monte-Carlo references of the tests.

/** Standard normals from a 32-bit seed. */
export function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Lower Cholesky factor of a symmetric positive-definite matrix. */
export function cholesky(C: number[][]): number[][] {
  const n = C.length;
  const L = C.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let s = C[j][j];
    for (let m = 0; m < j; m++) s -= L[j][m] ** 2;
    L[j][j] = Math.sqrt(s);
    for (let i = j + 1; i < n; i++) {
      let v = C[i][j];
      for (let m = 0; m < j; m++) v -= L[i][m] * L[j][m];
      L[i][j] = v / L[j][j];
    }
  }
  return L;
}

/** A random symmetric positive-definite n×n matrix: G Gᵀ/n·scale + ridge·I with Gaussian G. */
export function randomCovariance(g: () => number, n: number, scale = 1, ridge = 0.05): number[][] {
  const G = Array.from({ length: n }, () => Array.from({ length: n + 2 }, g));
  return G.map((a, i) => G.map((b, j) => (scale * a.reduce((s, v, m) => s + v * b[m], 0)) / n + (i === j ? ridge : 0)));
}

/** Mean and standard error of f(u) over `samples` draws of u ~ N(0, C). */
export function monteCarlo(C: number[][], f: (u: number[]) => number, samples: number, seed: number): { mean: number; se: number } {
  const g = gaussian(seed);
  const L = cholesky(C);
  const n = C.length;
  const z = new Array<number>(n);
  const u = new Array<number>(n);
  let sum = 0;
  let sum2 = 0;
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < n; i++) z[i] = g();
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let m = 0; m <= i; m++) v += L[i][m] * z[m];
      u[i] = v;
    }
    const v = f(u);
    sum += v;
    sum2 += v * v;
  }
  const mean = sum / samples;
  return { mean, se: Math.sqrt((sum2 / samples - mean * mean) / samples) };
}
