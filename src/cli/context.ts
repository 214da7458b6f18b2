// What every command shares: the database, opened from --db, SELFALIGN_DB or the app-data default.

import { defaultDatabasePath, openDatabase, type Db } from '../core/store/index.js';
import type { Command } from 'commander';

export function addDbOption(command: Command): Command {
  return command.option('--db <file>', 'the workbench database (default: SELFALIGN_DB, else the desktop app\'s data folder)');
}

export function withDatabase<T>(options: { db?: string }, work: (db: Db) => T): T {
  const db = openDatabase(options.db ?? defaultDatabasePath());
  try {
    return work(db);
  } finally {
    db.close();
  }
}
