// The layers of DESIGN.md, checked on every import (static, re-export, import() and require()):
// - src/core: data → survey → demos → prompt → models → sampling → experiment → store → report. A file of a layer
//   imports its own layer and layers to its left; the foundation (errors, cancellation, resources, version,
//   random/, statistics/) serves every layer and imports only itself. Tests may import any of core and src/testing.
//   Every file of core may import the method's vocabulary, src/shared/method.ts, which imports nothing but zod.
// - across core's folders, a file imports another folder only through that folder's index.ts;
// - src/renderer imports only src/shared (besides packages and its own files);
// - src/cli and src/main import src/engine, src/shared and core's public faces only;
// - src/engine imports src/core and src/shared (its tests also src/testing), and no front end's packages.
// - src/core stays runnable under plain Node (CLI, engine process, HTTP server, tests): no front end's packages,
//   and it compiles without the DOM's globals.
// Each check is first shown a small bad tree, so a check that quietly finds nothing cannot pass.

import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const srcDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.dirname(srcDir);

const LAYERS = ['data', 'survey', 'demos', 'prompt', 'models', 'sampling', 'experiment', 'store', 'report'] as const;
const FOUNDATION_FOLDERS = ['random', 'statistics'];
const FOUNDATION_FILES = ['errors', 'cancellation', 'resources', 'version'];
/** What src/cli and src/main may import from core, besides every folder's index.ts. */
const PUBLIC_FILES = ['errors', 'cancellation', 'version'];
const FRONT_END_PACKAGES = ['electron', 'react', 'react-dom', 'zustand', 'd3'];

interface Import {
  file: string;
  specifier: string;
  /** For a relative import: the absolute path it names, without a .js/.ts extension; a folder as folder/index. */
  target?: string;
  /** For a bare import: the package it names. */
  packageName?: string;
}

function typeScriptFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(c|m)?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

const isTest = (file: string): boolean => /\.test\.(c|m)?tsx?$/.test(file);

