// see: src/shared/layout.ts — the header of the one flat buffer; slots are read once per exported call.

/** Byte address of the header: the first 16-byte boundary after AssemblyScript's static data. */
export function headerPtr(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** Scalar in header slot `s`. */
@inline export function slot(s: i32): f64 {
  return load<f64>(headerPtr() + (<usize>s << 3));
}

/** Byte address stored in header slot `s`. */
@inline export function slotPtr(s: i32): usize {
  return <usize>load<f64>(headerPtr() + (<usize>s << 3));
}

/** Writes `v` into header slot `s`. */
@inline export function setSlot(s: i32, v: f64): void {
  store<f64>(headerPtr() + (<usize>s << 3), v);
}
