// The one way callers open the workbench's database: connected, migrated, and holding the built-in probe set.

import { connectDatabase, type DatabaseOptions, type Db } from './database.js';
import { ensureBuiltinProbeSet } from './probe-store.js';

export function openDatabase(file: string, options: DatabaseOptions = {}): Db {
  const db = connectDatabase(file, options);
  ensureBuiltinProbeSet(db);
  return db;
}
