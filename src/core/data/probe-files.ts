// Reads probe sets from the files users have: the Arora et al. (2023) archive or folder exactly as published
// (tab-separated `<lang>.csv` files under `wvs/`), or a custom CSV `id,language,template,option_a,option_b[,category]`.
// Parsing is all-or-nothing: the first broken line stops the import with its file and line, and nothing is returned.

import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { UserError } from '../errors.js';
import { findCategory } from './categories.js';
import { categoryOfQuestionId, clozeFromTemplate, compareQuestionIds, normaliseQuestionId, type Probe, type ProbeFlag } from './probe.js';
import { decodeHtmlEntities, decodeUtf8 } from './text-file.js';

export type ProbeSourceFormat = 'arora' | 'custom' | 'builtin';

export interface ProbeSourceSummary {
  format: ProbeSourceFormat;
  files: { file: string; language: string; probes: number }[];
  languages: string[];
  probes: number;
  /** Probes kept but left out of runs, by reason. */
  flagged: Record<ProbeFlag, number>;
  flaggedProbes: { language: string; id: string; flag: ProbeFlag }[];
  /** Identical templates within one language: kept, reported. */
  duplicateTemplates: { language: string; template: string; ids: string[] }[];
  /** Probes whose text held HTML character references such as `&#39;`, decoded on import. */
  decodedEntities: { language: string; id: string }[];
}

export interface ProbeSource {
  probes: Probe[];
  summary: ProbeSourceSummary;
}

interface NamedText {
  /** How the file is named in messages: "probes.zip:probes/wvs/de.csv". */
  file: string;
  bytes: Uint8Array;
}

/** Reads a probe archive (.zip), a folder, or a single probe file, deciding the format from the content. */
export async function readProbeSource(sourcePath: string): Promise<ProbeSource> {
  const info = await stat(sourcePath).catch(() => {
    throw new UserError('not-found', `no such file or folder`, { file: sourcePath });
  });
  if (info.isDirectory()) return readAroraFiles(await aroraFilesInFolder(sourcePath), sourcePath);
  const bytes = await readFile(sourcePath);
  if (sourcePath.toLowerCase().endsWith('.zip')) return readAroraFiles(aroraFilesInArchive(bytes, sourcePath), sourcePath);
  const file = { file: sourcePath, bytes };
  const text = decodeUtf8(bytes, sourcePath);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  if (firstLine.includes('\t')) return readAroraFiles([file], sourcePath);
  return summarise('custom', parseCustomCsv(sourcePath, text));
}


/** A custom CSV already in memory, such as the built-in English set that ships with the workbench. */
export function probeSourceFromCustomCsv(file: string, bytes: Uint8Array): ProbeSource {
  return summarise('custom', parseCustomCsv(file, decodeUtf8(bytes, file)));
}

// ---- The Arora et al. layout ----

const LANGUAGE_FILE = /^([a-z]{2,3})\.csv$/;

function isMacJunk(name: string): boolean {
  return name.startsWith('__MACOSX/') || name.includes('/__MACOSX/') || path.posix.basename(name).startsWith('.');
}

function aroraFilesInArchive(bytes: Uint8Array, archive: string): NamedText[] {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => !isMacJunk(f.name) && LANGUAGE_FILE.test(path.posix.basename(f.name)) });
  } catch (error) {
    throw new UserError('bad-archive', `the archive cannot be read as a ZIP file (${(error as Error).message})`, { file: archive });
  }
  const inWvs = Object.keys(entries).filter((name) => path.posix.basename(path.posix.dirname(name)) === 'wvs');
  // An archive of language files alone is accepted too; a `wvs/` folder wins over the Hofstede probes beside it.
  const chosen = inWvs.length > 0 ? inWvs : Object.keys(entries).filter((name) => !name.includes('/'));
  if (chosen.length === 0) {
    throw new UserError('no-probe-files', `the archive holds no probe files: expected wvs/<language>.csv files such as wvs/de.csv`, { file: archive });
  }
  return chosen.sort().map((name) => ({ file: `${archive}:${name}`, bytes: entries[name]! }));
}

