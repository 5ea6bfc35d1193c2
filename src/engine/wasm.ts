// see: STYLE.md §9 — the binary source per environment, compiled once per build and cached.
// Node reads build/<name>.wasm next to this module (src/ and dist/ sit at the same depth); a browser
// fetches the same URL (bundlers such as Vite emit it as an asset). Instantiation uses asc's own raw bindings.
import { instantiate as instantiateSimd } from "../../build/simd.js";
import { instantiate as instantiateScalar } from "../../build/scalar.js";
import { instantiate as instantiateDebug } from "../../build/debug.js";

/** The three builds of assembly/: release SIMD (default), release scalar (benchmarks), debug (assertions). */
export type WasmBuild = "wasm-simd" | "wasm-scalar" | "wasm-debug";

/** The exports of every build (assembly/index.ts). */
export type WasmExports = Awaited<ReturnType<typeof instantiateSimd>>;

// the debug build's URL is computed, not a literal: bundlers (Vite) then leave it out of an app's assets, and the
// npm package does not ship it (a clone builds it: npm run asbuild:debug)
const DEBUG = "debug";
const BUILDS: Record<WasmBuild, { url: URL; instantiate: typeof instantiateDebug }> = {
  "wasm-simd": { url: new URL("../../build/simd.wasm", import.meta.url), instantiate: instantiateSimd },
  "wasm-scalar": { url: new URL("../../build/scalar.wasm", import.meta.url), instantiate: instantiateScalar },
  "wasm-debug": { url: new URL("../../build/" + DEBUG + ".wasm", import.meta.url), instantiate: instantiateDebug },
};

const modules = new Map<WasmBuild, Promise<WebAssembly.Module>>();

const isNode = typeof process !== "undefined" && process.versions?.node !== undefined;

async function compile(build: WasmBuild): Promise<WebAssembly.Module> {
  if (typeof WebAssembly === "undefined") {
    throw new Error("sgd-phase needs WebAssembly, which this JavaScript engine does not provide.");
  }
  const { url } = BUILDS[build];
  try {
    if (isNode) {
      // process.getBuiltinModule (Node ≥ 20.16) rather than a dynamic import: bundlers see no node: module here
      const { readFile } = process.getBuiltinModule("node:fs/promises") as typeof import("node:fs/promises");
      return await WebAssembly.compile(await readFile(url));
    }
    return await WebAssembly.compileStreaming(fetch(url));
  } catch (error) {
    if (build === "wasm-debug" && (error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(`the debug build (backend "wasm-debug") is not part of the npm package: in a clone of sgd-phase, npm run asbuild:debug builds it`);
    }
    if (build === "wasm-simd" && error instanceof WebAssembly.CompileError) {
      throw new Error(
        `this WebAssembly engine cannot compile the SIMD build (${error.message}); it needs WebAssembly SIMD ` +
          `(Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4). The backend "wasm-scalar" runs without it.`,
      );
    }
    throw error;
  }
}

/** The compiled module of `build` (compiled on first use; the promise is shared). */
export function compileBuild(build: WasmBuild): Promise<WebAssembly.Module> {
  let module = modules.get(build);
  if (module === undefined) {
    module = compile(build);
    modules.set(build, module);
    module.catch(() => modules.delete(build));
  }
  return module;
}

/** Seeds the cache with a module compiled elsewhere (a worker receives the main thread's modules). */
export function provideModule(build: WasmBuild, module: WebAssembly.Module): void {
  modules.set(build, Promise.resolve(module));
}

/** A fresh instance of `build`, with its own memory. */
export async function instantiateBuild(build: WasmBuild): Promise<WasmExports> {
  return BUILDS[build].instantiate(await compileBuild(build), { env: {} });
}
