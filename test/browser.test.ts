// The explorer page (src/web) built by `npm run build` into dist/web, served by Vite's preview server on
// 127.0.0.1 and driven in Debian's Chromium by playwright-core. The reference for every number the page shows
// is an independent run of the same options in Node (same seed ⇒ the same trajectory, bit for bit).
// Without /usr/bin/chromium the suite is skipped locally and fails under CI=true (.ci/run installs it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { CHROMIUM, servePage, type Served } from "./chromium.js";
import { simulate } from "../src/simulate.js";
import { solveOde } from "../src/ode.js";
import { phasePoint } from "../src/phase/phase.js";
import { odeOptions, RUN_DEFAULTS, simulateOptions, toQuery, type RunParams } from "../src/web/params.js";
import type { SimulationResult, OdeResult } from "../src/result.js";
import type { PlaneCell } from "../src/output/plot.js";
import type { WasmBuild } from "../src/engine/wasm.js";

const OUTPUT = "test-output";
const haveChromium = existsSync(CHROMIUM);

interface PageApi {
  ready: Promise<WasmBuild>;
  params(): RunParams;
  result(): { simulation: SimulationResult | null; ode: OdeResult | null };
  running(): Promise<void> | undefined;
  sweep(): PlaneCell[];
}
declare const window: { sgdPhase: PageApi };

it.runIf(process.env.CI && !haveChromium)("Chromium is installed for the browser tests (CI)", () => {
  expect.fail(`${CHROMIUM} is missing: .ci/run installs Debian's chromium (apt-get install -y chromium)`);
});

