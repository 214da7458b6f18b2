// Keeps src/core runnable under plain Node (CLI, engine process, HTTP server, tests): it may import neither
// a front end's libraries nor a front end's folders, and it must compile without the DOM's globals.
// Each check is first shown a small bad folder, so a check that quietly finds nothing cannot pass.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const coreDir = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.dirname(coreDir);
const repoDir = path.dirname(srcDir);

const FORBIDDEN_PACKAGES = ['electron', 'react', 'react-dom', 'zustand', 'd3'];
const FORBIDDEN_FOLDERS = ['renderer', 'main', 'preload', 'cli'].map((name) => path.join(srcDir, name));

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(c|m)?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** The package a bare specifier names: 'react-dom/client' → 'react-dom', '@scope/x/y' → '@scope/x'. */
function packageName(specifier: string): string {
  const parts = specifier.replace(/^node:/, '').split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function isForbiddenPackage(name: string): boolean {
  return FORBIDDEN_PACKAGES.includes(name) || /^d3-/.test(name);
}

/** Every static import, export-from, dynamic import() and require() in `dir` that leaves core's bounds. */
function forbiddenImports(dir: string, folders: string[] = FORBIDDEN_FOLDERS): string[] {
  const problems: string[] = [];
  for (const file of typeScriptFiles(dir)) {
    // preProcessFile is TypeScript's own scanner: it sees imports, re-exports, import() and require().
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
      const where = `${path.relative(repoDir, file)} imports '${specifier}'`;
      if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
        const target = path.resolve(path.dirname(file), specifier);
        const folder = folders.find((f) => target === f || target.startsWith(f + path.sep));
        if (folder) problems.push(`${where}, a path into ${path.relative(repoDir, folder)}`);
      } else if (isForbiddenPackage(packageName(specifier))) {
        problems.push(`${where}, a front-end package`);
      }
    }
  }
  return problems;
}

/** Compiles `dir` with Node's globals and ES2023 only (no DOM); returns the diagnostics and any DOM lib loaded. */
function compileWithoutDom(dir: string): { diagnostics: string[]; domLibs: string[] } {
  const program = ts.createProgram(typeScriptFiles(dir), {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    typeRoots: [path.join(repoDir, 'node_modules', '@types')],
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const host: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => repoDir,
    getNewLine: () => '\n',
  };
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, host).trim());
  // A dependency's `/// <reference lib="dom" />` would bring the DOM back in without any error.
  const domLibs = program
    .getSourceFiles()
    .map((f) => f.fileName)
    .filter((f) => /[\\/]lib\.dom(\.[\w.]+)?\.d\.ts$/.test(f))
    .map((f) => path.basename(f));
  return { diagnostics, domLibs };
}

describe('src/core stays a plain Node library', () => {
  const fixtures: string[] = [];
  const fixture = (files: Record<string, string>): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'core-boundary-'));
    fixtures.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  };
  afterAll(() => {
    for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
  });

  it('the import check finds front-end packages and folders', () => {
    const dir = fixture({
      'a.ts': "import { app } from 'electron';\nexport { app };\n",
      'b.ts': "export { createRoot } from 'react-dom/client';\n",
      'c.ts': "export const load = () => import('zustand');\nconst d3 = require('d3-scale');\nexport { d3 };\n",
      'd.ts': "import './renderer/src/App.js';\n",
      'e.ts': "import { readFileSync } from 'node:fs';\nimport { z } from 'zod';\nexport { readFileSync, z };\n",
    });
    const problems = forbiddenImports(dir, [path.join(dir, 'renderer')]);
    expect(problems.map((p) => p.replace(/^.*?([a-e]\.ts)/, '$1'))).toEqual([
      "a.ts imports 'electron', a front-end package",
      "b.ts imports 'react-dom/client', a front-end package",
      "c.ts imports 'zustand', a front-end package",
      "c.ts imports 'd3-scale', a front-end package",
      expect.stringMatching(/^d\.ts imports '\.\/renderer\/src\/App\.js', a path into /),
    ]);
  });

  it('imports neither electron, react, react-dom, zustand, d3 nor src/renderer, src/main, src/preload, src/cli', () => {
    const problems = forbiddenImports(coreDir);
    expect(problems, `src/core must stay free of front ends:\n${problems.join('\n')}`).toEqual([]);
  });

  it('the compile check rejects a DOM global', () => {
    const dir = fixture({ 'uses-dom.ts': 'export const title: string = document.title;\n' });
    const { diagnostics } = compileWithoutDom(dir);
    expect(diagnostics.join('\n')).toMatch(/Cannot find name 'document'/);
  });

  it('compiles with ES2023 and Node types only, no DOM', () => {
    const { diagnostics, domLibs } = compileWithoutDom(coreDir);
    expect(domLibs, `a DOM library was loaded into the compilation of src/core: ${domLibs.join(', ')}`).toEqual([]);
    expect(diagnostics, `src/core does not compile without the DOM:\n${diagnostics.join('\n')}`).toEqual([]);
  }, 60_000);
});
