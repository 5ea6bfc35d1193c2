// see: STYLE.md §4 — the O(p·d) work of one SGD step, one source for the SIMD and the scalar build.
// ASC_FEATURE_SIMD is a compile-time constant: each build keeps one branch. Rows of the weight block are
// `row` doubles apart (row even, zero padding), so the f64x2 body needs no alignment fix-up; the scalar
// tail covers any odd length. The SIMD sums differ from the scalar ones only by the order of additions
// (even and odd indices accumulate in separate lanes).

/**
 * out[a] = scale · Σ_{j<n} U[a][j] x[j] for the `rows` rows of U: the local fields λ_a = u_a·x/√d.
 * Four rows share each load of x. Called once per SGD step on the p + k rows of [W; W*].
 */
export function fieldsCompute(U: usize, x: usize, out: usize, rows: i32, row: i32, n: i32, scale: f64): void {
  fieldsRows(U, x, out, rows, rows & ~3, row, n, scale);
}

/**
 * fieldsCompute's fields with its sums for any part of the block: rows a < `grouped` get the sums of the
 * four-row body (rowDot's), the rows after them those of `dot` — fieldsCompute on r rows is grouped = r & ~3,
 * and the fields of rows p.. of that block are fieldsRows from row p with grouped = (r & ~3) − p.
 */
export function fieldsRows(U: usize, x: usize, out: usize, rows: i32, grouped: i32, row: i32, n: i32, scale: f64): void {
  const stride = <usize>row << 3;
  let a = 0;
  for (; a + 4 <= grouped; a += 4) {
    const r0 = U + <usize>a * stride;
    const r1 = r0 + stride;
    const r2 = r1 + stride;
    const r3 = r2 + stride;
    let t0: f64 = 0, t1: f64 = 0, t2: f64 = 0, t3: f64 = 0;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      let v0 = f64x2.splat(0), v1 = f64x2.splat(0), v2 = f64x2.splat(0), v3 = f64x2.splat(0);
      for (; j + 2 <= n; j += 2) {
        const o = <usize>j << 3;
        const xv = v128.load(x + o);
        v0 = f64x2.add(v0, f64x2.mul(v128.load(r0 + o), xv));
        v1 = f64x2.add(v1, f64x2.mul(v128.load(r1 + o), xv));
        v2 = f64x2.add(v2, f64x2.mul(v128.load(r2 + o), xv));
        v3 = f64x2.add(v3, f64x2.mul(v128.load(r3 + o), xv));
      }
      t0 = f64x2.extract_lane(v0, 0) + f64x2.extract_lane(v0, 1);
      t1 = f64x2.extract_lane(v1, 0) + f64x2.extract_lane(v1, 1);
      t2 = f64x2.extract_lane(v2, 0) + f64x2.extract_lane(v2, 1);
      t3 = f64x2.extract_lane(v3, 0) + f64x2.extract_lane(v3, 1);
    }
    for (; j < n; j++) {
      const o = <usize>j << 3;
      const xj = load<f64>(x + o);
      t0 += load<f64>(r0 + o) * xj;
      t1 += load<f64>(r1 + o) * xj;
      t2 += load<f64>(r2 + o) * xj;
      t3 += load<f64>(r3 + o) * xj;
    }
    store<f64>(out + (<usize>a << 3), t0 * scale);
    store<f64>(out + (<usize>a << 3), t1 * scale, 8);
    store<f64>(out + (<usize>a << 3), t2 * scale, 16);
    store<f64>(out + (<usize>a << 3), t3 * scale, 24);
  }
  for (; a < rows; a++) {
    const u = U + <usize>a * stride;
    store<f64>(out + (<usize>a << 3), (a < grouped ? rowDot(u, x, n) : dot(u, x, n)) * scale);
  }
}

/**
 * Σ_{j<n} u[j] x[j] for one row, with the sums of fieldsCompute's four-row body (one f64x2 accumulator, its two
 * lanes added, then the odd tail): every row's field has the same bits whichever rows it is computed with.
 */
@inline function rowDot(u: usize, x: usize, n: i32): f64 {
  let t: f64 = 0;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    let v = f64x2.splat(0);
    for (; j + 2 <= n; j += 2) {
      const o = <usize>j << 3;
      v = f64x2.add(v, f64x2.mul(v128.load(u + o), v128.load(x + o)));
    }
    t = f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
  }
  for (; j < n; j++) t += load<f64>(u + (<usize>j << 3)) * load<f64>(x + (<usize>j << 3));
  return t;
}

/**
 * The SGD update of this sample and the fields of the next in one sweep over the rows (issue 16, item 2):
 *   U[a][j] ← s·U[a][j] + coef[a]·x[j]   (s = 1: U[a][j] + coef[a]·x[j]),
 *   out[a] = scale · Σ_j U[a][j] xNext[j]   with the updated row,
 * each row read and written once instead of read by fieldsCompute, then read and written by rowsScale and
 * rowsAxpy. Every operation is theirs, in their order, with fieldsRows's sums (`grouped` as there): the same
 * bits as rowsScale (when s ≠ 1), rowsAxpy, then fieldsCompute on xNext. Four rows share each load of x, xNext.
 */
