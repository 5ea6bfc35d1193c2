// see: README.md (browser) — Vega-Lite specs of src/output/plot.ts drawn into the page by vega (SVG renderer), and
// the inverse of a plot's scales (a click on the (κ, δ) plane gives κ and δ).
import * as vega from "vega";
import { compile } from "vega-lite";
import type { VegaLiteSpec } from "../output/plot.js";

/** A chart in an element: `draw` replaces its spec; the previous view is finalized. */
export class Chart {
  private view: vega.View | undefined;
  private drawing: Promise<void> = Promise.resolve();

  private fit = true;

  constructor(readonly element: HTMLElement) {
    // a new width (a rotated phone, a resized window) redraws the last spec
    let width = element.clientWidth;
    let pending: ReturnType<typeof setTimeout> | undefined;
    new ResizeObserver(() => {
      if (element.clientWidth === width || !this.last) return;
      width = element.clientWidth;
      clearTimeout(pending);
      pending = setTimeout(() => void this.draw(this.last!, this.fit), 150);
    }).observe(element);
  }

  private last: VegaLiteSpec | undefined;

  /**
   * Draws `spec` (draws are serialised: the last one wins). With `fit`, the chart takes its container's width,
   * axes and legends included (legends go below it on a narrow screen); axis labels that would collide are
   * thinned out.
   */
  draw(spec: VegaLiteSpec, fit = true): Promise<void> {
    this.last = spec;
    this.fit = fit;
    this.drawing = this.drawing.then(async () => {
      const width = Math.max(220, Math.floor(this.element.clientWidth || 400));
      const narrow = width < 560;
      const config = { ...((spec.config as object) ?? {}), axis: { labelOverlap: "greedy", labelSeparation: 6, labelFlush: true }, legend: { ...((spec.config as { legend?: object })?.legend ?? {}), labelLimit: 0, ...(narrow ? { orient: "bottom", direction: "vertical" } : {}) } };
      const sized = fit ? { ...spec, width, autosize: { type: "fit-x", contains: "padding" }, config } : { ...spec, config };
      const view = new vega.View(vega.parse(compile(sized as never).spec), { renderer: "svg", container: this.element, hover: true });
      await view.runAsync();
      this.view?.finalize();
      this.view = view;
    });
    return this.drawing;
  }

  /** The data coordinates (x, y scales) of a pointer event on the chart, or undefined outside the plot area. */
  dataAt(event: MouseEvent): { x: number; y: number } | undefined {
    const view = this.view;
    if (!view) return undefined;
    const svg = this.element.querySelector("svg");
    if (!svg) return undefined;
    const box = svg.getBoundingClientRect();
    const [ox, oy] = view.origin();
    const px = event.clientX - box.left - ox;
    const py = event.clientY - box.top - oy;
    if (px < 0 || py < 0 || px > view.width() || py > view.height()) return undefined;
    return { x: view.scale("x").invert(px), y: view.scale("y").invert(py) };
  }
}
