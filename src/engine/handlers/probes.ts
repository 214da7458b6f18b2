// Probe sets: import (with a preview that validates and counts without storing), list, show, delete.

import path from 'node:path';
import { isUsable, PROBE_FLAG_REASONS, readProbeSource, type ProbeSource } from '../../core/data/index.js';
import { UserError } from '../../core/errors.js';
import { BUILTIN_PROBE_SET, deleteProbeSet, listProbeSets, loadProbes, saveProbeSet } from '../../core/store/index.js';
import type { HandlerGroup, HandlerResult } from '../context.js';
import { userPath } from '../user-path.js';
import { languageOf } from './scope.js';

export const probeHandlers: HandlerGroup<'probes.import' | 'probes.listSets' | 'probes.show' | 'probes.delete'> = {
  'probes.import': async ({ path: sourcePath, name, preview }, { db, jobs }) => {
    const absolute = userPath(sourcePath, 'the probe file or folder');
    const setName = name ?? path.basename(absolute).replace(/\.(zip|csv)$/i, '');
    const { done } = jobs.start('probe-import', absolute, async (job) => {
      job.progress({ phase: 'reading', done: 0, total: 1, rate: 0, etaSeconds: null });
      const source = await readProbeSource(absolute);
      job.signal.throwIfAborted();
      if (!preview) saveProbeSet(db, setName, absolute, source);
      job.progress({ phase: preview ? 'previewed' : 'stored', done: 1, total: 1, rate: 0, etaSeconds: 0 });
      return importResult(setName, source, preview);
    });
    return done;
  },

  'probes.listSets': (_params, { db }) => listProbeSets(db),

  'probes.show': ({ set, language }, { db }) => {
    const lang = languageOf(db, set, language);
    return { set, language: lang, probes: loadProbes(db, set, lang) };
  },

  'probes.delete': ({ name }, { db }) => {
    if (name === BUILTIN_PROBE_SET)
      throw new UserError(
        'builtin-set',
        `"${BUILTIN_PROBE_SET}" is the workbench's own English probe set and cannot be deleted`,
      );
    deleteProbeSet(db, name);
    return { deleted: name };
  },
};

function importResult(name: string, source: ProbeSource, preview: boolean): HandlerResult<'probes.import'> {
  const s = source.summary;
  return {
    preview,
    name,
    format: s.format,
    languages: s.languages,
    probes: s.probes,
    usable: source.probes.filter(isUsable).length,
    files: s.files,
    flagged: s.flagged,
    flaggedProbes: s.flaggedProbes.map((f) => ({ ...f, reason: PROBE_FLAG_REASONS[f.flag] })),
    duplicateTemplates: s.duplicateTemplates,
    decodedEntities: s.decodedEntities,
  };
}
