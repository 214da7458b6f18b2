// The short run of the tiny model the engine's and the browser's tests share: English with the answer shares from
// ../shared/data, two WVS categories, two strategies beside the re-test control, and explanations of a few tokens.
// A few seconds on two cores; register the model as "tiny" and the survey as "shares" first.

export const TINY_ENGLISH_RUN = {
  models: ['tiny'],
  survey: 'shares',
  languages: ['en'],
  categories: [1, 2],
  strategies: ['chrf-all', 'random'],
  seed: 1,
  explanations: { enabled: true, perProbe: 1, maxTokens: 12 },
};
