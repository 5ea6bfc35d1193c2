// Shared by test/browser.test.ts and bench/browser.bench.ts: the built page (dist/web) served by the package's
// own server (`sgd-phase serve`: src/cli/commands/serve.ts) on 127.0.0.1 (a free port) and Debian's Chromium
// driven by playwright-core, headless, with the flags of ../shared/docs/TOOLCHAIN.md §5.
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { staticServer } from "../src/cli/commands/serve.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

export interface Served {
  server: Server;
  browser: Browser;
  /** the page's URL (ends with /) */
  base: string;
  close(): Promise<void>;
}

/** Serves dist/web and launches Chromium; throws with the command that fixes a missing piece. */
export async function servePage(): Promise<Served> {
  if (!existsSync("dist/web/index.html")) throw new Error("dist/web is missing: build it with `npm run build` (or `npm run build:web`)");
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  const server = staticServer(fileURLToPath(new URL("../dist/web/", import.meta.url)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  return {
    server,
    browser,
    base,
    async close() {
      await browser.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