describe.skipIf(!haveChromium)("the explorer page in Chromium", () => {
  let served: Served;
  let base: string;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    served = await servePage();
    base = served.base;
  }, 60_000);

  afterAll(async () => {
    await served?.close();
  });

  /** A page at `query`, its console errors and uncaught exceptions collected. */
  async function open(query = "", init?: () => void): Promise<{ page: Page; errors: string[] }> {
    const page = await served.browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    if (init) await page.addInitScript(init);
    await page.goto(`${base}${query}`);
    return { page, errors };
  }

  /** Waits for the page's Wasm and for the run started last (if any) to finish. */
  async function settle(page: Page): Promise<void> {
    await page.evaluate(() => window.sgdPhase.ready);
    await page.waitForFunction(() => window.sgdPhase.running() !== undefined, null, { timeout: 30_000 });
    await page.evaluate(() => window.sgdPhase.running());
  }

  const small: RunParams = { ...RUN_DEFAULTS, d: 200, p: 4, k: 2, seed: 3, tMax: 20, points: 20 };

  function expectSameTrajectory(a: SimulationResult, b: SimulationResult) {
    for (const key of ["t", "samples", "risk", "Q", "M", "P", "status"] as const) expect(a[key], key).toEqual(b[key]);
    expect(a.params).toEqual(b.params);
  }

  it("loads without console errors, with the SIMD build, the four regions and the default parameters", async () => {
    const { page, errors } = await open();
    expect(await page.evaluate(() => window.sgdPhase.ready)).toBe("wasm-simd");
    expect(await page.isHidden("#banner")).toBe(true);
    // a run of the defaults on first load: the curve panel is never empty without a word
    await settle(page);
    expect(await page.textContent("#status")).toMatch(/^done: .* \(\w+, wasm-simd\)/);
    expect(await page.locator("#curve path[aria-roledescription='line mark']").count()).toBe(2);
    const plane = await page.textContent("#plane svg");
    for (const label of ["green (κ + δ > 0)", "blue line", "orange", "red"]) expect(plane).toContain(label);
    expect(await page.evaluate(() => window.sgdPhase.params())).toEqual(RUN_DEFAULTS);
    await page.screenshot({ path: `${OUTPUT}/browser-loaded.png` });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("runs the simulation and the ODE of a link bit for bit like Node, and draws them", async () => {
    const runs: RunParams[] = [
      { ...small, method: "direct" },
      { ...small, method: "chain" },
      // κ and δ ≠ 0: γ = γ0·d^−δ, p = round(d^κ) and the output times go through pow (src/engine/detmath.ts)
      { ...small, d: 300, size: "kappa", kappa: 0.25, delta: 0.3, seed: 5, tMax: 5, method: "chain" },
      // the extensions: ReLU students (Monte-Carlo Φ in the ODE), mini-batches, weight decay
      { ...small, gamma0: 1, activation: "relu", activationTeacher: "erf", batch: 2, weightDecay: 0.1, method: "chain" },
    ];
    for (const params of runs) {
      const method = params.method;
      const { page, errors } = await open(`?${toQuery(params)}`);
      await settle(page);
      const { simulation, ode } = await page.evaluate(() => window.sgdPhase.result());
      const node = await simulate(simulateOptions(params));
      expect(simulation!.params.method).toBe(method);
      expectSameTrajectory(simulation!, node);
      const nodeOde = await solveOde(odeOptions(params));
      expect(ode!.t).toEqual(nodeOde.t);
      expect(ode!.risk).toEqual(nodeOde.risk);
      expect(ode!.Q).toEqual(nodeOde.Q);
      // the curve: both series in the legend, the final overlaps in the table, the numbers in the status
      const curve = await page.textContent("#curve svg");
      expect(curve).toContain(`simulation (${method}, d = ${params.d}, seed ${params.seed})`);
      expect(curve).toContain("ODE (finite-d)");
      expect(await page.locator("#curve path[aria-roledescription='line mark']").count()).toBe(2);
      // the final overlaps as heat maps: one cell per entry, its value in the cell's description (hover)
      expect(await page.locator("#q-map path[aria-roledescription='rect mark'], #q-map path[role='graphics-symbol']").count()).toBeGreaterThan(0);
      const cells = await page.locator("#q-map [aria-roledescription='rect mark'] path, #q-map path[aria-roledescription='rect mark']").count();
      expect(cells).toBe(node.params.p * node.params.p);
      expect(await page.locator("#m-map [aria-roledescription='rect mark'] path, #m-map path[aria-roledescription='rect mark']").count()).toBe(node.params.p * node.params.k);
      expect(await page.textContent("#overlaps")).toContain(node.risk.at(-1)!.toExponential(4));
      expect(await page.textContent("#status")).toContain(`done: ${node.samples.at(-1)!.toLocaleString("en")} samples (${method}, wasm-simd)`);
      if (method === "direct") await page.screenshot({ path: `${OUTPUT}/browser-run.png` });
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it("sets κ and δ from a click on the plane, runs that point, and cancels it", async () => {
    const { page, errors } = await open();
    await page.evaluate(() => window.sgdPhase.ready);
    await page.fill("#run-form [name=tMax]", "100000"); // long enough to be still running when cancelled
    // aim at the tick labels κ = 0.5 (x axis) and δ = 0.0 (y axis)
    const xTick = await page.locator("#plane g[aria-label^='X-axis'] text", { hasText: /^0\.5$/ }).boundingBox();
    const yTick = await page.locator("#plane g[aria-label^='Y-axis'] text", { hasText: /^0\.0$/ }).boundingBox();
    await page.mouse.click(xTick!.x + xTick!.width / 2, yTick!.y + yTick!.height / 2);
    const params = await page.evaluate(() => window.sgdPhase.params());
    expect(params.size).toBe("kappa");
    expect(params.kappa).toBeCloseTo(0.5, 1);
    expect(Math.abs(params.delta)).toBeLessThan(0.05); // the label's centre, to a few pixels of a 2-unit axis
    expect(params.tMax).toBe(100000);
    expect(page.url()).toContain(`kappa=${params.kappa}`);
    await page.waitForFunction(() => /^simulating: t = /.test(document.querySelector("#status")!.textContent!), null, { timeout: 30_000 });
    expect(await page.isEnabled("#cancel")).toBe(true);
    await page.click("#cancel");
    await page.evaluate(() => window.sgdPhase.running());
    expect(await page.textContent("#status")).toMatch(/^cancelled/);
    expect(await page.isDisabled("#cancel")).toBe(true);
    // the page runs again after a cancel (the cancelled run's worker was replaced)
    await page.fill("#run-form [name=tMax]", "1");
    await page.uncheck("#run-form [name=ode]"); // the ODE at p = 32 takes seconds
    await page.click("#run");
    await page.waitForFunction(() => /^done: /.test(document.querySelector("#status")!.textContent!), null, { timeout: 30_000 });
    await page.screenshot({ path: `${OUTPUT}/browser-clicked.png` });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it("without WebAssembly SIMD, says so and runs the scalar build, equal to Node's wasm-scalar", async () => {
    const { page, errors } = await open(`?${toQuery({ ...small, method: "direct" })}`, () => {
      WebAssembly.validate = () => false; // what a browser without SIMD answers to the feature test
    });
    await settle(page);
    expect(await page.evaluate(() => window.sgdPhase.ready)).toBe("wasm-scalar");
    expect(await page.isVisible("#banner")).toBe(true);
    expect(await page.textContent("#banner")).toContain("has no SIMD");
    const { simulation } = await page.evaluate(() => window.sgdPhase.result());
    expectSameTrajectory(simulation!, await simulate({ ...simulateOptions({ ...small, method: "direct" }), backend: "wasm-scalar" }));
    await page.screenshot({ path: `${OUTPUT}/browser-no-simd.png` });
    expect(errors).toEqual([]);
    await page.close();

    const bare = await open("", () => {
      delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
    });
    await bare.page.waitForFunction(() => !document.querySelector("#banner")!.hasAttribute("hidden"));
    expect(await bare.page.textContent("#banner")).toContain("This browser has no WebAssembly");
    expect(await bare.page.isDisabled("#run")).toBe(true);
    await bare.page.close();
  }, 60_000);

  it("fills a small phase diagram with one worker per core, each point equal to Node's phasePoint", async () => {
    const { page, errors } = await open();
    await page.evaluate(() => window.sgdPhase.ready);
    const sweep = { d: "30", kappa: "0:1:2", delta: "-1:1:3", tEnd: "1", budget: "20000" };
    for (const [name, value] of Object.entries(sweep)) await page.fill(`#sweep-form [name=${name}]`, value);
    await page.click("#sweep");
    await page.waitForFunction(() => /^6 of 6 points/.test(document.querySelector("#sweep-status")!.textContent!), null, { timeout: 60_000 });
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(await page.textContent("#sweep-status")).toContain(`${cores} workers`);
    const cells = await page.evaluate(() => window.sgdPhase.sweep());
    expect(cells.map((c) => [c.kappa, c.delta])).toEqual([[0, -1], [0, 0], [0, 1], [1, -1], [1, 0], [1, 1]]);
    for (const cell of cells) {
      const node = await phasePoint({ d: 30, kappa: cell.kappa, delta: cell.delta, k: 1, gamma0: 1, noise: 1e-3, tEnd: 1, budget: 20000, samplesFixed: 20000, ode: false, points: 8 });
      expect(cell.value).toBe(Math.log10(node.riskEnd));
      expect(cell.flag).toBe(node.diverged ? "diverged" : node.budgetExhausted ? "budget" : undefined);
    }
    expect(await page.locator("#plane path[aria-roledescription='rect mark']").count()).toBe(6);
    await page.screenshot({ path: `${OUTPUT}/browser-sweep.png` });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("exports the run as JSON and CSV, and its link reproduces it", async () => {
    const { page, errors } = await open(`?${toQuery(small)}`);
    await settle(page);
    const { simulation, ode } = await page.evaluate(() => window.sgdPhase.result());
    const [json] = await Promise.all([page.waitForEvent("download"), page.click("#export-json")]);
    expect(json.suggestedFilename()).toBe("sgd-phase-d200-p4-k2-delta0-noise0.001-seed3.json");
    const saved = JSON.parse(readFileSync((await json.path())!, "utf8"));
    expect(saved.simulation).toEqual(simulation);
    expect(saved.ode).toEqual(ode);
    const [csv] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
    const lines = readFileSync((await csv.path())!, "utf8").trim().split("\n");
    expect(lines[0]).toBe("series,t,samples,risk");
    expect(lines).toHaveLength(1 + simulation!.t.length + ode!.t.length);
    const last = lines[simulation!.t.length].split(",");
    expect(last).toEqual(["simulation", String(simulation!.t.at(-1)), String(simulation!.samples.at(-1)), String(simulation!.risk.at(-1))]);
    const link = await page.inputValue("#share-link");
    expect(link).toBe(page.url());
    await page.close();

    const again = await open(link.slice(base.length));
    await settle(again.page);
    expect(await again.page.evaluate(() => window.sgdPhase.params())).toEqual(small);
    expectSameTrajectory((await again.page.evaluate(() => window.sgdPhase.result())).simulation!, simulation!);
    expect([...errors, ...again.errors]).toEqual([]);
    await again.page.close();
  }, 60_000);

  /** Pairs of an axis's tick labels whose boxes overlap (none when labels are readable). */
  async function collidingLabels(page: Page, chart: string): Promise<string[]> {
    return page.evaluate((selector) => {
      const out: string[] = [];
      for (const axis of document.querySelectorAll(`${selector} g[aria-roledescription='axis']`)) {
        const labels = [...axis.querySelectorAll("g[class*='labels'] text, text")].filter((t) => (t as SVGTextElement).getAttribute("opacity") !== "0" && t.textContent);
        const boxes = labels.map((t) => ({ text: t.textContent!, box: t.getBoundingClientRect() }));
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const [a, b] = [boxes[i].box, boxes[j].box];
            if (a.width > 0 && b.width > 0 && a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) out.push(`${boxes[i].text}|${boxes[j].text}`);
          }
        }
      }
      return out;
    }, chart);
  }

  for (const viewport of [{ width: 1400, height: 900 }, { width: 390, height: 844 }]) {
    it(`fits a ${viewport.width}×${viewport.height} screen: no sideways scroll, readable ticks, whole legends, heat maps`, async () => {
      const page = await served.browser.newPage({ viewport });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${base}?${toQuery({ ...small, method: "chain" })}`);
      await settle(page);
      // a sweep, so the plane has its value and flag legends too
      for (const [name, value] of Object.entries({ d: "30", kappa: "0:1:2", delta: "-2:1:4", tEnd: "1", budget: "20000" })) await page.fill(`#sweep-form [name=${name}]`, value);
      await page.click("#sweep");
      await page.waitForFunction(() => /^8 of 8 points/.test(document.querySelector("#sweep-status")!.textContent!), null, { timeout: 60_000 });
      await page.waitForTimeout(300);
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: document.documentElement.clientWidth }));
      expect(widths.scroll, "no horizontal scroll").toBeLessThanOrEqual(widths.view);
      // every input inside the screen
      const outside = await page.evaluate(() => [...document.querySelectorAll("input, select, button")].filter((e) => (e as HTMLElement).offsetParent !== null && e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).map((e) => (e as HTMLInputElement).name || e.id));
      expect(outside).toEqual([]);
      expect(await collidingLabels(page, "#curve")).toEqual([]);
      expect(await collidingLabels(page, "#plane")).toEqual([]);
      // legends whole (vega ends a clipped label with "…")
      const legendText = await page.evaluate(() => [...document.querySelectorAll("[aria-roledescription='legend'] text")].map((t) => t.textContent!));
      expect(legendText.filter((t) => t.endsWith("…"))).toEqual([]);
      expect(legendText.join(" ")).toContain("budget used up");
      // the charts inside their panels
      for (const chart of ["#curve", "#plane"]) {
        const [svg, panel] = await page.evaluate((c) => [document.querySelector(`${c} svg`)!.getBoundingClientRect().width, document.querySelector(c)!.getBoundingClientRect().width], chart);
        expect(svg, chart).toBeLessThanOrEqual(panel + 1);
      }
      expect(await page.locator("#q-map svg").count()).toBe(1);
      await page.screenshot({ path: `${OUTPUT}/browser-${viewport.width}x${viewport.height}.png`, fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);
  }

  it("says when the ODE is not drawn and why; keeps invalid values out of the title and the link; bounds tMax", async () => {
    const red = { ...small, size: "kappa" as const, kappa: 0, delta: -0.75, tMax: 2, method: "direct" as const, ode: true };
    const { page, errors } = await open(`?${toQuery(red)}`);
    await settle(page);
    expect(await page.isVisible("#curve-note")).toBe(true);
    expect(await page.textContent("#curve-note")).toContain("No ODE: the ODE does not exist in the red region");
    await page.uncheck("#run-form [name=ode]");
    await page.fill("#run-form [name=delta]", "0");
    await page.click("#run");
    await settle(page);
    expect(await page.textContent("#curve-note")).toBe("No ODE: “with the ODE” is off.");
    const title = await page.textContent("#curve svg [aria-roledescription='title'], #curve svg .role-title");
    const link = await page.inputValue("#share-link");
    // d = −5: refused before anything is drawn or linked
    await page.fill("#run-form [name=d]", "-5");
    await page.click("#run");
    await page.waitForFunction(() => document.querySelector("#status")!.classList.contains("error"));
    expect(await page.textContent("#status")).toMatch(/`d` must be a positive integer/);
    expect(await page.getAttribute("#run-form [name=d]", "aria-invalid")).toBe("true");
    expect(await page.textContent("#curve svg [aria-roledescription='title'], #curve svg .role-title")).toBe(title);
    expect(await page.inputValue("#share-link")).toBe(link);
    expect(page.url()).not.toContain("d=-5");
    await page.close();
    // a link with tMax = 1e300: refused like the CLI refuses the simulation, and no ODE drawn to 1e300
    const huge = await open(`?${toQuery({ ...small, tMax: 1e300 })}`);
    await huge.page.evaluate(() => window.sgdPhase.ready);
    await huge.page.waitForFunction(() => document.querySelector("#status")!.classList.contains("error"));
    expect(await huge.page.textContent("#status")).toMatch(/`tMax`/);
    expect(await huge.page.evaluate(() => window.sgdPhase.result())).toEqual({ simulation: null, ode: null });
    expect([...errors, ...huge.errors]).toEqual([]);
    await huge.page.close();
  }, 90_000);

  it("names the parameter and the rule for bad input, from the link and from the solver", async () => {
    const { page } = await open("?d=abc&p=4");
    await page.evaluate(() => window.sgdPhase.ready);
    expect(await page.textContent("#status")).toContain('d must be a finite number (got "abc")');
    await page.fill("#run-form [name=d]", "200");
    await page.fill("#run-form [name=k]", "0");
    await page.click("#run");
    await page.waitForFunction(() => document.querySelector("#status")!.classList.contains("error"));
    expect(await page.textContent("#status")).toMatch(/\bk\b.*(positive|≥ 1|at least)/);
    expect(await page.getAttribute("#run-form [name=k]", "aria-invalid")).toBe("true");
    await page.close();
  }, 60_000);
});
