// Where a chart's mark leads when clicked: the probe explorer filtered to what the mark stands for, or, for a
// point of one probe, that probe's detail. Pure, tested without a browser.
import type { MarkFilter } from '../../shared/charts/index.js';
import { FILTER_KEYS, type ProbeQuery, type Route } from './routes.js';

/** Where a chart's mark leads: a probe's detail for a point, else the explorer filtered to the mark. */
export function filterRoute(runId: string, filter: MarkFilter): Route {
  const query: ProbeQuery = {};
  for (const key of FILTER_KEYS) if (filter[key] !== undefined) (query as Record<string, unknown>)[key] = filter[key];
  if (typeof filter.probeId === 'string' && typeof filter.model === 'string' && typeof filter.language === 'string') {
    return {
      screen: 'probe',
      runId,
      model: filter.model,
      language: filter.language,
      probeId: filter.probeId,
      query: { model: filter.model, language: filter.language },
    };
  }
  return { screen: 'run', runId, tab: 'probes', query };
}
