// `selfalign probes import|list|show`: probe sets in the database.

import path from 'node:path';
import type { Command } from 'commander';
import { readProbeSource, PROBE_FLAG_REASONS, WVS_CATEGORIES, type ProbeFlag } from '../../core/data/index.js';
import { listProbeSets, loadProbes, saveProbeSet, type ProbeSetInfo } from '../../core/store/index.js';
import { addDbOption, withDatabase } from '../context.js';
import { printJson, printTable } from '../output.js';

export function registerProbeCommands(program: Command): void {
  const probes = program.command('probes').description('import and inspect probe sets');

  addDbOption(
    probes
      .command('import <path>')
      .description('import probes: the Arora et al. probes.zip or its unpacked folder, one <lang>.csv file, or a custom CSV')
      .option('--name <name>', 'name of the new probe set (default: the file or folder name)')
      .option('--json', 'print the import summary as JSON'),
  ).action(async (sourcePath: string, options: { name?: string; json?: boolean; db?: string }) => {
    const source = await readProbeSource(sourcePath);
    const name = options.name ?? path.basename(sourcePath).replace(/\.(zip|csv)$/i, '');
    const info = withDatabase(options, (db) => saveProbeSet(db, name, path.resolve(sourcePath), source));
    if (options.json) return printJson(info);
    printImportSummary(info);
  });

  addDbOption(probes.command('list').description('list the probe sets').option('--json', 'print JSON')).action((options: { json?: boolean; db?: string }) => {
    const sets = withDatabase(options, (db) => listProbeSets(db));
    if (options.json) return printJson(sets);
    if (sets.length === 0) return console.log('No probe sets yet. Import one with `selfalign probes import PATH`.');
    printTable(sets, [
      { header: 'name', value: (s) => s.name },
      { header: 'format', value: (s) => s.format },
      { header: 'languages', value: (s) => s.languages.join(' ') },
      { header: 'probes', value: (s) => s.probes, align: 'right' },
      { header: 'usable', value: (s) => s.usable, align: 'right' },
      { header: 'imported', value: (s) => s.importedAt.slice(0, 19).replace('T', ' ') },
    ]);
  });

  addDbOption(
    probes
      .command('show')
      .description('show the probes of one language of a set')
      .requiredOption('--set <name>', 'probe set')
      .requiredOption('--lang <code>', 'language code, such as de')
      .option('--json', 'print JSON'),
  ).action((options: { set: string; lang: string; json?: boolean; db?: string }) => {
    const list = withDatabase(options, (db) => loadProbes(db, options.set, options.lang));
    if (options.json) return printJson(list);
    printTable(list, [
      { header: 'id', value: (p) => p.id },
      { header: 'cat', value: (p) => p.category, align: 'right' },
      { header: 'option 1', value: (p) => p.options[0] },
      { header: 'option 2', value: (p) => p.options[1] },
      { header: 'flag', value: (p) => p.flag ?? '' },
      { header: 'template', value: (p) => p.template },
    ]);
  });
}

function printImportSummary(info: ProbeSetInfo): void {
  const s = info.summary;
  console.log(`Imported probe set "${info.name}" (${s.format}): ${s.probes} probes in ${s.languages.length} languages (${s.languages.join(' ')}).`);
  const perLanguage = new Map<string, number>();
  for (const f of s.files) perLanguage.set(f.language, (perLanguage.get(f.language) ?? 0) + f.probes);
  console.log(`Probes per language: ${[...perLanguage].map(([l, n]) => `${l} ${n}`).join(', ')}.`);
  console.log(`Usable in runs: ${info.usable}. Flagged and left out of runs: ${s.probes - info.usable}.`);
  for (const [flag, count] of Object.entries(s.flagged) as [ProbeFlag, number][]) {
    if (count > 0) console.log(`  ${count} × ${flag}: ${PROBE_FLAG_REASONS[flag]}`);
  }
  const noBlank = s.flaggedProbes.filter((f) => f.flag !== 'missing-option');
  if (noBlank.length > 0) console.log(`  without a usable blank: ${noBlank.map((f) => `${f.language}:${f.id}`).join(', ')}`);
  if (s.duplicateTemplates.length > 0) {
    console.log(`Identical templates within a language (kept): ${s.duplicateTemplates.length}`);
    for (const d of s.duplicateTemplates) console.log(`  ${d.language}: ${d.ids.join(' = ')}  "${d.template}"`);
  }
  if (s.decodedEntities.length > 0) {
    console.log(`HTML character references such as &#39; decoded in ${s.decodedEntities.length} probes: ${s.decodedEntities.map((d) => `${d.language}:${d.id}`).join(', ')}`);
  }
  const excluded = WVS_CATEGORIES.filter((c) => c.number === 4 || c.number === 8).map((c) => `${c.number} ${c.name}`);
  console.log(`By default runs leave out categories ${excluded.join(' and ')}.`);
}