async function aroraFilesInFolder(folder: string): Promise<NamedText[]> {
  const wvs = path.join(folder, 'wvs');
  const dir = (await stat(wvs).catch(() => undefined))?.isDirectory() ? wvs : folder;
  const names = (await readdir(dir)).filter((name) => LANGUAGE_FILE.test(name)).sort();
  if (names.length === 0) {
    throw new UserError('no-probe-files', `the folder holds no probe files: expected <language>.csv files such as de.csv, or a wvs/ folder of them`, { file: folder });
  }
  return Promise.all(names.map(async (name) => ({ file: path.join(dir, name), bytes: await readFile(path.join(dir, name)) })));
}

function readAroraFiles(files: NamedText[], source: string): ProbeSource {
  const probes: ParsedProbe[] = [];
  for (const f of files) {
    const match = LANGUAGE_FILE.exec(path.posix.basename(f.file.replaceAll('\\', '/')));
    if (!match) throw new UserError('bad-file-name', `the language cannot be read from the file name: name it <language>.csv, such as de.csv`, { file: f.file });
    probes.push(...parseAroraFile(f.file, match[1]!, decodeUtf8(f.bytes, f.file)));
  }
  if (probes.length === 0) throw new UserError('no-probes', 'the probe files hold no probes', { file: source });
  return summarise('arora', probes);
}

/** One published file: header `\t0\t1\t2\t3`, then row index, question id, template with [MASK], option 1, option 2. */
export function parseAroraFile(file: string, language: string, text: string): ParsedProbe[] {
  const rows = parseRows(file, text, '\t');
  const probes: ParsedProbe[] = [];
  const seen = new Map<string, number>();
  for (const { record, line } of rows) {
    // The header row, `\t0\t1\t2\t3`, is the one whose row-index column is empty.
    if (line === rows[0]!.line && (record[0] ?? '').trim() === '') continue;
    if (record.length < 5) {
      throw new UserError('missing-columns', `expected 5 tab-separated columns (row, question id, template, option 1, option 2), found ${record.length}`, { file, line });
    }
    const id = normaliseQuestionId(record[1]!);
    if (!id) throw new UserError('bad-question-id', `"${record[1]}" is not a WVS question id such as 1 or 106a`, { file, line });
    probes.push(makeProbe({ file, line, id, language, template: record[2]!, optionA: record[3]!, optionB: record[4]! }, seen));
  }
  return probes;
}

// ---- The custom CSV layout ----

export const CUSTOM_CSV_COLUMNS = ['id', 'language', 'template', 'option_a', 'option_b'] as const;

export function parseCustomCsv(file: string, text: string): ParsedProbe[] {
  const rows = parseRows(file, text, ',');
  const header = rows[0]?.record.map((h) => h.trim().toLowerCase()) ?? [];
  const missing = CUSTOM_CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new UserError(
      'missing-columns',
      `the header lacks ${missing.join(', ')}; a custom probe file has the columns ${CUSTOM_CSV_COLUMNS.join(',')}[,category]`,
      { file, line: rows[0]?.line ?? 1 },
    );
  }
  const unknown = header.filter((h) => !(CUSTOM_CSV_COLUMNS as readonly string[]).includes(h) && h !== 'category');
  if (unknown.length > 0) throw new UserError('unknown-columns', `unknown columns: ${unknown.join(', ')}`, { file, line: rows[0]!.line });
  const column = (name: string) => header.indexOf(name);
  const seen = new Map<string, number>();
  const probes: ParsedProbe[] = [];
  for (const { record, line } of rows.slice(1)) {
    if (record.length < header.length) {
      throw new UserError('missing-columns', `expected ${header.length} columns, found ${record.length}`, { file, line });
    }
    const cell = (name: string) => (column(name) >= 0 ? record[column(name)]!.trim() : '');
    const id = normaliseQuestionId(cell('id')) ?? cell('id');
    if (id === '') throw new UserError('empty-id', 'the id is empty', { file, line });
    const language = cell('language').toLowerCase();
    if (!/^[a-z]{2,3}(-[a-z0-9]+)*$/.test(language)) {
      throw new UserError('bad-language', `"${cell('language')}" is not a language code such as en, de or pt-br`, { file, line, probe: id });
    }
    let category: number | undefined;
    if (cell('category') !== '') {
      category = findCategory(cell('category'))?.number;
      if (category === undefined) {
        throw new UserError('bad-category', `"${cell('category')}" is not a WVS category: give its number 1..13 or its name such as economic-values`, { file, line, probe: id });
      }
    }
    probes.push(makeProbe({ file, line, id, language, template: cell('template'), optionA: cell('option_a'), optionB: cell('option_b'), category }, seen));
  }
  return probes;
}

