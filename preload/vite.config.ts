// The preload is built on its own as CommonJS: Electron loads a sandboxed preload with
// require(), whatever the package's "type" says.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: fileURLToPath(new URL('../out/preload', import.meta.url)),
    emptyOutDir: false,
    minify: false,
    sourcemap: true,
    lib: {
      entry: fileURLToPath(new URL('./index.ts', import.meta.url)),
      formats: ['cjs'],
      fileName: () => 'index.cjs',
    },
    rollupOptions: { external: ['electron'] },
  },
});
