// A path as a person types or pastes it into a form, made into the absolute path the engine opens: surrounding
// quotes dropped (a path copied from a file manager often carries them), `~` for the home folder of the user the
// engine runs as. A relative path is refused: in a browser nobody can tell which folder it starts from, and the
// engine's own working folder is an accident of how it was started. The CLI resolves its arguments against the
// folder it was called from before they reach the engine.

import os from 'node:os';
import path from 'node:path';
import { UserError } from '../core/errors.js';

/** `what` names the field in the refusal ("the probe file", "the report folder"). */
export function userPath(input: string, what: string, home = os.homedir()): string {
  let text = input.trim();
  const quoted = /^(["'])(.*)\1$/s.exec(text);
  if (quoted) text = quoted[2]!.trim();
  if (text === '') throw new UserError('bad-path', `${what}: give a path`);
  if (text === '~') return home;
  if (text.startsWith('~/') || text.startsWith(`~${path.sep}`)) return path.join(home, text.slice(2));
  if (text.startsWith('~'))
    throw new UserError('bad-path', `${what}: "${text}" names another user's home folder; give the whole path`);
  if (!path.isAbsolute(text))
    throw new UserError(
      'relative-path',
      `${what}: "${text}" is a relative path, and the engine cannot tell which folder it starts from. ` +
        `Give the whole path, such as ${path.join(home, text)} in your home folder (from the folder the engine ` +
        `runs in it would be ${path.resolve(text)}).`,
    );
  return path.normalize(text);
}
