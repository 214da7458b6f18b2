// The screens' addresses, in the URL hash so that a deep link (or a reload) opens the same screen with the same
// filter: `#/runs/RUN_ID/results`, `#/runs/RUN_ID/probes?language=de&outcome=improved`. Parsing and formatting
// are pure functions (tested); route-store.ts follows `hashchange`.

import { isCondition, OUTCOMES } from '../../shared/method.js';

/** A fixed condition or a control id (shared/method.ts isCondition). */
type Condition = string;
type Outcome = (typeof OUTCOMES)[number];

/** The probe explorer's filter and sort, as the engine's results.probes takes them. */
export interface ProbeQuery {
  model?: string;
  language?: string;
  country?: string;
  category?: number;
  condition?: Condition;
  outcome?: Outcome;
  gatedOutcome?: Outcome;
  misaligned?: boolean;
  text?: string;
  sort?: 'probe' | 'errorReduction' | 'zeroShotError' | 'alignment';
  descending?: boolean;
}

/** A change to a filter: a field set to undefined (or '') is cleared. */
export type ProbeQueryChange = { [K in keyof ProbeQuery]?: ProbeQuery[K] | undefined };

/** The filter after a change, without the fields the change cleared. */
export function changedQuery(query: ProbeQuery, change: ProbeQueryChange): ProbeQuery {
  const next: ProbeQueryChange = { ...query, ...change };
  for (const key of Object.keys(next) as (keyof ProbeQuery)[])
    if (next[key] === undefined || next[key] === '') delete next[key];
  return next as ProbeQuery;
}

export type RunTab = 'overview' | 'results' | 'probes' | 'explanations' | 'export';

export type Route =
  | { screen: 'runs' }
  | { screen: 'new-run'; from?: string }
  | { screen: 'run'; runId: string; tab: RunTab; query: ProbeQuery }
  | { screen: 'probe'; runId: string; model: string; language: string; probeId: string; query: ProbeQuery }
  | { screen: 'compare'; a: string; b: string; changedOnly: boolean }
  | { screen: 'data' }
  | { screen: 'models' }
  | { screen: 'settings' }
  | { screen: 'not-found'; path: string };

const SORTS = ['probe', 'errorReduction', 'zeroShotError', 'alignment'] as const;
const TABS: readonly RunTab[] = ['overview', 'results', 'probes', 'explanations', 'export'];

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** The query part of a hash as a filter; unknown or malformed values are dropped rather than sent to the engine. */
export function parseQuery(search: string): ProbeQuery {
  const p = new URLSearchParams(search);
  const query: ProbeQuery = {};
  for (const key of ['model', 'language', 'country', 'text'] as const) {
    const value = p.get(key);
    if (value) query[key] = value;
  }
  const condition = p.get('condition');
  if (condition !== null && isCondition(condition)) query.condition = condition;
  const category = Number(p.get('category'));
  if (p.get('category') !== null && Number.isInteger(category)) query.category = category;
  const outcome = oneOf(p.get('outcome'), OUTCOMES);
  if (outcome) query.outcome = outcome;
  const gated = oneOf(p.get('gatedOutcome'), OUTCOMES);
  if (gated) query.gatedOutcome = gated;
  if (p.get('misaligned') === 'true' || p.get('misaligned') === 'false')
    query.misaligned = p.get('misaligned') === 'true';
  const sort = oneOf(p.get('sort'), SORTS);
  if (sort) query.sort = sort;
  if (p.get('descending') === 'true') query.descending = true;
  return query;
}

/** What a probe can be filtered by (a chart's mark stands for these), in the order an address lists them. */
export const FILTER_KEYS = [
  'model',
  'language',
  'country',
  'category',
  'condition',
  'outcome',
  'gatedOutcome',
  'misaligned',
] as const;

/** A filter as a query string, its keys in a fixed order so the same filter is always the same address. */
export function formatQuery(query: ProbeQuery): string {
  const p = new URLSearchParams();
  const keys = [...FILTER_KEYS, 'text', 'sort', 'descending'] as const;
  for (const key of keys) {
    const value = query[key];
    if (value === undefined || value === '' || (key === 'descending' && value === false)) continue;
    p.set(key, String(value));
  }
  const text = p.toString();
  return text ? `?${text}` : '';
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/runs';
  const [pathPart, search = ''] = raw.split('?', 2) as [string, string?];
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  const query = parseQuery(search);
  const [first, second, third, ...rest] = parts;
  switch (first) {
    case undefined:
    case 'runs':
      if (second === undefined) return { screen: 'runs' };
      if (second === 'new') {
        const from = new URLSearchParams(search).get('from');
        return from ? { screen: 'new-run', from } : { screen: 'new-run' };
      }
      if (third === 'probes' && rest.length === 3)
        return { screen: 'probe', runId: second, model: rest[0]!, language: rest[1]!, probeId: rest[2]!, query };
      if (third === undefined) return { screen: 'run', runId: second, tab: 'overview', query };
      if (TABS.includes(third as RunTab) && rest.length === 0)
        return { screen: 'run', runId: second, tab: third as RunTab, query };
      break;
    case 'compare':
      if (second && third && rest.length === 0)
        return {
          screen: 'compare',
          a: second,
          b: third,
          changedOnly: new URLSearchParams(search).get('changed') === 'true',
        };
      break;
    case 'data':
    case 'models':
    case 'settings':
      if (second === undefined) return { screen: first };
      break;
  }
  return { screen: 'not-found', path: pathPart };
}

const segment = encodeURIComponent;

export function formatRoute(route: Route): string {
  switch (route.screen) {
    case 'runs':
      return '#/runs';
    case 'new-run':
      return route.from ? `#/runs/new?from=${segment(route.from)}` : '#/runs/new';
    case 'run':
      return `#/runs/${segment(route.runId)}${route.tab === 'overview' ? '' : `/${route.tab}`}${route.tab === 'probes' || route.tab === 'explanations' ? formatQuery(route.query) : ''}`;
    case 'probe':
      return `#/runs/${segment(route.runId)}/probes/${segment(route.model)}/${segment(route.language)}/${segment(route.probeId)}${formatQuery(route.query)}`;
    case 'compare':
      return `#/compare/${segment(route.a)}/${segment(route.b)}${route.changedOnly ? '?changed=true' : ''}`;
    case 'data':
    case 'models':
    case 'settings':
      return `#/${route.screen}`;
    case 'not-found':
      return `#${route.path}`;
  }
}

/** An anchor's href for a route. */
export const hrefOf = formatRoute;
