// Builds the three parts of the desktop app: the main process (with the engine as a second entry, forked
// into a utility process), the sandboxed preload bridge, and the React renderer.

import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          engine: resolve(root, 'src/main/engine.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only `electron` and a few Node built-ins, so everything else it uses
      // is bundled in, and it must be CommonJS (the package is "type": "module", hence .cjs).
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
        // The preload takes only the channel name and types from the contract; building the contract's
        // schemas has no side effects, so zod stays out of the bridge (the main process does the parsing).
        treeshake: { manualPureFunctions: ['z'] },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    // Relative asset paths: out/renderer/index.html opens from file:// (the window) or any static server.
    base: './',
    plugins: [react()],
    build: {
      rolldownOptions: {
        input: { index: resolve(root, 'src/renderer/index.html') },
      },
    },
  },
});