export function rowsAxpyFields(U: usize, coef: usize, x: usize, xNext: usize, out: usize, rows: i32, grouped: i32, row: i32, n: i32, s: f64, scale: f64): void {
  const stride = <usize>row << 3;
  const scaled = s != 1.0;
  let a = 0;
  for (; a + 4 <= min(rows, grouped); a += 4) {
    const r0 = U + <usize>a * stride;
    const r1 = r0 + stride;
    const r2 = r1 + stride;
    const r3 = r2 + stride;
    const c0 = load<f64>(coef + (<usize>a << 3));
    const c1 = load<f64>(coef + (<usize>a << 3), 8);
    const c2 = load<f64>(coef + (<usize>a << 3), 16);
    const c3 = load<f64>(coef + (<usize>a << 3), 24);
    let t0: f64 = 0, t1: f64 = 0, t2: f64 = 0, t3: f64 = 0;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const w0 = f64x2.splat(c0), w1 = f64x2.splat(c1), w2 = f64x2.splat(c2), w3 = f64x2.splat(c3);
      let v0 = f64x2.splat(0), v1 = f64x2.splat(0), v2 = f64x2.splat(0), v3 = f64x2.splat(0);
      if (scaled) {
        const vs = f64x2.splat(s);
        for (; j + 2 <= n; j += 2) {
          const o = <usize>j << 3;
          const xv = v128.load(x + o);
          const xn = v128.load(xNext + o);
          const u0 = f64x2.add(f64x2.mul(v128.load(r0 + o), vs), f64x2.mul(w0, xv));
          const u1 = f64x2.add(f64x2.mul(v128.load(r1 + o), vs), f64x2.mul(w1, xv));
          const u2 = f64x2.add(f64x2.mul(v128.load(r2 + o), vs), f64x2.mul(w2, xv));
          const u3 = f64x2.add(f64x2.mul(v128.load(r3 + o), vs), f64x2.mul(w3, xv));
          v128.store(r0 + o, u0);
          v128.store(r1 + o, u1);
          v128.store(r2 + o, u2);
          v128.store(r3 + o, u3);
          v0 = f64x2.add(v0, f64x2.mul(u0, xn));
          v1 = f64x2.add(v1, f64x2.mul(u1, xn));
          v2 = f64x2.add(v2, f64x2.mul(u2, xn));
          v3 = f64x2.add(v3, f64x2.mul(u3, xn));
        }
      } else {
        for (; j + 2 <= n; j += 2) {
          const o = <usize>j << 3;
          const xv = v128.load(x + o);
          const xn = v128.load(xNext + o);
          const u0 = f64x2.add(v128.load(r0 + o), f64x2.mul(w0, xv));
          const u1 = f64x2.add(v128.load(r1 + o), f64x2.mul(w1, xv));
          const u2 = f64x2.add(v128.load(r2 + o), f64x2.mul(w2, xv));
          const u3 = f64x2.add(v128.load(r3 + o), f64x2.mul(w3, xv));
          v128.store(r0 + o, u0);
          v128.store(r1 + o, u1);
          v128.store(r2 + o, u2);
          v128.store(r3 + o, u3);
          v0 = f64x2.add(v0, f64x2.mul(u0, xn));
          v1 = f64x2.add(v1, f64x2.mul(u1, xn));
          v2 = f64x2.add(v2, f64x2.mul(u2, xn));
          v3 = f64x2.add(v3, f64x2.mul(u3, xn));
        }
      }
      t0 = f64x2.extract_lane(v0, 0) + f64x2.extract_lane(v0, 1);
      t1 = f64x2.extract_lane(v1, 0) + f64x2.extract_lane(v1, 1);
      t2 = f64x2.extract_lane(v2, 0) + f64x2.extract_lane(v2, 1);
      t3 = f64x2.extract_lane(v3, 0) + f64x2.extract_lane(v3, 1);
    }
    for (; j < n; j++) {
      const o = <usize>j << 3;
      const xj = load<f64>(x + o);
      const xn = load<f64>(xNext + o);
      const u0 = (scaled ? load<f64>(r0 + o) * s : load<f64>(r0 + o)) + c0 * xj;
      const u1 = (scaled ? load<f64>(r1 + o) * s : load<f64>(r1 + o)) + c1 * xj;
      const u2 = (scaled ? load<f64>(r2 + o) * s : load<f64>(r2 + o)) + c2 * xj;
      const u3 = (scaled ? load<f64>(r3 + o) * s : load<f64>(r3 + o)) + c3 * xj;
      store<f64>(r0 + o, u0);
      store<f64>(r1 + o, u1);
      store<f64>(r2 + o, u2);
      store<f64>(r3 + o, u3);
      t0 += u0 * xn;
      t1 += u1 * xn;
      t2 += u2 * xn;
      t3 += u3 * xn;
    }
    store<f64>(out + (<usize>a << 3), t0 * scale);
    store<f64>(out + (<usize>a << 3), t1 * scale, 8);
    store<f64>(out + (<usize>a << 3), t2 * scale, 16);
    store<f64>(out + (<usize>a << 3), t3 * scale, 24);
  }
  for (; a < rows; a++) {
    const r = U + <usize>a * stride;
    if (scaled) rowsScale(r, s, 1, row);
    rowsAxpy(r, coef + (<usize>a << 3), x, 1, row, n);
    store<f64>(out + (<usize>a << 3), (a < grouped ? rowDot(r, xNext, n) : dot(r, xNext, n)) * scale);
  }
}

