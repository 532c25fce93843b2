/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

const backend = process.env.AIFLOW_BACKEND ?? "http://localhost:5000";
const proxied = ["/node/", "/upload", "/image", "/parameters", "/healthcheck", "/help", "/api"];
const ENTRY = fileURLToPath(new URL("./src/main.tsx", import.meta.url));

type ModuleInfo = { importedIds: readonly string[] } | null;

/** The modules the entry imports statically (the first load), computed once per build. */
let firstLoad: Set<string> | null = null;
function staticImports(info: (id: string) => ModuleInfo): Set<string> {
  const seen = new Set<string>();
  const stack = [ENTRY];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(info(id)?.importedIds ?? []));
  }
  return seen;
}
const forgetFirstLoad: Plugin = { name: "aiflow-first-load", buildStart: () => { firstLoad = null; } };

export default defineConfig({
  // Fast Refresh is React's own runtime, which does not drive Preact: in `npm run dev` an edit reloads the page
  plugins: [react({ refreshExclude: /./ }), forgetFirstLoad],
  resolve: {
    // React's API, run by Preact (docs/ui.md "First load"): React DOM alone weighed 58 of the 150 KB allowed
    alias: [
      { find: /^react$/, replacement: "preact/compat" },
      { find: /^react-dom$/, replacement: "preact/compat" },
      { find: /^react-dom\/client$/, replacement: "preact/compat/client" },
      { find: /^react\/jsx-runtime$/, replacement: "preact/compat/jsx-runtime" },
      { find: /^react\/jsx-dev-runtime$/, replacement: "preact/compat/jsx-dev-runtime" },
    ],
  },
  server: {
    port: 5173,
    proxy: {
      "/socket.io": { target: backend, ws: true, changeOrigin: true },
      ...Object.fromEntries(proxied.map((path) => [path, { target: backend, changeOrigin: true }])),
    },
  },
  build: {
    outDir: "dist",
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      output: {
        // the first load in one chunk ("app"): left alone, rolldown splits off every module a lazy part shares with
        // the first screen, and a dozen small files compress worse than one (docs/ui.md "First load")
        codeSplitting: {
          groups: [{ name: (id, ctx) => ((firstLoad ??= staticImports((m) => ctx.getModuleInfo(m))).has(id) ? "app" : null) }],
        },
      },
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
