// `npm run study:collect-answers`: what the real test models answer. For each model, English (the built-in
// probes) and each of Arora et al.'s 13 languages, a seeded sample of probes with a known target, zero-shot and
// self-aligned (chrF++ across categories, the country's majority answers as demonstrations), each prompt drawn
// as a run draws it (option order per draw), n responses at the model's preset sampling settings. Every distinct
// response goes to a JSON-lines file with the parser's reading; the gold labels (data/parser-gold) are drawn from
// it and labelled by reading, and the invalid shares per model × language come from it.
//
//   npm run study:collect-answers -- [--out FILE] [--probes 8] [--n 10] [--threads 2] [--models a,b]
//   npm run study:collect-answers -- --report [--out FILE]   (per model × language: the invalid share, read by
//   the parser of today, and the most common unreadable responses, as markdown)

import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DemonstrationPool, ZERO_SHOT, type Condition } from '../src/core/demos/index.js';
import { drawPrompts, isTestItem, parseRunConfig } from '../src/core/experiment/index.js';
import { findPreset, LocalModel } from '../src/core/models/index.js';
import { parseAnswer } from '../src/core/prompt/index.js';
import { SeededRandom } from '../src/core/random/index.js';
import { estimatePromptMixture } from '../src/core/sampling/index.js';
import { DEFAULT_COUNTRY_OF_LANGUAGE } from '../src/core/survey/index.js';
import { TEST_MODELS, testModelPath, type TestModelName } from '../src/testing/test-models.js';
import { COLLECTION, loadStudyData, type CollectedAnswer } from './collected-answers.js';
import { STUDY_LANGUAGES, studyModelSetup } from './study-models.js';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'scratch/real-answers.jsonl' },
    probes: { type: 'string', default: '8' },
    n: { type: 'string', default: String(COLLECTION.n) },
    threads: { type: 'string', default: '2' },
    models: { type: 'string', default: TEST_MODELS.map((m) => m.name).join(',') },
    seed: { type: 'string', default: String(COLLECTION.seed) },
    report: { type: 'boolean', default: false },
  },
});

if (args.report) {
  process.stdout.write(await invalidReport(args.out));
  process.exit(0);
}

const seed = Number(args.seed);
const perLanguage = Number(args.probes);
const n = Number(args.n);
const done = new Set<string>();
if (existsSync(args.out)) {
  for (const line of readFileSync(args.out, 'utf8').split('\n').filter(Boolean)) {
    const a = JSON.parse(line) as CollectedAnswer;
    done.add([a.model, a.language, a.probeId, a.condition].join('/'));
  }
}

const data = await loadStudyData();

for (const name of args.models.split(',') as TestModelName[]) {
  const setup = studyModelSetup(name);
  const sampling = findPreset(setup.preset)!.sampling;
  const model = await LocalModel.open({
    name,
    path: testModelPath(name),
    sampling,
    threads: Number(args.threads),
    contextSize: 2048,
  });
  if (setup.chatWrapper) model.chatWrapperType = setup.chatWrapper;
  for (const language of STUDY_LANGUAGES) {
    const country = DEFAULT_COUNTRY_OF_LANGUAGE[language]!;
    const probes = data.probesOf(language);
    const targets = data.targetsOf(country);
    const config = parseRunConfig({
      models: [name],
      survey: 'shares',
      languages: [language],
      n,
      estimator: 'sampled',
      seed,
    });
    const items = probes.filter((p) => isTestItem(p, targets.get(p.id), config));
    // Without the country's answers (KOR, VNM are not in the shares file) there are no demonstrations: zero-shot
    // prompts of any usable probe.
    const pool = items.length > 0 ? items : probes.filter((p) => config.categories.includes(p.category));
    const chosen = SeededRandom.from(seed, 'collect', language).shuffle(pool).slice(0, perLanguage);
    const demonstrations = new DemonstrationPool(probes, targets);
    for (const probe of chosen) {
      const conditions: Condition[] = items.length > 0 ? [ZERO_SHOT, 'chrf-all'] : [ZERO_SHOT];
      for (const condition of conditions) {
        const key = [name, language, probe.id, condition].join('/');
        if (done.has(key)) continue;
        const { prompts } = drawPrompts(probe, condition, demonstrations, config, {
          country: config.languages[0]!.country,
          own: targets,
          systemMessages: true,
        })!; // the paper's conditions leave no probe out
        const distribution = await estimatePromptMixture(model, sampling, {
          probe,
          prompts,
          chat: setup.chat,
          estimator: 'sampled',
          n,
          maxTokens: config.maxTokens,
          seed: seed + done.size,
        });
        const lines = distribution.responses.map((r) =>
          JSON.stringify({
            model: name,
            language,
            country,
            probeId: probe.id,
            condition,
            text: r.text,
            weight: r.weight,
            parsed: r.answer,
          } satisfies CollectedAnswer),
        );
        appendFileSync(args.out, `${lines.join('\n')}\n`);
        done.add(key);
        process.stderr.write(
          `\r${name} ${language} ${probe.id} ${condition}: ${distribution.invalid.toFixed(1)} invalid, ${(distribution.wallMs / 1000).toFixed(1)} s      `,
        );
      }
    }
  }
  await model.close();
}
process.stderr.write('\n');

/**
 * Per model × language: the responses, the share the parser of today reads as invalid (weighted by how often
 * each distinct response was given), and the three most common unreadable responses, shortened.
 */
async function invalidReport(file: string): Promise<string> {
  const collected = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CollectedAnswer);
  const data = await loadStudyData();
  const readAs = (a: CollectedAnswer) => {
    const probes = data.probesOf(a.language);
    const statements = data.demonstrationsOf(a).map((id) => probes.find((p) => p.id === id)!.template);
    return parseAnswer(
      a.text,
      probes.find((p) => p.id === a.probeId)!,
      { otherStatements: statements },
    ).answer;
  };
  const lines = [
    '| model | language | responses | invalid (zero-shot) | invalid (chrF++ all) | most common unreadable responses |',
    '|---|---|---|---|---|---|',
  ];
  for (const model of TEST_MODELS.map((m) => m.name)) {
    for (const language of STUDY_LANGUAGES) {
      const group = collected.filter((a) => a.model === model && a.language === language);
      if (group.length === 0) continue;
      const read = group.map((a) => ({ ...a, answer: readAs(a) }));
      const share = (condition: string) => {
        const of = read.filter((a) => a.condition === condition);
        const total = of.reduce((sum, a) => sum + a.weight, 0);
        return total > 0
          ? `${((100 * of.filter((a) => a.answer === 'invalid').reduce((sum, a) => sum + a.weight, 0)) / total).toFixed(0)}%`
          : '–';
      };
      const forms = new Map<string, number>();
      for (const a of read.filter((r) => r.answer === 'invalid')) {
        const form = a.text.trim().split('\n')[0]!.slice(0, 40);
        forms.set(form, (forms.get(form) ?? 0) + a.weight);
      }
      const common = [...forms]
        .sort((x, y) => y[1] - x[1])
        .slice(0, 3)
        .map(([form, count]) => `${JSON.stringify(form).replaceAll('|', '\\|')} (${count})`);
      lines.push(
        `| ${model} | ${language} | ${group.reduce((sum, a) => sum + a.weight, 0)} | ${share(ZERO_SHOT)} | ${share('chrf-all')} | ${common.join(', ')} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
