// npm run bench:gpu:pack: bench:gpu for a GPU machine that has nothing else. The machines lent for this (the
// device tool) have no Node, no npm and no network, and take at most 64 MiB of files per call. So this writes one
// archive, .device-pack/gpu-bench.tar.xz (about 40 MB), holding:
// - Node itself (this machine's binary: x86-64 Linux, glibc 2.28 or later);
// - bench:gpu bundled into one file, and the packages it loads at run time: node-llama-cpp with its prebuilt
//   Linux binaries for the CPU and for Vulkan (its CUDA binaries are 124 MB compressed, twice what may travel;
//   Vulkan runs on NVIDIA's driver), better-sqlite3's compiled module, i18n-iso-countries' country names;
// - the workbench's data/ folder;
// - the work to price, counted here beside the shared data (gpu-work.ts): the English runs of both protocols on
//   the tiny model and the grid's test items per language (counts only: no probe or survey content travels);
// - Vulkan's loader and the libraries NVIDIA's Vulkan driver needs, as Debian packages (apt-get download).
// bench/device/run-gpu-bench.sh unpacks it there and runs it. Usage:
//   npm run bench:gpu:pack [-- --categories 2 --level 9 --skip-vulkan-loader]
//   then, on the device, with `.device-pack` carried:  bash bench/device/run-gpu-bench.sh

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { llamaRuntime } from '../../src/core/models/index.js';
import { answerShares, measureWork } from '../gpu-work.js';

const repo = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(repo, '.device-pack') },
    /** The work counted from only these WVS categories (a quick pack for a test); absent: the whole English set. */
    categories: { type: 'string' },
    threads: { type: 'string', default: '1' },
    /** xz's level: 9 packs smallest; 1 is quick (tests). */
    level: { type: 'string', default: '9' },
    'skip-vulkan-loader': { type: 'boolean', default: false },
    survey: { type: 'string', default: path.resolve(repo, '../shared/data/wvs/country_distributions.csv') },
    probes: { type: 'string', default: path.resolve(repo, '../shared/data/arora-probes/probes.zip') },
  },
});
/** What one call of the device tool may carry. */
const CARRY_LIMIT_BYTES = 64 * 1024 * 1024;
/** What bench.mjs imports at run time instead of carrying in itself: native code, or files found next to the code. */
const RUNTIME_PACKAGES = [
  'node-llama-cpp',
  'better-sqlite3',
  'i18n-iso-countries',
  '@node-llama-cpp/linux-x64',
  '@node-llama-cpp/linux-x64-vulkan',
];
/** Inside those packages, what runs nothing: llama.cpp's and SQLite's sources (a git bundle, C++), build files. */
const LEFT_OUT = [
  /^node-llama-cpp\/llama\/(gitRelease\.bundle|addon|cmake|toolchains|xpack|patches)(\/|$)/,
  /^better-sqlite3\/(deps|src|docs)(\/|$)/,
  /^better-sqlite3\/build\/Release\/(obj|obj\.target|\.deps|test_extension\.node)/,
];
/** Vulkan's loader and the GL dispatch libraries that NVIDIA's Vulkan driver loads (the device tool's notes). */
const VULKAN_PACKAGES = ['libvulkan1', 'libglvnd0', 'libegl1', 'libgl1', 'libglx0', 'libopengl0', 'libgles2'];

