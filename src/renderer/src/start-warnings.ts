// What `runs.start` warned about (models that get the plain prompt, and why), kept for the run's screen that
// opens next, for as long as this tab lives.
const warnings = new Map<string, string[]>();

export function rememberWarnings(runId: string, list: readonly string[]): void {
  if (list.length > 0) warnings.set(runId, [...list]);
}

export function warningsOf(runId: string): readonly string[] {
  return warnings.get(runId) ?? [];
}
