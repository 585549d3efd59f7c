// Builds the renderer for both homes it has: Electron loads out/renderer/index.html from file://,
// and the headless HTTP server serves the same folder at `/`. Hence relative asset URLs.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dev server needs an inline script (React Refresh's preamble) and Vite's own WebSocket, which
 * the strict CSP in index.html forbids. Loosen it for `vite dev` only; builds keep it strict.
 */
function devContentSecurityPolicy(): Plugin {
  return {
    name: 'relaydesk-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");
    },
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), devContentSecurityPolicy()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    sourcemap: true,
    // the web's 500 kB hint is for pages fetched over a network: this one comes from the disk or
    // loopback, and what it costs is measured where it matters, the first list paint
    // (bench/list-render.js, under 1 s at 100,000 messages)
    chunkSizeWarningLimit: 640,
  },
  server: {
    // `vite --config renderer/vite.config.ts` against a running `relaydesk serve`
    proxy: {
      '/api': {
        target: process.env.RELAYDESK_URL ?? 'http://127.0.0.1:8025',
        ws: true,
      },
    },
  },
});