/** The package a bare specifier names: 'react-dom/client' → 'react-dom', '@scope/x/y' → '@scope/x'. */
function packageName(specifier: string): string {
  const parts = specifier.replace(/^node:/, '').split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function importsOf(file: string): Import[] {
  // preProcessFile is TypeScript's own scanner: it sees imports, re-exports, import() and require().
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles.map(({ fileName: specifier }) => {
    if (!specifier.startsWith('.') && !path.isAbsolute(specifier))
      return { file, specifier, packageName: packageName(specifier) };
    let target = path.resolve(path.dirname(file), specifier);
    if (existsSync(target) && statSync(target).isDirectory()) target = path.join(target, 'index');
    return { file, specifier, target: target.replace(/\.(c|m)?[jt]sx?$/, '') };
  });
}

const inside = (dir: string, target: string): boolean => target === dir || target.startsWith(dir + path.sep);

/** Where a path (without extension) sits in core: a layer, the foundation, or nowhere. */
function placeIn(
  coreDir: string,
  target: string,
): { kind: 'layer'; layer: number; folder: string } | { kind: 'foundation'; folder: string } | { kind: 'none' } {
  const parts = path.relative(coreDir, target).split(path.sep);
  const first = parts[0]!;
  const layer = (LAYERS as readonly string[]).indexOf(first);
  if (parts.length > 1 && layer >= 0) return { kind: 'layer', layer, folder: first };
  if (parts.length > 1 && FOUNDATION_FOLDERS.includes(first)) return { kind: 'foundation', folder: first };
  if (parts.length === 1 && FOUNDATION_FILES.includes(first.replace(/\.test$/, '')))
    return { kind: 'foundation', folder: '' };
  return { kind: 'none' };
}

function describePlace(place: ReturnType<typeof placeIn>): string {
  return place.kind === 'layer' ? `layer ${place.folder}` : place.kind === 'foundation' ? 'the foundation' : 'no layer';
}

/** Imports in `src/core` that break the order of the layers. */
function layerProblems(src: string): string[] {
  const coreDir = path.join(src, 'core');
  const testingDir = path.join(src, 'testing');
  const packageJson = path.join(path.dirname(src), 'package.json');
  const vocabulary = path.join(src, 'shared', 'method');
  const problems: string[] = [];
  for (const { specifier, target } of existsSync(`${vocabulary}.ts`) ? importsOf(`${vocabulary}.ts`) : []) {
    if (target || specifier !== 'zod')
      problems.push(`shared/method.ts imports '${specifier}': the vocabulary imports nothing but zod`);
  }
  for (const file of typeScriptFiles(coreDir)) {
    const name = path.relative(src, file);
    const from = placeIn(coreDir, file.replace(/\.(c|m)?tsx?$/, ''));
    if (isTest(file)) {
      for (const { specifier, target } of importsOf(file)) {
        if (target && !inside(coreDir, target) && !inside(testingDir, target) && target !== vocabulary)
          problems.push(`${name} imports '${specifier}', outside src/core and src/testing`);
      }
      continue;
    }
    if (from.kind === 'none') {
      problems.push(`${name} is in no layer and not in the foundation`);
      continue;
    }
    for (const { specifier, target } of importsOf(file)) {
      if (!target) continue;
      const where = `${name} (${describePlace(from)}) imports '${specifier}'`;
      if (!inside(coreDir, target)) {
        if (target !== packageJson && target !== vocabulary) problems.push(`${where}, outside src/core`);
        continue;
      }
      const to = placeIn(coreDir, target);
      if (to.kind === 'none') problems.push(`${where}, a file in no layer`);
      else if (from.kind === 'foundation' && to.kind === 'layer')
        problems.push(`${where}: the foundation imports no layer`);
      else if (from.kind === 'layer' && to.kind === 'layer' && to.layer > from.layer)
        problems.push(`${where}, a layer to its right`);
    }
  }
  return problems;
}

/** Imports in `src/core` (tests aside) that reach into another folder past its index.ts. */
function indexProblems(src: string): string[] {
  const coreDir = path.join(src, 'core');
  const problems: string[] = [];
  for (const file of typeScriptFiles(coreDir)) {
    if (isTest(file)) continue;
    const own = path.relative(coreDir, file).split(path.sep);
    const ownFolder = own.length > 1 ? own[0] : undefined;
    for (const { specifier, target } of importsOf(file)) {
      if (!target || !inside(coreDir, target)) continue;
      const parts = path.relative(coreDir, target).split(path.sep);
      if (parts.length === 1 || parts[0] === ownFolder) continue;
      if (parts.length !== 2 || parts[1] !== 'index')
        problems.push(`${path.relative(src, file)} imports '${specifier}', past ${parts[0]}/index.ts`);
    }
  }
  return problems;
}

/**
 * Relative imports from `dir` that leave it for anywhere `allowed` refuses, and bare imports of `forbiddenPackages`.
 * `allowed` is asked with the target's path (no extension) and whether the importing file is a test.
 */
function foreignImports(
  src: string,
  dir: string,
  allowed: (target: string, test: boolean) => boolean,
  forbiddenPackages: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  for (const file of typeScriptFiles(path.join(src, dir))) {
    for (const { specifier, target, packageName: pkg } of importsOf(file)) {
      const where = `${path.relative(src, file)} imports '${specifier}'`;
      if (target && !inside(path.join(src, dir), target) && !allowed(target, isTest(file))) problems.push(where);
      if (pkg && (forbiddenPackages.includes(pkg) || /^d3-/.test(pkg))) problems.push(`${where}, a front-end package`);
    }
  }
  return problems;
}

function rendererProblems(src: string): string[] {
  return foreignImports(src, 'renderer', (target) => inside(path.join(src, 'shared'), target));
}

/** core's public faces: each folder's index.ts and the errors, cancellation and version modules. */
function isCorePublicFace(src: string, target: string): boolean {
  const parts = path.relative(path.join(src, 'core'), target).split(path.sep);
  if (parts[0] === '..' || parts[0] === '') return false;
  if (parts.length === 1) return PUBLIC_FILES.includes(parts[0]!);
  return (
    parts.length === 2 && parts[1] === 'index' && ([...LAYERS, ...FOUNDATION_FOLDERS] as string[]).includes(parts[0]!)
  );
}

function frontEndProblems(src: string, dir: 'cli' | 'main'): string[] {
  return foreignImports(
    src,
    dir,
    (target, test) =>
      inside(path.join(src, 'engine'), target) ||
      inside(path.join(src, 'shared'), target) ||
      isCorePublicFace(src, target) ||
      (test && inside(path.join(src, 'testing'), target)),
  );
}

function engineProblems(src: string): string[] {
  return foreignImports(
    src,
    'engine',
    (target, test) =>
      inside(path.join(src, 'core'), target) ||
      inside(path.join(src, 'shared'), target) ||
      (test && inside(path.join(src, 'testing'), target)),
    FRONT_END_PACKAGES,
  );
}

/** Bare imports in src/core of a front end's packages (its relative imports are the layer check's). */
function corePackageProblems(src: string): string[] {
  return foreignImports(src, 'core', () => true, FRONT_END_PACKAGES);
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
    exactOptionalPropertyTypes: true,
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

describe('the layers of the code base', () => {
  const fixtures: string[] = [];
  /** A small src/ tree: file paths relative to it, each with its text. */
  const fixture = (files: Record<string, string>): string => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'layers-'));
    fixtures.push(root);
    const src = path.join(root, 'src');
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(src, name)), { recursive: true });
      writeFileSync(path.join(src, name), text);
    }
    return src;
  };
  afterAll(() => {
    for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
  });
  /** Problems with forward slashes, whatever the platform. */
  const relative = (_src: string, problems: string[]) => problems.map((p) => p.split(path.sep).join('/'));

  it('the layer check finds a layer importing to its right, the foundation importing a layer, and files in no layer', () => {
    const src = fixture({
      'core/data/probe.ts': "import { x } from '../survey/index.js';\nexport { x };\n",
      'core/errors.ts': "import type { Probe } from './data/index.js';\nexport type { Probe };\n",
      'core/version.ts': "import p from '../../package.json' with { type: 'json' };\nexport const v = p.version;\n",
      'core/random/r.ts':
        "import { UserError } from '../errors.js';\nimport { mean } from '../statistics/index.js';\nexport { UserError, mean };\n",
      'core/models/m.ts': "import { tiny } from '../../testing/tiny.js';\nexport { tiny };\n",
      'core/report/r.ts':
        "import '../store/index.js';\nimport '../random/index.js';\nimport '../errors.js';\nimport './own.js';\nimport 'zod';\n",
      'core/store/s.test.ts': "import '../report/index.js';\nimport '../../testing/tiny.js';\nimport 'vitest';\n",
      'core/store/t.test.ts': "import '../../shared/contract.js';\n",
      'core/stray.ts': 'export const stray = 1;\n',
      'core/survey/s.ts': "export const s = await import('../sampling/index.js');\n",
      'core/data/names.ts': "import { ESTIMATORS } from '../../shared/method.js';\nexport { ESTIMATORS };\n",
      'shared/method.ts': "import { z } from 'zod';\nimport { x } from './contract.js';\nexport { z, x };\n",
    });
    expect(relative(src, layerProblems(src))).toEqual([
      "shared/method.ts imports './contract.js': the vocabulary imports nothing but zod",
      "core/data/probe.ts (layer data) imports '../survey/index.js', a layer to its right",
      "core/errors.ts (the foundation) imports './data/index.js': the foundation imports no layer",
      "core/models/m.ts (layer models) imports '../../testing/tiny.js', outside src/core",
      "core/store/t.test.ts imports '../../shared/contract.js', outside src/core and src/testing",
      'core/stray.ts is in no layer and not in the foundation',
      "core/survey/s.ts (layer survey) imports '../sampling/index.js', a layer to its right",
    ]);
  });

  it('src/core: each layer imports only itself, layers to its left and the foundation', () => {
    const problems = layerProblems(srcDir);
    expect(problems, `imports against the order of the layers:\n${problems.join('\n')}`).toEqual([]);
  });

  it("the index check finds an import past another folder's index.ts", () => {
    const src = fixture({
      'core/prompt/p.ts':
        "import { BLANK } from '../data/probe.js';\nimport { x } from './own.js';\nimport '../data/index.js';\nimport '../data';\nimport '../errors.js';\n",
      'core/data/index.ts': 'export {};\n',
      'core/errors.ts': "export * from './random/seeded-random.js';\n",
      'core/demos/d.test.ts': "import '../data/probe.js';\n",
    });
    expect(relative(src, indexProblems(src))).toEqual([
      "core/errors.ts imports './random/seeded-random.js', past random/index.ts",
      "core/prompt/p.ts imports '../data/probe.js', past data/index.ts",
    ]);
  });

  it("src/core: a file reaches another folder only through that folder's index.ts", () => {
    const problems = indexProblems(srcDir);
    expect(problems, `imports past a folder's public face:\n${problems.join('\n')}`).toEqual([]);
  });

  it('the renderer check finds an import of anything but src/shared', () => {
    const src = fixture({
      'renderer/src/App.tsx':
        "import { create } from 'zustand';\nimport { commands } from '../../shared/contract.js';\nimport './styles.css';\nimport { x } from './x.js';\nimport { openDatabase } from '../../core/store/index.js';\nexport { create, commands, x, openDatabase };\n",
      'renderer/src/y.ts': "export const y = () => import('../../main/index.js');\n",
    });
    expect(relative(src, rendererProblems(src))).toEqual([
      "renderer/src/App.tsx imports '../../core/store/index.js'",
      "renderer/src/y.ts imports '../../main/index.js'",
    ]);
  });

  it('src/renderer imports only src/shared, packages and its own files', () => {
    const problems = rendererProblems(srcDir);
    expect(problems, `the renderer reaches past the contract:\n${problems.join('\n')}`).toEqual([]);
  });

  it("the front-end check finds imports of core's internals and of other front ends", () => {
    const src = fixture({
      'cli/a.ts':
        "import '../core/store/index.js';\nimport '../core/errors.js';\nimport '../core/cancellation.js';\nimport '../core/version.js';\nimport '../core/random/index.js';\n" +
        "import '../engine/engine.js';\nimport '../shared/contract.js';\nimport './output.js';\nimport 'commander';\n" +
        "import '../core/store/runs.js';\nimport '../core/resources.js';\nimport '../renderer/src/App.js';\nimport '../testing/temp-dir.js';\n",
      'cli/a.test.ts': "import '../testing/temp-dir.js';\nimport '../core/models/local-model.js';\n",
      'main/index.ts': "import 'electron';\nimport '../engine/engine.js';\nimport '../core/store/database.js';\n",
    });
    expect(relative(src, frontEndProblems(src, 'cli'))).toEqual([
      "cli/a.test.ts imports '../core/models/local-model.js'",
      "cli/a.ts imports '../core/store/runs.js'",
      "cli/a.ts imports '../core/resources.js'",
      "cli/a.ts imports '../renderer/src/App.js'",
      "cli/a.ts imports '../testing/temp-dir.js'",
    ]);
    expect(relative(src, frontEndProblems(src, 'main'))).toEqual(["main/index.ts imports '../core/store/database.js'"]);
  });

  it("src/cli and src/main import only src/engine, src/shared and core's public faces", () => {
    const problems = [...frontEndProblems(srcDir, 'cli'), ...frontEndProblems(srcDir, 'main')];
    expect(problems, `front ends that reach past the engine and core's public faces:\n${problems.join('\n')}`).toEqual(
      [],
    );
  });

  it("the engine check finds front-end packages and front ends' folders", () => {
    const src = fixture({
      'engine/a.ts':
        "import 'electron';\nimport 'react';\nimport 'd3-scale';\nimport 'zod';\nimport '../core/store/runs.js';\nimport '../shared/contract.js';\nimport './jobs.js';\n",
      'engine/handlers/b.ts':
        "import '../../cli/output.js';\nimport '../../renderer/src/App.js';\nimport '../jobs.js';\nimport '../../testing/temp-dir.js';\n",
      'engine/handlers/b.test.ts': "import '../../testing/temp-dir.js';\nimport 'vitest';\n",
    });
    expect(relative(src, engineProblems(src))).toEqual([
      "engine/a.ts imports 'electron', a front-end package",
      "engine/a.ts imports 'react', a front-end package",
      "engine/a.ts imports 'd3-scale', a front-end package",
      "engine/handlers/b.ts imports '../../cli/output.js'",
      "engine/handlers/b.ts imports '../../renderer/src/App.js'",
      "engine/handlers/b.ts imports '../../testing/temp-dir.js'",
    ]);
  });

  it('src/engine imports only src/core, src/shared (tests also src/testing) and no front-end package', () => {
    const problems = engineProblems(srcDir);
    expect(problems, `the engine reaches past core and the contract:\n${problems.join('\n')}`).toEqual([]);
  });

  it("the core package check finds a front end's packages", () => {
    const src = fixture({
      'core/a.ts': "import { app } from 'electron';\nexport { app };\n",
      'core/b.ts': "export { createRoot } from 'react-dom/client';\n",
      'core/c.ts': "export const load = () => import('zustand');\nconst d3 = require('d3-scale');\nexport { d3 };\n",
      'core/e.ts': "import { readFileSync } from 'node:fs';\nimport { z } from 'zod';\nexport { readFileSync, z };\n",
    });
    expect(relative(src, corePackageProblems(src))).toEqual([
      "core/a.ts imports 'electron', a front-end package",
      "core/b.ts imports 'react-dom/client', a front-end package",
      "core/c.ts imports 'zustand', a front-end package",
      "core/c.ts imports 'd3-scale', a front-end package",
    ]);
  });

  it('src/core imports no front-end package (electron, react, react-dom, zustand, d3)', () => {
    const problems = corePackageProblems(srcDir);
    expect(problems, `src/core must stay free of front ends:\n${problems.join('\n')}`).toEqual([]);
  });

  it('the compile check rejects a DOM global', () => {
    const src = fixture({ 'core/uses-dom.ts': 'export const title: string = document.title;\n' });
    const { diagnostics } = compileWithoutDom(path.join(src, 'core'));
    expect(diagnostics.join('\n')).toMatch(/Cannot find name 'document'/);
  });

  it('src/core compiles with ES2023 and Node types only, no DOM', () => {
    const { diagnostics, domLibs } = compileWithoutDom(path.join(srcDir, 'core'));
    expect(domLibs, `a DOM library was loaded into the compilation of src/core: ${domLibs.join(', ')}`).toEqual([]);
    expect(diagnostics, `src/core does not compile without the DOM:\n${diagnostics.join('\n')}`).toEqual([]);
  }, 60_000);
});
