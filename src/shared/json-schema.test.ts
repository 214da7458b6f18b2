// The contract as JSON Schema describes a run configuration in full, although runs.start and runs.validate parse it
// loosely (so that runs.validate can name every problem with its path).

import { expect, it } from 'vitest';
import { contractJsonSchema } from './json-schema.js';
import { RunConfigSchema } from './method.js';

type JsonObject = {
  type?: string;
  properties?: Record<string, JsonObject>;
  required?: string[];
  additionalProperties?: unknown;
  items?: JsonObject;
  enum?: unknown[];
  anyOf?: JsonObject[];
};

it('describes every field of a run configuration in runs.start and runs.validate', () => {
  const contract = contractJsonSchema();
  const fields = Object.keys(RunConfigSchema.shape).sort();
  for (const command of ['runs.start', 'runs.validate'] as const) {
    const config = (contract.commands[command]!.params as JsonObject).properties!.config!;
    expect(Object.keys(config.properties ?? {}).sort(), command).toEqual(fields);
    expect(config.required, command).toEqual(expect.arrayContaining(['models', 'survey', 'languages']));
    expect(config.additionalProperties, command).toBe(false);
    expect(config.properties!.strategies!.items!.enum, command).toEqual([
      'random',
      'random-category',
      'chrf-category',
      'chrf-all',
    ]);
    expect(config.properties!.protocol!.enum, command).toEqual(['paper', 'precise']);
  }
});

it('describes the run configuration a result carries, and a run\u2019s conditions by name', () => {
  const contract = contractJsonSchema();
  const detail = contract.commands['runs.get']!.result as JsonObject;
  expect(Object.keys(detail.properties!.config!.properties ?? {}).sort()).toEqual(
    Object.keys(RunConfigSchema.shape).sort(),
  );
  // A condition is one of the fixed ones, or a reviewer's control id in its one written form.
  const [fixed, control] = detail.properties!.conditions!.items!.anyOf! as [
    JsonObject,
    JsonObject & { pattern?: string },
  ];
  expect(fixed.enum).toEqual([
    'zero-shot',
    'zero-shot-retest',
    'random',
    'random-category',
    'chrf-category',
    'chrf-all',
  ]);
  const pattern = new RegExp(control.pattern!);
  for (const id of ['persona', 'chrf-all/flipped-labels', 'random-category+persona/country=DEU/k=10/system'])
    expect(pattern.test(id), id).toBe(true);
  for (const id of ['chrf-all/k=11', 'chrf-all/system/k=3', 'chrf-all/country=deu'])
    expect(pattern.test(id), id).toBe(false);
});