/** Σ_{j<n} a[j] b[j] (overlaps, and the rows left over by fieldsCompute). */
export function dot(a: usize, b: usize, n: i32): f64 {
  let t: f64 = 0;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    let v0 = f64x2.splat(0), v1 = f64x2.splat(0);
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 3;
      v0 = f64x2.add(v0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
      v1 = f64x2.add(v1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    }
    const v = f64x2.add(v0, v1);
    t = f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
  }
  for (; j < n; j++) t += load<f64>(a + (<usize>j << 3)) * load<f64>(b + (<usize>j << 3));
  return t;
}

/**
 * U[a][j] += coef[a] · x[j] for the `rows` rows of U: the rank-1 SGD update of the student weights.
 * Four rows share each load of x. Called once per SGD step on the p rows of W.
 */
export function rowsAxpy(U: usize, coef: usize, x: usize, rows: i32, row: i32, n: i32): void {
  const stride = <usize>row << 3;
  let a = 0;
  for (; a + 4 <= rows; a += 4) {
    const r0 = U + <usize>a * stride;
    const r1 = r0 + stride;
    const r2 = r1 + stride;
    const r3 = r2 + stride;
    const c0 = load<f64>(coef + (<usize>a << 3));
    const c1 = load<f64>(coef + (<usize>a << 3), 8);
    const c2 = load<f64>(coef + (<usize>a << 3), 16);
    const c3 = load<f64>(coef + (<usize>a << 3), 24);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const w0 = f64x2.splat(c0), w1 = f64x2.splat(c1), w2 = f64x2.splat(c2), w3 = f64x2.splat(c3);
      for (; j + 2 <= n; j += 2) {
        const o = <usize>j << 3;
        const xv = v128.load(x + o);
        v128.store(r0 + o, f64x2.add(v128.load(r0 + o), f64x2.mul(w0, xv)));
        v128.store(r1 + o, f64x2.add(v128.load(r1 + o), f64x2.mul(w1, xv)));
        v128.store(r2 + o, f64x2.add(v128.load(r2 + o), f64x2.mul(w2, xv)));
        v128.store(r3 + o, f64x2.add(v128.load(r3 + o), f64x2.mul(w3, xv)));
      }
    }
    for (; j < n; j++) {
      const o = <usize>j << 3;
      const xj = load<f64>(x + o);
      store<f64>(r0 + o, load<f64>(r0 + o) + c0 * xj);
      store<f64>(r1 + o, load<f64>(r1 + o) + c1 * xj);
      store<f64>(r2 + o, load<f64>(r2 + o) + c2 * xj);
      store<f64>(r3 + o, load<f64>(r3 + o) + c3 * xj);
    }
  }
  for (; a < rows; a++) {
    const r = U + <usize>a * stride;
    const c = load<f64>(coef + (<usize>a << 3));
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const w = f64x2.splat(c);
      for (; j + 2 <= n; j += 2) {
        const o = <usize>j << 3;
        v128.store(r + o, f64x2.add(v128.load(r + o), f64x2.mul(w, v128.load(x + o))));
      }
    }
    for (; j < n; j++) {
      const o = <usize>j << 3;
      store<f64>(r + o, load<f64>(r + o) + c * load<f64>(x + o));
    }
  }
}

/**
 * U[a][j] *= s for the `rows` rows of U (whole rows: the zero padding stays zero). Elementwise, so both builds
 * give the same bits. Called once per SGD step with weight decay (s = 1 − γλ/(p d)).
 */
export function rowsScale(U: usize, s: f64, rows: i32, row: i32): void {
  const end = U + ((<usize>rows * <usize>row) << 3);
  let at = U;
  if (ASC_FEATURE_SIMD) {
    const vs = f64x2.splat(s);
    for (; at + 16 <= end; at += 16) v128.store(at, f64x2.mul(v128.load(at), vs));
  }
  for (; at < end; at += 8) store<f64>(at, load<f64>(at) * s);
}
