// Resolving API keys from a named environment variable or the OS keychain, with clear errors that never
// contain the key. The real keychain is tried too: on a machine without one it must say so plainly.

import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { rejection } from '../../testing/rejection.js';
import { KEYCHAIN_SERVICE, resolveApiKey, type KeychainReader } from './api-keys.js';

const KEY = 'sk-test-SECRET-abcdef0123456789';

const caught = (promise: Promise<unknown>): Promise<UserError> => rejection(promise, UserError);

function expectNoKey(error: Error, key = KEY): void {
  expect(error.message).not.toContain(key);
  expect(String(error.stack)).not.toContain(key);
  expect(JSON.stringify(error)).not.toContain(key);
}

describe('resolveApiKey', () => {
  it('reads the named environment variable, trimmed', async () => {
    const env = { MY_OPENAI_KEY: `  ${KEY}\n` };
    expect(await resolveApiKey({ modelName: 'gpt', apiKeyEnv: 'MY_OPENAI_KEY' }, { env })).toBe(KEY);
  });

  it('names a variable that is not set or empty', async () => {
    const unset = await caught(resolveApiKey({ modelName: 'gpt', apiKeyEnv: 'NOPE_KEY' }, { env: {} }));
    expect(unset.code).toBe('api-key-missing');
    expect(unset.message).toBe(
      'Model "gpt": the environment variable NOPE_KEY is not set. Set it to the API key before starting the workbench.',
    );
    const empty = await caught(
      resolveApiKey({ modelName: 'gpt', apiKeyEnv: 'EMPTY_KEY' }, { env: { EMPTY_KEY: ' ' } }),
    );
    expect(empty.message).toContain('EMPTY_KEY is empty');
  });

  it('refuses a key with inner spaces or line breaks without quoting it', async () => {
    const broken = `${KEY}\nsecond-line`;
    const error = await caught(resolveApiKey({ modelName: 'gpt', apiKeyEnv: 'K' }, { env: { K: broken } }));
    expect(error.code).toBe('api-key-invalid');
    expect(error.message).toContain('environment variable K');
    expectNoKey(error);
    expectNoKey(error, 'second-line');
  });

  it('reads the keychain when asked, and prefers a set environment variable', async () => {
    const asked: string[] = [];
    const keychain: KeychainReader = async (service, account) => {
      asked.push(`${service}/${account}`);
      return account === 'work' ? KEY : null;
    };
    expect(await resolveApiKey({ modelName: 'gem', keychainAccount: 'work' }, { keychain, env: {} })).toBe(KEY);
    expect(asked).toEqual([`${KEYCHAIN_SERVICE}/work`]);

    const fromEnv = await resolveApiKey(
      { modelName: 'gem', apiKeyEnv: 'K', keychainAccount: 'work' },
      { keychain, env: { K: 'from-env' } },
    );
    expect(fromEnv).toBe('from-env');
    expect(asked).toHaveLength(1);

    const none = await caught(resolveApiKey({ modelName: 'gem', keychainAccount: 'home' }, { keychain, env: {} }));
    expect(none.code).toBe('api-key-missing');
    expect(none.message).toContain('account "home"');
    expect(none.message).toContain('environment variable');
  });

  it('says the keychain is unavailable and suggests an environment variable', async () => {
    const broken: KeychainReader = async () => {
      throw new Error('Platform failure: DBus error');
    };
    const error = await caught(
      resolveApiKey({ modelName: 'gem', keychainAccount: 'work' }, { keychain: broken, env: {} }),
    );
    expect(error.code).toBe('keychain-unavailable');
    expect(error.message).toMatch(
      /the OS keychain is unavailable \(Platform failure: DBus error\)\. Put the key in an environment variable/,
    );
  });

  it('fails clearly with the real OS keychain where there is none (or no key in it)', async () => {
    const error = await caught(
      resolveApiKey({ modelName: 'gem', keychainAccount: `selfalign-test-${process.pid}` }, { env: {} }),
    );
    // Here (no secret-service daemon) the keychain is unavailable; on a desktop it is there but has no such key.
    expect(['keychain-unavailable', 'api-key-missing']).toContain(error.code);
    expect(error.message).toMatch(/keychain/);
    expect(error.message).toMatch(/environment variable/);
  });

  it('needs a source unless the model may run without a key', async () => {
    const error = await caught(resolveApiKey({ modelName: 'gpt' }, { env: {} }));
    expect(error.code).toBe('api-key-missing');
    expect(error.message).toContain('Model "gpt"');
    expect(await resolveApiKey({ modelName: 'local' }, { env: {}, optional: true })).toBe('');
  });
});
