// `selfalign report --charts`: the window's charts as SVG files, from the same chart code (src/shared/charts)
// and the same engine tables, so a user on a headless GPU server gets the paper's figures without a window.
// The figures of one model and language are written per model × language, as the window draws them; Table 1
// and the misaligned shares cover every model and language in one file each.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildChart, CHART_IDS, loadSoftPoints, svgToString, type ChartId } from '../shared/charts/index.js';
import type { WorkbenchClient } from '../shared/client.js';

/** The charts that show every model and language at once. */
const WHOLE_RUN_CHARTS: readonly ChartId[] = ['table1', 'misaligned'];

/** A name part safe in a file name on every system. */
function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export async function writeChartFiles(
  client: WorkbenchClient,
  runId: string,
  dir: string,
  seed: number,
): Promise<string[]> {
  const [run, tables] = await Promise.all([client.runs.get({ runId }), client.results.tables({ runId, seed })]);
  const date = (run.finishedAt ?? run.createdAt).slice(0, 10);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const write = async (name: string, svg: string) => {
    const file = path.join(dir, name);
    await writeFile(file, svg);
    files.push(file);
  };
  for (const id of WHOLE_RUN_CHARTS)
    await write(`${id}.svg`, svgToString(buildChart(id, tables, { rule: 'paper', runId, date }).svg));
  const languages = [...new Set(run.languages.map((l) => l.split('/')[0]!))];
  for (const model of run.models) {
    for (const language of languages) {
      const softPoints = await loadSoftPoints(client, runId, model, language);
      for (const id of CHART_IDS.filter((c) => !WHOLE_RUN_CHARTS.includes(c))) {
        // The k curve only where the run has k controls for this model and language: no empty file otherwise.
        if (id === 'k-curve' && !tables.kCurve.some((r) => r.model === model && r.language === language)) continue;
        await write(
          `${id}-${slug(model)}-${slug(language)}.svg`,
          svgToString(buildChart(id, tables, { rule: 'paper', runId, date, model, language, softPoints }).svg),
        );
      }
    }
  }
  return files;
}
