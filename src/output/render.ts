// see: README.md (figures) — headless rendering of the Vega-Lite specs of plot.ts in Node: SVG by vega,
// PNG by resvg, and the three files of a figure.
import { makeDirectory, writeAtomic } from "../jobs/files.js";
import { join } from "node:path";
import type { VegaLiteSpec } from "./plot.js";
import { isMissing, missingPackage, warnOnce } from "./optional.js";

/** Fails at once, naming the packages to install, when vega and vega-lite (optional) are missing: call before long work. */
export async function checkRenderer(): Promise<void> {
  await Promise.all([import("vega"), import("vega-lite")]).catch((error) => {
    if (isMissing(error, "vega")) throw missingPackage(["vega", "vega-lite"], "drawing figures (SVG)");
    throw error;
  });
}

/** SVG of a Vega-Lite spec, rendered headless by vega. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]).catch((error) => {
    if (isMissing(error, "vega")) throw missingPackage(["vega", "vega-lite"], "drawing figures (SVG)");
    throw error;
  });
  const compiled = vegaLite.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/**
 * The SVG cut to its drawn content (plus a margin). Vega sizes the canvas from estimated text widths (0.8 em
 * per character without a canvas library, about 45% wider than DejaVu Sans), which leaves a blank band right
 * of long titles, and it may let a subtitle run past the canvas; resvg measures the real content. Unchanged when
 * resvg is unavailable.
 */
export async function trimSvg(svg: string, margin = 8): Promise<string> {
  const root = /^<svg([^>]*) width="([\d.]+)" height="([\d.]+)" viewBox="0 0 ([\d.]+) ([\d.]+)">(<rect width="[\d.]+" height="[\d.]+" fill="white"\/>)?/.exec(svg);
  if (!root) return svg;
  try {
    const { Resvg } = await import("@resvg/resvg-js");
    const box = new Resvg(svg.replace(root[6] ?? "", ""), { font: { loadSystemFonts: true } }).innerBBox();
    if (!box || !(box.width > 0)) return svg;
    // wider when a title runs past vega's canvas, narrower when vega over-estimated its text
    const width = Math.ceil(Math.max(0, box.x) + box.width + margin);
    const height = Math.ceil(Math.max(0, box.y) + box.height + margin);
    const background = root[6] ? `<rect width="${width}" height="${height}" fill="white"/>` : "";
    return `<svg${root[1]} width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${background}${svg.slice(root[0].length)}`;
  } catch {
    return svg;
  }
}

/**
 * PNG of an SVG by resvg (a maintained Rust renderer with prebuilt binaries); undefined when it is not installed
 * (one process warning says so) or has no binary for this platform.
 */
export async function renderPng(svg: string): Promise<Uint8Array | undefined> {
  let Resvg: typeof import("@resvg/resvg-js").Resvg;
  try {
    ({ Resvg } = await import("@resvg/resvg-js"));
  } catch (error) {
    warnOnce("@resvg/resvg-js", `${isMissing(error, "@resvg/resvg-js") ? missingPackage(["@resvg/resvg-js"], "a PNG beside each SVG").message : `@resvg/resvg-js cannot load here (${(error as Error).message})`}; the figures are written as SVG only`);
    return undefined;
  }
  return new Resvg(svg, { background: "white", fitTo: { mode: "zoom", value: 2 } }).render().asPng();
}

/** Writes <name>.vl.json (the spec), <name>.svg and, when possible, <name>.png into `dir`; returns the paths. */
export async function writeFigure(dir: string, name: string, spec: VegaLiteSpec): Promise<string[]> {
  await makeDirectory(dir, "--out-dir");
  const svg = await trimSvg(await renderSvg(spec));
  const files = [join(dir, `${name}.vl.json`), join(dir, `${name}.svg`)];
  await writeAtomic(files[0], `${JSON.stringify(spec)}\n`);
  await writeAtomic(files[1], svg);
  const png = await renderPng(svg);
  if (png) {
    files.push(join(dir, `${name}.png`));
    await writeAtomic(files[2], png);
  }
  return files;
}