const started = performance.now();
const staging = mkdtempSync(path.join(os.tmpdir(), 'selfalign-gpu-pack-'));
try {
  // The work, counted on this machine's CPU.
  const surveyShared = existsSync(values.survey) ? values.survey : undefined;
  const surveyFile = await answerShares(surveyShared, path.join(staging, 'shares.csv'));
  const llama = await llamaRuntime({ gpu: 'cpu', threads: Number(values.threads) });
  const work = await measureWork({
    dir: staging,
    surveyFile,
    surveyLabel: surveyShared ? 'shared data, synthetic for the countries it lacks' : 'synthetic',
    llama,
    probes: values.probes,
    categories: values.categories?.split(',').map(Number),
  });
  const pack = path.join(staging, 'pack');
  mkdirSync(pack);
  writeFileSync(path.join(pack, 'work.json'), `${JSON.stringify(work, null, 2)}\n`);
  // The bench's work files go; what is left is the pack.
  for (const entry of readdirSync(staging))
    if (entry !== 'pack') rmSync(path.join(staging, entry), { recursive: true, force: true });

  await build({
    entryPoints: [path.join(repo, 'bench/gpu.bench.ts')],
    outfile: path.join(pack, 'bench.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The keychain is loaded only when an API model asks for its key, which no benchmark does.
    external: [...RUNTIME_PACKAGES, '@napi-rs/keyring'],
    // Some bundled packages are CommonJS and call require(); an ES module has none of its own.
    banner: {
      js: "import { createRequire as __selfalignRequire } from 'node:module'; const require = __selfalignRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  for (const name of runtimeClosure(RUNTIME_PACKAGES)) {
    cpSync(path.join(repo, 'node_modules', name), path.join(pack, 'node_modules', name), {
      recursive: true,
      filter: (source) =>
        !LEFT_OUT.some((rule) =>
          rule.test(path.relative(path.join(repo, 'node_modules'), source).split(path.sep).join('/')),
        ),
    });
  }
  cpSync(path.join(repo, 'data'), path.join(pack, 'data'), { recursive: true });
  copyFileSync(process.execPath, path.join(pack, 'node'));
  chmodSync(path.join(pack, 'node'), 0o755);
  if (!values['skip-vulkan-loader']) {
    mkdirSync(path.join(pack, 'vulkan'));
    try {
      execFileSync('apt-get', ['download', ...VULKAN_PACKAGES], { cwd: path.join(pack, 'vulkan'), stdio: 'pipe' });
    } catch (error) {
      throw new Error(
        `apt-get could not download Vulkan's loader (${String((error as { stderr?: Buffer }).stderr ?? error).trim()}); run apt-get update first, or pack with --skip-vulkan-loader`,
      );
    }
  }
  const linked = linkIdenticalFiles(pack);

  mkdirSync(values.out, { recursive: true });
  const archive = path.join(values.out, 'gpu-bench.tar.xz');
  rmSync(archive, { force: true });
  execFileSync(
    'bash',
    ['-c', `set -o pipefail; tar -C "$0" -cf - . | xz -T0 -${Number(values.level)} > "$1"`, pack, archive],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const bytes = statSync(archive).size;
  console.log(
    JSON.stringify(
      {
        pack: archive,
        bytes,
        carryLimitBytes: CARRY_LIMIT_BYTES,
        fits: bytes <= CARRY_LIMIT_BYTES,
        identicalFilesLinked: linked,
        work: {
          categories: work.categories,
          survey: work.survey,
          gridLanguages: work.grid.length,
          measurements: { paper: work.runs.paper.measurements, precise: work.runs.precise.measurements },
        },
        onTheDevice: { carry: [path.relative(repo, values.out) || '.'], command: 'bash bench/device/run-gpu-bench.sh' },
        seconds: +((performance.now() - started) / 1000).toFixed(1),
      },
      null,
      2,
    ),
  );
  if (bytes > CARRY_LIMIT_BYTES) process.exitCode = 1;
} finally {
  rmSync(staging, { recursive: true, force: true });
}

/** The packages (paths under node_modules) that these need at run time: each, and its dependencies, transitively. */
function runtimeClosure(roots: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (name: string, from: string) => {
    // Node's own lookup: the nearest node_modules folder up from the package that asks.
    for (let dir = from; ; dir = path.dirname(dir)) {
      const manifest = path.join(dir, 'node_modules', name, 'package.json');
      if (existsSync(manifest)) {
        const relative = path.relative(path.join(repo, 'node_modules'), path.dirname(manifest));
        if (found.has(relative)) return;
        found.add(relative);
        const dependencies =
          (JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
        for (const dependency of Object.keys(dependencies)) visit(dependency, path.dirname(manifest));
        return;
      }
      if (dir === repo || path.dirname(dir) === dir) throw new Error(`${name} is not installed (run npm ci)`);
    }
  };
  for (const root of roots) visit(root, repo);
  return [...found].sort();
}

/** Makes files of the same content one file (tar stores a link once): the CPU and Vulkan packages share most. */
function linkIdenticalFiles(dir: string): number {
  const first = new Map<string, string>();
  let linked = 0;
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const file = path.join(current, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && statSync(file).size > 64 * 1024) {
        const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
        const original = first.get(hash);
        if (!original) first.set(hash, file);
        else if (statSync(original).mode === statSync(file).mode) {
          unlinkSync(file);
          linkSync(original, file);
          linked++;
        }
      }
    }
  };
  walk(dir);
  return linked;
}
