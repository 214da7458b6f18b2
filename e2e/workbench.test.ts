// The desktop workbench in a real Chromium, as a social scientist uses it: the renderer built with the project's
// electron-vite config, served by the server `selfalign serve` runs, on a real engine with a temporary database,
// the tiny model in llama.cpp and the real data of ../shared/data. The paper's experiment from start to end in
// the window: import probes and a survey (a broken file shows its located error and stores nothing), register
// the model, start a run from New run, watch it, cancel it, resume it, read every chart, filter the explorer by
// clicking a bar, open a probe and its explanations, export the CSV report and a chart. Also the window without
// an engine, from file://, and with the preload bridge's transport. Every screen is photographed for a person to
// look at (E2E_SCREENSHOT_DIR, or a fresh temp folder). Needs Debian's Chromium at /usr/bin/chromium
// (CHROMIUM_PATH points elsewhere); SKIP_BROWSER_TESTS=1 skips it.

import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, startHttpServer, type Engine, type RunningServer } from '../src/engine/index.js';
import type { WorkbenchTransport } from '../src/shared/client.js';
import { sharedDataDir } from '../src/testing/shared-data.js';
import { realModelsRequired } from '../src/testing/real-models.js';
import { hasTestModel, testModelPath } from '../src/testing/test-models.js';
import { tinyModelPath } from '../src/testing/tiny-model.js';
import { TINY_ENGLISH_RUN } from '../src/testing/tiny-run.js';
import { isSelectionStrategy } from '../src/shared/method.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = process.env.SKIP_BROWSER_TESTS === '1';
const repoDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

let shotDir: string | undefined;
async function screenshot(page: Page, name: string): Promise<void> {
  shotDir ??= process.env.E2E_SCREENSHOT_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'workbench-shots-'));
  mkdirSync(shotDir, { recursive: true });
  const file = path.join(shotDir, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

/**
 * The user guide's pictures (docs/images, linked from the README), taken as a person sees the window (not the
 * whole page) when UPDATE_GUIDE_SCREENSHOTS is set; every run of the test still photographs the screen for review.
 */
async function guideShot(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  if (!process.env.UPDATE_GUIDE_SCREENSHOTS) return;
  const file = path.join(repoDir, 'docs', 'images', name);
  mkdirSync(path.dirname(file), { recursive: true });
  // The top of the screen, where a person starts reading (a field typed into may have scrolled it).
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: false });
}

/** The navigation fills the window's height at its top edge; `scroll`: after scrolling the page to its end. */
async function navigationStaysPut(page: Page, scroll = true): Promise<void> {
  if (scroll) await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const viewport = page.viewportSize()!;
  const box = await page.locator('nav.sidebar').boundingBox();
  expect(box).not.toBeNull();
  expect(Math.round(box!.y)).toBe(0);
  expect(Math.round(box!.height)).toBe(viewport.height);
}

/** A page that records what would otherwise go unnoticed: script errors, console errors (CSP included), failed loads. */
async function open(
  browser: Browser,
  url: string,
  prepare?: (context: BrowserContext, page: Page) => Promise<unknown>,
) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  await prepare?.(context, page);
  await page.goto(url);
  await page.getByRole('heading', { level: 1 }).waitFor();
  return { page, errors, close: () => context.close() };
}

