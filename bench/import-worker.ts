// The measured part of bench:import: read the file and store it, then report time and this process's peak memory.

import { readSurveyFile } from '../src/core/survey/index.js';
import { openDatabase, saveSurvey } from '../src/core/store/index.js';

const [file, dbFile] = process.argv.slice(2) as [string, string];
const t0 = performance.now();
const survey = await readSurveyFile(file);
const readSeconds = (performance.now() - t0) / 1000;
const db = openDatabase(dbFile);
const t1 = performance.now();
const info = saveSurvey(db, 'bench', file, survey);
const storeSeconds = (performance.now() - t1) / 1000;
db.close();
console.log(
  JSON.stringify({
    seconds: +((performance.now() - t0) / 1000).toFixed(2),
    readSeconds: +readSeconds.toFixed(2),
    storeSeconds: +storeSeconds.toFixed(2),
    rowsPerSecond: Math.round(survey.summary.rows / readSeconds),
    peakRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
    countries: info.countries.length,
    cells: info.cells,
  }),
);
