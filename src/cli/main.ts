// The `selfalign` command line: every step of the method, headless. It parses arguments, calls the engine (or
// core for pure computations such as chrF++), and prints.

import { Command, CommanderError } from 'commander';
import { UserError } from '../core/errors.js';
import { WORKBENCH_VERSION } from '../core/version.js';
import { describeError, WorkbenchFailure } from '../shared/contract.js';
import { registerModelCommands } from './commands/models.js';
import { registerProbeCommands } from './commands/probes.js';
import { registerReportCommand, registerRunCommands } from './commands/runs.js';
import { registerServeCommands } from './commands/serve.js';
import { registerSimilarityCommands } from './commands/similarity.js';
import { registerSurveyCommands } from './commands/survey.js';

export function buildProgram(): Command {
  const program = new Command('selfalign')
    .description(
      'Self-Align Workbench: measure and improve the cultural alignment of language models with WVS self-alignment',
    )
    .version(WORKBENCH_VERSION)
    .exitOverride()
    .showHelpAfterError();
  registerProbeCommands(program);
  registerSimilarityCommands(program);
  registerSurveyCommands(program);
  registerModelCommands(program);
  registerRunCommands(program);
  registerReportCommand(program);
  registerServeCommands(program);
  return program;
}

/** `selfalign … | head`: a reader that goes away early is no error; stop quietly. */
function exitQuietlyOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}

/** Runs the CLI and returns the exit code: 0 done, 1 the user's mistake or a failure (explained), 2 bad arguments. */
export async function main(argv: readonly string[]): Promise<number> {
  exitQuietlyOnBrokenPipe();
  try {
    await buildProgram().parseAsync(argv as string[]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UserError) {
      process.stderr.write(`error: ${error.describe()}\n`);
      return 1;
    }
    if (error instanceof WorkbenchFailure) {
      process.stderr.write(
        `error: ${describeError(error.error)}${error.kind === 'bug' ? ' (this is a fault of the workbench, not of your input; please report it)' : ''}\n`,
      );
      return 1;
    }
    throw error;
  }
}
