// see: README.md (browser) — `sgd-phase serve`: the installed package serves its own explorer page (the built
// dist/web, a static site) on 127.0.0.1 with node:http, and prints its address; no clone, no Vite.
import { Command } from "commander";
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { fail, parseNumber } from "../options.js";
import { exitCodeOf } from "../interrupt.js";

/** The built page, beside the CLI in the package: dist/web. */
export const WEB_ROOT = fileURLToPath(new URL("../../web/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json; charset=utf-8",
};

/** A static server of `root` (GET and HEAD; / is index.html; nothing outside `root`). */
export function staticServer(root: string): Server {
  return createServer(async (request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    } catch {
      response.writeHead(400).end("bad request");
      return;
    }
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) {
      response.writeHead(403).end("forbidden");
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Content-Length": body.length, "Cache-Control": "no-cache" });
      response.end(request.method === "HEAD" ? undefined : body);
    } catch {
      response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found");
    }
  });
}

export function serveCommand(): Command {
  return new Command("serve")
    .description("serve the explorer page (the package's own dist/web) on 127.0.0.1 and print its address; Ctrl-C stops it")
    .option("--port <n>", "port (default 4173; 0: any free port)", parseNumber)
    .option("--host <address>", "address to listen on (default 127.0.0.1: this machine only)")
    .action(async (flags: { port?: number; host?: string }, command: Command) => {
      try {
        const port = flags.port ?? 4173;
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer in [0, 65535]; got ${flags.port}`);
        if (!existsSync(join(WEB_ROOT, "index.html"))) throw new Error(`the page is not built (${WEB_ROOT}index.html is missing): run \`npm run build\` in a clone`);
        const host = flags.host ?? "127.0.0.1";
        const server = staticServer(WEB_ROOT);
        await new Promise<void>((resolve, reject) => {
          server.once("error", (error: NodeJS.ErrnoException) =>
            reject(error.code === "EADDRINUSE" ? new Error(`--port ${port} is in use on ${host}: give another, or --port 0 for any free one`) : error),
          );
          server.listen(port, host, resolve);
        });
        const address = server.address();
        const actual = typeof address === "object" && address ? address.port : port;
        process.stdout.write(`sgd-phase explorer: http://${host.includes(":") ? `[${host}]` : host}:${actual}/ (Ctrl-C stops it)\n`);
        for (const signal of ["SIGINT", "SIGTERM"] as const) {
          process.removeAllListeners(signal);
          process.once(signal, () => {
            server.close(() => process.exit(exitCodeOf(signal)));
            server.closeAllConnections(); // a browser's kept-alive connections would hold close() open
          });
        }
      } catch (error) {
        fail(command, error);
      }
    });
}
