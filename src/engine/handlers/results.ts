// A run's results as the screens read them: every table and figure as data, the probes × conditions filtered,
// sorted and paged here (a run of 14 languages holds ~20,000 rows), one probe in full, and the CSV report.

import { writeFile } from 'node:fs/promises';
import { itemsLeftOut } from '../run-service.js';
import path from 'node:path';
import { compareQuestionIds, type Probe } from '../../core/data/index.js';
import { UserError } from '../../core/errors.js';
import {
  compareConditions,
  DemonstrationPool,
  isZeroShot,
  ZERO_SHOT,
  type Condition,
  type Demonstration,
} from '../../core/demos/index.js';
import {
  conditionsOf,
  drawPrompts,
  labelledDemonstrations,
  promptLayout,
  layoutOf,
  selectedDemonstrations,
  selectionDraws,
  promptTemplateOf,
  storedPrompts,
  type ProbeRecord,
  type RunConfig,
} from '../../core/experiment/index.js';
import {
  categoryName,
  cellReadings,
  perProbeRows,
  unreadableWarnings,
  writeCsvReport,
} from '../../core/report/index.js';
import { readStoredDistribution } from '../../core/sampling/index.js';
import { PROCEDURE_CHANGES } from '../../core/version.js';
import {
  getRun,
  loadExplanations,
  loadProbeMeasurements,
  loadProbes,
  loadSurveyCells,
  type Db,
} from '../../core/store/index.js';
import { builtinAnswerKey, countryTargets, type TargetAnswers } from '../../core/survey/index.js';
import type { ParsedParams } from '../../shared/contract.js';
import type { HandlerGroup, HandlerResult } from '../context.js';
import { userPath } from '../user-path.js';
import type { RunResults } from '../results-service.js';

type Row = HandlerResult<'results.probes'>['rows'][number];

/** The explorer's rows of a run, unfiltered, and each probe id's place in question order: built once per state of the run. */
function explorerRows(db: Db, data: RunResults): { all: Row[]; order: ReadonlyMap<string, number> } {
  const built = data.built.get('explorer') as { all: Row[]; order: ReadonlyMap<string, number> } | undefined;
  if (built) return built;
  const all = rowsOf(data.records, probesOf(db, data.config));
  // Q1 < Q2 < Q10 < Q106a: ranked once, as comparing the ids themselves in every step of a sort is slow.
  const order = new Map([...new Set(all.map((r) => r.probeId))].sort(compareQuestionIds).map((id, rank) => [id, rank]));
  data.built.set('explorer', { all, order });
  return { all, order };
}

/**
 * The demonstration pool a run had for a language and country, rebuilt, with the answers a control's labels come
 * from; undefined when its inputs are gone since.
 */
async function poolOf(
  db: Db,
  config: RunConfig,
  probes: ReadonlyMap<string, Probe> | undefined,
  { country, survey }: { country: string; survey: string },
): Promise<RebuiltPool | undefined> {
  if (!probes || probes.size === 0) return undefined;
  try {
    const key = await builtinAnswerKey();
    const own = countryTargets(country, key, loadSurveyCells(db, survey, country));
    const others = new Map<string, TargetAnswers>();
    return {
      pool: new DemonstrationPool([...probes.values()], own),
      labels(condition) {
        const source = layoutOf(condition, config).labels;
        if (source.kind !== 'other-country') return { own };
        let other = others.get(source.country);
        if (!other) {
          other = countryTargets(source.country, key, loadSurveyCells(db, survey, source.country));
          others.set(source.country, other);
        }
        return { own, other };
      },
    };
  } catch {
    return undefined; // the survey import was deleted since
  }
}

interface RebuiltPool {
  pool: DemonstrationPool;
  /** The answers a condition's demonstrations are completed with (labelledDemonstrations). */
  labels(condition: Condition): { own: TargetAnswers; other?: TargetAnswers };
}

/** A condition's demonstrations at a selection draw, completed as that draw's prompt completes them. */
function demonstrationsShown(
  probe: Probe | null,
  condition: Condition,
  rebuilt: RebuiltPool,
  config: RunConfig,
  draw: number,
): Demonstration[] {
  if (!probe) return [];
  const selected = selectedDemonstrations(probe.id, condition, rebuilt.pool, config, draw);
  return labelledDemonstrations(probe, condition, selected, config, rebuilt.labels(condition), draw) ?? selected;
}

