// Connects to the workbench's one SQLite file: WAL for crash safety and concurrent readers, foreign keys on,
// and every pending migration applied in its own transaction. The store's other files depend on this one (for
// the Db type); `openDatabase` (open-database.ts) adds the rows every database has, so nothing here imports them.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export interface DatabaseOptions {
  /** better-sqlite3's compiled module, when it is not the package's own build (the Electron engine process). */
  nativeBinding?: string;
}

/** Opens `file` (created with its folder when missing) and brings its schema up to date; no rows are added. */
export function connectDatabase(file: string, options: DatabaseOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    db.pragma('journal_mode = WAL');
  } catch (error) {
    throw new UserError('database-unreadable', `the database cannot be opened: ${(error as Error).message}`, { file });
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, file);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, file: string): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new UserError(
      'database-too-new',
      `the database was written by a newer workbench (schema ${current}, this one knows ${MIGRATIONS.length}); update the workbench`,
      { file },
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
