// Vite config for the e2e server (e2e/harness.ts; the demo app has demo-app/vite.config.ts). Module workers
// ('es' format) so `new Worker(new URL('./worker-main.js', import.meta.url), { type: 'module' })`
// bundles the engine worker with no plugin; no COOP/COEP headers are needed (no SharedArrayBuffer).
import { defineConfig } from 'vite';

export default defineConfig({
  worker: { format: 'es' },
  server: { host: '127.0.0.1', strictPort: false, hmr: false },
  build: { target: 'es2022', sourcemap: true },
  logLevel: 'warn',
});
