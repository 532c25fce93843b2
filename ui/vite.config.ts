/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const backend = process.env.AIFLOW_BACKEND ?? "http://localhost:5000";
const proxied = ["/node", "/upload", "/image", "/parameters", "/healthcheck", "/help", "/api"];

export default defineConfig({
  plugins: [react()],
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
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
