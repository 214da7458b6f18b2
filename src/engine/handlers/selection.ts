// One probe's demonstrations and prompt, exactly as a run would build them: `demos.select` and `prompts.build`
// (and `models.sample`, which measures that prompt).

import { DEFAULT_EXCLUDED_CATEGORIES, isUsable, normaliseProbeId, type Probe } from '../../core/data/index.js';
import { DemonstrationPool, type Selection } from '../../core/demos/index.js';
import { UserError } from '../../core/errors.js';
import { buildPrompt, readPromptTemplate, type Prompt } from '../../core/prompt/index.js';
import { chatModeOf, LocalModel } from '../../core/models/index.js';
import { BUILTIN_PROBE_SET, getModel, loadProbes, loadSurveyCells, type Db } from '../../core/store/index.js';
import { builtinAnswerKey, countryTargets, readAnswerKey } from '../../core/survey/index.js';
import type { ParsedParams } from '../../shared/contract.js';
import type { HandlerGroup } from '../context.js';
import { countryOf, languageOf } from './scope.js';

type SelectionParams = Omit<
  ParsedParams<'prompts.build'>,
  'shuffle' | 'explain' | 'templatePath' | 'model' | 'chatWrapper'
>;

export async function selectFor(db: Db, params: SelectionParams): Promise<{ test: Probe; selection: Selection }> {
  const set = params.set ?? BUILTIN_PROBE_SET;
  const language = languageOf(db, set, params.language);
  const probes = loadProbes(db, set, language);
  const id = normaliseProbeId(params.probe);
  const test = probes.find((p) => p.id === id);
  if (!test)
    throw new UserError('unknown-probe', `there is no probe ${id} in language ${language} of probe set "${set}"`, {
      probe: id,
    });
  if (!isUsable(test))
    throw new UserError('unusable-probe', `probe ${test.id} is flagged (${test.flag}) and cannot be asked`, {
      probe: test.id,
    });
  if (params.strategy === undefined) return { test, selection: { demonstrations: [], candidates: 0 } };
  if (params.survey === undefined)
    throw new UserError('bad-option', "demonstrations are completed with a country's answers: name the survey import");
  const key = params.answerKey ? await readAnswerKey(params.answerKey) : await builtinAnswerKey();
  const country = countryOf(language, params.country);
  const pool = new DemonstrationPool(probes, countryTargets(country, key, loadSurveyCells(db, params.survey, country)));
  const selection = pool.select(test.id, {
    strategy: params.strategy,
    k: params.k,
    seed: params.seed,
    draw: params.draw,
    direction: params.direction,
    excludedCategories: params.includeCategories ? [] : DEFAULT_EXCLUDED_CATEGORIES,
  });
  return { test, selection };
}

export async function promptFor(
  db: Db,
  params: ParsedParams<'prompts.build'>,
): Promise<{ test: Probe; prompt: Prompt }> {
  const { test, selection } = await selectFor(db, params);
  const template = params.templatePath ? await readPromptTemplate(params.templatePath) : undefined;
  const prompt = buildPrompt({
    probe: test,
    demonstrations: selection.demonstrations,
    seed: params.seed,
    draw: params.draw,
    shuffleDemonstrations: params.shuffle,
    explain: params.explain,
    ...(template ? { template } : {}),
  });
  return { test, prompt };
}

/** The prompt as a registered local model receives it: in its chat mode (as a run would send it), as tokens. */
async function renderFor(db: Db, name: string, chatWrapper: string | undefined, prompt: Prompt) {
  const record = getModel(db, name);
  if (record.kind !== 'gguf') {
    throw new UserError(
      'not-local',
      `model "${name}" is an API model (${record.kind}): its server applies its own chat template to the messages shown without --model`,
    );
  }
  const mode = chatModeOf(record, { chat: true, estimator: 'sampled', chatWrapper });
  const model = await LocalModel.open({
    name: record.name,
    path: record.path,
    sampling: record.sampling,
    gpu: 'cpu',
    threads: 1,
    contextSize: 512,
  });
  model.chatWrapperType = mode.chatWrapper;
  try {
    const rendered = model.renderPrompt({ text: prompt.text, messages: prompt.messages, chat: mode.chat });
    return {
      model: record.name,
      chat: mode.chat,
      renderedBy: mode.chatWrapper
        ? `node-llama-cpp's chat wrapper "${mode.chatWrapper}"`
        : mode.chat
          ? "the GGUF file's chat template"
          : 'nothing: the plain prompt, after the BOS token where the model wants one',
      ...rendered,
      ...(mode.warning ? { warning: mode.warning } : {}),
    };
  } finally {
    await model.close();
  }
}

export const selectionHandlers: HandlerGroup<'demos.select' | 'prompts.build'> = {
  'demos.select': async (params, { db }) => {
    const { test, selection } = await selectFor(db, params);
    return {
      probe: test,
      strategy: params.strategy,
      candidates: selection.candidates,
      demonstrations: selection.demonstrations.map((d) => ({
        id: d.probe.id,
        category: d.probe.category,
        answer: d.answer,
        answerText: d.answerText,
        sentence: d.sentence,
        chrfpp: d.chrfpp,
      })),
    };
  },

  'prompts.build': async (params, { db }) => {
    const { prompt } = await promptFor(db, params);
    return {
      text: prompt.text,
      messages: [...prompt.messages],
      optionOrder: [prompt.optionOrder[0], prompt.optionOrder[1]],
      demonstrationIds: prompt.demonstrationIds,
      ...(params.model !== undefined
        ? { rendered: await renderFor(db, params.model, params.chatWrapper, prompt) }
        : {}),
    };
  },
};
