// The model registry: local GGUF files (their header: architecture, parameters, quantisation, context, chat
// template, and whether they fit this machine's GPU), models behind OpenAI-compatible servers and Gemini (where
// the API key is, never the key), the paper's presets, downloads with speed, time left and cancel, and trying a
// model on one probe.
import { useEffect, useState } from 'react';
import type { CommandResult } from '../../../shared/contract.js';
import { ESTIMATORS } from '../../../shared/method.js';
import { Field, optionsOf, SelectField, TextField } from '../components/Field.js';
import { PathField } from '../components/PathField.js';
import { ErrorNotice, percent, ProgressBar, Show } from '../components/Status.js';
import { client, errorText, useCommand } from '../use-command.js';

type Inspect = CommandResult<'models.inspect'>;
type Model = CommandResult<'models.list'>[number];

function bytes(n: number): string {
  return n >= 1e9
    ? `${(n / 1e9).toFixed(1)} GB`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(n < 1e8 ? 1 : 0)} MB`
      : `${Math.round(n / 1e3)} kB`;
}

function count(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : `${Math.round(n / 1e3)}k`;
}

function where(m: Model): string {
  if (m.kind === 'gguf') return m.path;
  const key = m.apiKeyEnv
    ? `key in $${m.apiKeyEnv}`
    : m.keychainAccount
      ? `key in the keychain (${m.keychainAccount})`
      : 'no key';
  const atOnce = m.concurrencyPerServer ? ` · ${m.concurrencyPerServer} requests at once per server` : '';
  return `${m.remoteModel} at ${(m.baseUrls ?? ['Google']).join(', ')} · ${key}${atOnce}`;
}

export function ModelsScreen() {
  const models = useCommand((c) => c.models.list(), []);
  const presets = useCommand((c) => c.models.presets(), []);
  const [error, setError] = useState<string | null>(null);
  const remove = async (name: string) => {
    if (
      !window.confirm(`Forget the model "${name}"? Its file stays where it is; runs that used it keep their results.`)
    )
      return;
    try {
      await client()!.models.remove({ name });
      models.reload();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section aria-labelledby="models-heading">
      <header className="screen-header">
        <h2 id="models-heading">Models</h2>
      </header>
      {error && <ErrorNotice>{error}</ErrorNotice>}
      <Show loaded={models} what="the models">
        {(list) =>
          list.length === 0 ? (
            <p className="empty muted">
              No model registered yet. Add a GGUF file from this machine, an OpenAI-compatible server or Gemini below.
            </p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Where</th>
                  <th scope="col">About</th>
                  <th scope="col">Sampling</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <tr key={m.name} data-testid="model-row">
                    <td>{m.name}</td>
                    <td>{m.kind}</td>
                    <td className="ellipsis small" title={where(m)}>
                      {where(m)}
                    </td>
                    <td className="small">
                      {m.kind === 'gguf' && m.info
                        ? `${m.info.architecture}, ${count(m.info.parameterCount)} parameters, ${m.info.quantisation}, context ${m.info.contextLength ?? '?'}, ${m.info.chatTemplate ? 'chat template' : 'no chat template'}, ${bytes(m.info.fileSize)}`
                        : ''}
                    </td>
                    <td className="small">
                      T = {m.sampling.temperature}
                      {m.sampling.topP !== undefined ? `, top-p ${m.sampling.topP}` : ''}
                      {m.sampling.topK !== undefined ? `, top-k ${m.sampling.topK}` : ''}
                      {m.preset ? ` (${m.preset})` : ''}
                    </td>
                    <td className="row-actions">
                      <button type="button" className="danger" onClick={() => void remove(m.name)}>
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
      <div className="two-columns">
        <AddGguf presets={presets.data ?? []} onAdded={models.reload} />
        <AddApiModel presets={presets.data ?? []} onAdded={models.reload} />
      </div>
      <div className="two-columns">
        <Download />
        {models.data && models.data.length > 0 && <TryModel models={models.data} />}
      </div>
      <Show loaded={presets} what="the presets">
        {(list) => (
          <details className="card">
            <summary>The paper's models and their sampling settings ({list.length} presets)</summary>
            <ul className="small">
              {list.map((p) => (
                <li key={p.name}>
                  <strong>{p.name}</strong>: {p.description} — T = {p.sampling.temperature}
                  {p.sampling.topP !== undefined ? `, top-p ${p.sampling.topP}` : ''}
                  {p.sampling.topK !== undefined ? `, top-k ${p.sampling.topK}` : ''}.{' '}
                  <span className="muted">{p.note}</span>
                </li>
              ))}
            </ul>
          </details>
        )}
      </Show>
    </section>
  );
}

function PresetSelect({
  presets,
  kind,
  value,
  onChange,
}: {
  presets: CommandResult<'models.presets'>;
  kind: 'gguf' | 'openai' | 'gemini';
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <SelectField
      id={`preset-${kind}`}
      label="Sampling preset"
      value={value}
      onChange={onChange}
      options={[
        { value: '', label: "the workbench's default" },
        ...optionsOf(presets.filter((p) => p.kinds.includes(kind)).map((p) => p.name)),
      ]}
    />
  );
}

function AddGguf({ presets, onAdded }: { presets: CommandResult<'models.presets'>; onAdded: () => void }) {
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [preset, setPreset] = useState('');
  const [inspected, setInspected] = useState<Inspect | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (action: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    try {
      await action();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="add-gguf-heading">
      <h3 id="add-gguf-heading">Add a GGUF file</h3>
      <PathField
        id="gguf-path"
        label="File"
        value={path}
        onChange={setPath}
        placeholder="/models/Llama-3-8B-Instruct.Q4_K_M.gguf"
        choices={[{ purpose: 'model-file', label: 'Choose file…' }]}
      />
      <button
        type="button"
        disabled={!path || busy}
        onClick={() => void act(async () => setInspected(await client()!.models.inspect({ path })))}
      >
        Read its header
      </button>
      {inspected && (
        <div className="preview">
          <p>
            {inspected.info.architecture}, {count(inspected.info.parameterCount)} parameters,{' '}
            {inspected.info.quantisation}, context {inspected.info.contextLength ?? '?'} tokens,{' '}
            {inspected.info.chatTemplate
              ? 'a chat template'
              : 'no chat template (it gets the plain prompt unless a chat wrapper is named)'}
            , {bytes(inspected.info.fileSize)}.
          </p>
          <p className={inspected.fit.fits ? '' : 'notice error'}>
            {/* The engine's note says where the model runs; the machine's GPU is named before it when there is one. */}
            {inspected.machine.backend === 'cpu'
              ? `${inspected.fit.note.charAt(0).toUpperCase()}${inspected.fit.note.slice(1)}.`
              : `${inspected.machine.devices.join(', ') || inspected.machine.backend}: ${inspected.fit.note}.`}
          </p>
          <TextField id="gguf-name" label="Name" value={name} placeholder="from the file name" onChange={setName} />
          <PresetSelect presets={presets} kind="gguf" value={preset} onChange={setPreset} />
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() =>
              void act(async () => {
                await client()!.models.addGguf({ path, ...(name ? { name } : {}), ...(preset ? { preset } : {}) });
                setInspected(null);
                setPath('');
                onAdded();
              })
            }
          >
            Register it
          </button>
        </div>
      )}
      {error && <ErrorNotice>{error}</ErrorNotice>}
    </section>
  );
}

function AddApiModel({ presets, onAdded }: { presets: CommandResult<'models.presets'>; onAdded: () => void }) {
  const [kind, setKind] = useState<'openai' | 'gemini'>('openai');
  const [model, setModel] = useState('');
  const [urls, setUrls] = useState('');
  const [keyEnv, setKeyEnv] = useState('');
  const [keychain, setKeychain] = useState('');
  const [name, setName] = useState('');
  const [preset, setPreset] = useState('');
  const [atOnce, setAtOnce] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const add = async () => {
    setError(null);
    setAdded(null);
    if (atOnce.trim() && !/^\d+$/.test(atOnce.trim())) {
      setError(`Requests at once per server: a whole number such as 8, not "${atOnce}".`);
      return;
    }
    try {
      const common = {
        model,
        ...(keyEnv ? { apiKeyEnv: keyEnv } : {}),
        ...(keychain ? { keychainAccount: keychain } : {}),
        ...(name ? { name } : {}),
        ...(preset ? { preset } : {}),
        ...(atOnce.trim() ? { concurrencyPerServer: Number(atOnce) } : {}),
      };
      const record =
        kind === 'openai'
          ? await client()!.models.addOpenAI({ ...common, baseUrls: urls.split(/\s+/).filter(Boolean) })
          : await client()!.models.addGemini({ ...common, ...(urls.trim() ? { baseUrl: urls.trim() } : {}) });
      setAdded(record.name);
      onAdded();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section className="card" aria-labelledby="add-api-heading">
      <h3 id="add-api-heading">Add an API model</h3>
      <div className="choices inline" role="radiogroup" aria-label="Kind">
        <label className="choice">
          <input type="radio" checked={kind === 'openai'} onChange={() => setKind('openai')} /> OpenAI-compatible
          (OpenAI, vLLM, llama.cpp server, Ollama)
        </label>
        <label className="choice">
          <input type="radio" checked={kind === 'gemini'} onChange={() => setKind('gemini')} /> Gemini
        </label>
      </div>
      <TextField
        id="api-model"
        label="Model id"
        value={model}
        placeholder={kind === 'openai' ? 'Qwen/Qwen2.5-7B-Instruct' : 'gemini-2.0-flash'}
        onChange={setModel}
      />
      <Field
        htmlFor="api-urls"
        label={kind === 'openai' ? 'Server URLs (one per line: requests are spread over them)' : 'Endpoint (optional)'}
      >
        <textarea
          id="api-urls"
          rows={kind === 'openai' ? 3 : 1}
          value={urls}
          placeholder={kind === 'openai' ? 'http://127.0.0.1:8000/v1' : "Google's"}
          onChange={(e) => setUrls(e.target.value)}
        />
      </Field>
      <div className="field-row">
        <TextField
          id="api-key-env"
          label="API key: environment variable"
          value={keyEnv}
          placeholder={kind === 'gemini' ? 'GEMINI_API_KEY' : 'OPENAI_API_KEY (none for a local server)'}
          onChange={setKeyEnv}
        />
        <TextField id="api-keychain" label="or keychain account" value={keychain} onChange={setKeychain} />
      </div>
      <p className="muted small">The workbench stores where the key is, never the key itself.</p>
      <TextField
        id="api-at-once"
        label="Requests at once per server"
        className="count"
        inputMode="numeric"
        value={atOnce}
        placeholder="4"
        onChange={setAtOnce}
        hint={
          <>
            vLLM takes many (start at 32); a llama.cpp server as many as its <code>--parallel</code>. A run sends up to
            its concurrency in all, spread over the servers.
          </>
        }
      />
      <div className="field-row">
        <TextField id="api-name" label="Name" value={name} placeholder="the model id" onChange={setName} />
        <PresetSelect presets={presets} kind={kind} value={preset} onChange={setPreset} />
      </div>
      <button
        type="button"
        className="primary"
        disabled={!model || (kind === 'openai' && !urls.trim())}
        onClick={() => void add()}
      >
        Register it
      </button>
      {error && <ErrorNotice>{error}</ErrorNotice>}
      {added && (
        <p className="notice success" role="status">
          Registered {added}.
        </p>
      )}
    </section>
  );
}

/** Megabytes with one decimal below 100 MB, so a small file does not read "0 of 0 MB". */
function megabytes(n: number): number {
  const mb = n / 1e6;
  return mb < 100 ? Math.round(mb * 10) / 10 : Math.round(mb);
}

function Download() {
  const [uri, setUri] = useState('');
  const [dir, setDir] = useState('');
  const [progress, setProgress] = useState<{
    jobId: string;
    done: number;
    total: number;
    rate: number;
    etaSeconds: number | null;
  } | null>(null);
  const [result, setResult] = useState<CommandResult<'models.download'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const c = client();
    if (!c || !busy) return;
    return c.subscribe((event) => {
      if (event.type === 'progress' && event.kind === 'download')
        setProgress({
          jobId: event.jobId,
          done: event.done,
          total: event.total,
          rate: event.rate,
          etaSeconds: event.etaSeconds,
        });
    });
  }, [busy]);
  const start = async () => {
    setError(null);
    setResult(null);
    setBusy(true);
    try {
      setResult(await client()!.models.download({ uri, ...(dir ? { dir } : {}) }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };
  return (
    <section className="card" aria-labelledby="download-heading">
      <h3 id="download-heading">Download a GGUF file</h3>
      <TextField
        id="download-uri"
        label="hf: URI or URL"
        className="wide"
        value={uri}
        placeholder="hf:bartowski/Meta-Llama-3-8B-Instruct-GGUF/Meta-Llama-3-8B-Instruct-Q4_K_M.gguf"
        onChange={setUri}
      />
      <PathField
        id="download-dir"
        label="Save in (optional)"
        value={dir}
        onChange={setDir}
        placeholder="the workbench's models folder"
        choices={[{ purpose: 'model-folder', label: 'Choose folder…' }]}
      />
      <button type="button" disabled={!uri || busy} onClick={() => void start()}>
        Download
      </button>
      {busy && progress && (
        <div data-testid="download-progress">
          <ProgressBar
            label="Downloading"
            done={megabytes(progress.done)}
            total={megabytes(progress.total)}
            unit="MB"
            rate={progress.rate / 1e6}
            etaSeconds={progress.etaSeconds}
          />
          <button
            type="button"
            className="danger"
            onClick={() => void client()!.jobs.cancel({ jobId: progress.jobId })}
          >
            Cancel (a later download resumes)
          </button>
        </div>
      )}
      {error && <ErrorNotice>{error}</ErrorNotice>}
      {result && (
        <p className="notice success" role="status">
          {result.resumed ? 'Completed' : 'Downloaded'} {bytes(result.bytes)} to <code>{result.path}</code>. Add it
          above to use it.
        </p>
      )}
    </section>
  );
}

function TryModel({ models }: { models: CommandResult<'models.list'> }) {
  const [model, setModel] = useState(models[0]!.name);
  const [probe, setProbe] = useState('Q1');
  const [mode, setMode] = useState<(typeof ESTIMATORS)[number]>('sampled');
  const [result, setResult] = useState<CommandResult<'models.sample'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setError(null);
    setBusy(true);
    try {
      setResult(await client()!.models.sample({ model, probe, mode, n: 20 }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="try-heading">
      <h3 id="try-heading">Try a model on one probe</h3>
      <div className="field-row">
        <SelectField
          inline
          id="try-model"
          label="Model"
          value={model}
          onChange={setModel}
          options={optionsOf(models.map((m) => m.name))}
        />
        <label>
          Probe <input size={6} value={probe} onChange={(e) => setProbe(e.target.value)} />
        </label>
        <SelectField
          inline
          id="try-estimator"
          label="Estimator"
          value={mode}
          onChange={setMode}
          options={optionsOf(ESTIMATORS)}
        />
      </div>
      <button type="button" disabled={busy} onClick={() => void run()}>
        {busy ? 'Asking…' : 'Ask it (zero-shot, English built-in probes)'}
      </button>
      {error && <ErrorNotice>{error}</ErrorNotice>}
      {result && (
        <div className="preview">
          {result.warnings.map((w) => (
            <p key={w} className="notice small">
              {w}
            </p>
          ))}
          <p>
            {result.probe}: {result.options[0]} {percent(result.distribution.option1)}, {result.options[1]}{' '}
            {percent(result.distribution.option2)}, invalid {percent(result.distribution.invalid)} (
            {result.distribution.estimator}
            {result.distribution.n ? `, ${result.distribution.n} responses` : ''},{' '}
            {Math.round(result.distribution.wallMs)} ms).
          </p>
          <ul className="small">
            {result.distribution.responses.slice(0, 8).map((r, i) => (
              <li key={i}>
                {result.distribution.estimator === 'exact' ? r.weight.toFixed(3) : `${r.weight}×`}{' '}
                <code>{JSON.stringify(r.text)}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
