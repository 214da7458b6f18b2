// Survey imports in the database: every answer cell of an import is written in one transaction, so a failed import
// leaves nothing behind. Several imports coexist; a run names the one it uses.

import { UserError } from '../errors.js';
import type { SurveyCell, SurveyFile, SurveyFileSummary } from '../survey/index.js';
import type { Db } from './database.js';

export interface SurveyInfo {
  name: string;
  format: string;
  source: string;
  weightColumn: string | null;
  importedAt: string;
  countries: string[];
  cells: number;
  summary: SurveyFileSummary;
}

export function saveSurvey(db: Db, name: string, sourcePath: string, survey: SurveyFile): SurveyInfo {
  const insertCell = db.prepare(
    'INSERT INTO survey_cells (survey_id, country, variable, code, weight, respondents, source) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    if (db.prepare('SELECT 1 FROM surveys WHERE name = ?').get(name)) {
      throw new UserError(
        'survey-exists',
        `a survey import named "${name}" already exists; choose another with --name`,
      );
    }
    const surveyId = db
      .prepare(
        'INSERT INTO surveys (name, format, source, weight_column, imported_at, summary_json) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        name,
        survey.summary.format,
        sourcePath,
        survey.summary.weightColumn,
        new Date().toISOString(),
        JSON.stringify(survey.summary),
      ).lastInsertRowid;
    for (const c of survey.cells)
      insertCell.run(surveyId, c.country, c.variable, c.code, c.weight, c.respondents, c.source);
  })();
  return getSurvey(db, name);
}

export function listSurveys(db: Db): SurveyInfo[] {
  return (db.prepare('SELECT name FROM surveys ORDER BY name').all() as { name: string }[]).map((r) =>
    getSurvey(db, r.name),
  );
}

export function getSurvey(db: Db, name: string): SurveyInfo {
  const row = db.prepare('SELECT * FROM surveys WHERE name = ?').get(name) as
    | {
        id: number;
        name: string;
        format: string;
        source: string;
        weight_column: string | null;
        imported_at: string;
        summary_json: string;
      }
    | undefined;
  if (!row) {
    const known = (db.prepare('SELECT name FROM surveys ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    throw new UserError(
      'unknown-survey',
      `there is no survey import named "${name}"${known.length ? ` (known: ${known.join(', ')})` : ' (import one with `selfalign survey import`)'}`,
    );
  }
  const countries = (
    db.prepare('SELECT DISTINCT country FROM survey_cells WHERE survey_id = ? ORDER BY country').all(row.id) as {
      country: string;
    }[]
  ).map((r) => r.country);
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM survey_cells WHERE survey_id = ?').get(row.id) as { n: number };
  return {
    name: row.name,
    format: row.format,
    source: row.source,
    weightColumn: row.weight_column,
    importedAt: row.imported_at,
    countries,
    cells: n,
    summary: JSON.parse(row.summary_json) as SurveyFileSummary,
  };
}

/** Every answer cell of one country in one import. */
export function loadSurveyCells(db: Db, surveyName: string, country: string): SurveyCell[] {
  const survey = getSurvey(db, surveyName);
  if (!survey.countries.includes(country)) {
    throw new UserError(
      'unknown-country',
      `survey import "${surveyName}" has no answers for ${country} (it has ${survey.countries.join(', ')})`,
    );
  }
  return db
    .prepare(
      `SELECT c.country, c.variable, c.code, c.weight, c.respondents, c.source FROM survey_cells c JOIN surveys s ON s.id = c.survey_id
       WHERE s.name = ? AND c.country = ?`,
    )
    .all(surveyName, country) as SurveyCell[];
}

/** Deletes a survey import with its answer cells (they go by cascade). */
export function deleteSurvey(db: Db, name: string): void {
  getSurvey(db, name);
  db.prepare('DELETE FROM surveys WHERE name = ?').run(name);
}
