// What every command shares: the engine on the database from --db, SELFALIGN_DB or the app-data default, and
// the parsing of the numbers commands take as text.

import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { defaultDatabasePath } from '../core/store/index.js';
import { createEngine, type Engine } from '../engine/index.js';
import type { WorkbenchClient } from '../shared/contract.js';

export function addDbOption(command: Command): Command {
  return command.option(
    '--db <file>',
    "the workbench database (default: SELFALIGN_DB, else the desktop app's data folder)",
  );
}

/** Runs `work` on an engine over the chosen database, and closes it (cancelling any job left) afterwards. */
export async function withEngine<T>(
  options: { db?: string },
  work: (client: WorkbenchClient, engine: Engine) => Promise<T>,
): Promise<T> {
  const engine = createEngine({ databasePath: options.db ?? defaultDatabasePath() });
  try {
    return await work(engine.client, engine);
  } finally {
    await engine.close();
  }
}

/** A whole number ≥ `min` from an option's text, or a message that names the option. */
export function wholeNumber(text: string | undefined, option: string, min = 0): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new UserError('bad-option', `${option} must be a ${min > 0 ? 'positive ' : ''}whole number, got "${text}"`);
  return value;
}

/** A number within [min, max] from an option's text. */
export function numberIn(text: string | undefined, option: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new UserError('bad-option', `${option} must be a number from ${min} to ${max}, got "${text}"`);
  return value;
}

/** One of the allowed words, or a message that lists them. */
export function oneOf<T extends string>(
  text: string | undefined,
  option: string,
  allowed: readonly T[],
): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text))
    throw new UserError('bad-option', `${option} must be one of ${allowed.join(', ')}`);
  return text as T;
}

/** Cancels `cancel` on Ctrl-C while `work` runs. */
export async function cancellableBySigint<T>(cancel: () => void, work: () => Promise<T>): Promise<T> {
  process.once('SIGINT', cancel);
  try {
    return await work();
  } finally {
    process.off('SIGINT', cancel);
  }
}
