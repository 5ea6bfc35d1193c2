// see: src/layout.ts — region offsets of the flat buffer for given (d, p, k), computed once per run.
import { HEADER_SLOTS, Slot } from "./layout.js";

/** Byte addresses of the regions (16-byte aligned) and the total size, for one (d, p, k). */
export interface Layout {
  d: number;
  p: number;
  k: number;
  /** row stride of the weights in doubles (d rounded up to even) */
  row: number;
  header: number;
  rng: number;
  W: number;
  Wstar: number;
  x: number;
  fields: number;
  coef: number;
  Q: number;
  M: number;
  P: number;
  /** first byte after the buffer */
  end: number;
}

/** Largest buffer a wasm32 memory can hold: 65536 pages of 64 KiB. */
export const MAX_MEMORY_BYTES = 65536 * 65536;

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Layout of the buffer for (d, p, k) with the header at byte address `header`. */
export function layoutOf(d: number, p: number, k: number, header: number): Layout {
  const row = d + (d % 2);
  let at = align16(header + HEADER_SLOTS * 8);
  const take = (doubles: number) => {
    const start = at;
    at = align16(at + doubles * 8);
    return start;
  };
  const rng = take(4);
  const W = take(p * row);
  const Wstar = take(k * row);
  const x = take(row);
  const fields = take(p + k);
  const coef = take(p);
  const Q = take(p * p);
  const M = take(p * k);
  const P = take(k * k);
  return { d, p, k, row, header, rng, W, Wstar, x, fields, coef, Q, M, P, end: at };
}

/** Bytes the buffer needs for (d, p, k), excluding Wasm static data (for the memory check). */
export function bufferBytes(d: number, p: number, k: number): number {
  return layoutOf(d, p, k, 0).end;
}

/** Writes the sizes and region addresses of `layout` into the header (the rest of the header is zero). */
export function writeLayout(f64: Float64Array, layout: Layout): void {
  const h = layout.header / 8;
  f64.fill(0, h, h + HEADER_SLOTS);
  f64[h + Slot.D] = layout.d;
  f64[h + Slot.P] = layout.p;
  f64[h + Slot.K] = layout.k;
  f64[h + Slot.ROW] = layout.row;
  f64[h + Slot.RNG_PTR] = layout.rng;
  f64[h + Slot.W_PTR] = layout.W;
  f64[h + Slot.WSTAR_PTR] = layout.Wstar;
  f64[h + Slot.X_PTR] = layout.x;
  f64[h + Slot.FIELDS_PTR] = layout.fields;
  f64[h + Slot.COEF_PTR] = layout.coef;
  f64[h + Slot.Q_PTR] = layout.Q;
  f64[h + Slot.M_PTR] = layout.M;
  f64[h + Slot.P_PTR] = layout.P;
}
