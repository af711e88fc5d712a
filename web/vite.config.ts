import { defineConfig } from 'vite';

// Vite 8 transforms TSX with its built-in oxc transformer; no React plugin is needed.
// The API serves web/dist from the same origin, so all URLs in the app are relative.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Vendor code changes rarely: separate chunks stay cached across app deploys.
        codeSplitting: {
          groups: [
            { name: 'livekit', test: /node_modules[\\/](livekit-client|@livekit)[\\/]/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
          ],
        },
      },
    },
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npm run dev -w web` proxies the API to a locally running server.
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