/** The probes of each language of a run, when its probe sets are still in the database. */
function probesOf(db: Db, config: RunConfig): Map<string, Map<string, Probe>> {
  const byLanguage = new Map<string, Map<string, Probe>>();
  for (const { language, probeSet } of config.languages) {
    try {
      byLanguage.set(language, new Map(loadProbes(db, probeSet, language).map((p) => [p.id, p])));
    } catch {
      byLanguage.set(language, new Map()); // the set was deleted since: the results stand without the text
    }
  }
  return byLanguage;
}

/**
 * The explorer's rows: a probe's zero-shot row, then one per strategy. Each row is written out as one literal (a
 * spread of a shared base makes ~20,000 objects of a slow shape, a third of a second on a reopened big run).
 */
function rowsOf(records: readonly ProbeRecord[], probes: Map<string, Map<string, Probe>>): Row[] {
  const rows: Row[] = [];
  for (const r of records) {
    const template = probes.get(r.language)?.get(r.probeId)?.template ?? null;
    const name = categoryName(r.category);
    const row = (
      condition: Condition,
      measured: { alignment: number; invalid: number; softAlignment?: number | undefined },
      compared?: ProbeRecord['strategies'][number],
    ): Row => ({
      model: r.model,
      language: r.language,
      country: r.country,
      probeId: r.probeId,
      category: r.category,
      categoryName: name,
      template,
      targetOption: r.targetOption,
      targetShares: [r.targetShares[0], r.targetShares[1]],
      misaligned: r.misaligned,
      zeroShotAlignment: r.zeroShot.alignment,
      condition,
      alignment: measured.alignment,
      invalidShare: measured.invalid,
      outcome: compared?.outcome ?? null,
      gatedOutcome: compared?.gatedOutcome ?? null,
      pValue: compared?.pValue ?? null,
      qValue: compared?.qValue ?? null,
      errorReduction: compared?.errorReduction ?? null,
      softAlignment: measured.softAlignment ?? null,
    });
    rows.push(row(ZERO_SHOT, r.zeroShot));
    for (const s of r.strategies) rows.push(row(s.condition, s, s));
  }
  return rows;
}

