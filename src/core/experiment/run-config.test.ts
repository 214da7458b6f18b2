import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { configHash, parseRunConfig, readRunConfig } from './run-config.js';

const tempDir = useTempDir();

describe('run configuration', () => {
  it("fills in the paper's defaults and pairs each language with its country", () => {
    const config = parseRunConfig({
      models: ['tiny'],
      survey: 'shares',
      languages: ['de', { language: 'en', country: 'gbr' }, { language: 'tr', survey: 'wvs7-turkey' }],
    });
    expect(config).toMatchObject({
      probeSet: 'builtin',
      strategies: ['random', 'random-category', 'chrf-category', 'chrf-all'],
      k: 5,
      protocol: 'paper',
      estimator: 'sampled',
      n: 10,
      misalignmentThreshold: 1,
      perDraw: { optionOrder: true, demonstrationOrder: true, randomDemonstrations: true },
      shuffleDemonstrations: false,
      explanations: { enabled: false, perProbe: 1, maxTokens: 128 },
      seed: 0,
      unreadableThreshold: 0.5,
    });
    // Each language with its country, probe set and survey import: the run's unless it names its own.
    expect(config.languages).toEqual([
      { language: 'de', country: 'DEU', probeSet: 'builtin', survey: 'shares' },
      { language: 'en', country: 'GBR', probeSet: 'builtin', survey: 'shares' },
      { language: 'tr', country: 'TUR', probeSet: 'builtin', survey: 'wvs7-turkey' },
    ]);
    expect(config.categories).toEqual([1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13]);
    expect(parseRunConfig({ models: ['m'], survey: 's', languages: ['de'], protocol: 'precise' })).toMatchObject({
      estimator: 'exact',
      n: 10,
      misalignmentThreshold: 0.999 ** 0.1,
    });
    expect(
      parseRunConfig({
        models: ['m'],
        survey: 's',
        languages: ['de'],
        protocol: 'precise',
        n: 20,
        misalignmentThreshold: 0.5,
      }),
    ).toMatchObject({ estimator: 'exact', n: 20, misalignmentThreshold: 0.5 });
    expect(parseRunConfig({ models: ['m'], survey: 's', languages: ['de'], estimator: 'tree', n: 100 })).toMatchObject({
      protocol: 'paper',
      estimator: 'tree',
      n: 100,
      misalignmentThreshold: 1,
    });
  });

  it('says every problem at once, naming the field', () => {
    try {
      parseRunConfig({ models: [], survey: 's', languages: ['de'], k: 0, strategies: ['best'], colour: 'blue' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      const message = (error as UserError).message;
      expect(message).toContain('The models: name at least one registered model');
      expect(message).toContain('k (demonstrations per prompt) must be at least 1');
      expect(message).toContain('The strategy "best" must be one of');
      expect(message).toContain('has no setting "colour"');
    }
    expect(() => parseRunConfig({ models: ['m'], survey: 's', languages: ['xx'] })).toThrow(
      /"xx" has no default country/,
    );
    expect(() => parseRunConfig({ models: ['m'], survey: 's', languages: ['de', 'de'] })).toThrow(/listed twice/);
    expect(() =>
      parseRunConfig({ models: ['m'], survey: 's', languages: ['de'], chatWrappers: { m: 'chatty' } }),
    ).toThrow(/The chat wrapper of model "m": there is no chat wrapper "chatty" \(known: .*chatML/);
    expect(
      parseRunConfig({ models: ['m'], survey: 's', languages: ['de'], chatWrappers: { m: 'chatML' } }).chatWrappers,
    ).toEqual({ m: 'chatML' });
  });

  it('hashes the same configuration the same way, whatever the key order or spelled-out defaults', () => {
    const a = parseRunConfig({ models: ['m'], survey: 's', languages: ['de'] });
    const b = parseRunConfig({ languages: ['de'], survey: 's', models: ['m'], k: 5, seed: 0 });
    const c = parseRunConfig({ models: ['m'], survey: 's', languages: ['de'], seed: 1 });
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(c)).not.toBe(configHash(a));
  });

  it('reads a JSON file and names it in errors', async () => {
    const file = path.join(tempDir(), 'run.json');
    writeFileSync(file, '{ "models": ["m"], ');
    await expect(readRunConfig(file)).rejects.toMatchObject({ code: 'bad-run-config', where: { file } });
    writeFileSync(file, JSON.stringify({ models: ['m'], survey: 's', languages: ['de'], n: -1 }));
    await expect(readRunConfig(file)).rejects.toThrow(
      /run\.json is not valid: n \(responses per prompt\) must be at least 1/,
    );
  });

  it("takes the reviewer's controls in their one written form, and refuses one that is malformed, the strategy itself, the run's k, listed twice or read against a strategy the run does not measure", () => {
    const base = { models: ['m'], survey: 's', languages: ['de'] };
    expect(parseRunConfig(base).controls).toEqual([]);
    expect(
      parseRunConfig({ ...base, controls: ['persona', ' chrf-all/k=3', 'chrf-all/country=deu', 'chrf-all+persona'] })
        .controls,
    ).toEqual(['persona', 'chrf-all/k=3', 'chrf-all/country=DEU', 'chrf-all+persona']);
    const refusal = (input: Record<string, unknown>) => {
      try {
        parseRunConfig({ ...base, ...input });
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
        return (error as UserError).message;
      }
      throw new Error(`${JSON.stringify(input)} was taken`);
    };
    expect(refusal({ controls: ['chrf-all/flipped'] })).toContain(
      'the control "chrf-all/flipped" has "/flipped", which changes nothing the workbench knows; a control is persona; or a strategy',
    );
    expect(refusal({ controls: ['chrf-all'] })).toContain('"chrf-all" is a strategy, not a control');
    expect(refusal({ controls: ['chrf-all/k=5'] })).toContain(
      'the control "chrf-all/k=5" asks for the run\'s own k (5), so it is chrf-all itself',
    );
    expect(refusal({ controls: ['persona', 'persona'] })).toContain('the control "persona" is listed twice');
    expect(refusal({ strategies: ['random'], controls: ['chrf-all/random-labels'] })).toContain(
      'the control "chrf-all/random-labels" is read against chrf-all, which the run does not measure: add chrf-all to the strategies',
    );
    expect(refusal({ strategies: [], controls: ['persona'] })).toContain(
      'the control "persona" is read against a strategy, and the run measures none',
    );
    // persona is read against chrF++ (all) where the run has it, else the run's first strategy.
    expect(parseRunConfig({ ...base, strategies: ['random'], controls: ['persona'] }).controls).toEqual(['persona']);
  });
});