describe.skipIf(skip)('the desktop workbench (Chromium)', () => {
  let workDir = '';
  let rendererDir = '';
  let engine: Engine | undefined;
  let served: RunningServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: install it with \`apt-get install chromium\` (or set SKIP_BROWSER_TESTS=1 to skip the browser tests)`,
      );
    }
    workDir = mkdtempSync(path.join(os.tmpdir(), 'workbench-e2e-'));
    // The real build, with the project's config, into a folder of our own: the test never reads a stale out/.
    const cli = path.join(repoDir, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
    await promisify(execFile)(
      process.execPath,
      [cli, 'build', '--outDir', path.join(workDir, 'out'), '--logLevel', 'warn'],
      { cwd: repoDir },
    );
    rendererDir = path.join(workDir, 'out', 'renderer');
    engine = createEngine({ databasePath: path.join(workDir, 'workbench.sqlite') });
    served = await startHttpServer({ engine, rendererDir });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Lets file:// pages load their module scripts, as Electron's loadFile does.
        '--allow-file-access-from-files',
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await engine?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('builds all three parts, with relative asset paths in the page', () => {
    for (const part of ['main/index.js', 'main/engine.js', 'preload/index.cjs', 'renderer/index.html']) {
      expect(existsSync(path.join(workDir, 'out', part)), `out/${part}`).toBe(true);
    }
    const html = readFileSync(path.join(rendererDir, 'index.html'), 'utf8');
    expect(html).toMatch(/src="\.\/assets\/[^"]+\.js"/);
    expect(html).not.toMatch(/(src|href)="\/assets\//);
  });

  it('says "Engine not connected" in a plain browser and from file://', async () => {
    for (const url of [`${served!.origin}/`, pathToFileURL(path.join(rendererDir, 'index.html')).href]) {
      const { page, errors, close } = await open(browser!, url);
      await page.getByText('Engine not connected').waitFor();
      expect(errors).toEqual([]);
      if (url.startsWith('http')) await screenshot(page, '00-disconnected.png');
      await close();
    }
  });

  it('says when the engine process crashed, and shows a refusal instead of a blank screen', async () => {
    const { page, errors, close } = await open(browser!, `${served!.origin}/`, (_c, p) =>
      p.addInitScript(() => {
        // Stands where the preload bridge's transport would be.
        const transport: WorkbenchTransport = {
          invoke: async () => ({
            ok: false,
            error: {
              kind: 'user',
              code: 'database-unreadable',
              message: 'the database cannot be opened: disk I/O error',
            },
          }),
          subscribe: (listener) => {
            setTimeout(
              () =>
                listener({
                  type: 'engine',
                  state: 'restarting',
                  message: 'restarting the engine in 2 s',
                  retryInSeconds: 2,
                }),
              50,
            );
            return () => undefined;
          },
        };
        window.workbenchTransport = transport;
      }),
    );
    await page
      .getByRole('alert')
      .getByText(/stopped unexpectedly; restarting the engine in 2 s/)
      .waitFor();
    await page
      .getByRole('alert')
      .getByText(/disk I\/O error/)
      .waitFor();
    expect(errors).toEqual([]);
    await screenshot(page, '01-engine-restarting.png');
    await close();
  });

  it("does the paper's experiment from start to end in the window", async () => {
    const { page, errors, close } = await open(browser!, served!.url);
    const nav = (id: string) => page.getByTestId(id).click();
    // The token leaves the address bar but stays with the tab.
    expect(page.url()).not.toContain('token=');
    await page.getByText('No runs yet.').waitFor();
    await screenshot(page, '02-runs-empty.png');

    // Settings: this machine runs llama.cpp on the CPU with one thread.
    await nav('nav-settings');
    await page.getByLabel('GPU backend').selectOption('cpu');
    await page.getByLabel('CPU threads').fill('1');
    await page.getByText('workbench.sqlite').waitFor();
    await screenshot(page, '03-settings.png');

    // Data: a broken probe file shows its located error and stores nothing.
    await nav('nav-data');
    const broken = path.join(workDir, 'de.csv');
    writeFileSync(
      broken,
      '\t0\t1\t2\t3\r\n0\t1\tFamilie ist [MASK]\twichtig\tunwichtig\r\n1\t2\tFreunde sind [MASK]\twichtig\r\n',
    );
    const probes = page.getByTestId('import-probes');
    await probes.getByLabel('File or folder').fill(broken);
    await probes.getByRole('button', { name: 'Preview' }).click();
    const located = probes.getByTestId('import-error');
    await located.waitFor();
    expect(await located.textContent()).toMatch(/de\.csv, line 3/);
    expect((await engine!.client.probes.listSets()).map((s) => s.name)).toEqual(['builtin']);
    await screenshot(page, '04-data-import-error.png');
    // The real probes: previewed, then stored.
    await probes.getByLabel('File or folder').fill(path.join(sharedDataDir, 'arora-probes/probes.zip'));
    await probes.getByLabel('Name (optional)').fill('arora');
    await probes.getByRole('button', { name: 'Preview' }).click();
    await probes.getByTestId('import-preview').waitFor();
    expect(await probes.getByTestId('import-preview').textContent()).toMatch(/13 languages/);
    expect((await engine!.client.probes.listSets()).map((s) => s.name)).toEqual(['builtin']);
    await probes.getByRole('button', { name: 'Store arora' }).click();
    await probes.getByText('Stored arora').waitFor();
    // The survey: the per-country answer shares.
    const survey = page.getByTestId('import-survey');
    await survey.getByLabel('File', { exact: true }).fill(path.join(sharedDataDir, 'wvs/country_distributions.csv'));
    await survey.getByLabel('Name (optional)').fill('shares');
    await survey.getByRole('button', { name: 'Preview' }).click();
    await survey.getByTestId('import-preview').waitFor();
    await survey.getByRole('button', { name: 'Store shares' }).click();
    await survey.getByText('Stored shares').waitFor();
    await page.getByRole('heading', { name: 'Targets' }).waitFor();
    await page.getByText(/probes have a majority answer/).waitFor();
    await screenshot(page, '05-data.png');

    // Models: the tiny model's header, then registered.
    await nav('nav-models');
    await page.getByLabel('File', { exact: true }).fill(await tinyModelPath());
    await page.getByRole('button', { name: 'Read its header' }).click();
    await page
      .getByText(/parameters, .*context/)
      .first()
      .waitFor();
    await page.getByLabel('Name', { exact: true }).first().fill('tiny');
    await page.getByRole('button', { name: 'Register it' }).first().click();
    await page.getByTestId('model-row').filter({ hasText: 'tiny' }).waitFor();
    await screenshot(page, '06-models.png');

    // New run: with one model and one survey the defaults are ready; a problem shows inline.
    await nav('nav-new-run');
    await page.getByTestId('new-run-estimate').waitFor();
    expect(await page.getByTestId('new-run-start').isEnabled()).toBe(true);
    await page.getByRole('checkbox', { name: /^tiny/ }).uncheck();
    await page.getByTestId('new-run-errors').getByText('name at least one registered model').waitFor();
    expect(await page.getByTestId('new-run-start').isDisabled()).toBe(true);
    await screenshot(page, '07-new-run-errors.png');
    // A saved configuration, loaded: two categories, two strategies and explanations, to keep the run short.
    const configFile = path.join(workDir, 'run-config.json');
    const config = {
      protocol: 'paper',
      ...TINY_ENGLISH_RUN,
      // About half the tiny model's English answers give neither option: at the default threshold (a half) its cells
      // would read as "no readable answer"; this walk is of the outcomes, the next test of unreadable answers.
      unreadableThreshold: 0.8,
    };
    writeFileSync(configFile, JSON.stringify(config));
    await page.locator('input[type=file]').setInputFiles(configFile);
    await page
      .getByTestId('new-run-estimate')
      .getByText(/zero-shot measurements/)
      .waitFor();
    expect(await page.getByTestId('new-run-errors').count()).toBe(0);
    expect(await page.getByTestId('new-run-estimate').textContent()).toContain('chrF++ (all)');
    await screenshot(page, '08-new-run.png');
    await page.getByTestId('new-run-start').click();

    // The monitor: progress, then cancel, then resume to the end.
    await page.waitForURL(/#\/runs\/run-[0-9a-f]+$/);
    const runId = /#\/runs\/(run-[0-9a-f]+)/.exec(page.url())![1]!;
    await page.getByTestId('run-progress').getByRole('progressbar').waitFor();
    await page.waitForFunction(
      () => Number(document.querySelector('.counts dd')?.textContent?.replace(/,/g, '') ?? 0) >= 5,
    );
    await screenshot(page, '09-run-monitor.png');
    await page.getByTestId('run-cancel').click();
    await page.getByTestId('run-status').getByText('cancelled').waitFor();
    await page.getByText(/This run was cancelled: finished \d+ of at most \d+ measurements/).waitFor();
    await screenshot(page, '10-run-cancelled.png');
    // The runs list offers the same resume.
    await nav('nav-runs');
    const row = page.locator(`[data-testid=run-row][data-run-id=${runId}]`);
    await row.getByTestId('run-status').getByText('cancelled').waitFor();
    await screenshot(page, '11-runs-cancelled.png');
    // A click anywhere on a run's row opens it; its checkbox keeps its own meaning.
    await row.getByRole('checkbox').click();
    expect(page.url()).toMatch(/#\/runs$|#\/$|\/$/);
    await row.getByRole('checkbox').click();
    await row.locator('td').nth(3).click();
    await page.waitForURL(new RegExp(`#/runs/${runId}$`));
    await nav('nav-runs');
    await row.getByTestId('run-resume').click();
    await page.waitForURL(new RegExp(`#/runs/${runId}$`));
    // A reloaded window finds the run again.
    await page.reload();
    await page
      .getByTestId('run-status')
      .getByText(/running|finished/)
      .waitFor();
    await page.getByTestId('run-status').getByText('finished').waitFor({ timeout: 240_000 });
    await screenshot(page, '12-run-finished.png');

    // Results: every chart, drawn with d3 from the engine's tables.
    await page.getByRole('link', { name: 'Results' }).click();
    const charts = [
      'chart-table1',
      'chart-strategies',
      'chart-error-reduction',
      'chart-zero-shot-errors',
      'chart-misaligned',
      'chart-categories',
      'chart-soft-alignment',
    ];
    for (const id of charts) await page.getByTestId(id).locator('svg').first().waitFor();
    for (const id of charts) expect(await page.getByTestId(id).locator('[data-mark]').count(), id).toBeGreaterThan(0);
    const strategies = page.getByTestId('chart-strategies');
    expect(await strategies.textContent()).toContain('re-test control');
    await screenshot(page, '13-results.png');
    // The navigation holds its place on a long page: the window's full height, at the top, wherever it is scrolled.
    await navigationStaysPut(page);
    // Hovering a bar shows its numbers; clicking it opens the explorer filtered to it.
    const bar = strategies.locator('[data-mark=bar][data-filter*="improved"]').first();
    // A corner of the bar: its middle is where the interval's whisker is drawn.
    await bar
      .locator('rect')
      .first()
      .hover({ position: { x: 4, y: 4 } });
    await page.getByRole('tooltip').waitFor();
    expect(await page.getByRole('tooltip').textContent()).toMatch(/%/);
    const filter = JSON.parse((await bar.getAttribute('data-filter'))!) as Record<string, string>;
    await bar
      .locator('rect')
      .first()
      .click({ position: { x: 4, y: 4 } });
    await page.waitForURL(/#\/runs\/run-[0-9a-f]+\/probes\?/);
    expect(page.url()).toContain(`condition=${filter.condition}`);
    expect(page.url()).toContain('outcome=improved');
    await page.getByTestId('probe-row').first().waitFor();
    const rows = await page.getByTestId('probe-row').allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.includes('improved'))).toBe(true);
    await screenshot(page, '14-explorer-filtered.png');
    // The keyboard: ↓ then Enter opens the second probe.
    await page.getByTestId('probe-table').focus();
    await page.keyboard.press('ArrowDown');
    await navigationStaysPut(page, false);
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('probe-detail');
    await detail.waitFor();
    await detail.getByTestId('distribution-chart').locator('svg').waitFor();
    await detail.getByTestId('demonstrations').locator('tbody tr').first().waitFor();
    expect(await detail.getByTestId('prompt-text').first().textContent()).toMatch(/_|\?/);
    await screenshot(page, '15-probe-detail.png');
    // → goes to the next probe of the view.
    const before = page.url();
    await page.keyboard.press('ArrowRight');
    await page.waitForURL((url) => url.toString() !== before);

    // Explanations: the paper's Table 2 to browse.
    await page.goto(`${served!.origin}/#/runs/${runId}/explanations`);
    const list = page.getByTestId('explanations');
    await list.locator('.explanation').first().waitFor();
    await list.getByLabel('Outcome').selectOption('improved');
    await page.waitForURL(/outcome=improved/);
    await list
      .getByText(/explanations/)
      .first()
      .waitFor();
    await screenshot(page, '16-explanations.png');

    // Export: the CSV report into a folder, and a chart as SVG.
    await page.getByRole('link', { name: 'Export' }).click();
    const reportDir = path.join(workDir, 'report');
    await page.getByLabel('Folder').fill(reportDir);
    await page.getByTestId('export-csv').click();
    await page.getByText(/Wrote \d+ files to/).waitFor();
    expect(readdirSync(reportDir)).toEqual(
      expect.arrayContaining(['probes.csv', 'explanations.csv', 'manifest.json', 'table1-expected.csv']),
    );
    await screenshot(page, '17-export.png');
    await page.getByRole('link', { name: 'Results' }).click();
    await page.getByTestId('chart-table1').locator('svg').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('chart-table1').getByTestId('export-chart').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${runId}-table1.svg`);
    const saved = path.join(workDir, 'table1.svg');
    await download.saveAs(saved);
    const svg = readFileSync(saved, 'utf8');
    expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain(runId);

    // Compare: the run with itself, two strategies side by side.
    await page.goto(`${served!.origin}/#/compare/${runId}/${runId}`);
    await page.getByText(/probes in both/).waitFor();
    await screenshot(page, '18-compare.png');

    // A deep link to a screen that does not exist says so.
    await page.goto(`${served!.origin}/#/nowhere`);
    await page.getByText('There is no screen at').waitFor();

    // The dark theme, photographed on the screens with the most colour: the results and a probe.
    await nav('nav-settings');
    await page.getByLabel('dark').check();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.goto(`${served!.origin}/#/runs/${runId}/results`);
    for (const id of charts) await page.getByTestId(id).locator('svg').first().waitFor();
    await screenshot(page, '19-results-dark.png');
    await page.goto(`${served!.origin}/#/runs/${runId}/probes`);
    await page.getByTestId('probe-row').first().click();
    await page.getByTestId('distribution-chart').locator('svg').waitFor();
    await screenshot(page, '20-probe-detail-dark.png');
    await page
      .getByLabel('light')
      .check()
      .catch(async () => {
        await nav('nav-settings');
        await page.getByLabel('light').check();
      });

    expect(errors).toEqual([]);
    await close();
  }, 600_000);

  it('reads a run where one language gave no readable answers: warned, marked, split and read in words', async () => {
    // The tiny model answers Turkish prompts with nothing readable, and about half its English ones.
    const client = engine!.client;
    if (!(await client.probes.listSets()).some((s) => s.name === 'arora'))
      await client.probes.import({ path: path.join(sharedDataDir, 'arora-probes/probes.zip'), name: 'arora' });
    if (!(await client.surveys.list()).some((s) => s.name === 'shares'))
      await client.surveys.import({ path: path.join(sharedDataDir, 'wvs/country_distributions.csv'), name: 'shares' });
    if (!(await client.models.list()).some((m) => m.name === 'tiny'))
      await client.models.addGguf({ path: await tinyModelPath(), name: 'tiny', preset: 'llama-3-8b-instruct' });
    // A home folder of our own, so that "~" can be typed: its data/ is the shared data.
    const home = path.join(workDir, 'home');
    mkdirSync(home, { recursive: true });
    symlinkSync(sharedDataDir, path.join(home, 'data'));
    const realHome = process.env.HOME;
    process.env.HOME = home;
    const { page, errors, close } = await open(browser!, served!.url);
    try {
      const nav = (id: string) => page.getByTestId(id).click();
      await nav('nav-data');
      // A relative path is refused in words; a quoted one is read; "~" is the home folder.
      const probes = page.getByTestId('import-probes');
      await probes.getByLabel('File or folder').fill('probes.zip');
      await probes.getByRole('button', { name: 'Preview' }).click();
      await probes
        .getByTestId('import-error')
        .getByText(/"probes\.zip" is a relative path/)
        .waitFor();
      await probes.getByLabel('File or folder').fill(`"${path.join(sharedDataDir, 'arora-probes/probes.zip')}"`);
      await probes.getByRole('button', { name: 'Preview' }).click();
      await probes
        .getByTestId('import-preview')
        .getByText(/13 languages/)
        .waitFor();
      const survey = page.getByTestId('import-survey');
      await survey.getByLabel('File', { exact: true }).fill('~/data/wvs/microdata/WVS_Wave_7_Turkey_Csv_v5.0.csv');
      await survey.getByLabel('Name (optional)').fill('turkey');
      await survey.getByRole('button', { name: 'Preview' }).click();
      await survey.getByTestId('import-preview').waitFor();
      await survey.getByRole('button', { name: 'Store turkey' }).click();
      await survey.getByText('Stored turkey: 1 country.').waitFor();
      await guideShot(page, 'guide-01-data.png');
      await nav('nav-models');
      await page.getByTestId('model-row').first().waitFor();
      await guideShot(page, 'guide-02-models.png');

      // New run: English with the shares, Turkish with Turkey's own survey; a name; mostly unreadable from 80%.
      await nav('nav-new-run');
      const configFile = path.join(workDir, 'two-surveys.json');
      writeFileSync(
        configFile,
        JSON.stringify({
          models: ['tiny'],
          survey: 'shares',
          languages: ['en', { language: 'tr', probeSet: 'arora' }],
          categories: [1],
          strategies: ['chrf-all'],
          seed: 1,
        }),
      );
      await page.locator('input[type=file]').setInputFiles(configFile);
      await page.getByLabel('Survey of tr').selectOption('turkey');
      await page.getByText('Every other setting').click();
      await page.getByLabel('Mostly unreadable from').fill('0.8');
      await page.getByTestId('unit-unreadableThreshold').getByText('share: 80%').waitFor();
      await page.getByTestId('instruction-tr').click();
      await page.getByTestId('template-editor-tr').getByLabel('Instruction').waitFor();
      await page.getByLabel('Name (optional)').fill('English and Turkish, two surveys');
      await page
        .getByTestId('new-run-estimate')
        .getByText(/zero-shot measurements/)
        .waitFor();
      expect(await page.getByTestId('new-run-errors').count()).toBe(0);
      await guideShot(page, 'guide-03-new-run.png');
      await page.getByTestId('new-run-start').click();
      await page.waitForURL(/#\/runs\/run-[0-9a-f]+$/);
      const runId = /#\/runs\/(run-[0-9a-f]+)/.exec(page.url())![1]!;
      await page.getByTestId('run-progress').waitFor();
      await guideShot(page, 'guide-04-monitor.png');
      await page.getByTestId('run-status').getByText('finished').waitFor({ timeout: 120_000 });
      // Each language took its targets from its own survey, as the stored configuration says.
      const run = await client.runs.get({ runId });
      expect(run.config.languages.map((l) => `${l.language}:${l.survey}`)).toEqual(['en:shares', 'tr:turkey']);
      // The name survives a reload.
      await page.reload();
      await page.getByTestId('run-name').getByText('English and Turkish, two surveys').waitFor();

      // Results: the warning first, then the readings; the cells marked; Fig. 7 split.
      await page.getByRole('link', { name: 'Results' }).click();
      const warnings = page.getByTestId('unreadable-warnings');
      await warnings.waitFor();
      const warned = page.getByTestId('unreadable-warning');
      expect(await warned.count()).toBe(1);
      expect(await warned.first().textContent()).toMatch(/tiny, tr\/TUR: [\d,]+ of [\d,]+ answers unreadable/);
      expect(await warned.first().locator('.common-responses li').count()).toBeGreaterThan(0);
      expect(await warned.first().textContent()).toContain('Give the instruction in Turkish');
      const tables = await client.results.tables({ runId });
      const tr = tables.outcomes.find((r) => r.language === 'tr' && r.condition === 'chrf-all')!;
      const en = tables.outcomes.find((r) => r.language === 'en' && r.condition === 'chrf-all')!;
      expect(tr.mostlyUnreadable).toBe(true);
      expect(en.mostlyUnreadable).toBe(false);
      // The reading's numbers are the table's.
      const readings = page.getByTestId('reading');
      expect(await readings.count()).toBe(2);
      const enReading = readings.filter({ hasText: 'tiny, en/USA.' });
      const enLinks = await enReading.locator('a').allTextContents();
      expect(enLinks[0]).toBe(`${Math.round(en.improvedShare! * 100)}%`);
      expect(enLinks[1]).toBe(`${en.n} misaligned probes`);
      expect(await readings.filter({ hasText: 'tiny, tr/TUR.' }).textContent()).toContain('No reading: 100%');
      await page.getByTestId('how-to-read').locator('summary').click();
      await page.getByTestId('how-to-read').getByText('The re-test control').waitFor();
      await guideShot(page, 'guide-05-results.png');
      const table1 = page.getByTestId('chart-table1');
      await table1.locator('svg').first().waitFor();
      const trCell = table1.locator('[data-mark=cell][data-filter*="\\"language\\":\\"tr\\""]').first();
      expect(await trCell.locator('[data-unreadable=true]').count()).toBe(1);
      expect(await trCell.textContent()).toContain('no readable');
      const fig7 = page.getByTestId('chart-misaligned');
      expect(await fig7.locator('[data-part=unreadable]').count()).toBeGreaterThan(0);
      expect(await fig7.textContent()).toContain('of which no readable answer');
      await screenshot(page, '28-results-unreadable.png');
      // A number of the reading opens the probes it counts.
      await enReading.locator('a').first().click();
      await page.waitForURL(/#\/runs\/run-[0-9a-f]+\/probes\?.*outcome=improved/);
      await page.getByTestId('probe-row').first().waitFor();
      expect(await page.getByTestId('probe-row').count()).toBe(en.improvedCount);
      // A Turkish probe: its unreadable answers.
      await page.goto(`${served!.origin}/#/runs/${runId}/probes?language=tr&condition=zero-shot`);
      await page.getByTestId('probe-row').first().click();
      await page.getByTestId('probe-detail').waitFor();
      await guideShot(page, 'guide-06-probe.png');

      // The runs list: the name, the seed, and the headline names the language it leaves out.
      await nav('nav-runs');
      const row = page.locator(`[data-testid=run-row][data-run-id=${runId}]`);
      await row.getByText('English and Turkish, two surveys').waitFor();
      expect(await row.textContent()).toContain('seed 1');
      expect(await row.getByTestId('headline-left-out').textContent()).toContain('tr/TUR');

      // Export: a failure replaces nothing silently and says what stood in the way; then SPSS-safe names.
      await page.goto(`${served!.origin}/#/runs/${runId}/export`);
      await page.getByTestId('export-default-dir').waitFor();
      const blocker = path.join(workDir, 'not-a-folder');
      writeFileSync(blocker, '');
      await page.getByLabel('Folder').fill(path.join(blocker, 'report'));
      await page.getByTestId('export-csv').click();
      await page.getByText(/a file stands where a folder of that path should be/).waitFor();
      const reportDir = path.join(workDir, 'report-spss');
      await page.getByLabel('Folder').fill(reportDir);
      await page.getByTestId('export-portable-names').check();
      await page.getByTestId('export-csv').click();
      await page.getByText(/Wrote \d+ files to/).waitFor();
      expect(await page.getByText(/a file stands where/).count()).toBe(0);
      const header = readFileSync(path.join(reportDir, 'probes.csv'), 'utf8').split('\r\n')[0]!.split(',');
      expect(header).toEqual(expect.arrayContaining(['zero_shot_retest_alignment', 'zero_shot_invalid']));
      expect(readdirSync(reportDir)).toContain('codebook.csv');
      await guideShot(page, 'guide-07-export.png');
      expect(errors).toEqual([]);
    } finally {
      if (realHome === undefined) delete process.env.HOME;
      else process.env.HOME = realHome;
      await close();
    }
  }, 300_000);

  it("adds the reviewer's controls in New run and reads each against the paper's condition in Results", async () => {
    const client = engine!.client;
    if (!(await client.surveys.list()).some((s) => s.name === 'shares'))
      await client.surveys.import({ path: path.join(sharedDataDir, 'wvs/country_distributions.csv'), name: 'shares' });
    if (!(await client.models.list()).some((m) => m.name === 'tiny'))
      await client.models.addGguf({ path: await tinyModelPath(), name: 'tiny', preset: 'llama-3-8b-instruct' });
    const { page, errors, close } = await open(browser!, served!.url);
    try {
      await page.getByTestId('nav-new-run').click();
      const configFile = path.join(workDir, 'controls.json');
      // The tiny model's English answers are about half unreadable: mostly unreadable from 80% (see above).
      writeFileSync(
        configFile,
        JSON.stringify({
          models: ['tiny'],
          survey: 'shares',
          languages: ['en'],
          categories: [1, 2, 9, 10],
          strategies: ['chrf-all'],
          unreadableThreshold: 0.8,
          seed: 1,
        }),
      );
      await page.locator('input[type=file]').setInputFiles(configFile);
      // The persona sentence is a field of each language's prompt, to translate like the instruction.
      await page.getByTestId('instruction-en').click();
      expect(
        await page
          .getByTestId('template-editor-en')
          .getByLabel(/Persona sentence/)
          .inputValue(),
      ).toBe(
        'You are an average human being born in {country} and living in {country} responding to the following survey question.',
      );
      const controls = page.getByTestId('new-run-controls');
      await controls.getByRole('checkbox', { name: /flipped labels/ }).check();
      await controls.getByRole('checkbox', { name: /random labels/ }).check();
      await controls.getByLabel('k of the control').selectOption('1');
      await controls.getByRole('button', { name: 'Add' }).nth(1).click();
      // A malformed id is refused in words, with what is allowed; removed, the run can start.
      await controls.getByLabel('A control id').fill('chrf-all/flipped');
      await controls.getByRole('button', { name: 'Add' }).nth(2).click();
      await page
        .getByText(/the control "chrf-all\/flipped" has "\/flipped", which changes nothing/)
        .first()
        .waitFor();
      await controls.getByRole('button', { name: 'Remove chrf-all/flipped' }).click();
      await page
        .getByTestId('new-run-estimate')
        .getByText(
          /re-test control · chrF\+\+ \(all\), flipped labels · chrF\+\+ \(all\), random labels · chrF\+\+ \(all\), k = 1;/,
        )
        .waitFor();
      await controls.scrollIntoViewIfNeeded();
      await screenshot(page, '29-new-run-controls.png');
      await page.getByTestId('new-run-start').click();
      await page.waitForURL(/#\/runs\/run-[0-9a-f]+$/);
      const runId = /#\/runs\/(run-[0-9a-f]+)/.exec(page.url())![1]!;
      await page.getByTestId('run-status').getByText('finished').waitFor({ timeout: 120_000 });
      expect((await client.runs.get({ runId })).config.controls).toEqual([
        'chrf-all/flipped-labels',
        'chrf-all/random-labels',
        'chrf-all/k=1',
      ]);

      // Results: one row per control against chrF++ (all), the engine's numbers, the reading in words.
      await page.getByRole('link', { name: 'Results' }).click();
      const panel = page.getByTestId('control-comparisons');
      await panel.waitFor();
      const tables = await client.results.tables({ runId });
      const flipped = tables.controls.find((r) => r.condition === 'chrf-all/flipped-labels')!;
      const row = panel.getByRole('row').filter({ hasText: 'chrF++ (all), flipped labels' });
      expect(await row.textContent()).toContain(
        `${Math.round(flipped.improvedShare! * 100)}% vs ${Math.round(flipped.referenceImprovedShare! * 100)}%`,
      );
      await panel.getByText(flipped.reading).waitFor();
      expect(await panel.getByRole('row').count()).toBe(4);
      await panel.scrollIntoViewIfNeeded();
      await screenshot(page, '30-results-controls.png');
      // The k curve: chrF++ (all) at k = 1 and at the run's k = 5.
      const curve = page.getByTestId('chart-k-curve');
      await curve.locator('svg').first().waitFor();
      await curve.scrollIntoViewIfNeeded();
      await screenshot(page, '31-k-curve.png');
      // A control's name opens its misaligned probes in the explorer.
      await row.getByRole('button').click();
      await page.waitForURL(/#\/runs\/run-[0-9a-f]+\/probes\?.*condition=chrf-all%2Fflipped-labels/);
      await page.getByTestId('probe-row').first().waitFor();
      await page.getByRole('status').getByText(`${flipped.n} rows`).waitFor();
      await page.getByTestId('probe-row').first().click();
      await page.getByTestId('probe-detail').waitFor();
      await page.getByRole('tab', { name: 'chrF++ (all), flipped labels' }).click();
      await page.getByTestId('completed-with').getByText("Completed with the country's minority answer.").waitFor();
      await screenshot(page, '32-probe-control.png');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  }, 300_000);

  it('in the desktop window, paths come from the system dialog or a dropped file; a browser asks for them typed', async () => {
    const probesZip = path.join(sharedDataDir, 'arora-probes/probes.zip');
    // Stands where the preload's desktop bridge would be: the dialog answers with the real probe archive.
    const { page, errors, close } = await open(browser!, served!.url, (_c, p) =>
      p.addInitScript((chosen: string) => {
        const asked: string[] = [];
        (window as unknown as { askedPurposes: string[] }).askedPurposes = asked;
        window.workbenchDesktop = {
          choosePath: async (purpose) => {
            asked.push(purpose);
            return purpose === 'probe-file' ? chosen : null;
          },
          pathForFile: (file) => `/dropped/${file.name}`,
        };
      }, probesZip),
    );
    await page.getByTestId('nav-data').click();
    const probes = page.getByTestId('import-probes');
    await probes.getByTestId('choose-probe-file').click();
    await page.waitForFunction(
      (chosen) => (document.getElementById('probe-path') as HTMLInputElement).value === chosen,
      probesZip,
    );
    await probes.getByRole('button', { name: 'Preview' }).click();
    await probes.getByTestId('import-preview').waitFor();
    expect(await probes.getByTestId('import-preview').textContent()).toMatch(/13 languages/);
    // Closing the folder dialog leaves the field as it was.
    await probes.getByTestId('choose-probe-folder').click();
    expect(await page.evaluate(() => (window as unknown as { askedPurposes: string[] }).askedPurposes)).toEqual([
      'probe-file',
      'probe-folder',
    ]);
    expect(await probes.getByLabel('File or folder').inputValue()).toBe(probesZip);
    await screenshot(page, '21-data-desktop.png');
    // A file dropped on the survey's field: its path, read through the bridge.
    await dropFile(page, '#survey-path', 'WVS_Cross-National_Wave_7_csv_v6_0.csv');
    expect(await page.getByTestId('import-survey').getByLabel('File', { exact: true }).inputValue()).toBe(
      '/dropped/WVS_Cross-National_Wave_7_csv_v6_0.csv',
    );
    // The other screens with a path offer their dialogs too.
    await page.getByTestId('nav-models').click();
    await page.getByTestId('choose-model-file').waitFor();
    await page.getByTestId('choose-model-folder').waitFor();
    expect(errors).toEqual([]);
    await close();

    // A browser has no dialog and is not told where a dropped file is: it says to type the path, or to browse the
    // engine machine's folders.
    const plain = await open(browser!, served!.url);
    await plain.page.getByTestId('nav-data').click();
    expect(await plain.page.locator('[data-testid^=choose-]').count()).toBe(0);
    await plain.page.getByTestId('browse-probe-path').click();
    const picker = plain.page.getByTestId('file-browser');
    await picker.locator('code').first().waitFor();
    await picker.getByRole('button', { name: 'Close' }).click();
    await dropFile(plain.page, '#probe-path', 'de.csv');
    await plain.page
      .getByText('A browser does not tell the workbench where "de.csv" is: type or paste its path.')
      .waitFor();
    expect(plain.errors).toEqual([]);
    await plain.close();
  });

  it('downloads a model with its progress, cancels it and resumes it', async () => {
    const { startFakeModelServer } = await import('../src/testing/fake-model-server.js');
    const server = await startFakeModelServer();
    try {
      // Several of ipull's 5 MiB chunks, so a cancelled download keeps a partial file to resume.
      const tiny = readFileSync(await tinyModelPath());
      const big = Buffer.alloc(11 * 1024 * 1024);
      for (let offset = 0; offset < big.length; offset += tiny.length) tiny.copy(big, offset);
      const file = path.join(workDir, 'served-model.gguf');
      writeFileSync(file, big);
      server.serveFile('/served-model.gguf', file);
      server.throttle(2 * 1024 * 1024);
      const modelsDir = path.join(workDir, 'downloads');

      const { page, errors, close } = await open(browser!, served!.url);
      await page.getByTestId('nav-models').click();
      await page.getByLabel('hf: URI or URL').fill(`${server.url}/served-model.gguf`);
      await page.getByLabel('Save in (optional)').fill(modelsDir);
      await page.getByRole('button', { name: 'Download', exact: true }).click();
      const progress = page.getByTestId('download-progress');
      await progress.waitFor();
      await progress.getByText(/MB\/s · .* left/).waitFor();
      expect(await progress.textContent()).toMatch(/of 11\.5 MB/);
      await screenshot(page, '22-models-download.png');
      await page.waitForFunction(
        () =>
          Number(
            document.querySelector('[data-testid=download-progress] [role=progressbar]')?.getAttribute('aria-valuenow'),
          ) >= 5.3,
      );
      await progress.getByRole('button', { name: /Cancel/ }).click();
      await page
        .getByRole('alert')
        .getByText(/cancel/i)
        .waitFor();
      expect(readdirSync(modelsDir).filter((name) => name.endsWith('.ipull'))).toHaveLength(1);
      // Again: it picks up the partial file.
      server.heal();
      await page.getByRole('button', { name: 'Download', exact: true }).click();
      const done = page.locator('#download-heading ~ [role=status]');
      await done.waitFor({ timeout: 60_000 });
      expect(await done.textContent()).toMatch(/^Completed 11\.5 MB to/);
      expect(readFileSync(path.join(modelsDir, 'served-model.gguf')).equals(big)).toBe(true);
      expect(errors).toEqual([]);
      await close();
    } finally {
      await server.close();
    }
  }, 120_000);

  it('registers an API model on a cluster of servers, with the requests each takes at once', async () => {
    const { page, errors, close } = await open(browser!, served!.url);
    await page.getByTestId('nav-models').click();
    const card = page.locator('section', { has: page.getByRole('heading', { name: 'Add an API model' }) });
    await card.getByLabel('Model id').fill('meta-llama/Meta-Llama-3-8B-Instruct');
    await card.getByLabel(/Server URLs/).fill('http://gpu1:8000/v1\nhttp://gpu2:8000/v1\nhttp://gpu3:8000/v1');
    await card.getByLabel('API key: environment variable').fill('CLUSTER_TOKEN');
    await card.getByLabel('Name', { exact: true }).fill('llama3-cluster');
    await card.getByLabel('Requests at once per server').fill('many');
    await card.getByRole('button', { name: 'Register it' }).click();
    await card
      .getByRole('alert')
      .getByText('Requests at once per server: a whole number such as 8, not "many".')
      .waitFor();
    await card.getByLabel('Requests at once per server').fill('32');
    await card.getByRole('button', { name: 'Register it' }).click();
    await card.getByText('Registered llama3-cluster.').waitFor();
    const row = page.getByTestId('model-row').filter({ hasText: 'llama3-cluster' });
    await row.waitFor();
    expect(await row.textContent()).toContain(
      'http://gpu1:8000/v1, http://gpu2:8000/v1, http://gpu3:8000/v1 · key in $CLUSTER_TOKEN · 32 requests at once per server',
    );
    await screenshot(page, '23-models-cluster.png');
    expect(errors).toEqual([]);
    await close();
  });

  it("opens a real model's run: its charts, probes, a probe's answers and its explanations", async (context) => {
    if (!hasTestModel('smollm2-135m-instruct')) {
      if (realModelsRequired())
        throw new Error('REQUIRE_REAL_MODELS is set but SmolLM2 is not fetched: run npm run fetch:test-models');
      context.skip();
    }
    const { client } = engine!;
    await client.surveys.import({
      path: path.join(sharedDataDir, 'wvs/country_distributions.csv'),
      name: 'real-shares',
      format: 'aggregate',
    });
    await client.models.addGguf({
      path: testModelPath('smollm2-135m-instruct'),
      name: 'smollm2',
      preset: 'smollm2-135m-instruct',
    });
    const { runId } = await client.runs.start({
      config: {
        models: ['smollm2'],
        survey: 'real-shares',
        languages: ['en'],
        categories: [2, 9],
        strategies: ['chrf-all'],
        explanations: { enabled: true, perProbe: 1, maxTokens: 48 },
        seed: 5,
      },
      gpu: 'cpu',
      threads: 1,
    });
    while ((await client.runs.get({ runId })).status === 'running')
      await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await client.runs.get({ runId })).status).toBe('finished');

    const { page, errors, close } = await open(browser!, served!.url);
    await page.goto(`${served!.origin}/#/runs/${runId}/results`);
    for (const id of ['chart-table1', 'chart-strategies', 'chart-misaligned'])
      await page.getByTestId(id).locator('svg').first().waitFor();
    expect(await page.getByTestId('chart-strategies').textContent()).toContain('re-test control');
    await screenshot(page, '24-real-model-results.png');

    await page.goto(`${served!.origin}/#/runs/${runId}/probes?condition=zero-shot`);
    await page.getByTestId('probe-row').first().waitFor();
    await screenshot(page, '25-real-model-probes.png');
    // A misaligned probe, with SmolLM2's own words as it answered them.
    const probe = (await client.results.probes({ runId, filter: { condition: 'zero-shot', misaligned: true } }))
      .rows[0]!;
    await page.goto(`${served!.origin}/#/runs/${runId}/probes/smollm2/en/${probe.probeId}`);
    const detail = page.getByTestId('probe-detail');
    await detail.getByTestId('distribution-chart').locator('svg').waitFor();
    // The detail opens on the paper's first strategy; the page writes each response as a JSON string.
    const shown = (
      await client.results.probe({ runId, model: 'smollm2', language: 'en', probeId: probe.probeId })
    ).conditions.find((c) => isSelectionStrategy(c.condition))!;
    await detail
      .getByText(JSON.stringify(shown.distribution.responses[0]!.text).slice(1, 40), { exact: false })
      .first()
      .waitFor();
    await screenshot(page, '26-real-model-probe.png');

    await page.goto(`${served!.origin}/#/runs/${runId}/explanations`);
    await page.getByTestId('explanations').locator('.explanation').first().waitFor();
    const explanation = (await client.results.explanations({ runId })).rows[0]!;
    expect(explanation.explanation.trim().length).toBeGreaterThan(0);
    await page
      .getByTestId('explanations')
      .getByText(explanation.explanation.trim().split('\n')[0]!.slice(0, 40), { exact: false })
      .first()
      .waitFor();
    await screenshot(page, '27-real-model-explanations.png');
    expect(errors).toEqual([]);
    await close();
  }, 300_000);
});

/** Drops a file (made in the page, as a drag from the desktop would bring it) on the field with this selector. */
async function dropFile(page: Page, selector: string, name: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle((fileName) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['x'], fileName));
    return transfer;
  }, name);
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}
