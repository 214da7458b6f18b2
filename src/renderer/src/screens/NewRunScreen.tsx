// A run configuration as a form: the protocol first, then what to measure (models × languages with their
// countries × strategies), then every other field. The engine checks it as it is typed (runs.validate): its
// problems appear inline, with the work the run implies and an estimated time. Save and load it as JSON.
import { Fragment, useEffect, useMemo, useState } from 'react';
import type { CommandResult } from '../../../shared/contract.js';
import { conditionLabel } from '../../../shared/charts/index.js';
import { ESTIMATORS, languageName } from '../../../shared/method.js';
import { Field, SelectField, TextField } from '../components/Field.js';
import { counted, ErrorNotice, formatSeconds, Show } from '../components/Status.js';
import { useRoute } from '../route-store.js';
import { client, errorText, useCommand } from '../use-command.js';
import { rememberWarnings } from '../start-warnings.js';
import { initialConfig, type NumberKey, type RunConfigDraft, type RunConfigFilled } from '../new-run-config.js';
import { saveText } from '../save-file.js';
import { NewRunControls } from './NewRunControls.js';
import { runLocal, useRunSettings } from '../run-settings-store.js';

type Validation = CommandResult<'runs.validate'>;
/** A language of the run with, where the user chose them, its country and probe set (blank: the defaults). */
type LanguageEntry = {
  language: string;
  country?: string | undefined;
  probeSet?: string | undefined;
  survey?: string | undefined;
};

const ESTIMATOR_LABELS: Record<(typeof ESTIMATORS)[number], string> = {
  sampled: 'sampled',
  tree: 'tree (local models)',
  exact: 'exact',
};

function languagesOf(config: RunConfigDraft): LanguageEntry[] {
  return (config.languages ?? []).map((entry) => (typeof entry === 'string' ? { language: entry } : entry));
}

/** The numbers of 'Every other setting' after n and the estimator, in the order shown. */
/**
 * The numbers of 'Every other setting' after n and the estimator, in the order shown, each with its unit. A share
 * is typed as a share (0.5) and shown beside it as a percentage, as the run configuration stores it.
 */