// ---- Shared by both layouts ----

function parseRows(file: string, text: string, delimiter: string): { record: string[]; line: number }[] {
  try {
    const rows = parse(text, { delimiter, record_delimiter: ['\r\n', '\n', '\r'], info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    return rows.map((r) => ({ record: r.record, line: r.info.lines }));
  } catch (error) {
    const lines = (error as { lines?: number }).lines;
    throw new UserError('bad-csv', `the file cannot be parsed: ${(error as Error).message}`, { file, ...(lines ? { line: lines } : {}) });
  }
}

/** A probe as parsed, with whether character references were decoded in it (for the import summary). */
type ParsedProbe = Probe & { decoded: boolean };

interface RawProbe {
  file: string;
  line: number;
  id: string;
  language: string;
  template: string;
  optionA: string;
  optionB: string;
  category?: number | undefined;
}

function makeProbe(raw: RawProbe, seenIds: Map<string, number>): ParsedProbe {
  const where = { file: raw.file, line: raw.line, probe: raw.id };
  const key = `${raw.language}:${raw.id}`;
  const earlier = seenIds.get(key);
  if (earlier !== undefined) throw new UserError('duplicate-id', `probe ${raw.id} appears twice in language ${raw.language} (first on line ${earlier})`, where);
  seenIds.set(key, raw.line);
  if (raw.template.trim() === '') throw new UserError('empty-template', 'the template is empty', where);
  const category = raw.category ?? categoryOfQuestionId(raw.id);
  if (category === undefined) {
    throw new UserError('no-category', `${raw.id} is not a WVS question Q1..Q259, so its category must be given in a category column`, where);
  }
  const options = [decodeHtmlEntities(raw.optionA.trim()), decodeHtmlEntities(raw.optionB.trim())] as const;
  const { template, flag } = clozeFromTemplate(decodeHtmlEntities(raw.template), options);
  const decoded = template !== clozeFromTemplate(raw.template, options).template || options[0] !== raw.optionA.trim() || options[1] !== raw.optionB.trim();
  return { id: raw.id, language: raw.language, template, options, category, flag, source: { file: raw.file, line: raw.line }, decoded };
}

function summarise(format: ProbeSourceFormat, parsed: ParsedProbe[]): ProbeSource {
  const probes: Probe[] = parsed.map(({ decoded: _decoded, ...probe }) => probe);
  const byFile = new Map<string, { file: string; language: string; probes: number }>();
  const flagged: Record<ProbeFlag, number> = { 'missing-option': 0, 'no-blank': 0, 'several-blanks': 0 };
  const flaggedProbes: ProbeSourceSummary['flaggedProbes'] = [];
  const templates = new Map<string, string[]>();
  for (const p of probes) {
    const entry = byFile.get(p.source.file) ?? { file: p.source.file, language: p.language, probes: 0 };
    entry.probes++;
    byFile.set(p.source.file, entry);
    if (p.flag) {
      flagged[p.flag]++;
      flaggedProbes.push({ language: p.language, id: p.id, flag: p.flag });
    }
    const key = `${p.language}\u0000${p.template}`;
    templates.set(key, [...(templates.get(key) ?? []), p.id]);
  }
  const duplicateTemplates = [...templates.entries()]
    .filter(([, ids]) => ids.length > 1)
    .map(([key, ids]) => {
      const [language, template] = key.split('\u0000') as [string, string];
      return { language, template, ids: ids.sort(compareQuestionIds) };
    });
  return {
    probes,
    summary: {
      format,
      files: [...byFile.values()],
      languages: [...new Set(probes.map((p) => p.language))].sort(),
      probes: probes.length,
      flagged,
      flaggedProbes,
      duplicateTemplates,
      decodedEntities: parsed.filter((p) => p.decoded).map((p) => ({ language: p.language, id: p.id })),
    },
  };
}
