// Builds the three parts of the desktop app: the main process (with the engine and the CLI as further
// entries: the engine is forked into a utility process, the CLI runs under plain Node), the sandboxed preload
// bridge, and the React renderer.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

// The main-side bundles load their dependencies from node_modules at run time (native modules such as
// better-sqlite3 and node-llama-cpp cannot be bundled), except a dependency's JSON files: an external
// `import … from 'dep/x.json' with { type: 'json' }` loses its `with` clause in the bundle, and Node refuses
// a JSON import without it, so JSON is inlined instead. (electron-vite's own externalizeDeps cannot make that
// exception, hence the list here; electron and Node's built-ins stay external through electron-vite's preset.)
const dependencies = Object.keys(
  (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> })
    .dependencies ?? {},
);
const escaped = dependencies.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
const externalDependencies = new RegExp(`^(${escaped})(/(?!.*\\.json$).*)?$`);

export default defineConfig({
  main: {
    build: {
      externalizeDeps: false,
      rolldownOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          engine: resolve(root, 'src/main/engine.ts'),
          cli: resolve(root, 'src/cli/bin.ts'),
        },
        external: [externalDependencies],
        // Shared chunks sit beside the entries, not in chunks/: core finds its files relative to its own
        // module (`new URL('../../data/', import.meta.url)` in src/core/resources.ts), which holds when
        // every bundled file is, like the sources, two folders below the project (out/main/x.js).
        output: { chunkFileNames: '[name]-[hash].js' },
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
