// Paths typed or pasted into a form: quotes dropped, `~` expanded, relative paths refused with what they would mean.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.js';
import { userPath } from './user-path.js';

const home = path.join(path.sep, 'home', 'ana');

describe('a path typed in a form', () => {
  it('expands ~ to the home folder and drops surrounding quotes and blanks', () => {
    expect(userPath('~', 'the file', home)).toBe(home);
    expect(userPath('~/data/probes.zip', 'the file', home)).toBe(path.join(home, 'data', 'probes.zip'));
    expect(userPath('  "~/data/my probes.zip" ', 'the file', home)).toBe(path.join(home, 'data', 'my probes.zip'));
    expect(userPath("'/srv/wvs/WVS 7.csv'", 'the file', home)).toBe(path.join(path.sep, 'srv', 'wvs', 'WVS 7.csv'));
    expect(userPath('/srv/wvs/../wvs/x.csv', 'the file', home)).toBe(path.join(path.sep, 'srv', 'wvs', 'x.csv'));
  });

  it('refuses a relative path, saying which folders it could have meant', () => {
    let error: unknown;
    try {
      userPath('data/probes.zip', 'the probe file', home);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      `the probe file: "data/probes.zip" is a relative path, and the engine cannot tell which folder it starts from. ` +
        `Give the whole path, such as ${path.join(home, 'data', 'probes.zip')} in your home folder (from the folder ` +
        `the engine runs in it would be ${path.resolve('data/probes.zip')}).`,
    );
  });

  it("refuses an empty path and another user's home", () => {
    expect(() => userPath(' "" ', 'the report folder', home)).toThrow('the report folder: give a path');
    expect(() => userPath('~bob/x', 'the file', home)).toThrow(/another user's home folder/);
  });
});
