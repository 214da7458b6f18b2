import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../contract.js';
import { UNREADABLE_COLOUR } from './palette.js';
import {
  buildChart,
  buildCharts,
  CHART_IDS,
  conditionColour,
  conditionLabel,
  el,
  OUTCOME_COLOURS,
  svgToString,
  type Chart,
  type ChartOptions,
  type SvgNode,
} from './index.js';

type Tables = CommandResult<'results.tables'>;

// ---------------------------------------------------------------------------------------------------------------
// A realistic results.tables, by hand: two models, two languages, the re-test control and the four strategies.

const MODELS = ['llama', 'qwen'];
const PAIRS = [
  { language: 'en', country: 'USA' },
  { language: 'nl', country: 'NLD' },
];
const STRATEGIES = ['zero-shot-retest', 'random', 'random-category', 'chrf-category', 'chrf-all'] as const;
const CATEGORIES = [
  { category: 1, categoryName: 'Social Values, Attitudes & Stereotypes' },
  { category: 2, categoryName: 'Happiness and Well-being' },
  { category: 3, categoryName: 'Trust' },
];

/** The 95% Wilson interval, as the engine gives it. */
function wilson(count: number, n: number): { share: number | null; lower: number; upper: number } {
  if (n === 0) return { share: null, lower: 0, upper: 1 };
  const z = 1.959963984540054;
  const p = count / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { share: p, lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

type WilsonFields<P extends string> = { [K in `${P}Count`]: number } & { [K in `${P}Share`]: number | null } & {
  [K in `${P}ShareLower` | `${P}ShareUpper`]: number;
};

/** `<prefix>Count`, `<prefix>Share`, `<prefix>ShareLower`, `<prefix>ShareUpper`, as the tables name them. */
function shares<P extends string>(prefix: P, count: number, n: number): WilsonFields<P> {
  const w = wilson(count, n);
  return {
    [`${prefix}Count`]: count,
    [`${prefix}Share`]: w.share,
    [`${prefix}ShareLower`]: w.lower,
    [`${prefix}ShareUpper`]: w.upper,
  } as WilsonFields<P>;
}

/** Probes with no result for a strategy: qwen's nl/NLD was never run with chrF++ (category). */
const notRun = (model: string, language: string, strategy: string) =>
  model === 'qwen' && language === 'nl' && strategy === 'chrf-category';

/** The outcome counts of a cell: llama en/USA chrF++ (all) improves exactly half of its 100 misaligned probes. */
function counts(
  mi: number,
  li: number,
  si: number,
): { misaligned: number; paper: [number, number, number]; gated: [number, number, number] } {
  const misaligned = 100 - 10 * li + 20 * mi;
  if (mi === 0 && li === 0 && si === 4) return { misaligned, paper: [50, 30, 20], gated: [30, 60, 10] };
  const improved = 15 + 8 * si + 3 * li + 2 * mi;
  const worsened = 10 + si + li;
  const gatedImproved = Math.floor(improved / 2);
  const gatedWorsened = Math.floor(worsened / 3);
  return {
    misaligned,
    paper: [improved, misaligned - improved - worsened, worsened],
    gated: [gatedImproved, misaligned - gatedImproved - gatedWorsened, gatedWorsened],
  };
}

function bins(
  total: number,
  seed: number,
): {
  bin: number;
  binFrom: number;
  binTo: number;
  binLabel: string;
  count: number;
  n: number;
  share: number | null;
  shareLower: number;
  shareUpper: number;
}[] {
  const raw = Array.from({ length: 11 }, (_, bin) => ((bin * 7 + seed * 3) % 5) + (bin === 10 ? 3 : 1));
  const sum = raw.reduce((a, b) => a + b, 0);
  // Spread `total` over the bins in proportion to raw, the remainder in the first bin.
  const countsOf = raw.map((r) => Math.floor((r * total) / sum));
  countsOf[0]! += total - countsOf.reduce((a, b) => a + b, 0);
  return countsOf.map((count, bin) => {
    const w = wilson(count, total);
    return {
      bin,
      binFrom: Math.min(bin, 10) / 10,
      binTo: Math.min(bin + 1, 10) / 10,
      binLabel: bin === 10 ? '100%' : `[${bin * 10}%, ${bin * 10 + 10}%)`,
      count,
      n: total,
      share: w.share,
      shareLower: w.lower,
      shareUpper: w.upper,
    };
  });
}

/** A row's unreadable columns: 2% of the answers unreadable before and after, none when the row is empty. */
function readable(n: number) {
  return n === 0
    ? { zeroShotInvalidShare: null, meanInvalidShare: null, mostlyUnreadable: false }
    : { zeroShotInvalidShare: 0.02, meanInvalidShare: 0.02, mostlyUnreadable: false };
}

type KCurveRow = Tables['kCurve'][number];

/**
 * llama en/USA's k curve: chrF++ (all) at k = 1 and 3 (its k controls) and 5 (the run's k, 50 of 100 improved as in
 * Table 1), random at k = 1 (mostly unreadable) and 5; the re-test control improved 12 of 100, mean alignment 30%.
 */
function kCurveRows(): KCurveRow[] {
  const row = (
    strategy: KCurveRow['strategy'],
    k: number,
    condition: string,
    improved: number,
    alignment: number,
    unreadable = false,
  ): KCurveRow => ({
    model: 'llama',
    language: 'en',
    country: 'USA',
    strategy,
    k,
    condition,
    n: 100,
    ...shares('improved', improved, 100),
    meanAlignment: alignment,
    meanAlignmentLower: alignment - 0.05,
    meanAlignmentUpper: alignment + 0.04,
    ...shares('retestImproved', 12, 100),
    retestMeanAlignment: 0.3,
    meanInvalidShare: unreadable ? 0.9 : 0.02,
    mostlyUnreadable: unreadable,
  });
  return [
    row('chrf-all', 1, 'chrf-all/k=1', 30, 0.45),
    row('chrf-all', 3, 'chrf-all/k=3', 40, 0.5),
    row('chrf-all', 5, 'chrf-all', 50, 0.55),
    row('random', 1, 'random/k=1', 20, 0.4, true),
    row('random', 5, 'random', 23, 0.42),
  ];
}

function syntheticTables(): Tables {
  const t: Tables = {
    runId: 'run-abc',
    status: 'finished',
    outcomes: [],
    expectedOutcomes: [],
    outcomesUncontested: [],
    misalignment: [],
    improvementByModel: [],
    improvementByLanguage: [],
    reductionBins: [],
    zeroShotErrorBins: [],
    categories: [],
    softAlignment: [],
    controls: [],
    kCurve: kCurveRows(),
  };
  MODELS.forEach((model, mi) => {
    PAIRS.forEach(({ language, country }, li) => {
      const probes = 400 + 10 * li;
      const { misaligned } = counts(mi, li, 0);
      t.misalignment.push({
        model,
        language,
        country,
        probes,
        ...shares('misaligned', misaligned, probes),
        ...shares('answeredAgainst', misaligned - 2, probes),
        ...shares('unreadable', 2, probes),
        zeroShotInvalidShare: 0.02,
        mostlyUnreadable: false,
      });
      t.zeroShotErrorBins.push(
        ...bins(misaligned, mi + li).map((b) => ({
          model,
          language,
          country,
          ...b,
          zeroShotInvalidShare: 0.02,
          mostlyUnreadable: false,
        })),
      );
      STRATEGIES.forEach((strategy, si) => {
        const c = counts(mi, li, si);
        const n = notRun(model, language, strategy) ? 0 : c.misaligned;
        const [improved, unchanged, worsened] = n === 0 ? [0, 0, 0] : c.paper;
        const [gImproved, gUnchanged, gWorsened] = n === 0 ? [0, 0, 0] : c.gated;
        const paper = {
          ...shares('improved', improved, n),
          ...shares('unchanged', unchanged, n),
          ...shares('worsened', worsened, n),
        };
        t.outcomes.push({
          model,
          language,
          country,
          condition: strategy,
          misaligned: c.misaligned,
          n,
          ...paper,
          ...shares('gatedImproved', gImproved, n),
          ...shares('gatedUnchanged', gUnchanged, n),
          ...shares('gatedWorsened', gWorsened, n),
          retestImprovedShare: null,
          improvedBeyondRetest: null,
          contestedCount: 3,
          ...readable(n),
        });
        t.improvementByLanguage.push({
          model,
          language,
          country,
          condition: strategy,
          n,
          ...paper,
          meanReduction: n === 0 ? null : 0.3,
          meanReductionLower: n === 0 ? null : 0.25,
          meanReductionUpper: n === 0 ? null : 0.35,
          ...readable(n),
        });
        t.reductionBins.push(
          ...(n === 0
            ? bins(0, 0).map((b) => ({ ...b, n: 0, count: 0, share: null, shareLower: 0, shareUpper: 1 }))
            : bins(improved, si)
          ).map((b) => ({ model, language, country, condition: strategy, ...b, ...readable(n) })),
        );
        CATEGORIES.forEach(({ category, categoryName }, ci) => {
          const catMisaligned = 10 + ci * 5;
          const catN = n === 0 ? 0 : catMisaligned;
          const catImproved = catN === 0 ? 0 : 2 + ci + si;
          t.categories.push({
            model,
            language,
            country,
            condition: strategy,
            category,
            categoryName,
            probes: 40 + ci,
            misaligned: catMisaligned,
            n: catN,
            ...shares('improved', catImproved, catN),
            ...readable(catN),
          });
        });
        t.softAlignment.push({
          model,
          language,
          country,
          condition: strategy,
          misaligned: c.misaligned,
          n,
          meanBefore: n === 0 ? null : 0.4,
          meanAfter: n === 0 ? null : 0.4 - 0.03 * si,
          meanChange: n === 0 ? null : -0.03 * si,
          meanChangeLower: n === 0 ? null : -0.03 * si - 0.01,
          meanChangeUpper: n === 0 ? null : -0.03 * si + 0.01,
          ...readable(n),
        });
      });
    });
    STRATEGIES.forEach((strategy, si) => {
      const n = 300;
      const improved = 60 + 10 * si;
      t.improvementByModel.push({
        model,
        condition: strategy,
        n,
        ...shares('improved', improved, n),
        ...shares('unchanged', n - improved - 30, n),
        ...shares('worsened', 30, n),
        meanReduction: 0.3,
        meanReductionLower: 0.25,
        meanReductionUpper: 0.35,
        ...readable(n),
      });
    });
  });
  return t;
}

function emptyTables(): Tables {
  return {
    runId: 'run-empty',
    status: 'running',
    outcomes: [],
    expectedOutcomes: [],
    outcomesUncontested: [],
    misalignment: [],
    improvementByModel: [],
    improvementByLanguage: [],
    reductionBins: [],
    zeroShotErrorBins: [],
    categories: [],
    softAlignment: [],
    controls: [],
    kCurve: [],
  };
}

const OPTIONS: ChartOptions = { rule: 'paper', runId: 'run-abc', date: '2026-12-02' };

// ---------------------------------------------------------------------------------------------------------------
// Reading a tree back

function walk(node: SvgNode, visit: (n: SvgNode) => void): void {
  visit(node);
  for (const child of node.children) if (typeof child !== 'string') walk(child, visit);
}

function findAll(node: SvgNode, test: (n: SvgNode) => boolean): SvgNode[] {
  const out: SvgNode[] = [];
  walk(node, (n) => {
    if (test(n)) out.push(n);
  });
  return out;
}

function textOf(node: SvgNode | string): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}

const marks = (chart: Chart) => findAll(chart.svg, (n) => n.attrs['data-mark'] !== undefined);
const filterOf = (m: SvgNode) => JSON.parse(String(m.attrs['data-filter'])) as Record<string, unknown>;
const part = (m: SvgNode, name: string) => findAll(m, (n) => n.attrs['data-part'] === name);
const num = (v: string | number | undefined) => Number(v);

/** The plot's baseline and top: the share axis's gridlines at 0% (lowest on screen, largest y) and 100%. */
function plotExtent(chart: Chart): { top: number; bottom: number } {
  const axis = findAll(chart.svg, (n) => n.attrs['data-part'] === 'y-axis')[0]!;
  const ys = part(axis, 'grid').map((g) => num(g.attrs.y1));
  return { top: Math.min(...ys), bottom: Math.max(...ys) };
}

function markWhere(chart: Chart, filter: Record<string, unknown>): SvgNode | undefined {
  return marks(chart).find((m) => {
    const f = filterOf(m);
    return Object.entries(filter).every(([k, v]) => f[k] === v);
  });
}

// ---------------------------------------------------------------------------------------------------------------

describe('the charts', () => {
  const tables = syntheticTables();

  it('builds all of them, in CHART_IDS order, each with marks, a title, a caption and its size', () => {
    const charts = buildCharts(tables, OPTIONS);
    expect(charts.map((c) => c.id)).toEqual([...CHART_IDS]);
    for (const chart of charts) {
      expect(marks(chart).length, chart.id).toBeGreaterThan(0);
      expect(chart.svg.tag).toBe('svg');
      expect(chart.svg.attrs.viewBox).toBe(`0 0 ${chart.width} ${chart.height}`);
      expect(chart.svg.attrs.role).toBe('img');
      expect(chart.svg.attrs['aria-label']).toBe(chart.title);
      const first = chart.svg.children[0] as SvgNode;
      expect(first.tag).toBe('title');
      expect(textOf(first)).toBe(chart.title);
      expect(chart.caption).toContain('Run run-abc');
      expect(chart.caption).toContain('2026-12-02');
      expect(findAll(chart.svg, (n) => n.attrs['data-part'] === 'caption').map(textOf)).toEqual([chart.caption]);
      expect(chart.width).toBeGreaterThanOrEqual(760);
    }
  });

  it('gives every mark a filter, a kind, focus, a role, and a <title> with its numbers as its aria-label', () => {
    for (const chart of buildCharts(tables, OPTIONS)) {
      for (const m of marks(chart)) {
        expect(['bar', 'cell', 'point']).toContain(m.attrs['data-mark']);
        expect(m.attrs.tabindex).toBe(0);
        expect(m.attrs.role).toBe('graphics-symbol');
        const title = m.children[0] as SvgNode;
        expect(title.tag).toBe('title');
        expect(textOf(title)).toBe(m.attrs['aria-label']);
        expect(textOf(title)).toMatch(/\d/);
        const f = filterOf(m);
        for (const k of Object.keys(f))
          expect([
            'model',
            'language',
            'country',
            'condition',
            'outcome',
            'gatedOutcome',
            'category',
            'misaligned',
            'probeId',
          ]).toContain(k);
      }
    }
  });

  it('draws a bar as tall as its share through the linear scale, its whisker at the Wilson interval', () => {
    const chart = buildChart('strategies', tables, OPTIONS);
    const { top, bottom } = plotExtent(chart);
    const bar = markWhere(chart, { condition: 'chrf-all', outcome: 'improved' })!;
    const rect = part(bar, 'bar')[0]!;
    expect(Math.abs(num(rect.attrs.height) - (bottom - top) / 2)).toBeLessThan(1e-9);
    expect(Math.abs(num(rect.attrs.y) - (bottom - (bottom - top) / 2))).toBeLessThan(1e-9);
    const row = tables.improvementByLanguage.find(
      (r) => r.model === 'llama' && r.language === 'en' && r.condition === 'chrf-all',
    )!;
    const whisker = part(bar, 'whisker')[0]!;
    expect(Math.abs(num(whisker.attrs.y1) - (bottom - row.improvedShareLower * (bottom - top)))).toBeLessThan(1e-9);
    expect(Math.abs(num(whisker.attrs.y2) - (bottom - row.improvedShareUpper * (bottom - top)))).toBeLessThan(1e-9);
    // Every bar of every share chart: height = share × plot height.
    for (const id of ['strategies', 'error-reduction', 'zero-shot-errors', 'misaligned'] as const) {
      const c = buildChart(id, tables, OPTIONS);
      const extent = plotExtent(c);
      for (const m of marks(c)) {
        const r = part(m, 'bar')[0]!;
        expect(num(r.attrs.y) + num(r.attrs.height)).toBeCloseTo(extent.bottom, 9);
      }
    }
  });

  it('shows the strategies of the chosen model and language with their numbers in the tooltip', () => {
    const chart = buildChart('strategies', tables, OPTIONS);
    const bar = markWhere(chart, { condition: 'chrf-all', outcome: 'improved' })!;
    expect(filterOf(bar)).toEqual({
      model: 'llama',
      language: 'en',
      country: 'USA',
      condition: 'chrf-all',
      outcome: 'improved',
    });
    expect(bar.attrs['aria-label']).toMatch(
      /^chrF\+\+ \(all\), en\/USA, llama: improved 50\.0% \(95% CI \d+\.\d–\d+\.\d%\), 50 of 100 misaligned; unreadable 2% → 2% \(answers giving neither option, before → after\)$/,
    );
    // Another slice by option.
    const other = buildChart('strategies', tables, { ...OPTIONS, model: 'qwen', language: 'nl' });
    for (const m of marks(other)) expect(filterOf(m)).toMatchObject({ model: 'qwen', language: 'nl', country: 'NLD' });
    expect(other.title).toContain('qwen, nl/NLD');
  });

  it('draws the re-test control beside the strategies, marked as a control and labelled "re-test control"', () => {
    const strategies = buildChart('strategies', tables, OPTIONS);
    const control = marks(strategies).filter((m) => filterOf(m).condition === 'zero-shot-retest');
    expect(control).toHaveLength(3);
    for (const m of control) expect(part(m, 'bar')[0]!.attrs['data-control']).toBe('true');
    for (const m of marks(strategies).filter((m) => filterOf(m).condition === 'chrf-all'))
      expect(part(m, 'bar')[0]!.attrs['data-control']).toBeUndefined();
    expect(svgToString(strategies.svg)).toContain('re-test control');
    expect(control[0]!.attrs['aria-label']).toMatch(/^re-test control, /);

    const table = buildChart('table1', tables, OPTIONS);
    const cell = markWhere(table, { model: 'qwen', language: 'nl', condition: 'zero-shot-retest' })!;
    expect(part(cell, 'cell')[0]!.attrs['data-control']).toBe('true');
    expect(cell.attrs['aria-label']).toMatch(/^re-test control, nl\/NLD, qwen/);
    expect(svgToString(table.svg)).toContain('re-test control');
    expect(conditionLabel('zero-shot-retest')).toBe('re-test control');
  });

  it('lays Table 1 out as languages × models × conditions, with the three shares and the misaligned count', () => {
    const chart = buildChart('table1', tables, OPTIONS);
    expect(marks(chart)).toHaveLength(MODELS.length * PAIRS.length * STRATEGIES.length - 1); // qwen nl chrF++ (category) was not run
    const cell = markWhere(chart, { model: 'llama', language: 'en', condition: 'chrf-all' })!;
    expect(filterOf(cell)).toEqual({
      model: 'llama',
      language: 'en',
      country: 'USA',
      condition: 'chrf-all',
      misaligned: true,
    });
    const texts = findAll(cell, (n) => n.tag === 'text').map(textOf);
    expect(texts).toEqual(['+ 50%', '= 30% · − 20%', 'n = 100', 'unreadable 2→2%']);
    // Cells are placed by model: llama's block left of qwen's.
    const xOf = (m: SvgNode) => num(part(m, 'cell')[0]!.attrs.x);
    expect(xOf(cell)).toBeLessThan(
      xOf(markWhere(chart, { model: 'qwen', language: 'en', condition: 'zero-shot-retest' })!),
    );
    // Cells are coloured by the improved share, with black or white text.
    const fill = String(part(cell, 'cell')[0]!.attrs.fill);
    expect(fill).toMatch(/^#[0-9a-f]{6}$/);
    for (const t of findAll(cell, (n) => n.tag === 'text')) expect(['#000000', '#ffffff']).toContain(t.attrs.fill);
  });

  it('draws a cell whose answers were mostly unreadable as "no readable answer", without the outcome colours', () => {
    const unreadable = structuredClone(tables);
    for (const row of unreadable.outcomes)
      if (row.model === 'qwen' && row.language === 'en')
        Object.assign(row, { zeroShotInvalidShare: 0.96, meanInvalidShare: 1, mostlyUnreadable: true });
    const chart = buildChart('table1', unreadable, OPTIONS);
    const cell = markWhere(chart, { model: 'qwen', language: 'en', condition: 'chrf-all' })!;
    expect(findAll(cell, (n) => n.tag === 'text').map(textOf)).toEqual([
      'no readable',
      'answer',
      'unreadable 96→100%',
      'n = 120',
    ]);
    expect(part(cell, 'cell')[0]!.attrs['data-unreadable']).toBe('true');
    expect(part(cell, 'strip')).toHaveLength(0);
    expect(cell.attrs['aria-label']).toMatch(/no readable answer\. unreadable 96% → 100% .* no summary counts them/);
    // Clicking it still opens its probes.
    expect(filterOf(cell)).toMatchObject({ model: 'qwen', language: 'en', condition: 'chrf-all', misaligned: true });
    expect(svgToString(chart.svg)).toContain('no readable answer (mostly unreadable)');
    // The other cells are drawn as before, and the key has no such entry without an unreadable cell.
    expect(part(markWhere(chart, { model: 'llama', language: 'en', condition: 'chrf-all' })!, 'strip')).toHaveLength(3);
    expect(svgToString(buildChart('table1', tables, OPTIONS).svg)).not.toContain('no readable answer');
  });

  it('splits Fig. 7 into answered against the target and no readable answer', () => {
    const chart = buildChart('misaligned', tables, OPTIONS);
    const bar = markWhere(chart, { model: 'llama', language: 'en', condition: 'zero-shot' })!;
    const row = tables.misalignment.find((r) => r.model === 'llama' && r.language === 'en')!;
    expect(bar.attrs['aria-label']).toContain(
      `${row.answeredAgainstCount} answered against the target, 2 with no readable answer`,
    );
    const [whole] = part(bar, 'bar');
    const [top] = part(bar, 'unreadable');
    // The unreadable part sits on top of the bar, as tall as 2 probes of the bar's count.
    expect(num(top!.attrs.y)).toBeCloseTo(num(whole!.attrs.y), 6);
    expect(num(top!.attrs.height) / num(whole!.attrs.height)).toBeCloseTo(2 / row.misalignedCount, 6);
    expect(svgToString(chart.svg)).toContain('of which no readable answer');
  });

  it('switches to the gated outcome: other numbers, and gatedOutcome in the filters', () => {
    const gated = { ...OPTIONS, rule: 'gated' as const };
    const paperCell = markWhere(buildChart('table1', tables, OPTIONS), {
      model: 'llama',
      language: 'en',
      condition: 'chrf-all',
    })!;
    const gatedCell = markWhere(buildChart('table1', tables, gated), {
      model: 'llama',
      language: 'en',
      condition: 'chrf-all',
    })!;
    expect(findAll(gatedCell, (n) => n.tag === 'text').map(textOf)).toEqual([
      '+ 30%',
      '= 60% · − 10%',
      'n = 100',
      'unreadable 2→2%',
    ]);
    expect(gatedCell.attrs['aria-label']).not.toBe(paperCell.attrs['aria-label']);
    expect(gatedCell.attrs['aria-label']).toContain('gated');

    const chart = buildChart('strategies', tables, gated);
    expect(
      marks(chart).every((m) => filterOf(m).outcome === undefined && typeof filterOf(m).gatedOutcome === 'string'),
    ).toBe(true);
    const bar = markWhere(chart, { condition: 'chrf-all', gatedOutcome: 'improved' })!;
    expect(bar.attrs['aria-label']).toContain('improved (gated) 30.0%');
    const { top, bottom } = plotExtent(chart);
    expect(num(part(bar, 'bar')[0]!.attrs.height)).toBeCloseTo((bottom - top) * 0.3, 9);
    expect(buildChart('table1', tables, gated).title).toContain('gated');
  });

  it('keeps the 100% bin apart, as the last x position', () => {
    for (const id of ['error-reduction', 'zero-shot-errors'] as const) {
      const chart = buildChart(id, tables, OPTIONS);
      const byBin = new Map<string, number[]>();
      for (const m of marks(chart)) {
        const bin = /: (?:error reduction |error )(\[[^)]*\)|100%):/.exec(String(m.attrs['aria-label']))![1]!;
        byBin.set(bin, [...(byBin.get(bin) ?? []), num(part(m, 'bar')[0]!.attrs.x)]);
      }
      expect(byBin.size).toBe(11);
      const full = Math.min(...byBin.get('100%')!);
      const others = [...byBin.entries()].filter(([b]) => b !== '100%');
      for (const [, xs] of others) expect(Math.max(...xs)).toBeLessThan(full);
      // The gap before it is wider than the step between two ordinary bins.
      const starts = others.map(([, xs]) => Math.min(...xs)).sort((a, b) => a - b);
      const step = starts[1]! - starts[0]!;
      expect(full - starts[starts.length - 1]!).toBeGreaterThan(step * 1.3);
      expect(findAll(chart.svg, (n) => n.attrs['data-part'] === 'separator')).toHaveLength(1);
      const labels = findAll(chart.svg, (n) => n.attrs['data-part'] === 'x-axis')[0]!;
      expect(textOf(labels.children[labels.children.length - 1]!)).toBe('100%');
    }
  });

  it('draws the error reduction per strategy, grouped within each bin, with whiskers', () => {
    const chart = buildChart('error-reduction', tables, OPTIONS);
    expect(marks(chart)).toHaveLength(11 * STRATEGIES.length);
    const row = tables.reductionBins.find(
      (r) => r.model === 'llama' && r.language === 'en' && r.condition === 'chrf-all' && r.bin === 3,
    )!;
    const bar = marks(chart).find(
      (m) => filterOf(m).condition === 'chrf-all' && String(m.attrs['aria-label']).includes('[30%, 40%)'),
    )!;
    expect(filterOf(bar)).toEqual({
      model: 'llama',
      language: 'en',
      country: 'USA',
      condition: 'chrf-all',
      outcome: 'improved',
    });
    const { top, bottom } = plotExtent(chart);
    const w = part(bar, 'whisker')[0]!;
    expect(num(w.attrs.y1)).toBeCloseTo(bottom - row.shareLower * (bottom - top), 9);
    expect(num(w.attrs.y2)).toBeCloseTo(bottom - row.shareUpper * (bottom - top), 9);
    expect(part(bar, 'bar')[0]!.attrs.fill).toBe(conditionColour('chrf-all'));
    // An empty bin keeps its (zero) bar and its interval in the label, but draws no whisker.
    const empty = marks(chart).filter((m) => /, 0 of \d+;/.test(String(m.attrs['aria-label'])));
    expect(empty.length).toBeGreaterThan(0);
    for (const m of empty) {
      expect(part(m, 'whisker')).toHaveLength(0);
      expect(String(m.attrs['aria-label'])).toMatch(/95% CI 0\.0–/);
    }
  });

  it('draws no bar for a null share', () => {
    const qwenNl = { ...OPTIONS, model: 'qwen', language: 'nl' };
    const strategies = buildChart('strategies', tables, qwenNl);
    expect(marks(strategies).filter((m) => filterOf(m).condition === 'chrf-category')).toHaveLength(0);
    expect(marks(strategies)).toHaveLength(3 * (STRATEGIES.length - 1));
    const reduction = buildChart('error-reduction', tables, qwenNl);
    expect(marks(reduction).filter((m) => filterOf(m).condition === 'chrf-category')).toHaveLength(0);
    expect(
      markWhere(buildChart('table1', tables, OPTIONS), { model: 'qwen', language: 'nl', condition: 'chrf-category' }),
    ).toBeUndefined();

    // One null share among the outcomes of a row: only that bar goes.
    const t = syntheticTables();
    const row = t.improvementByLanguage.find(
      (r) => r.model === 'llama' && r.language === 'en' && r.condition === 'random',
    )!;
    row.worsenedShare = null;
    const chart = buildChart('strategies', t, OPTIONS);
    expect(markWhere(chart, { condition: 'random', outcome: 'worsened' })).toBeUndefined();
    expect(markWhere(chart, { condition: 'random', outcome: 'improved' })).toBeDefined();
  });

  it('shows the misaligned share of every language and model', () => {
    const chart = buildChart('misaligned', tables, OPTIONS);
    expect(marks(chart)).toHaveLength(MODELS.length * PAIRS.length);
    const bar = markWhere(chart, { model: 'qwen', language: 'nl' })!;
    expect(filterOf(bar)).toEqual({
      model: 'qwen',
      language: 'nl',
      country: 'NLD',
      condition: 'zero-shot',
      misaligned: true,
    });
    const row = tables.misalignment.find((r) => r.model === 'qwen' && r.language === 'nl')!;
    const { top, bottom } = plotExtent(chart);
    expect(num(part(bar, 'bar')[0]!.attrs.height)).toBeCloseTo(row.misalignedShare! * (bottom - top), 9);
    expect(bar.attrs['aria-label']).toContain(`${row.misalignedCount} of ${row.probes} probes`);
  });

  it('draws the categories heat map for chrF++ (all) with "improved/n" in each cell', () => {
    const chart = buildChart('categories', tables, OPTIONS);
    expect(chart.title).toContain('chrF++ (all)');
    expect(marks(chart)).toHaveLength(CATEGORIES.length * PAIRS.length);
    const cell = markWhere(chart, { language: 'nl', category: 2 })!;
    expect(filterOf(cell)).toEqual({
      model: 'llama',
      language: 'nl',
      country: 'NLD',
      condition: 'chrf-all',
      category: 2,
      outcome: 'improved',
    });
    const row = tables.categories.find(
      (r) => r.model === 'llama' && r.language === 'nl' && r.condition === 'chrf-all' && r.category === 2,
    )!;
    expect(findAll(cell, (n) => n.tag === 'text').map(textOf)).toEqual([`${row.improvedCount}/${row.n}`]);
    expect(svgToString(chart.svg)).toContain('Social Values, Attitudes &amp; Stereotypes');

    // Without chrF++ (all): the strategy the per-model table puts highest (chrF++ (category) here).
    const t = syntheticTables();
    t.categories = t.categories.filter((r) => r.condition !== 'chrf-all');
    t.improvementByModel = t.improvementByModel.filter((r) => r.condition !== 'chrf-all');
    expect(buildChart('categories', t, OPTIONS).title).toContain('chrF++ (category)');
  });

  it('draws one point per probe in the soft-alignment scatter, else one per strategy from the table', () => {
    const softPoints = [
      { probeId: 'Q1', strategy: 'chrf-all', before: 0.2, after: 0.6, misaligned: true },
      { probeId: 'Q2', strategy: 'chrf-all', before: 0.1, after: 0.05, misaligned: true },
      { probeId: 'Q1', strategy: 'zero-shot-retest', before: 0.2, after: 0.25, misaligned: true },
    ];
    const chart = buildChart('soft-alignment', tables, { ...OPTIONS, softPoints });
    expect(marks(chart)).toHaveLength(3);
    const point = marks(chart)[0]!;
    expect(point.attrs['data-mark']).toBe('point');
    expect(filterOf(point)).toEqual({
      model: 'llama',
      language: 'en',
      country: 'USA',
      condition: 'chrf-all',
      misaligned: true,
      probeId: 'Q1',
    });
    expect(point.attrs['aria-label']).toBe(
      'chrF++ (all), en/USA, llama, probe Q1: zero-shot 20.0% → self-aligned 60.0%',
    );
    const circle = part(point, 'point')[0]!;
    const diagonal = findAll(chart.svg, (n) => n.attrs['data-part'] === 'diagonal')[0]!;
    // x = 0.2 and y = 0.6 between the diagonal's ends (0, 0) and (1, 1).
    const [x0, y0, x1, y1] = [diagonal.attrs.x1, diagonal.attrs.y1, diagonal.attrs.x2, diagonal.attrs.y2].map(num) as [
      number,
      number,
      number,
      number,
    ];
    expect(num(circle.attrs.cx)).toBeCloseTo(x0 + 0.2 * (x1 - x0), 9);
    expect(num(circle.attrs.cy)).toBeCloseTo(y0 + 0.6 * (y1 - y0), 9);
    expect(circle.attrs.fill).toBe(conditionColour('chrf-all'));

    const fallback = buildChart('soft-alignment', tables, OPTIONS);
    expect(marks(fallback)).toHaveLength(STRATEGIES.length);
    expect(svgToString(fallback.svg)).toContain('JS distance');
  });

  it('shows "No data yet" in every chart of empty tables, and no marks', () => {
    for (const chart of buildCharts(emptyTables(), { rule: 'paper', runId: 'run-empty' })) {
      expect(marks(chart), chart.id).toHaveLength(0);
      const text = findAll(chart.svg, (n) => n.attrs['data-part'] === 'no-data');
      expect(text.map(textOf)).toEqual(['No data yet']);
      expect(text[0]!.attrs['text-anchor']).toBe('middle');
      expect(num(text[0]!.attrs.x)).toBe(chart.width / 2);
      expect(findAll(chart.svg, (n) => n.attrs['data-part'] === 'y-axis')).toHaveLength(0);
      expect(chart.caption.startsWith('Run run-empty')).toBe(true);
    }
    // Rows whose shares are all null are no data either.
    const t = syntheticTables();
    for (const r of t.zeroShotErrorBins) r.share = null;
    expect(marks(buildChart('zero-shot-errors', t, OPTIONS))).toHaveLength(0);
  });

  it('uses the same colour for an outcome, and for a condition, in every chart', () => {
    const strategies = buildChart('strategies', tables, OPTIONS);
    const table = buildChart('table1', tables, OPTIONS);
    for (const outcome of ['improved', 'unchanged', 'worsened'] as const) {
      const bar = markWhere(strategies, { condition: 'random', outcome })!;
      const strip = findAll(table.svg, (n) => n.attrs['data-part'] === 'strip' && n.attrs['data-outcome'] === outcome);
      expect(strip.length).toBeGreaterThan(0);
      expect(part(bar, 'bar')[0]!.attrs.fill).toBe(OUTCOME_COLOURS[outcome]);
      for (const s of strip) expect(s.attrs.fill).toBe(OUTCOME_COLOURS[outcome]);
    }
    const reduction = buildChart('error-reduction', tables, OPTIONS);
    const soft = buildChart('soft-alignment', tables, OPTIONS);
    for (const condition of STRATEGIES) {
      const bar = markWhere(reduction, { condition })!;
      const point = markWhere(soft, { condition })!;
      expect(part(bar, 'bar')[0]!.attrs.fill).toBe(part(point, 'point')[0]!.attrs.fill);
    }
    expect(new Set(Object.values(OUTCOME_COLOURS)).size).toBe(3);
  });

  it('writes text no smaller than 11px, in currentColor unless on a coloured cell', () => {
    for (const chart of buildCharts(tables, OPTIONS)) {
      expect(chart.svg.attrs['font-family']).toBe('system-ui, sans-serif');
      expect(chart.svg.attrs.fill).toBe('currentColor');
      walk(chart.svg, (n) => {
        if (n.attrs['font-size'] !== undefined) expect(num(n.attrs['font-size'])).toBeGreaterThanOrEqual(11);
        if (n.tag === 'line')
          expect(
            n.attrs.stroke === 'currentColor' ||
              n.attrs['data-part'] === undefined ||
              String(n.attrs.stroke).startsWith('#'),
          ).toBe(true);
      });
    }
  });

  it('is deterministic', () => {
    const a = buildCharts(syntheticTables(), OPTIONS).map((c) => svgToString(c.svg));
    const b = buildCharts(syntheticTables(), OPTIONS).map((c) => svgToString(c.svg));
    expect(a).toEqual(b);
    // Rows in another order give the same pictures.
    const shuffled = syntheticTables();
    for (const k of [
      'outcomes',
      'misalignment',
      'improvementByLanguage',
      'reductionBins',
      'zeroShotErrorBins',
      'categories',
      'softAlignment',
      'kCurve',
    ] as const)
      (shuffled[k] as unknown[]).reverse();
    expect(buildCharts(shuffled, OPTIONS).map((c) => svgToString(c.svg))).toEqual(a);
  });
});

describe('the k curve', () => {
  const tables = syntheticTables();
  const chart = buildChart('k-curve', tables, OPTIONS);
  const improved = marks(chart).filter((m) => / k = \d.*: improved /.test(String(m.attrs['aria-label'])));
  const alignment = marks(chart).filter((m) => / k = \d.*: mean alignment /.test(String(m.attrs['aria-label'])));
  const kOf = (m: SvgNode) => Number(/ k = (\d+)/.exec(String(m.attrs['aria-label']))![1]);
  const circle = (m: SvgNode) => part(m, 'point')[0]!;

  it('is titled for the chosen model and language, and captioned with the rule and the intervals', () => {
    expect(chart.id).toBe('k-curve');
    expect(chart.title).toBe('Self-alignment against k, the number of demonstrations — llama, en/USA');
    expect(chart.caption).toBe(
      "Run run-abc · model llama · en/USA · improved by the paper's rule · 95% intervals: Wilson (a), bootstrap (b) · 2026-12-02",
    );
    const headings = findAll(chart.svg, (n) => n.attrs['data-part'] === 'panel-title').map(textOf);
    expect(headings).toEqual(['(a) Improved share', '(b) Mean alignment']);
    const axisTitles = findAll(chart.svg, (n) => n.attrs['data-part'] === 'axis-title').map(textOf);
    expect(axisTitles).toContain('k (demonstrations in the prompt)');
    expect(axisTitles).toContain('Share of misaligned probes improved');
    expect(axisTitles).toContain('Mean share of target answers');
    // Integer ticks at the k values present, the run's k named; in both panels.
    for (const axis of findAll(chart.svg, (n) => n.attrs['data-part'] === 'x-axis'))
      expect(findAll(axis, (n) => n.tag === 'text').map(textOf)).toEqual(['1', '3', '5', "run's k"]);
    expect(findAll(chart.svg, (n) => n.attrs['data-part'] === 'x-axis')).toHaveLength(2);
  });

  it('draws one point per strategy and k in each panel, in k order along x, with its whisker at the interval', () => {
    expect(improved).toHaveLength(5);
    expect(alignment).toHaveLength(5);
    const { top, bottom } = plotExtent(chart);
    const yOf = (share: number) => bottom - share * (bottom - top);
    for (const panel of [improved, alignment]) {
      for (const strategy of ['chrf-all', 'random']) {
        const rows = tables.kCurve.filter((r) => r.strategy === strategy);
        const points = panel.filter((m) => String(filterOf(m).condition).split('/')[0] === strategy);
        expect(points.map(kOf)).toEqual(rows.map((r) => r.k));
        const xs = points.map((m) => num(circle(m).attrs.cx));
        for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
        for (const [i, m] of points.entries()) {
          const row = rows[i]!;
          const [value, lower, upper] =
            panel === improved
              ? [row.improvedShare!, row.improvedShareLower, row.improvedShareUpper]
              : [row.meanAlignment!, row.meanAlignmentLower!, row.meanAlignmentUpper!];
          expect(num(circle(m).attrs.cy)).toBeCloseTo(yOf(value), 9);
          const whiskers = part(m, 'whisker');
          if (row.mostlyUnreadable) {
            expect(whiskers).toHaveLength(0);
            continue;
          }
          expect(whiskers).toHaveLength(1);
          expect(num(whiskers[0]!.attrs.y1)).toBeCloseTo(yOf(lower), 9);
          expect(num(whiskers[0]!.attrs.y2)).toBeCloseTo(yOf(upper), 9);
          expect(num(whiskers[0]!.attrs.x1)).toBeCloseTo(num(circle(m).attrs.cx), 9);
          expect(part(m, 'whisker-cap')).toHaveLength(2);
          expect(circle(m).attrs.fill).toBe(conditionColour(strategy));
        }
      }
    }
    // At the same k the strategies stand a little apart, in the paper's order (random, then chrF++ (all)), so
    // their whiskers do not hide each other.
    const at = (condition: string) => num(circle(markWhere(chart, { condition })!).attrs.cx);
    expect(at('random')).toBeLessThan(at('chrf-all'));
    expect(at('chrf-all') - at('random')).toBeLessThan(10);
    // One line per strategy through its points: two segments for chrF++ (all), one (dotted: it ends at an
    // unreadable point) for random, in each panel.
    const curves = findAll(chart.svg, (n) => n.attrs['data-part'] === 'curve');
    expect(curves.filter((c) => c.attrs['data-condition'] === 'chrf-all')).toHaveLength(4);
    const random = curves.filter((c) => c.attrs['data-condition'] === 'random');
    expect(random).toHaveLength(2);
    for (const c of random) expect(c.attrs['stroke-dasharray']).toBe('2 3');
    for (const c of curves) expect(c.attrs.stroke).toBe(conditionColour(String(c.attrs['data-condition'])));
  });

  it('labels a point with its k, share, interval and n, and links it to its misaligned probes', () => {
    const point = improved.find((m) => filterOf(m).condition === 'chrf-all/k=3')!;
    expect(filterOf(point)).toEqual({
      model: 'llama',
      language: 'en',
      country: 'USA',
      condition: 'chrf-all/k=3',
      misaligned: true,
    });
    expect(point.attrs['aria-label']).toMatch(
      /^chrF\+\+ \(all\), k = 3, en\/USA, llama: improved 40\.0% \(95% CI \d+\.\d–\d+\.\d%\), 40 of 100 misaligned probes; unreadable 2% \(answers giving neither option\)$/,
    );
    const runK = improved.find((m) => filterOf(m).condition === 'chrf-all')!;
    expect(runK.attrs['aria-label']).toMatch(
      /^chrF\+\+ \(all\), k = 5 \(the run's k\), en\/USA, llama: improved 50\.0%/,
    );
    const mean = alignment.find((m) => filterOf(m).condition === 'chrf-all/k=1')!;
    expect(mean.attrs['aria-label']).toBe(
      'chrF++ (all), k = 1, en/USA, llama: mean alignment 45.0% (95% CI 40.0–49.0%), n = 100 misaligned probes; unreadable 2% (answers giving neither option)',
    );
  });

  it("draws the re-test control as chance's band with a dashed line at its share, and a dashed line in (b)", () => {
    const row = tables.kCurve[0]!;
    const { top, bottom } = plotExtent(chart);
    const yOf = (share: number) => bottom - share * (bottom - top);
    const retest = marks(chart).filter((m) => filterOf(m).condition === 'zero-shot-retest');
    expect(retest).toHaveLength(2);
    for (const m of retest)
      expect(filterOf(m)).toEqual({
        model: 'llama',
        language: 'en',
        country: 'USA',
        condition: 'zero-shot-retest',
        misaligned: true,
      });
    const [band, line] = retest as [SvgNode, SvgNode];
    const rect = part(band, 'retest-band')[0]!;
    expect(num(rect.attrs.y)).toBeCloseTo(yOf(row.retestImprovedShareUpper), 9);
    expect(num(rect.attrs.y) + num(rect.attrs.height)).toBeCloseTo(yOf(row.retestImprovedShareLower), 9);
    expect(rect.attrs.fill).toBe(conditionColour('zero-shot-retest'));
    const dashed = part(band, 'retest-line')[0]!;
    expect(num(dashed.attrs.y1)).toBeCloseTo(yOf(0.12), 9);
    expect(dashed.attrs['stroke-dasharray']).toBeDefined();
    expect(part(band, 'retest-label').map(textOf)).toEqual(['re-test control (chance)']);
    expect(band.attrs['aria-label']).toMatch(/^re-test control \(chance\), en\/USA, llama: improved 12\.0% \(95% CI /);
    const mean = part(line, 'retest-line')[0]!;
    expect(num(mean.attrs.y1)).toBeCloseTo(yOf(0.3), 9);
    expect(mean.attrs['stroke-dasharray']).toBeDefined();
    expect(line.attrs['aria-label']).toBe('re-test control (chance), en/USA, llama: mean alignment 30.0%');
    // Without a re-test: no band, no line, no legend entry.
    const t = syntheticTables();
    for (const r of t.kCurve) Object.assign(r, { retestImprovedShare: null, retestMeanAlignment: null });
    const without = buildChart('k-curve', t, OPTIONS);
    expect(marks(without).filter((m) => filterOf(m).condition === 'zero-shot-retest')).toHaveLength(0);
    expect(svgToString(without.svg)).not.toContain('re-test control');
  });

  it('draws a mostly unreadable point hollow in the unreadable colour, saying "no readable answer"', () => {
    for (const m of [improved, alignment].map((panel) => panel.find((p) => filterOf(p).condition === 'random/k=1'))) {
      expect(circle(m!).attrs.fill).toBe('none');
      expect(circle(m!).attrs.stroke).toBe(UNREADABLE_COLOUR);
      expect(circle(m!).attrs['data-unreadable']).toBe('true');
      expect(part(m!, 'unreadable-label').map(textOf)).toEqual(['no readable answer']);
      expect(m!.attrs['aria-label']).toMatch(
        /^random, k = 1, en\/USA, llama: .*; no readable answer: 90% of the answers gave neither option$/,
      );
    }
    const readable = improved.filter((m) => filterOf(m).condition !== 'random/k=1');
    for (const m of readable) expect(circle(m).attrs['data-unreadable']).toBeUndefined();
    const key = findAll(chart.svg, (n) => n.attrs['data-part'] === 'legend')[0]!;
    expect(findAll(key, (n) => n.tag === 'text').map(textOf)).toEqual([
      'random',
      'chrF++ (all)',
      're-test control (chance)',
      'no readable answer (mostly unreadable)',
    ]);
  });

  it('says the run has no k controls where it has none for the model and language', () => {
    for (const [t, options] of [
      [tables, { ...OPTIONS, model: 'qwen', language: 'nl' }],
      [emptyTables(), { rule: 'paper', runId: 'run-empty' }],
    ] as const) {
      const empty = buildChart('k-curve', t, options);
      expect(marks(empty)).toHaveLength(0);
      expect(findAll(empty.svg, (n) => n.attrs['data-part'] === 'no-data').map(textOf)).toEqual(['No data yet']);
      expect(empty.caption).toContain('the run has no k controls (add chrf-all/k=N controls to draw it)');
    }
    // Rows with nothing measured yet are no data either, but the run has k controls.
    const t = syntheticTables();
    for (const r of t.kCurve) Object.assign(r, { n: 0, improvedShare: null, meanAlignment: null });
    const pending = buildChart('k-curve', t, OPTIONS);
    expect(marks(pending)).toHaveLength(0);
    expect(pending.caption).not.toContain('no k controls');
  });
});

describe('svg', () => {
  /** Balanced tags, by a small stack over the text: no parser needed. */
  function balanced(text: string): boolean {
    const stack: string[] = [];
    for (const match of text.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/g)) {
      const [, closing, name, , selfClosing] = match;
      if (selfClosing) continue;
      if (closing) {
        if (stack.pop() !== name) return false;
      } else stack.push(name!);
    }
    return stack.length === 0;
  }

  /** Every '<' starts a tag and every '&' an entity: what is left outside the tags has no raw markup. */
  function escaped(text: string): boolean {
    const outside = text.replace(/<\/?[A-Za-z][\w:.-]*(?:\s+[\w:.-]+="[^"<>]*")*\s*\/?>/g, '');
    return !/[<>]/.test(outside) && !/&(?!(amp|lt|gt|quot|#\d+);)/.test(text);
  }

  it('el drops undefined attributes and falsy children', () => {
    const node = el('g', { a: 1, b: undefined, c: 'x' }, null, undefined, false, '', 'text', el('rect'));
    expect(node).toEqual({
      tag: 'g',
      attrs: { a: 1, c: 'x' },
      children: ['text', { tag: 'rect', attrs: {}, children: [] }],
    });
  });

  it('writes a well-formed, escaped, standalone file', () => {
    const t = syntheticTables();
    const odd = 'a<b & "c"';
    for (const k of [
      'outcomes',
      'misalignment',
      'improvementByLanguage',
      'reductionBins',
      'zeroShotErrorBins',
      'categories',
      'softAlignment',
      'improvementByModel',
      'kCurve',
    ] as const) {
      for (const row of t[k] as { model: string }[]) if (row.model === 'llama') row.model = odd;
    }
    for (const chart of buildCharts(t, { ...OPTIONS, model: odd, runId: 'run <1> & co' })) {
      const text = svgToString(chart.svg);
      expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(text.endsWith('</svg>\n')).toBe(true);
      expect(text).not.toContain('\r');
      expect(balanced(text), chart.id).toBe(true);
      expect(escaped(text), chart.id).toBe(true);
      expect(text).toContain('a&lt;b &amp; &quot;c&quot;');
      expect(text).toContain('run &lt;1&gt; &amp; co');
      // The filter's JSON survives as an attribute: unescaped, it is the mark's filter again.
      const attr = /data-filter="([^"]*)"/.exec(text)![1]!;
      const json = attr
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
      expect(JSON.parse(json)).toMatchObject({ model: odd });
      expect(text).toContain('style="color: #1f2328"');
      expect(text).toContain(`<rect x="0" y="0" width="${chart.width}" height="${chart.height}" fill="#ffffff"`);
    }
  });

  it('follows the page when asked: no background, currentColor', () => {
    const chart = buildChart('misaligned', syntheticTables(), OPTIONS);
    const text = svgToString(chart.svg, { background: 'none', color: 'currentColor' });
    expect(text).toContain('style="color: currentColor"');
    expect(text).not.toContain('data-part="background"');
    expect(svgToString(chart.svg, { background: '#000000' })).toContain('fill="#000000" data-part="background"');
    // The tree itself is left as it was.
    expect(chart.svg.attrs.xmlns).toBeUndefined();
  });

  it('writes numbers with at most three decimals and text on one line', () => {
    const text = svgToString(
      el(
        'svg',
        { viewBox: '0 0 10 10', width: 10, height: 10 },
        el('rect', { x: 1 / 3, y: -0 }),
        el('text', { x: 2 }, 'a ', el('tspan', {}, 'b'), ' c'),
      ),
    );
    expect(text).toContain('<rect x="0.333" y="0"/>');
    expect(text).toContain('<text x="2">a <tspan>b</tspan> c</text>');
  });
});

describe('palette', () => {
  it('names the conditions as the paper does', () => {
    expect(conditionLabel('chrf-all')).toBe('chrF++ (all)');
    expect(conditionLabel('chrf-category')).toBe('chrF++ (category)');
    expect(conditionLabel('random')).toBe('random');
    expect(conditionLabel('random-category')).toBe('random (category)');
    expect(conditionLabel('zero-shot')).toBe('zero-shot');
    expect(conditionLabel('zero-shot-retest')).toBe('re-test control');
    expect(conditionLabel('something-new')).toBe('something-new');
  });

  it('gives every known condition its own colour, and an unknown one a stable colour', () => {
    const known = ['zero-shot', 'zero-shot-retest', 'random', 'random-category', 'chrf-category', 'chrf-all'].map(
      conditionColour,
    );
    expect(new Set(known).size).toBe(6);
    expect(conditionColour('something-new')).toMatch(/^#[0-9A-F]{6}$/i);
    expect(conditionColour('something-new')).toBe(conditionColour('something-new'));
  });
});
