// The database schema, one migration per version. A migration is never edited once released: add a new one.
// The applied version lives in SQLite's user_version, so a file opened by an older workbench is brought forward.

export const MIGRATIONS: readonly string[] = [
  // 1: probe sets and survey imports
  `
  CREATE TABLE probe_sets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    summary_json TEXT NOT NULL,
    -- set for the built-in set only: a hash of the shipped file, to refresh it when the workbench updates it
    content_hash TEXT
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
  CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    source TEXT NOT NULL,
    weight_column TEXT,
    imported_at TEXT NOT NULL,
    summary_json TEXT NOT NULL
  );
  -- Weighted respondents per answer code (microdata) or published shares per code or code range (aggregate).
  CREATE TABLE survey_cells (
    survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    variable TEXT NOT NULL,
    code TEXT NOT NULL,
    weight REAL NOT NULL,
    respondents INTEGER,
    source TEXT,
    PRIMARY KEY (survey_id, country, variable, code)
  ) WITHOUT ROWID;
  `,
  // 2: the model registry
  `
  CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    -- gguf: the file's absolute path; openai: base URLs, one per line; gemini: the API's base URL or ''
    location TEXT NOT NULL,
    -- the server's model id for API models
    remote_model TEXT,
    sampling_json TEXT NOT NULL,
    preset TEXT,
    -- where the API key is: an environment variable's name or a keychain account, never the key itself
    api_key_env TEXT,
    keychain_account TEXT,
    -- what the GGUF header says, with the file's sha256
    info_json TEXT NOT NULL,
    added_at TEXT NOT NULL
  );
  `,
  // 3: runs, their measurements, and the cache of estimates shared by all runs
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    config_json TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    workbench_version TEXT NOT NULL,
    -- running, finished, failed or cancelled; a killed process leaves "running" behind, which --resume continues
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    finished_at TEXT,
    error TEXT,
    -- each model's identity when the run started (a GGUF file's sha256; an API model's id and servers)
    models_json TEXT NOT NULL
  );
  -- One distribution of one probe under one condition (zero-shot or a strategy), committed as soon as it is known.
  CREATE TABLE measurements (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    language TEXT NOT NULL,
    country TEXT NOT NULL,
    probe_id TEXT NOT NULL,
    condition TEXT NOT NULL,
    category INTEGER NOT NULL,
    target_option INTEGER NOT NULL,
    target_share_1 REAL NOT NULL,
    target_share_2 REAL NOT NULL,
    prompt_json TEXT NOT NULL,
    demonstration_ids TEXT NOT NULL,
    distribution_json TEXT NOT NULL,
    cache_key TEXT NOT NULL,
    completed_at TEXT NOT NULL,
    PRIMARY KEY (run_id, model, language, country, probe_id, condition)
  ) WITHOUT ROWID;
  CREATE TABLE explanations (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    language TEXT NOT NULL,
    country TEXT NOT NULL,
    probe_id TEXT NOT NULL,
    condition TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    prompt_json TEXT NOT NULL,
    response TEXT NOT NULL,
    answer TEXT NOT NULL,
    completed_at TEXT NOT NULL,
    PRIMARY KEY (run_id, model, language, country, probe_id, condition, ordinal)
  ) WITHOUT ROWID;
  -- Distributions by what determines them (model identity, prompt, settings, seed), reused instead of recomputed.
  CREATE TABLE estimate_cache (
    cache_key TEXT PRIMARY KEY,
    distribution_json TEXT NOT NULL,
    created_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 4: the results screen's first read kept
  `
  -- A run's tables and figures as the engine last derived them, with the key they were derived under (the
  -- measurements' count and latest stamp, the run's status, the workbench's version): a cache, never a source.
  -- A key that no longer matches is derived again and replaced.
  CREATE TABLE results_cache (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seed INTEGER NOT NULL,
    derived_from TEXT NOT NULL,
    tables_json TEXT NOT NULL,
    PRIMARY KEY (run_id, seed)
  ) WITHOUT ROWID;
  `,
  // 5: how many requests an API model's server takes at once
  `
  -- NULL: the default (4). vLLM and a llama.cpp server started with --parallel take more; a rate-limited API fewer.
  ALTER TABLE models ADD COLUMN concurrency_per_server INTEGER;
  `,
  // 6: what a run's results are derived from, read without the measurements' pages
  `
  -- Every read of a run's results first asks how many measurements it has and when the last was stored; the rows
  -- hold prompts and distributions, so without this index that question reads the whole table (20 ms a run of 20,000).
  CREATE INDEX measurements_completed ON measurements (run_id, completed_at);
  `,
  // 7: a run's name and notes, the researcher's own words (editable; never part of what the run measures)
  `
  ALTER TABLE runs ADD COLUMN name TEXT NOT NULL DEFAULT '';
  ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';
  `,
];
