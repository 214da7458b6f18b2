// What the machine running the engine can see, folder by folder: the file and folder picker of a browser window,
// which cannot open the system's dialog on that machine (a desktop window uses its native dialogs instead).

import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import type { HandlerGroup } from '../context.js';
import { userPath } from '../user-path.js';

export const fileHandlers: HandlerGroup<'files.list'> = {
  'files.list': async ({ dir }) => {
    const folder = dir === undefined ? os.homedir() : userPath(dir, 'the folder');
    let names: string[];
    try {
      const info = await stat(folder);
      if (!info.isDirectory()) throw new UserError('not-a-folder', `${folder} is a file, not a folder`);
      names = await readdir(folder);
    } catch (error) {
      if (error instanceof UserError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserError(
        'unreadable-folder',
        code === 'ENOENT'
          ? `there is no folder ${folder}`
          : code === 'EACCES' || code === 'EPERM'
            ? `the engine may not read the folder ${folder}`
            : `the folder ${folder} could not be read (${code ?? String(error)})`,
      );
    }
    const entries: { name: string; path: string; kind: 'folder' | 'file'; bytes: number | null }[] = [];
    for (const name of names) {
      // Hidden files and folders are left out, as a file dialog leaves them out by default.
      if (name.startsWith('.')) continue;
      const full = path.join(folder, name);
      try {
        const info = await stat(full);
        if (info.isDirectory()) entries.push({ name, path: full, kind: 'folder', bytes: null });
        else if (info.isFile()) entries.push({ name, path: full, kind: 'file', bytes: info.size });
      } catch {
        // A broken link or an entry the engine may not read is not offered.
      }
    }
    entries.sort((a, b) =>
      a.kind !== b.kind ? (a.kind === 'folder' ? -1 : 1) : a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }),
    );
    const parent = path.dirname(folder);
    return { dir: folder, parent: parent === folder ? null : parent, home: os.homedir(), entries };
  },
};
