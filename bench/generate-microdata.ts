// Writes a synthetic WVS microdata file in the official layout (BOM, quoted header, `;`, B_COUNTRY_ALPHA,
// W_WEIGHT, question columns with negative missing codes), seeded so every run writes the same bytes.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { SeededRandom } from '../src/core/random/index.js';

const COUNTRIES = ['TUR', 'DEU', 'USA', 'ROU', 'GRC', 'PAK', 'IRN', 'PHL', 'IDN', 'MYS', 'BGD', 'SRB'];
const LEADING = [
  'version',
  'doi',
  'A_YEAR',
  'B_COUNTRY',
  'B_COUNTRY_ALPHA',
  'D_INTERVIEW',
  'W_WEIGHT',
  'S018',
  'PWGHT',
];

export async function generateMicrodata(file: string, rows: number, columns: number, seed = 1): Promise<void> {
  const questionColumns = columns - LEADING.length;
  const header = [...LEADING, ...Array.from({ length: questionColumns }, (_, i) => `Q${i + 1}`)];
  // Each question gets a scale size, so answers look like the survey's: 2-, 4-, 5- and 10-point items.
  const random = new SeededRandom(seed);
  const scales = Array.from({ length: questionColumns }, () => [2, 4, 4, 5, 10][random.int(5)]!);
  const out = createWriteStream(file);
  out.write(`\uFEFF${header.map((h) => `"${h}"`).join(';')}\n`);
  for (let r = 0; r < rows; r++) {
    const country = COUNTRIES[r % COUNTRIES.length]!;
    const values: (string | number)[] = [
      '"1-6-0 (2022-09-01)"',
      '"doi.org/10.14281/18241.20"',
      2018,
      792,
      `"${country}"`,
      792070001 + r,
      (0.2 + 1.6 * random.float()).toFixed(6),
      1,
      1,
    ];
    for (let q = 0; q < questionColumns; q++) {
      const x = random.float();
      values.push(x < 0.03 ? -1 : x < 0.04 ? -2 : 1 + random.int(scales[q]!));
    }
    if (!out.write(`${values.join(';')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
