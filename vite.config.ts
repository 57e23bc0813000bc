import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app: a React single-page app in web/, built to dist/web, which the server serves
 * (with a fallback to index.html for client-side routes). `npm run dev:web` proxies the API to a
 * server on SIGNALDESK_API (default http://localhost:3000).
 */
export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': { target: process.env.SIGNALDESK_API ?? 'http://localhost:3000', changeOrigin: false } },
  },
});
