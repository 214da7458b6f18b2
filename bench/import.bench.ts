// Benchmark: importing WVS microdata of 100,000 respondents × 400 columns into a database file.
// Targets: under 30 s and under 300 MB peak memory on the 2-core development machine. Prints JSON.
// The import runs in a child process so that its peak memory (maxRSS) is its own, not the generator's.
// Usage: npm run bench:import [-- ROWS COLUMNS]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateMicrodata } from './generate-microdata.js';

const rows = Number(process.argv[2] ?? 100_000);
const columns = Number(process.argv[3] ?? 400);
const dir = mkdtempSync(path.join(os.tmpdir(), 'selfalign-bench-import-'));
try {
  const file = path.join(dir, 'microdata.csv');
  const t0 = performance.now();
  await generateMicrodata(file, rows, columns);
  const generateSeconds = (performance.now() - t0) / 1000;

  const worker = fileURLToPath(new URL('./import-worker.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--import', 'tsx', worker, file, path.join(dir, 'bench.sqlite')], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`the import failed: ${child.stderr}`);
  const measured = JSON.parse(child.stdout) as Record<string, number>;
  console.log(
    JSON.stringify(
      {
        benchmark: 'survey-import',
        rows,
        columns,
        fileMB: +(statSync(file).size / 1e6).toFixed(1),
        generateSeconds: +generateSeconds.toFixed(2),
        ...measured,
        targets: { seconds: 30, peakRssMB: 300 },
        cpus: os.cpus().length,
        node: process.version,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
