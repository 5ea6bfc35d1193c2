// Issue 15: `sgd-phase serve` serves the package's own explorer page (dist/web) on 127.0.0.1 with node:http:
// the page, its Wasm as application/wasm, nothing outside dist/web, a clear error for a port in use.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { request } from "node:http";
import { cli, repoPath } from "./helpers.js";

/** Starts `serve` with `args`; resolves with its address once printed, and the child. */
function serve(args: string[]) {
  const child = spawn(process.execPath, [repoPath("dist/cli/main.js"), "serve", ...args]);
  const exited = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
  const address = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (b) => {
      out += b;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve(m[0]);
    });
    child.on("exit", () => reject(new Error(`serve exited: ${out}`)));
  });
  return { child, exited, address };
}

/** A raw GET of `path` (not normalised by a URL parser). */
const rawGet = (base: string, path: string) =>
  new Promise<number>((resolve, reject) => {
    const u = new URL(base);
    const req = request({ host: u.hostname, port: u.port, path, method: "GET" }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("error", reject);
    req.end();
  });

describe("sgd-phase serve", () => {
  it("serves the page and its Wasm, nothing outside dist/web, and stops on Ctrl-C", async () => {
    const s = serve(["--port", "0"]);
    const base = await s.address;
    const page = await fetch(base);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<html/i);
    const wasm = readdirSync(repoPath("dist/web/assets")).find((f) => f.startsWith("simd") && f.endsWith(".wasm"))!;
    const w = await fetch(`${base}assets/${wasm}`);
    expect(w.status).toBe(200);
    expect(w.headers.get("content-type")).toBe("application/wasm");
    expect(WebAssembly.validate(new Uint8Array(await w.arrayBuffer()), { simd: true } as never)).toBe(true);
    expect((await fetch(`${base}assets/none.js`)).status).toBe(404);
    for (const path of ["/../package.json", "/..%2f..%2fpackage.json", "/assets/../../../package.json"]) expect(await rawGet(base, path)).not.toBe(200);
    expect((await fetch(base, { method: "POST" })).status).toBe(405);
    s.child.kill("SIGINT");
    expect(await s.exited).toBe(130);
  }, 30_000);

  it("a port in use is named, with the way out", async () => {
    const s = serve(["--port", "0"]);
    const port = new URL(await s.address).port;
    const again = await cli(["serve", "--port", port]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(new RegExp(`--port ${port} is in use on 127.0.0.1: give another, or --port 0`));
    expect((await cli(["serve", "--port", "70000"])).stderr).toMatch(/--port must be an integer in \[0, 65535\]; got 70000/);
    s.child.kill("SIGTERM");
    expect(await s.exited).toBe(143);
  }, 30_000);
});
