// Where a remote model's API key comes from: an environment variable the user names, or the OS keychain.
// The key itself never appears in a message, a log or an error; only where we looked for it does.

import { UserError } from '../errors.js';

/** The keychain "service" under which the workbench stores keys; the account is the user's choice. */
export const KEYCHAIN_SERVICE = 'self-align-workbench';

export interface ApiKeySource {
  /** The workbench's name for the model, for messages. */
  modelName: string;
  /** Name of the environment variable that holds the key, e.g. OPENAI_API_KEY. */
  apiKeyEnv?: string;
  /** Account under KEYCHAIN_SERVICE in the OS keychain. */
  keychainAccount?: string;
}

/** Reads a secret from the OS keychain: null when nothing is stored, throws when the keychain can't be used. */
export type KeychainReader = (service: string, account: string) => Promise<string | null>;

export interface ResolveOptions {
  /** The environment to read (default process.env). */
  env?: Record<string, string | undefined>;
  /** The keychain (default @napi-rs/keyring). */
  keychain?: KeychainReader;
  /** A model that may run without a key (a local server): with no source named, the key is empty. */
  optional?: boolean;
}

/** The OS keychain through @napi-rs/keyring, loaded only when asked for so a missing binary costs nothing else. */
export const osKeychain: KeychainReader = async (service, account) => {
  const { AsyncEntry } = await import('@napi-rs/keyring');
  // getSecret, not getPassword: getPassword answers null when the store cannot be reached at all, which would
  // read as "no key stored" instead of "no keychain here".
  const secret = await new AsyncEntry(service, account).getSecret();
  return secret === null ? null : Buffer.from(secret).toString('utf8');
};

export async function resolveApiKey(source: ApiKeySource, options: ResolveOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const model = `Model "${source.modelName}"`;
  const envName = source.apiKeyEnv?.trim();
  if (envName) {
    const value = env[envName];
    if (value !== undefined && value.trim() !== '')
      return checked(value, `${model}: the environment variable ${envName}`);
    if (!source.keychainAccount) {
      throw new UserError(
        'api-key-missing',
        `${model}: the environment variable ${envName} ${value === undefined ? 'is not set' : 'is empty'}. Set it to the API key before starting the workbench.`,
      );
    }
  }
  const account = source.keychainAccount?.trim();
  if (account) {
    const keychain = options.keychain ?? osKeychain;
    let value: string | null;
    try {
      value = await keychain(KEYCHAIN_SERVICE, account);
    } catch (error) {
      // The keychain's own message names the store's problem, never a key (none was read).
      const why = error instanceof Error ? error.message : String(error);
      throw new UserError(
        'keychain-unavailable',
        `${model}: the OS keychain is unavailable (${why}). Put the key in an environment variable instead and name it as the model's API key variable.`,
      );
    }
    if (value === null || value.trim() === '') {
      throw new UserError(
        'api-key-missing',
        `${model}: the OS keychain has no key for account "${account}" (service "${KEYCHAIN_SERVICE}"). Store it there, or put it in an environment variable and name that instead.`,
      );
    }
    return checked(value, `${model}: the key in the OS keychain (account "${account}")`);
  }
  if (options.optional) return '';
  throw new UserError(
    'api-key-missing',
    `${model}: no API key is configured. Name the environment variable that holds it (or a keychain account).`,
  );
}

/** Trims the key and refuses inner spaces or control characters: fetch would refuse the header, quoting it. */
function checked(raw: string, where: string): string {
  const key = raw.trim();
  // eslint-disable-next-line no-control-regex -- control characters are what this check refuses.
  if (/[\s\x00-\x1f\x7f]/.test(key) || /[^\x20-\x7e]/.test(key)) {
    throw new UserError(
      'api-key-invalid',
      `${where} contains spaces, line breaks or other characters an API key cannot have.`,
    );
  }
  return key;
}
