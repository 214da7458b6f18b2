// The `selfalign` command as users run it, for the CLI tests: the real bin in a child process of this Node, and the
// set-up those tests share (the shared data imported into a fresh workbench database, a GGUF model registered, a
// model run on the CPU).

import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { sharedDataDir } from './shared-data-dir.js';

/** The bin users run: bin/selfalign.mjs. */
export const SELFALIGN_BIN: string = fileURLToPath(new URL('../../bin/selfalign.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** What the command reads on stdin (nothing by default). */
  input?: string;
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
}

/** Runs `selfalign <args>` to its end, blocking this process (use `selfalignAsync` where a server here must answer). */
export function selfalign(args: readonly string[], options: CliOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [SELFALIGN_BIN, ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts `selfalign <args>` with stdout and stderr piped and stdin closed, and returns at once. */
export function startSelfalign(
  args: readonly string[],
  env: Record<string, string> = {},
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [SELFALIGN_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the CLI without blocking this process, so loopback servers in this process can answer it. */
export function selfalignAsync(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = startSelfalign(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Where a model runs in the CLI tests: llama.cpp on the CPU with one thread (`run`, `sample`, `run --resume`). */
export const ON_CPU: readonly string[] = ['--gpu', 'cpu', '--threads', '1'];

/**
 * `selfalign <probes|survey> import <the shared data's file> [--name <name>] [<extra>] --db <db>`: a file of the
 * shared data (a path inside ../shared/data) imported into the workbench database `db`.
 */
export function importSharedFile(
  db: string,
  kind: 'probes' | 'survey',
  file: string,
  name?: string,
  extra: readonly string[] = [],
): CliResult {
  const named = name === undefined ? [] : ['--name', name];
  return selfalign([kind, 'import', path.join(sharedDataDir, file), ...named, ...extra, '--db', db]);
}

/** Arora et al.'s published probes of the shared data (13 languages), imported as the probe set "arora". */
export function importAroraProbes(db: string): CliResult {
  return importSharedFile(db, 'probes', 'arora-probes/probes.zip', 'arora');
}

/** The shared data's aggregated WVS answer shares of 12 countries, imported as the survey "shares". */
export function importShares(db: string, extra: readonly string[] = []): CliResult {
  return importSharedFile(db, 'survey', 'wvs/country_distributions.csv', 'shares', extra);
}

/** `selfalign models add gguf <file> --name <name> [--preset <preset>] --db <db>`: a local model registered. */
export function addGgufModel(db: string, file: string, name: string, preset?: string): CliResult {
  const withPreset = preset === undefined ? [] : ['--preset', preset];
  return selfalign(['models', 'add', 'gguf', file, '--name', name, ...withPreset, '--db', db]);
}
