// see: README.md (browser) — builds the explorer page (src/web) into dist/web: a static site whose workers
// and Wasm builds are hashed assets. `npm run serve` (sgd-phase serve) serves it on 127.0.0.1.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const repo = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  // quiet builds; `vite preview` (this config) prints the page's address
  logLevel: process.argv.includes("preview") ? "info" : "warn",
  build: { outDir: `${repo}dist/web`, emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 2000 },
  worker: { format: "es" },
  server: { host: "127.0.0.1", port: 4173, fs: { allow: [repo] } },
  preview: { host: "127.0.0.1", port: 4173, strictPort: false },
});