const NUMBER_FIELDS: readonly { name: NumberKey; label: string; unit: 'share' | string; step?: 'any' }[] = [
  { name: 'k', label: 'Demonstrations per prompt (k)', unit: 'demonstrations' },
  { name: 'maxTokens', label: 'Response limit', unit: 'tokens' },
  { name: 'misalignmentThreshold', label: 'Misaligned below', unit: 'share', step: 'any' },
  { name: 'contestedMargin', label: 'Contested below a margin of', unit: 'share', step: 'any' },
  { name: 'unreadableThreshold', label: 'Mostly unreadable from', unit: 'share', step: 'any' },
  { name: 'errorBound', label: 'Error bound of exact estimates', unit: 'probability', step: 'any' },
  { name: 'maxEvaluations', label: 'Most evaluations per exact estimate', unit: 'token evaluations' },
  { name: 'seed', label: 'Seed', unit: 'a whole number' },
  { name: 'concurrency', label: 'Requests at once', unit: 'requests' },
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
  // The run's name and notes are the researcher's, not part of its configuration (they change no result).
  const [runName, setRunName] = useState('');
  const [runNotes, setRunNotes] = useState('');
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
      entries.map(({ language, country, probeSet, survey }) => ({
        language,
        ...(country ? { country } : {}),
        ...(probeSet ? { probeSet } : {}),
        ...(survey ? { survey } : {}),
      })),
    );
  const protocol = value('protocol', 'paper');
  const [editing, setEditing] = useState<number | null>(null);
  const templates: Record<string, PromptTemplate> = config.promptTemplates ?? {};
  const strategies = vocabulary.strategies;
  const categories = vocabulary.categories;

  const start = async () => {
    setStartError(null);
    setStarting(true);
    try {
      const started = await client()!.runs.start({
        config,
        ...runLocal(useRunSettings.getState().settings),
        ...(runName.trim() ? { name: runName } : {}),
        ...(runNotes.trim() ? { notes: runNotes } : {}),
      });
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
        <legend>The run</legend>
        <div className="field-row">
          <TextField
            id="new-run-name"
            label="Name (optional)"
            className="wide"
            value={runName}
            placeholder="e.g. English and Turkish, categories 1–2"
            onChange={setRunName}
          />
        </div>
        <Field label="Notes (optional)" htmlFor="new-run-notes">
          <textarea id="new-run-notes" rows={2} value={runNotes} onChange={(e) => setRunNotes(e.target.value)} />
        </Field>
      </fieldset>

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
            ...surveys.map((s) => ({
              value: s.name,
              label: `${s.name} (${counted(s.countries.length, 'country', 'countries')})`,
            })),
          ]}
          hint={<Problems list={problemsAt('survey')} />}
        />
        <Field
          label="Languages, their countries and targets"
          hint="A blank country is the paper's country for the language; a blank survey is the run's. Each language's prompt is the workbench's English one until you give it its own."
        >
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">Language</th>
                <th scope="col">Country (ISO alpha-3)</th>
                <th scope="col">Probe set</th>
                <th scope="col">Survey (targets)</th>
                <th scope="col">Instruction</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {chosen.map((entry, i) => (
                <Fragment key={`${entry.language}-${i}`}>
                  <tr>
                    <td>
                      {entry.language} <span className="muted small">{languageName(entry.language)}</span>
                    </td>
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
                      <select
                        aria-label={`Survey of ${entry.language}`}
                        value={entry.survey ?? ''}
                        onChange={(e) =>
                          setLanguages(chosen.map((x, j) => (j === i ? { ...x, survey: e.target.value } : x)))
                        }
                      >
                        <option value="">{value('survey', '') || '—'} (the run's)</option>
                        {surveys.map((s) => (
                          <option key={s.name} value={s.name}>
                            {s.name}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <button
                        type="button"
                        className="link"
                        aria-expanded={editing === i}
                        data-testid={`instruction-${entry.language}`}
                        onClick={() => setEditing(editing === i ? null : i)}
                      >
                        {templates[entry.language] ? 'its own (edit)' : 'English (translate…)'}
                      </button>
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
                  {editing === i && (
                    <tr className="template-editor-row">
                      <td colSpan={6}>
                        <TemplateEditor
                          language={entry.language}
                          template={templates[entry.language] ?? vocabulary.defaultPromptTemplate}
                          others={Object.keys(templates).filter((l) => l !== entry.language)}
                          templateOf={(l) => templates[l]!}
                          isOwn={templates[entry.language] !== undefined}
                          onChange={(template) => set('promptTemplates', { ...templates, [entry.language]: template })}
                          onReset={() => {
                            const { [entry.language]: _dropped, ...rest } = templates;
                            set('promptTemplates', rest);
                          }}
                          problems={problemsAt(`promptTemplates.${entry.language}`)}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
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
        <NewRunControls
          controls={config.controls ?? []}
          onChange={(controls) => set('controls', controls.length > 0 ? controls : undefined)}
          problems={<Problems list={problemsAt('controls')} />}
        />
        <Field label="Explanations">
          {(() => {
            const given = value('explanations', { enabled: false, perProbe: 1, maxTokens: 128 });
            const explanations = {
              enabled: given.enabled ?? false,
              perProbe: given.perProbe ?? 1,
              maxTokens: given.maxTokens ?? 128,
            };
            const atMost = validation?.work ? validation.work.selfAlignedAtMost * explanations.perProbe : null;
            return (
              <div className="choices">
                <Check
                  label="Ask for the model's explanations of the improved and worsened probes"
                  checked={explanations.enabled}
                  onChange={(v) => set('explanations', { ...explanations, enabled: v })}
                />
                <p className="hint muted small" data-testid="explanations-cost">
                  After the self-aligned phase: {explanations.perProbe} more{' '}
                  {explanations.perProbe === 1 ? 'response' : 'responses'} of up to {explanations.maxTokens} tokens per
                  improved or worsened probe and strategy (or control)
                  {atMost !== null ? `, at most ${atMost.toLocaleString('en')} in all` : ''}. They are what the
                  Explanations tab shows (the paper's Table 2).
                </p>
              </div>
            );
          })()}
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
            unit="responses"
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
          {NUMBER_FIELDS.map(({ name, label, unit, step }) => (
            <NumberField
              key={name}
              label={label}
              unit={unit}
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
            label="Include probes that are invalid as published"
            checked={value('includeInvalidItems', false)}
            onChange={(v) => set('includeInvalidItems', v)}
          />
        </div>
        {(() => {
          const given = value('perDraw', { optionOrder: true, demonstrationOrder: true, randomDemonstrations: true });
          const perDraw = {
            optionOrder: given.optionOrder ?? true,
            demonstrationOrder: given.demonstrationOrder ?? true,
            randomDemonstrations: given.randomDemonstrations ?? true,
          };
          const shuffled = value('shuffleDemonstrations', false);
          const setPerDraw = (key: keyof typeof perDraw, on: boolean) => set('perDraw', { ...perDraw, [key]: on });
          return (
            <fieldset className="choices">
              <legend>What each of the n responses to a probe gets anew (the paper builds each prompt anew)</legend>
              <Check
                label="A new order of the two options (off: one order for all n responses of a probe)"
                checked={perDraw.optionOrder}
                onChange={(v) => setPerDraw('optionOrder', v)}
              />
              <Check
                label="New demonstrations for the random strategies (off: one set of k for all n responses)"
                checked={perDraw.randomDemonstrations}
                onChange={(v) => setPerDraw('randomDemonstrations', v)}
              />
              <Check
                label="Shuffle the demonstrations' order (the paper's robustness check; off: the order the strategy ranked them in)"
                checked={shuffled}
                onChange={(v) => set('shuffleDemonstrations', v)}
              />
              <Check
                label="…and shuffle them anew for each response (off: one shuffled order for all n responses)"
                checked={perDraw.demonstrationOrder}
                disabled={!shuffled}
                onChange={(v) => setPerDraw('demonstrationOrder', v)}
              />
            </fieldset>
          );
        })()}
        <Problems
          list={(validation?.problems ?? []).filter(
            (p) =>
              ![
                'models',
                'survey',
                'languages',
                'strategies',
                'controls',
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
        <li key={`${p.path}:${p.message}`}>{p.message}</li>
      ))}
    </ul>
  );
}

function Check({
  label,
  checked,
  onChange,
  disabled = false,
}: {
  label: string;
  checked: boolean;
  onChange: (value: boolean) => void;
  disabled?: boolean;
}) {
  return (
    <label className={disabled ? 'choice muted' : 'choice'}>
      <input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />{' '}
      {label}
    </label>
  );
}

function NumberField({
  label,
  unit = '',
  name,
  config,
  filled,
  set,
  problems,
  step,
}: {
  label: string;
  /** What the number counts, shown beside it; 'share' shows the value as a percentage too. */
  unit?: string;
  name: NumberKey;
  config: RunConfigDraft;
  filled: RunConfigFilled | null;
  set: (key: NumberKey, value: number | undefined) => void;
  problems: { path: string; message: string }[];
  step?: 'any' | undefined;
}) {
  const id = `field-${name}`;
  const raw = config[name];
  const shown = typeof raw === 'number' ? raw : filled?.[name];
  const unitText =
    unit === 'share'
      ? typeof shown === 'number' && Number.isFinite(shown)
        ? `share: ${formatPercent(shown)}`
        : 'share (1 = 100%)'
      : unit;
  return (
    <Field label={label} htmlFor={id}>
      <span className="number-with-unit">
        <input
          id={id}
          type="number"
          step={step ?? '1'}
          value={typeof raw === 'number' ? raw : ''}
          placeholder={filled?.[name] !== undefined ? String(filled[name]) : ''}
          aria-describedby={unitText ? `${id}-unit` : undefined}
          onChange={(e) => set(name, e.target.value === '' ? undefined : Number(e.target.value))}
        />
        {unitText && (
          <span id={`${id}-unit`} className="muted small" data-testid={`unit-${name}`}>
            {unitText}
          </span>
        )}
      </span>
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
              <li key={`${p.path}:${p.message}`}>{p.message}</li>
            ))}
          </ul>
        </div>
      )}
      {config && validation.work && (
        <div data-testid="new-run-estimate" className="estimate">
          <h3>The run</h3>
          <p>
            {config.models.join(', ')} × {config.languages.map((l) => `${l.language}/${l.country}`).join(', ')} ×{' '}
            {[
              ...config.strategies.map(conditionLabel),
              ...(config.retest ? ['re-test control'] : []),
              ...config.controls.map(conditionLabel),
            ].join(' · ')}
            ; {config.estimator}, n = {config.n}.
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

/** A share as the percentage a person reads: 1 → "100%", 0.999 → "99.9%", 0.9989... → "99.89%". */
function formatPercent(share: number): string {
  const percent = share * 100;
  for (const digits of [0, 1, 2, 3]) {
    const text = percent.toFixed(digits);
    if (Math.abs(Number(text) - percent) < 1e-9 * Math.max(1, Math.abs(percent))) return `${text}%`;
  }
  return `${percent.toFixed(3)}%`;
}

type PromptTemplate = CommandResult<'app.info'>['vocabulary']['defaultPromptTemplate'];

/**
 * A language's prompt: the instruction (with the two options' places), the line asking for an explanation, the
 * answer cue and the persona controls' sentence, starting from the workbench's English or copied from another language of this run. The engine
 * checks the placeholders as it is typed.
 */
function TemplateEditor({
  language,
  template,
  others,
  templateOf,
  isOwn,
  onChange,
  onReset,
  problems,
}: {
  language: string;
  template: PromptTemplate;
  others: string[];
  templateOf: (language: string) => PromptTemplate;
  isOwn: boolean;
  onChange: (template: PromptTemplate) => void;
  onReset: () => void;
  problems: { path: string; message: string }[];
}) {
  const field = (
    key: 'instruction' | 'explanationInstruction' | 'answerCue' | 'persona',
    label: string,
    rows: number,
  ) => (
    <Field label={label} htmlFor={`template-${language}-${key}`}>
      <textarea
        id={`template-${language}-${key}`}
        rows={rows}
        value={template[key] ?? ''}
        onChange={(e) => {
          // An emptied persona sentence is Tao et al.'s English again, not a sentence that names no country.
          const { persona: _persona, ...rest } = template;
          onChange(key === 'persona' && e.target.value === '' ? rest : { ...template, [key]: e.target.value });
        }}
      />
    </Field>
  );
  return (
    <div className="template-editor" data-testid={`template-editor-${language}`}>
      <p className="small muted">
        The prompt of {languageName(language)} ({language}). Keep <code>{'{first_option}'}</code> and{' '}
        <code>{'{second_option}'}</code> where the two options go; they are filled in the probe's language.
      </p>
      {field('instruction', 'Instruction', 3)}
      {field('explanationInstruction', 'Asking for an explanation', 2)}
      {field('answerCue', 'Answer cue (what the model continues from)', 1)}
      {field(
        'persona',
        "Persona sentence (the persona controls; {country} is the country's name; empty: Tao et al.'s English)",
        2,
      )}
      <div className="actions">
        {others.length > 0 && (
          <label>
            Copy from{' '}
            <select value="" onChange={(e) => e.target.value && onChange({ ...templateOf(e.target.value) })}>
              <option value="">— a language of this run —</option>
              {others.map((l) => (
                <option key={l} value={l}>
                  {l} ({languageName(l)})
                </option>
              ))}
            </select>
          </label>
        )}
        {isOwn && (
          <button type="button" className="link" onClick={onReset}>
            Back to the workbench's English
          </button>
        )}
      </div>
      <Problems list={problems} />
    </div>
  );
}
