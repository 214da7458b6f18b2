// The placeholder window in a real Chromium: the renderer is built with the project's electron-vite config and
// served by the server `selfalign serve` runs, on a real engine. It is shown without a token (no engine), with
// the token (the HTTP transport), and with a `window.workbenchTransport` standing where the preload bridge's is.
// Needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium; CHROMIUM_PATH points elsewhere);
// SKIP_BROWSER_TESTS=1 skips it.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, startHttpServer, type Engine, type RunningServer } from '../src/engine/index.js';
import type { CommandResult, WorkbenchTransport } from '../src/shared/contract.js';

type ProbeSetSummary = CommandResult<'probes.listSets'>[number];

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = process.env.SKIP_BROWSER_TESTS === '1';
const repoDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const TWO_SETS: ProbeSetSummary[] = [
  { name: 'arora-13', format: 'arora', source: '/data/probes.zip', languages: ['de', 'el', 'ro'], probes: 816, usable: 790, importedAt: '2026-11-20T09:30:00.000Z' },
  { name: 'english-draft', format: 'csv', source: '/data/en.csv', languages: ['en'], probes: 272, usable: 272, importedAt: '2026-11-28T16:05:00.000Z' },
];

/** Opens the page and records what would otherwise go unnoticed: script errors, console errors (CSP included), failed loads. */
async function open(browser: Browser, url: string, prepare?: (page: Page) => Promise<unknown>) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 640 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  await prepare?.(page);
  await page.goto(url);
  await page.getByRole('heading', { level: 1 }).waitFor();
  return { page, errors, close: () => context.close() };
}

// Screenshots for a person to look at (E2E_SCREENSHOT_DIR, or a fresh temp folder); nothing compares them.
let shotDir: string | undefined;
async function screenshot(page: Page, name: string): Promise<void> {
  shotDir ??= process.env.E2E_SCREENSHOT_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'placeholder-window-shots-'));
  const file = path.join(shotDir, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

describe.skipIf(skip)('placeholder window (Chromium)', () => {
  let workDir = '';
  let rendererDir = '';
  let engine: Engine | undefined;
  let served: RunningServer | undefined;
  let browser: Browser | undefined;
  let baseUrl = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install chromium\` (or set SKIP_BROWSER_TESTS=1 to skip the browser tests)`);
    }
    workDir = mkdtempSync(path.join(os.tmpdir(), 'placeholder-window-'));
    // The real build, with the project's config, into a folder of our own: the test never reads a stale out/.
    const cli = path.join(repoDir, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
    await promisify(execFile)(process.execPath, [cli, 'build', '--outDir', path.join(workDir, 'out'), '--logLevel', 'warn'], { cwd: repoDir });
    rendererDir = path.join(workDir, 'out', 'renderer');
    // The real server `selfalign serve` runs, on a real engine; opened without its token, the page has no engine.
    engine = createEngine({ databasePath: path.join(workDir, 'served.sqlite') });
    served = await startHttpServer({ engine, rendererDir });
    baseUrl = `${served.origin}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
        // Lets file:// pages load their module scripts, as Electron's loadFile does.
        '--allow-file-access-from-files',
      ],
    });
  }, 120_000);

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

  it('says "Engine not connected" in a plain browser', async () => {
    const { page, errors, close } = await open(browser!, baseUrl);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Self-Align Workbench');
    await page.getByText('Engine not connected').waitFor();
    expect(await page.getByText(/World Values Survey/).count()).toBe(1);
    expect(errors).toEqual([]);
    await screenshot(page, 'placeholder-window-disconnected.png');
    await close();
  });

  it('opens from file:// too', async () => {
    const { page, errors, close } = await open(browser!, pathToFileURL(path.join(rendererDir, 'index.html')).href);
    await page.getByText('Engine not connected').waitFor();
    expect(errors).toEqual([]);
    await close();
  });

  it('lists the probe sets the transport returns', async () => {
    const { page, errors, close } = await open(browser!, baseUrl, (p) =>
      p.addInitScript((sets: ProbeSetSummary[]) => {
        // Stands where the preload bridge's transport would be.
        const transport: WorkbenchTransport = {
          invoke: async (command) => (command === 'probes.listSets' ? { ok: true, result: sets } : { ok: false, error: { kind: 'user', code: 'unknown', message: `not faked: ${command}` } }),
          subscribe: () => () => undefined,
        };
        window.workbenchTransport = transport;
      }, TWO_SETS),
    );
    const items = page.getByRole('list', { name: 'Probe sets' }).getByRole('listitem');
    await items.nth(1).waitFor();
    const texts = await items.allTextContents();
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('arora-13');
    expect(texts[0]).toContain('3 languages (de, el, ro)');
    expect(texts[0]).toContain('790 of 816 probes usable');
    expect(texts[1]).toContain('english-draft');
    expect(texts[1]).toContain('1 language (en)');
    expect(await page.getByText('Engine not connected').count()).toBe(0);
    expect(errors).toEqual([]);

    await screenshot(page, 'placeholder-window.png');
    await close();
  });

  it('reaches a real engine over HTTP when opened from the address `selfalign serve` prints', async () => {
    {
      const { page, errors, close } = await open(browser!, served!.url);
      const items = page.getByRole('list', { name: 'Probe sets' }).getByRole('listitem');
      await items.first().waitFor();
      expect(await items.allTextContents()).toEqual([expect.stringContaining('272 of 272 probes usable')]);
      // The token leaves the address bar (and bookmarks) but stays with the tab, so a reload still connects.
      expect(page.url()).not.toContain('token=');
      await page.reload();
      await items.first().waitFor();
      expect(await page.getByText('Engine not connected').count()).toBe(0);
      expect(errors).toEqual([]);
      await screenshot(page, 'placeholder-window-served.png');
      await close();
    }
  });

  it('says when the engine process crashed and is being restarted', async () => {
    const { page, errors, close } = await open(browser!, baseUrl, (p) =>
      p.addInitScript(() => {
        const transport: WorkbenchTransport = {
          invoke: async () => ({ ok: true, result: [] }),
          subscribe: (listener) => {
            setTimeout(() => listener({ type: 'engine', state: 'restarting', message: 'restarting the engine in 2 s', retryInSeconds: 2 }), 50);
            return () => undefined;
          },
        };
        window.workbenchTransport = transport;
      }),
    );
    await page.getByRole('alert').getByText(/stopped unexpectedly; restarting the engine in 2 s/).waitFor();
    expect(errors).toEqual([]);
    await screenshot(page, 'placeholder-window-engine-restarting.png');
    await close();
  });

  it('shows the engine\'s refusal instead of crashing', async () => {
    const { page, errors, close } = await open(browser!, baseUrl, (p) =>
      p.addInitScript(() => {
        const transport: WorkbenchTransport = {
          invoke: async () => ({ ok: false, error: { kind: 'user', code: 'database-unreadable', message: 'the database cannot be opened: disk I/O error' } }),
          subscribe: () => () => undefined,
        };
        window.workbenchTransport = transport;
      }),
    );
    await page.getByRole('alert').getByText(/disk I\/O error/).waitFor();
    expect(errors).toEqual([]);
    await close();
  });
});
