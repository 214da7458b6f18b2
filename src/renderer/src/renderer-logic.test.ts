// The logic that lives in the renderer, without a browser: the addresses of the screens (the explorer's filter
// in the URL), where a chart's mark leads, the explorer's requests and CSV, the comparison of two runs, and the
// New run form's starting point.
import { describe, expect, it } from 'vitest';
import { filterRoute } from './chart-links.js';
import { joinSides, meanDelta } from './compare-join.js';
import { probesParams, rowsToCsv, type ProbeRow } from './explorer-query.js';
import { initialConfig } from './new-run-config.js';
import { POLL_MS, readInterval } from './read-pace.js';
import { changedQuery, formatQuery, formatRoute, parseQuery, parseRoute, type Route } from './routes.js';

const row = (over: Partial<ProbeRow>): ProbeRow => ({
  model: 'tiny',
  language: 'en',
  country: 'USA',
  probeId: 'Q1',
  category: 1,
  categoryName: 'Social values',
  template: 'Family is _ in my life.',
  condition: 'chrf-all',
  targetOption: 1,
  targetShares: [0.9, 0.1],
  misaligned: true,
  zeroShotAlignment: 0.4,
  alignment: 0.6,
  invalidShare: 0,
  outcome: 'improved',
  gatedOutcome: 'unchanged',
  pValue: 0.2,
  qValue: 0.4,
  errorReduction: 0.33,
  softAlignment: 0.1,
  ...over,
});

describe('routes in the URL hash', () => {
  it('formats and parses every screen back to the same route', () => {
    const routes: Route[] = [
      { screen: 'runs' },
      { screen: 'new-run' },
      { screen: 'new-run', from: 'run-abc' },
      { screen: 'run', runId: 'run-abc', tab: 'overview', query: {} },
      { screen: 'run', runId: 'run-abc', tab: 'results', query: {} },
      {
        screen: 'run',
        runId: 'run-abc',
        tab: 'probes',
        query: {
          language: 'de',
          condition: 'chrf-all',
          outcome: 'improved',
          category: 3,
          misaligned: true,
          sort: 'errorReduction',
          descending: true,
          text: 'family & friends',
        },
      },
      {
        screen: 'probe',
        runId: 'run-abc',
        model: 'llama 3/8b',
        language: 'de',
        probeId: 'Q12',
        query: { outcome: 'worsened' },
      },
      { screen: 'compare', a: 'run-a', b: 'run-b', changedOnly: true },
      { screen: 'data' },
      { screen: 'models' },
      { screen: 'settings' },
    ];
    for (const route of routes) expect(parseRoute(formatRoute(route))).toEqual(route);
    expect(formatRoute(routes[5]!)).toBe(
      '#/runs/run-abc/probes?language=de&category=3&condition=chrf-all&outcome=improved&misaligned=true&text=family+%26+friends&sort=errorReduction&descending=true',
    );
  });

  it('opens the runs for an empty hash and says "not found" for an unknown one', () => {
    expect(parseRoute('')).toEqual({ screen: 'runs' });
    expect(parseRoute('#/')).toEqual({ screen: 'runs' });
    expect(parseRoute('#/nowhere/at/all')).toEqual({ screen: 'not-found', path: '/nowhere/at/all' });
    expect(parseRoute('#/runs/run-a/bogus')).toMatchObject({ screen: 'not-found' });
  });

  it('drops malformed filter values instead of sending them to the engine', () => {
    expect(parseQuery('outcome=better&category=x&sort=size&misaligned=maybe&language=de')).toEqual({ language: 'de' });
    // A control id is a condition in its written form only.
    expect(parseQuery(formatQuery({ condition: 'chrf-all/country=DEU/k=3' }))).toEqual({
      condition: 'chrf-all/country=DEU/k=3',
    });
    expect(parseQuery('condition=chrf-all%2Fk%3D3%2Fk%3D4')).toEqual({});
    expect(parseQuery('condition=chrf-all%2Fcountry%3Ddeu')).toEqual({});
    expect(formatQuery({})).toBe('');
    expect(formatQuery({ descending: false, text: '' })).toBe('');
  });

  it('changes a filter: a field set to undefined or left empty is cleared, the others are kept', () => {
    const query = { language: 'de', category: 3, text: 'family' };
    expect(changedQuery(query, { category: undefined, outcome: 'improved' })).toEqual({
      language: 'de',
      text: 'family',
      outcome: 'improved',
    });
    expect(changedQuery(query, { text: '' })).toEqual({ language: 'de', category: 3 });
    expect(query).toEqual({ language: 'de', category: 3, text: 'family' });
  });
});

