// Benchmark: ranking one probe against all probes of its language by chrF++, as demonstration selection does.
// Prints JSON. Usage: npm run bench:chrf [-- PATH_TO_PROBES]  (default: ../shared/data/arora-probes/probes.zip)

import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readProbeSource } from '../src/core/data/index.js';
import { SimilarityIndex, chrfpp } from '../src/core/demos/index.js';

const source = process.argv[2] ?? path.resolve(import.meta.dirname, '../../shared/data/arora-probes/probes.zip');
const { probes } = await readProbeSource(source);
const languages = [...new Set(probes.map((p) => p.language))].sort();

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const rankingMs: number[] = [];
const buildMs: number[] = [];
let sink = 0;
for (let round = 0; round < 3; round++) {
  for (const language of languages) {
    const own = probes.filter((p) => p.language === language);
    const t0 = performance.now();
    const index = new SimilarityIndex(own);
    buildMs.push(performance.now() - t0);
    for (const probe of own) {
      const t = performance.now();
      const scores = index.scoresAgainst(probe.id);
      const elapsed = performance.now() - t;
      sink += scores[0]!;
      if (round > 0) rankingMs.push(elapsed); // the first round warms up the JIT
    }
  }
}
rankingMs.sort((a, b) => a - b);

// For comparison: the same ranking with the direct, profile-free scorer.
const german = probes.filter((p) => p.language === 'de');
const t1 = performance.now();
for (const other of german) sink += chrfpp(german[0]!.template, other.template);
const directMs = performance.now() - t1;

console.log(
  JSON.stringify(
    {
      benchmark: 'chrf-ranking',
      source,
      languages: languages.length,
      probesPerLanguage: Math.round(probes.length / languages.length),
      rankings: rankingMs.length,
      rankingMs: {
        mean: rankingMs.reduce((s, x) => s + x, 0) / rankingMs.length,
        median: quantile(rankingMs, 0.5),
        p95: quantile(rankingMs, 0.95),
        p99: quantile(rankingMs, 0.99),
        max: rankingMs[rankingMs.length - 1],
      },
      targetMs: 2,
      indexBuildMsPerLanguage: { first: buildMs[0], mean: buildMs.reduce((s, x) => s + x, 0) / buildMs.length },
      directScorerOneRankingMs: directMs,
      node: process.version,
      checksum: sink,
    },
    null,
    2,
  ),
);
