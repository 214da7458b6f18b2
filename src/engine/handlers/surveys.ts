// Survey imports (with a preview that reads and counts without storing; progress for the 250 MB WVS file) and the
// target answers they give a country.

import path from 'node:path';
import { PROBE_FLAG_REASONS } from '../../core/data/index.js';
import { UserError } from '../../core/errors.js';
import {
  BUILTIN_PROBE_SET,
  deleteSurvey,
  listSurveys,
  loadProbes,
  loadSurveyCells,
  saveSurvey,
} from '../../core/store/index.js';
import {
  builtinAnswerKey,
  countryName,
  countryTargets,
  normaliseCountry,
  readAnswerKey,
  readSurveyFile,
  type SurveyFile,
} from '../../core/survey/index.js';
import type { HandlerGroup, HandlerResult } from '../context.js';
import { userPath } from '../user-path.js';
import { languageOf } from './scope.js';

export const surveyHandlers: HandlerGroup<'surveys.import' | 'surveys.list' | 'surveys.delete' | 'targets.get'> = {
  'surveys.import': async ({ path: file, name, format, weight, preview }, { db, jobs }) => {
    const absolute = userPath(file, 'the survey file');
    const surveyName = name ?? path.basename(absolute).replace(/\.(csv|txt)$/i, '');
    const { done } = jobs.start('survey-import', absolute, async (job) => {
      const started = performance.now();
      const data = await readSurveyFile(absolute, {
        ...(format ? { format } : {}),
        ...(weight ? { weight } : {}),
        signal: job.signal,
        onProgress: ({ bytesRead, totalBytes }) => {
          const seconds = (performance.now() - started) / 1000;
          const rate = seconds > 0 ? bytesRead / seconds : 0;
          job.progress({
            phase: 'reading',
            done: bytesRead,
            total: totalBytes,
            rate,
            etaSeconds: rate > 0 ? (totalBytes - bytesRead) / rate : null,
          });
        },
      });
      job.signal.throwIfAborted();
      if (!preview) {
        job.progress({ phase: 'storing', done: 0, total: data.cells.length, rate: 0, etaSeconds: null });
        saveSurvey(db, surveyName, absolute, data);
      }
      return importResult(surveyName, data, preview);
    });
    return done;
  },

  'surveys.list': (_params, { db }) =>
    listSurveys(db).map((s) => ({
      name: s.name,
      format: s.format,
      source: s.source,
      weightColumn: s.weightColumn,
      importedAt: s.importedAt,
      countries: s.countries,
      cells: s.cells,
      rows: s.summary.rows,
      respondents: s.summary.countries,
      warnings: s.summary.warnings,
    })),

  'surveys.delete': ({ name }, { db }) => {
    deleteSurvey(db, name);
    return { deleted: name };
  },

  'targets.get': async ({ survey, country: countryText, set = BUILTIN_PROBE_SET, language, answerKey }, { db }) => {
    const country = normaliseCountry(countryText);
    const key = answerKey ? await readAnswerKey(answerKey) : await builtinAnswerKey();
    const lang = languageOf(db, set, language);
    const probes = loadProbes(db, set, lang);
    const targets = countryTargets(country, key, loadSurveyCells(db, survey, country));
    return {
      survey,
      country,
      countryName: countryName(country) ?? country,
      set,
      language: lang,
      rows: probes.map((p) => {
        const target = targets.get(p.id);
        const base = {
          id: p.id,
          category: p.category,
          options: [p.options[0], p.options[1]] as [string, string],
          flag: p.flag,
          leftOut: p.flag ? PROBE_FLAG_REASONS[p.flag] : p.validity ? `invalid as published: ${p.validity}` : null,
          kind: target.kind,
        };
        if (target.kind === 'unknown') return { ...base, ...(target.reason ? { reason: target.reason } : {}) };
        const shares: [number, number] = [target.shares[0], target.shares[1]];
        if (target.kind === 'tie') return { ...base, shares };
        return {
          ...base,
          shares,
          option: target.option,
          margin: target.margin,
          majorityText: p.options[target.option - 1]!,
        };
      }),
    };
  },
};

function importResult(name: string, data: SurveyFile, preview: boolean): HandlerResult<'surveys.import'> {
  const s = data.summary;
  if (s.countries.length === 0) throw new UserError('empty-survey', 'the file holds no answers of any country');
  return {
    preview,
    name,
    format: s.format,
    weightColumn: s.weightColumn,
    rows: s.rows,
    cells: data.cells.length,
    countries: s.countries,
    warnings: s.warnings,
  };
}
