/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// The backend that `npm run dev` forwards API calls to.
const backend = process.env.BACKEND_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [solid()],
  server: {
    proxy: {
      '/api': backend,
      '/healthz': backend,
    },
  },
  build: {
    target: 'es2022',
    // Hashed file names under assets/ let the backend cache them forever.
    assetsDir: 'assets',
  },
  test: {
    environment: 'jsdom',
    // Bazel's sandbox has a read-only node_modules; keep caches elsewhere.
    cache: false,
  },
});
