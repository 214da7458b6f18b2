// `selfalign chrf` (score JSON lines from stdin) and `selfalign similar` (rank a language's probes against one).

import readline from 'node:readline';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { CHRF_DIRECTIONS, SimilarityIndex, chrf, chrfpp, type ChrfDirection } from '../../core/demos/index.js';
import { addDbOption, withEngine } from '../context.js';
import { formatScore, printJson, printTable } from '../output.js';

export function registerSimilarityCommands(program: Command): void {
  program
    .command('chrf')
    .description(
      'read JSON lines {"hyp": ..., "ref": ...} on stdin; write them back with "chrfpp" and "chrf" added (sacrebleu 2.6.0 sentence scores)',
    )
    .action(async () => {
      const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
      let lineNumber = 0;
      for await (const line of lines) {
        lineNumber++;
        if (line.trim() === '') continue;
        let row: unknown;
        try {
          row = JSON.parse(line);
        } catch {
          throw new UserError('bad-json', 'this line is not JSON', { file: 'stdin', line: lineNumber });
        }
        const { hyp, ref } = (row ?? {}) as { hyp?: unknown; ref?: unknown };
        if (typeof hyp !== 'string' || typeof ref !== 'string') {
          throw new UserError('bad-json', 'each line needs string fields "hyp" and "ref"', {
            file: 'stdin',
            line: lineNumber,
          });
        }
        process.stdout.write(
          `${JSON.stringify({ ...(row as object), chrfpp: chrfpp(hyp, ref), chrf: chrf(hyp, ref) })}\n`,
        );
      }
    });

  addDbOption(
    program
      .command('similar')
      .description('rank the probes of a language by chrF++ against one probe')
      .requiredOption('--set <name>', 'probe set')
      .requiredOption('--lang <code>', 'language code')
      .requiredOption('--probe <id>', 'probe id, such as Q1 or Q106a')
      .option('--top <n>', 'how many to show', '10')
      .option('--within-category', 'only probes of the same WVS category')
      .option(
        '--direction <direction>',
        `which side the probe is on: ${CHRF_DIRECTIONS.join(', ')}`,
        'probe-as-hypothesis',
      )
      .option('--json', 'print JSON'),
  ).action(
    async (options: {
      set: string;
      lang: string;
      probe: string;
      top: string;
      withinCategory?: boolean;
      direction: string;
      json?: boolean;
      db?: string;
    }) => {
      const top = parsePositiveInteger(options.top, '--top');
      if (!(CHRF_DIRECTIONS as readonly string[]).includes(options.direction)) {
        throw new UserError('bad-option', `--direction must be one of ${CHRF_DIRECTIONS.join(', ')}`);
      }
      const { probes } = await withEngine(options, (client) =>
        client.probes.show({ set: options.set, language: options.lang }),
      );
      const index = new SimilarityIndex(probes);
      const probeId = normaliseProbeOption(options.probe);
      const ranked = index
        .rank(probeId, {
          direction: options.direction as ChrfDirection,
          withinCategory: options.withinCategory ?? false,
        })
        .slice(0, top);
      if (options.json) {
        return printJson({
          probe: index.probe(probeId),
          ranked: ranked.map((r) => ({
            id: r.probe.id,
            category: r.probe.category,
            chrfpp: r.chrfpp,
            template: r.probe.template,
            flag: r.probe.flag,
          })),
        });
      }
      const test = index.probe(probeId);
      console.log(`${test.id} (category ${test.category}): ${test.template}`);
      printTable(ranked, [
        { header: 'id', value: (r) => r.probe.id },
        { header: 'cat', value: (r) => r.probe.category, align: 'right' },
        { header: 'chrF++', value: (r) => formatScore(r.chrfpp), align: 'right' },
        { header: 'flag', value: (r) => r.probe.flag ?? '' },
        { header: 'template', value: (r) => r.probe.template },
      ]);
    },
  );
}

export function parsePositiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new UserError('bad-option', `${option} must be a positive whole number, got "${text}"`);
  return value;
}

/** Accepts "Q1", "q1" or "1" for a probe id. */
export function normaliseProbeOption(text: string): string {
  return /^\d/.test(text) ? `Q${text}` : text.replace(/^q/, 'Q');
}
