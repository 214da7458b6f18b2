// The `selfalign` command line: every step of the method, headless. It parses arguments and prints;
// the work is done by src/core.

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UserError } from '../core/errors.js';
import { registerModelCommands } from './commands/models.js';
import { registerProbeCommands } from './commands/probes.js';
import { registerReportCommand, registerRunCommands } from './commands/runs.js';
import { registerSimilarityCommands } from './commands/similarity.js';
import { registerSurveyCommands } from './commands/survey.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('selfalign')
    .description('Self-Align Workbench: measure and improve the cultural alignment of language models with WVS self-alignment')
    .version(version)
    .exitOverride()
    .showHelpAfterError();
  registerProbeCommands(program);
  registerSimilarityCommands(program);
  registerSurveyCommands(program);
  registerModelCommands(program);
  registerRunCommands(program);
  registerReportCommand(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 done, 1 the user's mistake (explained), 2 bad arguments. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv as string[]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UserError) {
      process.stderr.write(`error: ${error.describe()}\n`);
      return 1;
    }
    throw error;
  }
}
