// see: README.md (browser) — Vega-Lite specs of src/plot.ts drawn into the page by vega (SVG renderer), and
// the inverse of a plot's scales (a click on the (κ, δ) plane gives κ and δ).
import * as vega from "vega";
import { compile } from "vega-lite";
import type { VegaLiteSpec } from "../plot.js";

/** A chart in an element: `draw` replaces its spec; the previous view is finalized. */
export class Chart {
  private view: vega.View | undefined;
  private drawing: Promise<void> = Promise.resolve();

  constructor(readonly element: HTMLElement) {}

  /** Draws `spec` (draws are serialised: the last one wins). */
  draw(spec: VegaLiteSpec): Promise<void> {
    this.drawing = this.drawing.then(async () => {
      const view = new vega.View(vega.parse(compile(spec as never).spec), { renderer: "svg", container: this.element, hover: true });
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