function matches(row: Row, filter: ParsedParams<'results.probes'>['filter']): boolean {
  if (filter.model !== undefined && row.model !== filter.model) return false;
  if (filter.language !== undefined && row.language !== filter.language) return false;
  if (filter.country !== undefined && row.country !== filter.country) return false;
  if (filter.category !== undefined && row.category !== filter.category) return false;
  if (filter.condition !== undefined && row.condition !== filter.condition) return false;
  if (filter.outcome !== undefined && row.outcome !== filter.outcome) return false;
  if (filter.gatedOutcome !== undefined && row.gatedOutcome !== filter.gatedOutcome) return false;
  if (filter.misaligned !== undefined && row.misaligned !== filter.misaligned) return false;
  if (filter.text) {
    const needle = filter.text.toLocaleLowerCase();
    if (!`${row.probeId} ${row.template ?? ''}`.toLocaleLowerCase().includes(needle)) return false;
  }
  return true;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The order of the explorer's sort key; rows without an error reduction (not improved or worsened) come first. */
function compareBy(
  a: Row,
  b: Row,
  by: ParsedParams<'results.probes'>['sort']['by'],
  probeOrder: ReadonlyMap<string, number>,
): number {
  switch (by) {
    case 'errorReduction':
      return a.errorReduction === b.errorReduction
        ? 0
        : a.errorReduction === null
          ? -1
          : b.errorReduction === null
            ? 1
            : a.errorReduction - b.errorReduction;
    case 'zeroShotError':
      return b.zeroShotAlignment - a.zeroShotAlignment;
    case 'alignment':
      return a.alignment - b.alignment;
    case 'probe':
      return probeOrder.get(a.probeId)! - probeOrder.get(b.probeId)!;
  }
}

export const resultHandlers: HandlerGroup<
  'results.tables' | 'results.summary' | 'results.probes' | 'results.probe' | 'results.explanations' | 'reports.export'
> = {
  'results.explanations': async ({ runId, filter, offset, limit }, { db, results }) => {
    const { config, records } = results.run(runId);
    const entries = (await explanationEntries(db, config, records, runId)).filter((e) => explanationMatches(e, filter));
    return { total: entries.length, offset, rows: entries.slice(offset, offset + limit) };
  },

  'results.tables': ({ runId, seed }, { db, results }) => {
    // Kept tables are read without loading the measurements at all.
    const run = getRun(db, runId);
    return {
      runId,
      status: run.status,
      ...(results.keptTables(run, seed) ?? results.tables(results.run(runId), seed)),
    };
  },

  'results.summary': ({ runId }, { results }) => {
    const data = results.run(runId);
    // The warnings read the flagged cells' stored responses: built once per state of the run, as the explorer's rows.
    const kept = data.built.get('summary') as HandlerResult<'results.summary'> | undefined;
    if (kept) return kept;
    const tables = results.tables(data, 0);
    const summary = {
      runId,
      unreadableThreshold: data.config.unreadableThreshold,
      warnings: unreadableWarnings(data.measurements, tables, data.config),
      // Table 1 in expectation is read where it has no sampling noise: exact estimates.
      readings: cellReadings(tables.outcomes, data.config.estimator === 'exact' ? tables.expectedOutcomes : []),
    };
    data.built.set('summary', summary);
    return summary;
  },

  'results.probes': ({ runId, filter, sort, offset, limit }, { db, results }) => {
    const { all, order } = explorerRows(db, results.run(runId));
    const rows = all.filter((row) => matches(row, filter));
    const direction = sort.descending ? -1 : 1;
    rows.sort(
      (a, b) =>
        direction * compareBy(a, b, sort.by, order) ||
        compareText(a.model, b.model) ||
        compareText(a.language, b.language) ||
        compareText(a.country, b.country) ||
        order.get(a.probeId)! - order.get(b.probeId)! ||
        compareText(a.condition === ZERO_SHOT ? '' : a.condition, b.condition === ZERO_SHOT ? '' : b.condition),
    );
    return { total: rows.length, offset, rows: rows.slice(offset, offset + limit) };
  },

  'results.probe': async ({ runId, model, language, country: countryParam, probeId }, { db, results }) => {
    const { config, records } = results.run(runId);
    const country = countryParam ?? config.languages.find((l) => l.language === language)?.country ?? '';
    const record = records.find(
      (r) => r.model === model && r.language === language && r.country === country && r.probeId === probeId,
    );
    const own = loadProbeMeasurements(db, runId, { model, language, country, probeId }).sort((a, b) =>
      compareConditions(a.condition, b.condition),
    );
    const zero = own.find((m) => m.condition === ZERO_SHOT);
    if (!record || !zero) {
      throw new UserError(
        'unknown-probe',
        `run ${runId} has no measurement of ${model} on ${language}/${country} ${probeId}`,
        { probe: probeId },
      );
    }
    const probes = probesOf(db, config).get(language) ?? new Map<string, Probe>();
    const probe = probes.get(probeId) ?? null;
    // The demonstrations are rebuilt from the same inputs the run had, for their sentences and chrF++ scores.
    const entry = config.languages.find((l) => l.language === language && l.country === country);
    const pool = entry ? await poolOf(db, config, probes, entry) : undefined;
    const explanations = loadExplanations(db, runId).filter(
      (e) => e.model === model && e.language === language && e.country === country && e.probeId === probeId,
    );
    return {
      runId,
      model,
      language,
      country,
      probe,
      targetOption: record.targetOption,
      targetShares: [record.targetShares[0], record.targetShares[1]],
      misaligned: record.misaligned,
      unreadableThreshold: config.unreadableThreshold,
      conditions: own.map((m) => {
        const distribution = readStoredDistribution(m.distributionJson);
        const prompts = storedPrompts(m.promptJson, m.demonstrationIds);
        const result = record.strategies.find((s) => s.condition === m.condition);
        // The random strategies may draw other demonstrations for each draw: rebuild every draw's.
        // A control's labels are those of its first draw (random and share labels are drawn anew per draw; the
        // prompts show each draw's).
        const chosen = !pool
          ? []
          : Array.from({ length: selectionDraws(m.condition, config) }, (_, draw) =>
              demonstrationsShown(probe, m.condition, pool, config, draw),
            ).flat();
        return {
          condition: m.condition,
          prompts: prompts.map((p) => ({ ...p, optionOrder: [...p.optionOrder] })),
          demonstrations: m.demonstrationIds.map((id) => {
            const d = chosen.find((c) => c.probe.id === id);
            return {
              id,
              category: d?.probe.category ?? probes.get(id)?.category ?? null,
              sentence: d?.sentence ?? null,
              answerText: d?.answerText ?? null,
              chrfpp: d?.chrfpp ?? null,
            };
          }),
          distribution,
          alignment:
            m.condition === ZERO_SHOT
              ? record.zeroShot.alignment
              : (result?.alignment ?? (m.targetOption === 1 ? distribution.option1 : distribution.option2)),
          outcome: result?.outcome ?? null,
          gatedOutcome: result?.gatedOutcome ?? null,
          errorReduction: result?.errorReduction ?? null,
          softAlignment: (m.condition === ZERO_SHOT ? record.zeroShot.softAlignment : result?.softAlignment) ?? null,
        };
      }),
      explanations: explanations.map((e) => ({
        condition: e.condition,
        ordinal: e.ordinal,
        answer: e.answer,
        response: e.response,
      })),
    };
  },

  'reports.export': async ({ runId, dir, bom, seed, columnNames }, { db, results }) => {
    const data = results.run(runId);
    const { run, config, measurements, records } = data;
    const out = userPath(dir, 'the report folder');
    const probes = probesOf(db, config);
    const validityOf = (r: ProbeRecord) => probes.get(r.language)?.get(r.probeId)?.validity ?? null;
    const explanations = (await explanationEntries(db, config, records, runId)).map((e) => ({
      model: e.model,
      language: e.language,
      country: e.country,
      probeId: e.probeId,
      condition: e.condition,
      outcome: e.outcome,
      demonstrations: e.demonstrations?.join('\n') ?? null,
      question: e.question,
      answer: e.answer,
      explanation: e.explanation,
      ordinal: e.ordinal,
    }));
    const files = await reportWrite(out, () =>
      writeCsvReport(
        out,
        { ...results.tables(data, seed), probes: perProbeRows(records, validityOf), explanations },
        { bom, columnNames },
      ),
    );
    const manifest = {
      run: run.id,
      status: run.status,
      configuration: JSON.parse(run.configJson) as unknown,
      configurationHash: run.configHash,
      models: JSON.parse(run.modelsJson) as unknown,
      workbenchVersion: run.workbenchVersion,
      // What changed in the procedure, and since which version: compare with workbenchVersion.
      procedureChanges: PROCEDURE_CHANGES,
      startedAt: run.createdAt,
      finishedAt: run.finishedAt,
      measurements: measurements.length,
      // Probes the run left out as invalid as published, with the reason for each.
      itemsLeftOut: itemsLeftOut(db, config),
      // The prompt template of each language, as used: the run's own, or the workbench's English one.
      promptTemplates: Object.fromEntries(
        config.languages.map(({ language }) => [language, promptTemplateOf(config, language)]),
      ),
      // Every condition's prompt layout per language and country, with placeholders for what varies by probe and
      // draw; each stored measurement's prompts say where a control's system content went for its model.
      promptLayouts: config.languages.map(({ language, country }) => ({
        language,
        country,
        conditions: conditionsOf(config).map((condition) => promptLayout(condition, config, language, country)),
      })),
      reportSeed: seed,
      columnNames,
      writtenAt: new Date().toISOString(),
    };
    await reportWrite(out, () => writeFile(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`));
    return { runId, dir: out, status: run.status, files: [...files, path.join(out, 'manifest.json')] };
  },
};

/**
 * A write into the report folder, its failure said in words: which folder, and what stood in the way, instead of
 * Node's "ENOTDIR: not a directory, mkdir …".
 */
async function reportWrite<T>(dir: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason: Record<string, string> = {
      ENOTDIR: 'a file stands where a folder of that path should be',
      EEXIST: 'a file stands where a folder of that path should be',
      EISDIR: "a folder stands where one of the report's files should be written",
      EACCES: 'the engine may not write there',
      EPERM: 'the engine may not write there',
      EROFS: 'the disk is read-only',
      ENOSPC: 'the disk is full',
    };
    if (code && reason[code])
      throw new UserError('report-not-written', `The report could not be written into ${dir}: ${reason[code]}.`);
    throw error;
  }
}

type ExplanationEntry = HandlerResult<'results.explanations'>['rows'][number];

/** Every explanation of a run as the paper's Table 2 reads it, in the order they were asked. */
async function explanationEntries(
  db: Db,
  config: RunConfig,
  records: readonly ProbeRecord[],
  runId: string,
): Promise<ExplanationEntry[]> {
  const explanations = loadExplanations(db, runId);
  if (explanations.length === 0) return [];
  const probes = probesOf(db, config);
  const pools = new Map<string, RebuiltPool | undefined>();
  for (const entry of config.languages)
    pools.set(`${entry.language}/${entry.country}`, await poolOf(db, config, probes.get(entry.language), entry));
  return explanations.map((e) => {
    const probe = probes.get(e.language)?.get(e.probeId);
    const record = records.find(
      (r) => r.model === e.model && r.language === e.language && r.country === e.country && r.probeId === e.probeId,
    );
    const pool = pools.get(`${e.language}/${e.country}`);
    let demonstrations: string[] | null = null;
    if (probe && pool && !isZeroShot(e.condition)) {
      // The explanation was asked with the first draw's prompt: its demonstrations, in its order.
      const drawn = drawPrompts(probe, e.condition, pool.pool, config, {
        country: e.country,
        ...pool.labels(e.condition),
        systemMessages: true,
        explain: true,
      });
      const shown = drawn?.prompts[0]!.prompt.demonstrationIds ?? [];
      const chosen = demonstrationsShown(probe, e.condition, pool, config, 0);
      demonstrations = shown.map((id) => chosen.find((d) => d.probe.id === id)?.sentence ?? id);
    }
    const category = record?.category ?? probe?.category ?? null;
    const result = record?.strategies.find((s) => s.condition === e.condition);
    return {
      model: e.model,
      language: e.language,
      country: e.country,
      probeId: e.probeId,
      category,
      categoryName: category === null ? null : categoryName(category),
      condition: e.condition,
      outcome: result?.outcome ?? null,
      demonstrations,
      question: probe?.template ?? null,
      answer: e.answer === '1' || e.answer === '2' ? (probe?.options[Number(e.answer) - 1] ?? e.answer) : e.answer,
      explanation: e.response,
      ordinal: e.ordinal,
      shares: record
        ? {
            targetOption: record.targetOption,
            targetText: probe?.options[record.targetOption - 1] ?? null,
            countryShares: [record.targetShares[0], record.targetShares[1]],
            zeroShot: { alignment: record.zeroShot.alignment, invalidShare: record.zeroShot.invalid },
            condition: result ? { alignment: result.alignment, invalidShare: result.invalid } : null,
          }
        : null,
    };
  });
}

function explanationMatches(entry: ExplanationEntry, filter: ParsedParams<'results.explanations'>['filter']): boolean {
  if (filter.model !== undefined && entry.model !== filter.model) return false;
  if (filter.language !== undefined && entry.language !== filter.language) return false;
  if (filter.condition !== undefined && entry.condition !== filter.condition) return false;
  if (filter.outcome !== undefined && entry.outcome !== filter.outcome) return false;
  if (filter.category !== undefined && entry.category !== filter.category) return false;
  if (filter.text) {
    const needle = filter.text.toLocaleLowerCase();
    const haystack = [
      entry.probeId,
      entry.question ?? '',
      entry.answer,
      entry.explanation,
      ...(entry.demonstrations ?? []),
    ]
      .join(' ')
      .toLocaleLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}
