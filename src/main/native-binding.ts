// Where Electron's build of better-sqlite3 lives. The package's own build/Release is plain Node's (tests, the
// CLI, `selfalign serve`); `npm start` fetches Electron's beside it (scripts/ensure-electron.mjs writes the
// same path), and the engine process opens the database with it through better-sqlite3's `nativeBinding`.

import { existsSync } from 'node:fs';
import path from 'node:path';

export const SQLITE_BINDING_ENV = 'SELFALIGN_SQLITE_BINDING';

/** Keep in step with `electronSqliteBindingPath` in scripts/ensure-electron.mjs (a test checks both). */
export function electronSqliteBindingPath(root: string, electronVersion: string): string {
  return path.join(root, 'node_modules', '.cache', 'selfalign', `better-sqlite3-electron-${electronVersion}.node`);
}

/**
 * The environment entry that gives the engine process Electron's build: one set by hand wins; none when the
 * file is missing (the engine then fails to open the database and says so, which names the problem better
 * than a path that does not exist).
 */
export function sqliteBindingEnv(
  root: string,
  electronVersion: string,
  env: NodeJS.ProcessEnv = process.env,
  exists: (file: string) => boolean = existsSync,
): { [SQLITE_BINDING_ENV]?: string } {
  if (env[SQLITE_BINDING_ENV]) return { [SQLITE_BINDING_ENV]: env[SQLITE_BINDING_ENV] };
  const file = electronSqliteBindingPath(root, electronVersion);
  return exists(file) ? { [SQLITE_BINDING_ENV]: file } : {};
}
