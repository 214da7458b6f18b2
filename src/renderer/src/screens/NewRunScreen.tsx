// A run configuration as a form: the protocol first, then what to measure (models × languages with their
// countries × strategies), then every other field. The engine checks it as it is typed (runs.validate): its
// problems appear inline, with the work the run implies and an estimated time. Save and load it as JSON.
import { useEffect, useMemo, useState } from 'react';
import type { CommandResult } from '../../../shared/contract.js';
import { conditionLabel } from '../../../shared/charts/index.js';
import { ESTIMATORS } from '../../../shared/method.js';
import { Field, SelectField } from '../components/Field.js';
import { ErrorNotice, formatSeconds, Show } from '../components/Status.js';
import { useRoute } from '../route-store.js';
import { client, errorText, useCommand } from '../use-command.js';
import { rememberWarnings } from '../start-warnings.js';
import { initialConfig, type NumberKey, type RunConfigDraft, type RunConfigFilled } from '../new-run-config.js';
import { saveText } from '../save-file.js';
import { runLocal, useRunSettings } from '../run-settings-store.js';

type Validation = CommandResult<'runs.validate'>;
/** A language of the run with, where the user chose them, its country and probe set (blank: the defaults). */
type LanguageEntry = { language: string; country?: string | undefined; probeSet?: string | undefined };

const ESTIMATOR_LABELS: Record<(typeof ESTIMATORS)[number], string> = {
  sampled: 'sampled',
  tree: 'tree (local models)',
  exact: 'exact',
};

function languagesOf(config: RunConfigDraft): LanguageEntry[] {
  return (config.languages ?? []).map((entry) => (typeof entry === 'string' ? { language: entry } : entry));
}

/** The numbers of 'Every other setting' after n and the estimator, in the order shown. */
const NUMBER_FIELDS: readonly { name: NumberKey; label: string; step?: 'any' }[] = [
  { name: 'k', label: 'Demonstrations (k)' },
  { name: 'maxTokens', label: 'Response limit (tokens)' },
  { name: 'errorBound', label: 'Error bound (exact)', step: 'any' },
  { name: 'maxEvaluations', label: 'Most evaluations per prompt (exact)' },
  { name: 'misalignmentThreshold', label: 'Misaligned below', step: 'any' },
  { name: 'contestedMargin', label: 'Contested margin', step: 'any' },
  { name: 'seed', label: 'Seed' },
  { name: 'concurrency', label: 'Concurrency' },
];

export function NewRunScreen({ from }: { from?: string | undefined }) {
  const loaded = useCommand(
    async (c) => {
      const [models, surveys, sets, info, source] = await Promise.all([
        c.models.list(),
        c.surveys.list(),
        c.probes.listSets(),
        c.app.info(),
        from ? c.runs.get({ runId: from }) : Promise.resolve(null),
      ]);
      return { models, surveys, sets, info, source };
    },
    [from],
  );
  return (
    <section aria-labelledby="new-run-heading">
      <header className="screen-header">
        <h2 id="new-run-heading">New run</h2>
      </header>
      <Show loaded={loaded} what="the models, surveys and probe sets">
        {(data) => <RunForm {...data} />}
      </Show>
    </section>
  );
}

