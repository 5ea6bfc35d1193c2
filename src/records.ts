// see: README.md (output for pipes) — a result as records: one row per output time (or point, or check) under
// single-token column names, values at full precision; the CSV, TSV and JSON-lines texts of the CLI and of
// the files it writes all come from here.

/** One value of a record: numbers at full precision, an empty cell as null. */
export type Cell = string | number | boolean | null;

/** Columns (single tokens: letters, digits, _) and rows of values, one per column. */
export interface Records {
  columns: string[];
  rows: Cell[][];
}

/** A CSV (sep ",") or TSV (sep "\t") field: quoted (RFC 4180) when it holds the separator, a quote or a line break. */
function field(value: Cell, sep: string): string {
  if (value === null) return "";
  const text = String(value);
  if (sep === "\t") return text.replace(/[\t\r\n]+/g, " ");
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The records as CSV (sep ",") or TSV (sep "\t"): a header line, then one line per row. */
export function* delimited(records: Records, sep: "," | "\t" = ","): Generator<string> {
  yield `${records.columns.map((c) => field(c, sep)).join(sep)}\n`;
  for (const row of records.rows) yield `${row.map((v) => field(v, sep)).join(sep)}\n`;
}

/** The records as JSON lines: one object per row, keyed by column. */
export function* jsonLines(records: Records): Generator<string> {
  for (const row of records.rows) yield `${JSON.stringify(Object.fromEntries(records.columns.map((c, i) => [c, row[i]])))}\n`;
}

/** The whole of a generator of chunks, as one string. */
export function joined(chunks: Iterable<string>): string {
  let text = "";
  for (const chunk of chunks) text += chunk;
  return text;
}
