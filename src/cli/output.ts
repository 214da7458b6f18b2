// Printing for the terminal: aligned tables for people, JSON for scripts (every listing takes --json).

export interface Column<T> {
  header: string;
  value: (row: T) => string | number;
  /** Right-align numbers. */
  align?: 'left' | 'right';
}

export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => String(c.value(row))));
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i]!))));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]!.align === 'right' ? pad(v, widths[i]!, 'left') : pad(v, widths[i]!, 'right')))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}

export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
  process.stdout.write(`${formatTable(rows, columns)}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Code points, close enough for alignment of mixed-script text in a terminal. */
function displayWidth(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number, side: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return side === 'left' ? fill + text : text + fill;
}

export function formatScore(score: number): string {
  return score.toFixed(2);
}

/** One line of a job's progress for the terminal: phase, bar, counts, rate and time left. */
export function progressLine(
  p: { phase: string; done: number; total: number; rate: number; etaSeconds: number | null },
  unit: 'items' | 'bytes' = 'items',
): string {
  const width = 30;
  const filled = p.total > 0 ? Math.min(width, Math.round((width * p.done) / p.total)) : width;
  const eta = p.etaSeconds === null ? '?' : `${p.etaSeconds.toFixed(0)} s`;
  const counts =
    unit === 'bytes'
      ? `${(p.done / 1e6).toFixed(1)}/${(p.total / 1e6).toFixed(1)} MB  ${(p.rate / 1e6).toFixed(1)} MB/s`
      : `${p.done}/${p.total}  ${p.rate.toFixed(1)}/s`;
  return `${p.phase.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${counts}  ETA ${eta}   `;
}
