// The workbench's settings: the database in use, how local models run (GPU backend, CPU threads), where API
// keys come from, and light or dark.
import { SelectField } from '../components/Field.js';
import { Show } from '../components/Status.js';
import { GPU_CHOICES } from '../../../shared/method.js';
import { useRunSettings, type GpuChoice } from '../run-settings-store.js';
import { useTheme, type Theme } from '../theme-store.js';
import { useCommand } from '../use-command.js';

const GPU_LABELS: Record<GpuChoice, string> = {
  auto: 'automatic (the best this machine has)',
  cuda: 'CUDA',
  vulkan: 'Vulkan',
  metal: 'Metal',
  cpu: 'CPU only',
};

export function SettingsScreen() {
  const info = useCommand((c) => c.app.info(), []);
  const models = useCommand((c) => c.models.list(), []);
  const { settings, update } = useRunSettings();
  const { theme, setTheme } = useTheme();
  return (
    <section aria-labelledby="settings-heading">
      <header className="screen-header">
        <h2 id="settings-heading">Settings</h2>
      </header>
      <section className="card" aria-labelledby="db-heading">
        <h3 id="db-heading">Database</h3>
        <Show loaded={info} what="the engine's information">
          {(i) => (
            <>
              <p>
                <code>{i.databasePath}</code>
              </p>
              <p className="muted small">
                Every import, model, run and measurement is in this one SQLite file. Another file: start the workbench
                with <code>selfalign serve --db FILE</code> (or the desktop app's <code>--db</code>). Workbench{' '}
                {i.version} on Node {i.node}, {i.platform}.
              </p>
            </>
          )}
        </Show>
      </section>
      <section className="card" aria-labelledby="local-heading">
        <h3 id="local-heading">Local models</h3>
        <div className="field-row">
          <SelectField
            id="gpu"
            label="GPU backend"
            value={settings.gpu}
            onChange={(gpu) => update({ ...settings, gpu })}
            options={GPU_CHOICES.map((choice) => ({ value: choice, label: GPU_LABELS[choice] }))}
          />
          <div className="field">
            <label htmlFor="threads">CPU threads</label>
            <input
              id="threads"
              type="number"
              min={1}
              value={settings.threads ?? ''}
              placeholder="one fewer than the cores"
              onChange={(e) =>
                update({
                  gpu: settings.gpu,
                  ...(e.target.value ? { threads: Math.max(1, Number(e.target.value)) } : {}),
                })
              }
            />
          </div>
        </div>
        <p className="muted small">
          Used by every run started or resumed from this window. Left empty, llama.cpp gets one thread fewer than the
          cores that do math, and no more than the cores idle when the model loads, so busy processes beside it do not
          stall every thread.
        </p>
      </section>
      <section className="card" aria-labelledby="keys-heading">
        <h3 id="keys-heading">API keys</h3>
        <p className="muted small">
          The workbench never stores a key: each API model names an environment variable of the engine's process, or an
          account in the system keychain.
        </p>
        <Show loaded={models} what="the models">
          {(list) => {
            const api = list.flatMap((m) => (m.kind === 'gguf' ? [] : [m]));
            return api.length === 0 ? (
              <p className="muted">No API model registered.</p>
            ) : (
              <ul>
                {api.map((m) => (
                  <li key={m.name}>
                    {m.name}:{' '}
                    {m.apiKeyEnv ? (
                      <>
                        environment variable <code>{m.apiKeyEnv}</code>
                      </>
                    ) : m.keychainAccount ? (
                      <>
                        keychain account <code>{m.keychainAccount}</code>
                      </>
                    ) : (
                      'no key (a local server)'
                    )}
                  </li>
                ))}
              </ul>
            );
          }}
        </Show>
      </section>
      <section className="card" aria-labelledby="look-heading">
        <h3 id="look-heading">Appearance</h3>
        <div className="choices inline" role="radiogroup" aria-label="Theme">
          {(['system', 'light', 'dark'] as Theme[]).map((t) => (
            <label key={t} className="choice">
              <input type="radio" name="theme" checked={theme === t} onChange={() => setTheme(t)} />{' '}
              {t === 'system' ? "the system's" : t}
            </label>
          ))}
        </div>
      </section>
    </section>
  );
}
