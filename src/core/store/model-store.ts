// The model registry: how to reach each model, its sampling defaults, and what is known of it (for a GGUF file,
// its header and content hash, so results can name the exact file). API keys are never stored, only where to
// find them.

import { UserError } from '../errors.js';
import type {
  RegisteredGeminiModel,
  GgufInfo,
  RegisteredGgufModel,
  RegisteredOpenAIModel,
  ModelKind,
  RegisteredModel,
  SamplingSettings,
} from '../models/index.js';
import type { Db } from './database.js';

/** A record as it is given to the registry: everything but when it was added. */
export type NewRegisteredModel =
  | Omit<RegisteredGgufModel, 'addedAt'>
  | Omit<RegisteredOpenAIModel, 'addedAt'>
  | Omit<RegisteredGeminiModel, 'addedAt'>;

export function saveModel(db: Db, record: NewRegisteredModel): RegisteredModel {
  if (!/^[\w.:@/+-]{1,100}$/.test(record.name)) {
    throw new UserError(
      'bad-model-name',
      `"${record.name}" is not a usable model name: use letters, digits and . _ - : @ / +`,
    );
  }
  if (db.prepare('SELECT 1 FROM models WHERE name = ?').get(record.name)) {
    throw new UserError(
      'model-exists',
      `a model named "${record.name}" is already registered; choose another with --name, or remove it first`,
    );
  }
  const location = record.kind === 'gguf' ? record.path : (record.baseUrls ?? []).join('\n');
  db.prepare(
    `INSERT INTO models (name, kind, location, remote_model, sampling_json, preset, api_key_env, keychain_account, info_json, added_at, concurrency_per_server)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    record.name,
    record.kind,
    location,
    record.kind === 'gguf' ? null : record.remoteModel,
    JSON.stringify(record.sampling),
    record.preset ?? null,
    record.kind === 'gguf' ? null : (record.apiKeyEnv ?? null),
    record.kind === 'gguf' ? null : (record.keychainAccount ?? null),
    JSON.stringify(record.kind === 'gguf' ? (record.info ?? {}) : {}),
    new Date().toISOString(),
    record.kind === 'gguf' ? null : (record.concurrencyPerServer ?? null),
  );
  return getModel(db, record.name);
}

interface ModelRow {
  name: string;
  kind: ModelKind;
  location: string;
  remote_model: string | null;
  sampling_json: string;
  preset: string | null;
  api_key_env: string | null;
  keychain_account: string | null;
  info_json: string;
  added_at: string;
  concurrency_per_server: number | null;
}

function recordOf(row: ModelRow): RegisteredModel {
  const common = {
    name: row.name,
    sampling: JSON.parse(row.sampling_json) as SamplingSettings,
    ...(row.preset ? { preset: row.preset } : {}),
    addedAt: row.added_at,
  };
  if (row.kind === 'gguf') {
    const info = JSON.parse(row.info_json) as Partial<GgufInfo>;
    return {
      ...common,
      kind: 'gguf',
      path: row.location,
      ...(info.sha256 !== undefined ? { info: info as GgufInfo } : {}),
    };
  }
  const api = {
    ...common,
    remoteModel: row.remote_model ?? '',
    ...(row.api_key_env ? { apiKeyEnv: row.api_key_env } : {}),
    ...(row.keychain_account ? { keychainAccount: row.keychain_account } : {}),
    ...(row.concurrency_per_server !== null ? { concurrencyPerServer: row.concurrency_per_server } : {}),
  };
  if (row.kind === 'openai') return { ...api, kind: 'openai', baseUrls: row.location.split('\n') };
  return {
    ...api,
    kind: 'gemini',
    ...(row.location !== '' ? { baseUrls: row.location.split('\n') } : {}),
  };
}

export function getModel(db: Db, name: string): RegisteredModel {
  const row = db.prepare('SELECT * FROM models WHERE name = ?').get(name) as ModelRow | undefined;
  if (!row) {
    const known = listModels(db).map((m) => m.name);
    throw new UserError(
      'unknown-model',
      `there is no model named "${name}"${known.length ? ` (known: ${known.join(', ')})` : ' (add one with `selfalign models add`)'}`,
    );
  }
  return recordOf(row);
}

export function listModels(db: Db): RegisteredModel[] {
  return (db.prepare('SELECT * FROM models ORDER BY name').all() as ModelRow[]).map(recordOf);
}

export function removeModel(db: Db, name: string): void {
  getModel(db, name);
  db.prepare('DELETE FROM models WHERE name = ?').run(name);
}