describe('a chart mark, clicked', () => {
  it('opens the explorer filtered to the mark, or the probe of a point', () => {
    expect(
      filterRoute('run-a', {
        model: 'tiny',
        language: 'en',
        country: 'USA',
        condition: 'chrf-all',
        outcome: 'improved',
      }),
    ).toEqual({
      screen: 'run',
      runId: 'run-a',
      tab: 'probes',
      query: { model: 'tiny', language: 'en', country: 'USA', condition: 'chrf-all', outcome: 'improved' },
    });
    expect(filterRoute('run-a', { model: 'tiny', language: 'en', condition: 'random', probeId: 'Q7' })).toMatchObject({
      screen: 'probe',
      probeId: 'Q7',
      model: 'tiny',
      language: 'en',
    });
  });
});

describe('the explorer', () => {
  it("asks the engine with the URL's filter and sort", () => {
    expect(probesParams('run-a', { language: 'de', sort: 'zeroShotError', descending: true }, 200, 200)).toEqual({
      runId: 'run-a',
      filter: { language: 'de' },
      sort: { by: 'zeroShotError', descending: true },
      offset: 200,
      limit: 200,
    });
    expect(probesParams('run-a', {}, 0, 10).sort).toEqual({ by: 'probe', descending: false });
  });

  it('writes the view as CSV, quoting what needs it', () => {
    const csv = rowsToCsv([
      row({ template: 'Say "yes", or no' }),
      row({ probeId: 'Q2', template: null, outcome: null }),
    ]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toMatch(/^model,language,country,probeId,/);
    expect(lines[1]).toContain('"Say ""yes"", or no"');
    expect(lines[2]).toContain(',Q2,');
    expect(lines).toHaveLength(4);
  });
});

describe('two runs compared', () => {
  it("joins each side's model and condition on language, country and probe, with B − A", () => {
    const a = [
      row({ probeId: 'Q1', alignment: 0.5 }),
      row({ probeId: 'Q2', alignment: 0.7 }),
      row({ probeId: 'Q3', condition: 'random' }),
    ];
    const b = [
      row({ probeId: 'Q1', condition: 'random', alignment: 0.8, outcome: 'improved' }),
      row({ probeId: 'Q2', condition: 'random', alignment: 0.7 }),
      row({ probeId: 'Q9', condition: 'random' }),
    ];
    const joined = joinSides(a, b, { model: 'tiny', condition: 'chrf-all' }, { model: 'tiny', condition: 'random' });
    expect(joined.map((j) => [j.a.probeId, Number(j.delta.toFixed(6)), j.changed])).toEqual([
      ['Q1', 0.3, true],
      ['Q2', 0, false],
    ]);
  });

  it('leaves probes with mostly unreadable answers on either side out of the mean difference, and counts them', () => {
    const a = [row({ probeId: 'Q1', alignment: 0.5 }), row({ probeId: 'Q2', alignment: 0, invalidShare: 0.8 })];
    const b = [
      row({ probeId: 'Q1', condition: 'random', alignment: 0.7 }),
      row({ probeId: 'Q2', condition: 'random', alignment: 0.9 }),
    ];
    const joined = joinSides(a, b, { model: 'tiny', condition: 'chrf-all' }, { model: 'tiny', condition: 'random' });
    expect(joined.map((j) => j.unreadable)).toEqual([false, true]);
    const { mean, leftOut } = meanDelta(joined);
    expect(mean).toBeCloseTo(0.2, 12);
    expect(leftOut).toBe(1);
    // At a threshold of 0.9, Q2 (80% unreadable) counts.
    expect(
      meanDelta(joinSides(a, b, { model: 'tiny', condition: 'chrf-all' }, { model: 'tiny', condition: 'random' }, 0.9))
        .leftOut,
    ).toBe(0);
  });
});

describe('the New run form', () => {
  it('starts ready with one model and one survey, and asks otherwise', () => {
    expect(initialConfig([{ name: 'tiny' }], [{ name: 'shares' }])).toEqual({
      protocol: 'paper',
      models: ['tiny'],
      survey: 'shares',
      languages: [{ language: 'en' }],
    });
    expect(initialConfig([{ name: 'a' }, { name: 'b' }], [])).toEqual({
      protocol: 'paper',
      models: [],
      languages: [{ language: 'en' }],
    });
  });
});

describe('the monitor reading the tables of a running run', () => {
  it('waits for the poll after a quick read and ten times a slow one', () => {
    expect(readInterval(20)).toBe(POLL_MS);
    expect(readInterval(5000)).toBe(50_000);
  });
});
