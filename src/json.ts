// Canonical JSON: the identity of a job's options (sweep lines, figure jobs, seed twins).

/** JSON with object keys sorted at every level: equal options give equal keys. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}