function RunForm({
  models,
  surveys,
  sets,
  info,
  source,
}: {
  models: CommandResult<'models.list'>;
  surveys: CommandResult<'surveys.list'>;
  sets: CommandResult<'probes.listSets'>;
  info: CommandResult<'app.info'>;
  source: CommandResult<'runs.get'> | null;
}) {
  const [config, setConfig] = useState<RunConfigDraft>(() =>
    source ? { ...source.config } : initialConfig(models, surveys),
  );
  const [validation, setValidation] = useState<Validation | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const navigate = useRoute((s) => s.navigate);
  const { vocabulary } = info;

  // Checked by the engine as it is typed, a moment after the last change.
  useEffect(() => {
    const timer = setTimeout(() => {
      client()
        ?.runs.validate({ config })
        .then(setValidation, (error: unknown) =>
          setValidation({
            ok: false,
            problems: [{ path: 'configuration', message: errorText(error) }],
            config: null,
            work: null,
          }),
        );
    }, 250);
    return () => clearTimeout(timer);
  }, [config]);

  /** Sets a field; undefined, an empty text or a number that is not one clears it (the engine's default then). */
  const set = <K extends keyof RunConfigDraft>(key: K, value: RunConfigDraft[K] | undefined) =>
    setConfig((c) => {
      const next = { ...c };
      if (value === undefined || value === '' || (typeof value === 'number' && Number.isNaN(value))) delete next[key];
      else next[key] = value;
      return next;
    });
  const filled: RunConfigFilled | null = validation?.config ?? null;
  /** A field as typed, else as the engine filled it in, else the fallback. */
  const value = <K extends keyof RunConfigDraft & keyof RunConfigFilled>(
    key: K,
    fallback: NonNullable<RunConfigFilled[K]>,
  ): NonNullable<RunConfigDraft[K]> | NonNullable<RunConfigFilled[K]> => config[key] ?? filled?.[key] ?? fallback;
  /** Adds an item to a list field, or takes it out, keeping the order of every item there is. */
  const toggle = <K extends 'models' | 'strategies' | 'categories'>(
    key: K,
    item: NonNullable<RunConfigFilled[K]>[number],
    all: readonly NonNullable<RunConfigFilled[K]>[number][],
  ) => {
    const current: readonly unknown[] = config[key] ?? filled?.[key] ?? [];
    const next = current.includes(item) ? current.filter((x) => x !== item) : [...current, item];
    set(key, all.filter((x) => next.includes(x)) as RunConfigDraft[K]);
  };
  const problemsAt = (prefix: string) =>
    (validation?.problems ?? []).filter((p) => p.path === prefix || p.path.startsWith(`${prefix}.`));

  const languageSets = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const s of sets) for (const language of s.languages) map.set(language, [...(map.get(language) ?? []), s.name]);
    return map;
  }, [sets]);
  const chosen = languagesOf(config);
  const setLanguages = (entries: LanguageEntry[]) =>
    set(
      'languages',
      entries.map(({ language, country, probeSet }) => ({
        language,
        ...(country ? { country } : {}),
        ...(probeSet ? { probeSet } : {}),
      })),
    );
  const protocol = value('protocol', 'paper');
  const strategies = vocabulary.strategies;
  const categories = vocabulary.categories;

  const start = async () => {
    setStartError(null);
    setStarting(true);
    try {
      const started = await client()!.runs.start({ config, ...runLocal(useRunSettings.getState().settings) });
      rememberWarnings(started.runId, started.warnings);
      navigate({ screen: 'run', runId: started.runId, tab: 'overview', query: {} });
    } catch (error) {
      setStartError(errorText(error));
    } finally {
      setStarting(false);
    }
  };

  const save = () => {
    saveText('run-config.json', 'application/json', JSON.stringify(config, null, 2));
  };
  const load = async (file: File | undefined) => {
    if (!file) return;
    try {
      const parsed = JSON.parse(await file.text()) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('the file holds no JSON object');
      // Whatever the file holds goes to the engine, which names every field it cannot take.
      setConfig(parsed as RunConfigDraft);
    } catch (error) {
      setStartError(`${file.name} is not a run configuration: ${errorText(error)}`);
    }
  };

  return (
    <form
      className="run-form"
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <fieldset>
        <legend>Protocol</legend>
        <div className="choices">
          {vocabulary.protocols.map((p) => (
            <label key={p.name} className="choice">
              <input
                type="radio"
                name="protocol"
                value={p.name}
                checked={protocol === p.name}
                onChange={() => set('protocol', p.name)}
              />
              <span>
                <strong>{p.name}</strong> —{' '}
                {p.name === 'paper'
                  ? `the paper's procedure: ${p.n} sampled responses per prompt, misaligned below 100%`
                  : `exact probabilities (local models; API models with log-probabilities), the paper's rule in expectation at n = ${p.n}`}
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend>What to measure</legend>
        <Field
          label="Models"
          hint={models.length === 0 ? 'No model registered yet: add one on the Models screen.' : undefined}
        >
          <div className="choices inline">
            {models.map((m) => (
              <label key={m.name} className="choice">
                <input
                  type="checkbox"
                  checked={value('models', []).includes(m.name)}
                  onChange={() =>
                    toggle(
                      'models',
                      m.name,
                      models.map((x) => x.name),
                    )
                  }
                />
                {m.name} <span className="muted small">({m.kind})</span>
              </label>
            ))}
          </div>
          <Problems list={problemsAt('models')} />
        </Field>
        <SelectField
          id="survey"
          label="Survey (target answers)"
          value={value('survey', '')}
          onChange={(name) => set('survey', name)}
          options={[
            { value: '', label: '— choose a survey import —' },
            ...surveys.map((s) => ({ value: s.name, label: `${s.name} (${s.countries.length} countries)` })),
          ]}
          hint={<Problems list={problemsAt('survey')} />}
        />
        <Field label="Languages and their countries" hint="A blank country is the paper's country for the language.">
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">Language</th>
                <th scope="col">Country (ISO alpha-3)</th>
                <th scope="col">Probe set</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {chosen.map((entry, i) => (
                <tr key={`${entry.language}-${i}`}>
                  <td>{entry.language}</td>
                  <td>
                    <input
                      aria-label={`Country of ${entry.language}`}
                      size={5}
                      value={entry.country ?? ''}
                      placeholder={vocabulary.defaultCountries[entry.language] ?? 'e.g. DEU'}
                      onChange={(e) =>
                        setLanguages(
                          chosen.map((x, j) => (j === i ? { ...x, country: e.target.value.toUpperCase() } : x)),
                        )
                      }
                    />
                  </td>
                  <td>
                    <select
                      aria-label={`Probe set of ${entry.language}`}
                      value={entry.probeSet ?? ''}
                      onChange={(e) =>
                        setLanguages(chosen.map((x, j) => (j === i ? { ...x, probeSet: e.target.value } : x)))
                      }
                    >
                      <option value="">{value('probeSet', 'builtin')} (the run's)</option>
                      {(languageSets.get(entry.language) ?? []).map((name) => (
                        <option key={name} value={name}>
                          {name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => setLanguages(chosen.filter((_, j) => j !== i))}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="add-language">
            <label htmlFor="add-language">Add a language</label>{' '}
            <select
              id="add-language"
              value=""
              onChange={(e) => {
                const [language, probeSet] = e.target.value.split('|') as [string, string];
                if (language)
                  setLanguages([
                    ...chosen,
                    { language, ...(probeSet !== value('probeSet', 'builtin') ? { probeSet } : {}) },
                  ]);
              }}
            >
              <option value="">— choose —</option>
              {[...languageSets.entries()]
                .sort(([a], [b]) => a.localeCompare(b))
                .flatMap(([language, names]) =>
                  names.map((name) => (
                    <option
                      key={`${language}|${name}`}
                      value={`${language}|${name}`}
                      disabled={chosen.some((c) => c.language === language)}
                    >
                      {language} ({name})
                    </option>
                  )),
                )}
            </select>
          </div>
          <Problems list={problemsAt('languages')} />
        </Field>
        <Field label="Strategies">
          <div className="choices inline">
            {strategies.map((s) => (
              <label key={s} className="choice">
                <input
                  type="checkbox"
                  checked={value('strategies', [...strategies]).includes(s)}
                  onChange={() => toggle('strategies', s, strategies)}
                />
                {conditionLabel(s)}
              </label>
            ))}
            <label className="choice">
              <input
                type="checkbox"
                checked={value('retest', true)}
                onChange={(e) => set('retest', e.target.checked)}
              />
              re-test control <span className="muted small">(the zero-shot prompt measured again)</span>
            </label>
          </div>
          <Problems list={problemsAt('strategies')} />
        </Field>
        <Field label="WVS categories">
          <div className="choices columns">
            {categories.map((c) => (
              <label key={c.number} className="choice">
                <input
                  type="checkbox"
                  checked={value(
                    'categories',
                    categories.filter((x) => !x.excludedByDefault).map((x) => x.number),
                  ).includes(c.number)}
                  onChange={() =>
                    toggle(
                      'categories',
                      c.number,
                      categories.map((x) => x.number),
                    )
                  }
                />
                {c.number}. {c.name}
              </label>
            ))}
          </div>
          <Problems list={problemsAt('categories')} />
        </Field>
      </fieldset>

      <details className="advanced">
        <summary>Every other setting</summary>
        <div className="grid-fields">
          <NumberField
            label="Responses per prompt (n)"
            name="n"
            config={config}
            filled={filled}
            set={set}
            problems={problemsAt('n')}
          />
          <SelectField
            id="estimator"
            label="Estimator"
            value={config.estimator ?? ''}
            onChange={(estimator) => set('estimator', estimator || undefined)}
            options={[
              { value: '', label: `the protocol's (${filled?.estimator ?? '…'})` },
              ...ESTIMATORS.map((estimator) => ({ value: estimator, label: ESTIMATOR_LABELS[estimator] })),
            ]}
          />
          {NUMBER_FIELDS.map(({ name, label, step }) => (
            <NumberField
              key={name}
              label={label}
              name={name}
              step={step}
              config={config}
              filled={filled}
              set={set}
              problems={problemsAt(name)}
            />
          ))}
        </div>
        <div className="choices">
          <Check
            label="Send chat messages (off: the plain prompt)"
            checked={value('chat', true)}
            onChange={(v) => set('chat', v)}
          />
          <Check
            label="Shuffle the demonstrations"
            checked={value('shuffleDemonstrations', false)}
            onChange={(v) => set('shuffleDemonstrations', v)}
          />
          <Check
            label="Include probes that are invalid as published"
            checked={value('includeInvalidItems', false)}
            onChange={(v) => set('includeInvalidItems', v)}
          />
          {(['optionOrder', 'demonstrationOrder', 'randomDemonstrations'] as const).map((key) => {
            const perDraw = value('perDraw', {
              optionOrder: true,
              demonstrationOrder: true,
              randomDemonstrations: true,
            });
            const labels = {
              optionOrder: 'option order',
              demonstrationOrder: 'demonstration order',
              randomDemonstrations: 'random demonstrations',
            };
            return (
              <Check
                key={key}
                label={`Draw the ${labels[key]} anew for each response`}
                checked={perDraw[key] ?? true}
                onChange={(v) => set('perDraw', { ...perDraw, [key]: v })}
              />
            );
          })}
          {(() => {
            const explanations = value('explanations', {
              enabled: false,
              perProbe: 1,
              maxTokens: 128,
            });
            return (
              <Check
                label="Ask for explanations of improved and worsened probes"
                checked={explanations.enabled === true}
                onChange={(v) => set('explanations', { ...explanations, enabled: v })}
              />
            );
          })()}
        </div>
        <Problems
          list={(validation?.problems ?? []).filter(
            (p) =>
              ![
                'models',
                'survey',
                'languages',
                'strategies',
                'categories',
                'n',
                ...NUMBER_FIELDS.map((f) => f.name),
              ].some((k) => p.path === k || p.path.startsWith(`${k}.`)),
          )}
        />
      </details>

      <Summary validation={validation} />

      {startError && <ErrorNotice>{startError}</ErrorNotice>}
      <div className="form-actions">
        <button type="submit" className="primary" data-testid="new-run-start" disabled={!validation?.ok || starting}>
          {starting ? 'Starting…' : 'Start the run'}
        </button>
        <button type="button" onClick={save}>
          Save as JSON
        </button>
        <label className="button">
          Load JSON
          <input
            type="file"
            accept="application/json,.json"
            className="visually-hidden"
            onChange={(e) => void load(e.target.files?.[0])}
          />
        </label>
      </div>
    </form>
  );
}

function Problems({ list }: { list: { path: string; message: string }[] }) {
  if (list.length === 0) return null;
  return (
    <ul className="problems" role="alert">
      {list.map((p) => (
        <li key={`${p.path}:${p.message}`}>
          <code>{p.path}</code>: {p.message}
        </li>
      ))}
    </ul>
  );
}

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange: (value: boolean) => void }) {
  return (
    <label className="choice">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}

function NumberField({
  label,
  name,
  config,
  filled,
  set,
  problems,
  step,
}: {
  label: string;
  name: NumberKey;
  config: RunConfigDraft;
  filled: RunConfigFilled | null;
  set: (key: NumberKey, value: number | undefined) => void;
  problems: { path: string; message: string }[];
  step?: 'any' | undefined;
}) {
  const id = `field-${name}`;
  const raw = config[name];
  return (
    <Field label={label} htmlFor={id}>
      <input
        id={id}
        type="number"
        step={step ?? '1'}
        value={typeof raw === 'number' ? raw : ''}
        placeholder={filled?.[name] !== undefined ? String(filled[name]) : ''}
        onChange={(e) => set(name, e.target.value === '' ? undefined : Number(e.target.value))}
      />
      <Problems list={problems} />
    </Field>
  );
}

/** The matrix the run will measure and what it costs, from the engine's filled-in configuration. */
function Summary({ validation }: { validation: Validation | null }) {
  if (!validation) return <p className="muted">Checking the configuration…</p>;
  const config = validation.config;
  return (
    <div className="summary">
      {validation.problems.length > 0 && (
        <div className="notice error" data-testid="new-run-errors" role="alert">
          <strong>
            {validation.problems.length} {validation.problems.length === 1 ? 'problem' : 'problems'} to fix before the
            run can start:
          </strong>
          <ul>
            {validation.problems.map((p) => (
              <li key={`${p.path}:${p.message}`}>
                <code>{p.path}</code>: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {config && validation.work && (
        <div data-testid="new-run-estimate" className="estimate">
          <h3>The run</h3>
          <p>
            {config.models.join(', ')} × {config.languages.map((l) => `${l.language}/${l.country}`).join(', ')} ×{' '}
            {[...config.strategies.map(conditionLabel), ...(config.retest ? ['re-test control'] : [])].join(', ')};{' '}
            {config.estimator}, n = {config.n}.
          </p>
          <p>
            <strong>{validation.work.zeroShot.toLocaleString('en')}</strong> zero-shot measurements, then at most{' '}
            <strong>{validation.work.selfAlignedAtMost.toLocaleString('en')}</strong> self-aligned ones (only misaligned
            probes are self-aligned): at most <strong>{validation.work.measurementsAtMost.toLocaleString('en')}</strong>{' '}
            in all.
          </p>
          <p className="muted">
            {validation.work.estimatedSecondsAtMost === null
              ? 'No estimate of the time yet: this database has no earlier measurement of these models with this estimator.'
              : `At most about ${formatSeconds(validation.work.estimatedSecondsAtMost)} (${validation.work.secondsPerMeasurement!.toFixed(2)} s per measurement in earlier runs).`}
          </p>
        </div>
      )}
    </div>
  );
}
