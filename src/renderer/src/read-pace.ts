// How often a screen that follows a running run reads its tables again. Deriving them takes the engine longer
// the bigger the run (seconds at 20,000 measurements), and the engine is the process measuring: so the next read
// waits ten times as long as the last one took, and never less than the poll of the run's counts.

export const POLL_MS = 1500;

/** Milliseconds from the start of the last read to the next, after a read that took `lastReadMs`. */
export function readInterval(lastReadMs: number): number {
  return Math.max(POLL_MS, 10 * lastReadMs);
}
