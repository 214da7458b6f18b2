// `selfalign probes import|list|show|delete`: probe sets in the database.

import path from 'node:path';
import type { Command } from 'commander';
import { WVS_CATEGORIES } from '../../core/data/index.js';
import type { CommandResult } from '../../shared/contract.js';
import { addDbOption, withEngine } from '../context.js';
import { printJson, printTable } from '../output.js';

export function registerProbeCommands(program: Command): void {
  const probes = program.command('probes').description('import and inspect probe sets');

  addDbOption(
    probes
      .command('import <path>')
      .description(
        'import probes: the Arora et al. probes.zip or its unpacked folder, one <lang>.csv file, or a custom CSV',
      )
      .option('--name <name>', 'name of the new probe set (default: the file or folder name)')
      .option('--preview', 'check and count the probes without storing them')
      .option('--json', 'print the import summary as JSON'),
  ).action(async (sourcePath: string, options: { name?: string; preview?: boolean; json?: boolean; db?: string }) => {
    const result = await withEngine(options, (client) =>
      client.probes.import({
        // A relative path is the user's, from the folder the command was run in; the engine takes whole paths.
        path: path.resolve(sourcePath),
        ...(options.name ? { name: options.name } : {}),
        preview: options.preview ?? false,
      }),
    );
    if (options.json) return printJson(result);
    printImportSummary(result);
  });

  addDbOption(probes.command('list').description('list the probe sets').option('--json', 'print JSON')).action(
    async (options: { json?: boolean; db?: string }) => {
      const sets = await withEngine(options, (client) => client.probes.listSets());
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
    },
  );

  addDbOption(
    probes
      .command('show')
      .description('show the probes of one language of a set')
      .requiredOption('--set <name>', 'probe set')
      .option('--lang <code>', "language code, such as de (default: the set's only language)")
      .option('--json', 'print JSON'),
  ).action(async (options: { set: string; lang?: string; json?: boolean; db?: string }) => {
    const { probes: list } = await withEngine(options, (client) =>
      client.probes.show({ set: options.set, ...(options.lang ? { language: options.lang } : {}) }),
    );
    if (options.json) return printJson(list);
    printTable(list, [
      { header: 'id', value: (p) => p.id },
      { header: 'cat', value: (p) => p.category, align: 'right' },
      { header: 'option 1', value: (p) => p.options[0] },
      { header: 'option 2', value: (p) => p.options[1] },
      { header: 'flag', value: (p) => p.flag ?? (p.validity ? 'invalid as published' : '') },
      { header: 'template', value: (p) => p.template },
    ]);
    const invalid = list.filter((p) => p.validity);
    if (invalid.length > 0) {
      console.log(
        `\nLeft out of runs unless included (includeInvalidItems), as they do not ask what their WVS question asks:`,
      );
      for (const p of invalid) console.log(`  ${p.id}: ${p.validity}`);
    }
  });

  addDbOption(probes.command('delete <name>').description('delete a probe set and its probes')).action(
    async (name: string, options: { db?: string }) => {
      await withEngine(options, (client) => client.probes.delete({ name }));
      console.log(`Deleted probe set "${name}".`);
    },
  );
}

function printImportSummary(s: CommandResult<'probes.import'>): void {
  console.log(
    `${s.preview ? 'Preview of' : 'Imported'} probe set "${s.name}" (${s.format}): ${s.probes} probes in ${s.languages.length} languages (${s.languages.join(' ')}).${s.preview ? ' Nothing was stored.' : ''}`,
  );
  const perLanguage = new Map<string, number>();
  for (const f of s.files) perLanguage.set(f.language, (perLanguage.get(f.language) ?? 0) + f.probes);
  console.log(`Probes per language: ${[...perLanguage].map(([l, n]) => `${l} ${n}`).join(', ')}.`);
  console.log(`Usable in runs: ${s.usable}. Flagged and left out of runs: ${s.probes - s.usable}.`);
  const reasons = new Map(s.flaggedProbes.map((f) => [f.flag, f.reason]));
  for (const [flag, count] of Object.entries(s.flagged)) {
    if (count > 0) console.log(`  ${count} × ${flag}: ${reasons.get(flag as never) ?? ''}`);
  }
  const noBlank = s.flaggedProbes.filter((f) => f.flag !== 'missing-option');
  if (noBlank.length > 0)
    console.log(`  without a usable blank: ${noBlank.map((f) => `${f.language}:${f.id}`).join(', ')}`);
  if (s.duplicateTemplates.length > 0) {
    console.log(`Identical templates within a language (kept): ${s.duplicateTemplates.length}`);
    for (const d of s.duplicateTemplates) console.log(`  ${d.language}: ${d.ids.join(' = ')}  "${d.template}"`);
  }
  if (s.decodedEntities.length > 0) {
    console.log(
      `HTML character references such as &#39; decoded in ${s.decodedEntities.length} probes: ${s.decodedEntities.map((d) => `${d.language}:${d.id}`).join(', ')}`,
    );
  }
  const excluded = WVS_CATEGORIES.filter((c) => c.number === 4 || c.number === 8).map((c) => `${c.number} ${c.name}`);
  console.log(`By default runs leave out categories ${excluded.join(' and ')}.`);
}
