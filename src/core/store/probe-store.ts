// Probe sets in the database. A set is written in one transaction, so a failed import leaves no trace.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import {
  compareQuestionIds,
  probeSourceFromCustomCsv,
  validityIssue,
  type Probe,
  type ProbeFlag,
  type ProbeSource,
  type ProbeSourceSummary,
} from '../data/index.js';
import { builtinDataPath } from '../resources.js';
import type { Db } from './database.js';

/** The workbench's own English probes (data/probes/en.csv), present in every database without an import. */
export const BUILTIN_PROBE_SET = 'builtin';

export interface ProbeSetInfo {
  name: string;
  format: string;
  source: string;
  importedAt: string;
  languages: string[];
  probes: number;
  usable: number;
  summary: ProbeSourceSummary;
}

export function saveProbeSet(db: Db, name: string, sourcePath: string, source: ProbeSource): ProbeSetInfo {
  if (name === BUILTIN_PROBE_SET)
    throw new UserError(
      'set-exists',
      `"${BUILTIN_PROBE_SET}" is the name of the workbench's own English probes; choose another with --name`,
    );
  insertProbeSet(db, name, sourcePath, source, null);
  return getProbeSet(db, name);
}

/**
 * Puts the shipped English set into the database, or refreshes it when the shipped file changed (a workbench
 * update). Called whenever a database is opened; costs one hash of a small file when nothing changed.
 */
export function ensureBuiltinProbeSet(db: Db): void {
  const file = builtinDataPath('probes', 'en.csv');
  const bytes = readFileSync(file);
  const hash = createHash('sha256').update(bytes).digest('hex');
  const row = db.prepare('SELECT content_hash FROM probe_sets WHERE name = ?').get(BUILTIN_PROBE_SET) as
    { content_hash: string | null } | undefined;
  if (row?.content_hash === hash) return;
  const source = probeSourceFromCustomCsv(file, bytes);
  db.transaction(() => {
    db.prepare('DELETE FROM probe_sets WHERE name = ?').run(BUILTIN_PROBE_SET);
    insertProbeSet(
      db,
      BUILTIN_PROBE_SET,
      'data/probes/en.csv',
      { ...source, summary: { ...source.summary, format: 'builtin' } },
      hash,
    );
  })();
}

function insertProbeSet(
  db: Db,
  name: string,
  sourcePath: string,
  source: ProbeSource,
  contentHash: string | null,
): void {
  const insertSet = db.prepare(
    'INSERT INTO probe_sets (name, format, source, imported_at, summary_json, content_hash) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertProbe = db.prepare(
    `INSERT INTO probes (set_id, language, probe_id, category, template, option_1, option_2, flag, source_file, source_line)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    if (db.prepare('SELECT 1 FROM probe_sets WHERE name = ?').get(name)) {
      throw new UserError('set-exists', `a probe set named "${name}" already exists; choose another with --name`);
    }
    const setId = insertSet.run(
      name,
      source.summary.format,
      sourcePath,
      new Date().toISOString(),
      JSON.stringify(source.summary),
      contentHash,
    ).lastInsertRowid;
    for (const p of source.probes) {
      insertProbe.run(
        setId,
        p.language,
        p.id,
        p.category,
        p.template,
        p.options[0],
        p.options[1],
        p.flag,
        p.source.file,
        p.source.line,
      );
    }
  })();
}

export function listProbeSets(db: Db): ProbeSetInfo[] {
  const rows = db.prepare('SELECT name FROM probe_sets ORDER BY name').all() as { name: string }[];
  return rows.map((r) => getProbeSet(db, r.name));
}

export function getProbeSet(db: Db, name: string): ProbeSetInfo {
  const row = db
    .prepare('SELECT id, name, format, source, imported_at, summary_json FROM probe_sets WHERE name = ?')
    .get(name) as
    { id: number; name: string; format: string; source: string; imported_at: string; summary_json: string } | undefined;
  if (!row) {
    const known = (db.prepare('SELECT name FROM probe_sets ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );
    throw new UserError(
      'unknown-set',
      `there is no probe set named "${name}"${known.length ? ` (known: ${known.join(', ')})` : ' (import one with `selfalign probes import`)'}`,
    );
  }
  const counts = db
    .prepare(
      'SELECT language, COUNT(*) AS n, SUM(flag IS NULL) AS usable FROM probes WHERE set_id = ? GROUP BY language ORDER BY language',
    )
    .all(row.id) as {
    language: string;
    n: number;
    usable: number;
  }[];
  return {
    name: row.name,
    format: row.format,
    source: row.source,
    importedAt: row.imported_at,
    languages: counts.map((c) => c.language),
    probes: counts.reduce((sum, c) => sum + c.n, 0),
    usable: counts.reduce((sum, c) => sum + c.usable, 0),
    summary: JSON.parse(row.summary_json) as ProbeSourceSummary,
  };
}

/** The probes of one language of a set, in questionnaire order. */
export function loadProbes(db: Db, setName: string, language: string): Probe[] {
  const set = getProbeSet(db, setName);
  if (!set.languages.includes(language)) {
    throw new UserError(
      'unknown-language',
      `probe set "${setName}" has no language "${language}" (it has ${set.languages.join(', ')})`,
    );
  }
  const rows = db
    .prepare(`SELECT p.* FROM probes p JOIN probe_sets s ON s.id = p.set_id WHERE s.name = ? AND p.language = ?`)
    .all(setName, language) as {
    language: string;
    probe_id: string;
    category: number;
    template: string;
    option_1: string;
    option_2: string;
    flag: ProbeFlag | null;
    source_file: string;
    source_line: number;
  }[];
  return rows
    .map((r) => ({
      id: r.probe_id,
      language: r.language,
      template: r.template,
      options: [r.option_1, r.option_2] as const,
      category: r.category,
      flag: r.flag,
      validity: validityIssue({ id: r.probe_id, language: r.language }, set.format),
      source: { file: r.source_file, line: r.source_line },
    }))
    .sort((a, b) => compareQuestionIds(a.id, b.id));
}

/** Deletes a probe set with its probes (one statement; the probes go by cascade). The built-in set stays. */
export function deleteProbeSet(db: Db, name: string): void {
  if (name === BUILTIN_PROBE_SET)
    throw new UserError(
      'builtin-set',
      `"${BUILTIN_PROBE_SET}" is the workbench's own English probe set and cannot be deleted`,
    );
  getProbeSet(db, name);
  db.prepare('DELETE FROM probe_sets WHERE name = ?').run(name);
}

/** Which probe sets there are now (their ids): the statements a result shows come from them. */
export function probeSetsStamp(db: Db): string {
  return (db.prepare('SELECT group_concat(id) AS ids FROM probe_sets').get() as { ids: string | null }).ids ?? '';
}
