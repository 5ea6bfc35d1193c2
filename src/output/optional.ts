// see: README.md (install) — the optional peer dependencies: vega and vega-lite (figures), @resvg/resvg-js (PNG),
// piscina (sweeps on worker threads). The solvers need none of them; what needs one loads it when used and,
// when it is not installed, says which package to install.

/** Whether `error` is the failure to resolve the package `name` (not an error inside it). */
export function isMissing(error: unknown, name: string): boolean {
  const e = error as NodeJS.ErrnoException;
  return (e?.code === "ERR_MODULE_NOT_FOUND" || e?.code === "MODULE_NOT_FOUND") && String(e.message).includes(name);
}

/** The error for a missing optional package: what needs it and the command that installs it. */
export function missingPackage(names: string[], what: string): Error {
  return new Error(`${what} needs the optional package${names.length > 1 ? "s" : ""} ${names.join(" and ")}, not installed here: npm install ${names.join(" ")}`);
}

const warned = new Set<string>();
/** One process warning per package and reason (a PNG skipped, sweeps in one thread). */
export function warnOnce(name: string, message: string): void {
  if (warned.has(name)) return;
  warned.add(name);
  process.emitWarning(message, { code: "SGD_PHASE_OPTIONAL" });
}
