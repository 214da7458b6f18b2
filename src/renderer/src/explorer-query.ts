// The probe explorer's requests and its "download this view": a query of the URL as the engine's filter, sort and
// page, and rows as CSV. Pure functions, tested without a browser.
import type { CommandResult } from '../../shared/contract.js';
import type { ProbeQuery } from './routes.js';

export type ProbeRow = CommandResult<'results.probes'>['rows'][number];

/** The engine's filter and sort for a query of the URL. */
export function probesParams(runId: string, query: ProbeQuery, offset: number, limit: number) {
  const { sort, descending, ...filter } = query;
  return { runId, filter, sort: { by: sort ?? 'probe', descending: descending ?? false }, offset, limit };
}

/** The rows of a view as CSV text (RFC 4180 quoting), for "download this view". */
export function rowsToCsv(rows: readonly ProbeRow[]): string {
  const columns = [
    'model',
    'language',
    'country',
    'probeId',
    'category',
    'categoryName',
    'condition',
    'template',
    'targetOption',
    'misaligned',
    'zeroShotAlignment',
    'alignment',
    'invalidShare',
    'outcome',
    'gatedOutcome',
    'pValue',
    'qValue',
    'errorReduction',
    'softAlignment',
  ] as const;
  const quote = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => quote(r[c])).join(','))].join('\r\n') + '\r\n';
}
