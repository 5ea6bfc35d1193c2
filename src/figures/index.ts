// see: README.md (the paper's figures) — the figures of `reproduce`, one file each (Figs 4 and 5 share
// green.ts), in the paper's numbering.
import { fig1 } from "./fig1.js";
import { fig2 } from "./fig2.js";
import { fig3 } from "./fig3.js";
import { greenCurves, greenFloors } from "./green.js";
import { fig6 } from "./fig6.js";
import { fig7 } from "./fig7.js";
import { fig8 } from "./fig8.js";
import { fig9 } from "./fig9.js";
import type { FigureDef } from "./types.js";

export const FIGURES: FigureDef[] = [
  fig1,
  fig2,
  fig3,
  greenCurves("fig4a", 0.5),
  greenFloors("fig4b", 0.5),
  greenCurves("fig5a", 0.25),
  greenFloors("fig5b", 0.25),
  fig6,
  fig7,
  fig8,
  fig9,
];
export const FIGURE_IDS = FIGURES.map((f) => f.id);
