// Where the data files that ship with the workbench live (the repository's data/ folder; a packaged app sets
// SELFALIGN_DATA_DIR to its resources folder).

import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function builtinDataDir(): string {
  return process.env.SELFALIGN_DATA_DIR ?? fileURLToPath(new URL('../../data/', import.meta.url));
}

export function builtinDataPath(...parts: string[]): string {
  return path.join(builtinDataDir(), ...parts);
}
