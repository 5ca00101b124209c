/**
 * The web UI's build: React + Vite into web/dist, which the clinical server
 * serves (src/server/clinical/web-ui.ts). The root is the folder the build is
 * started for (`vite build web`, or `root: 'web'` from src/cli/web-build.ts).
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Nothing inlined: the server's Content-Security-Policy allows scripts, styles and images from 'self' only.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    // Development (`npx vite web`): the clinical API of `./northstation serve --synthetic` on 8081.
    proxy: { '/api': 'http://127.0.0.1:8081', '/fhir': 'http://127.0.0.1:8081', '/docs': 'http://127.0.0.1:8081' },
  },
});
