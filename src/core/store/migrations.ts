// The database schema, one migration per version. A migration is never edited once released: add a new one.
// The applied version lives in SQLite's user_version, so a file opened by an older workbench is brought forward.

export const MIGRATIONS: readonly string[] = [
  // 1: probe sets
  `
  CREATE TABLE probe_sets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    summary_json TEXT NOT NULL
  );
  CREATE TABLE probes (
    set_id INTEGER NOT NULL REFERENCES probe_sets(id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    probe_id TEXT NOT NULL,
    category INTEGER NOT NULL,
    template TEXT NOT NULL,
    option_1 TEXT NOT NULL,
    option_2 TEXT NOT NULL,
    flag TEXT,
    source_file TEXT NOT NULL,
    source_line INTEGER NOT NULL,
    PRIMARY KEY (set_id, language, probe_id)
  ) WITHOUT ROWID;
  `,
];
