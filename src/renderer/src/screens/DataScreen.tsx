// Importing what a run needs: a probe set and a survey file, each first as a preview (languages and counts,
// flagged probes with reasons, countries and respondents, errors with file and line) and stored only on
// confirmation; the imports held; and a targets browser (country × probe: the majority, shares, margin, or why
// the target is unknown).
import { useEffect, useState } from 'react';
import type { CommandResult } from '../../../shared/contract.js';
import { optionsOf, SelectField, TextField } from '../components/Field.js';
import { PathField } from '../components/PathField.js';
import { counted, ErrorNotice, ProgressBar, Show } from '../components/Status.js';
import { client, errorText, useCommand } from '../use-command.js';

export function DataScreen() {
  const sets = useCommand((c) => c.probes.listSets(), []);
  const surveys = useCommand((c) => c.surveys.list(), []);
  return (
    <section aria-labelledby="data-heading">
      <header className="screen-header">
        <h2 id="data-heading">Data</h2>
      </header>
      <div className="two-columns">
        <ProbeImport onStored={sets.reload} />
        <SurveyImport onStored={surveys.reload} />
      </div>
      <section aria-labelledby="sets-heading">
        <h3 id="sets-heading">Probe sets</h3>
        <Show loaded={sets} what="the probe sets">
          {(list) => (
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Format</th>
                  <th scope="col">Languages</th>
                  <th scope="col">Probes (usable)</th>
                  <th scope="col">Imported</th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.name}>
                    <td>{s.name}</td>
                    <td>{s.format}</td>
                    <td>{s.languages.join(', ')}</td>
                    <td>
                      {s.probes} ({s.usable})
                    </td>
                    <td className="small">{s.importedAt.slice(0, 10)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Show>
      </section>
      <section aria-labelledby="surveys-heading">
        <h3 id="surveys-heading">Survey imports</h3>
        <Show loaded={surveys} what="the survey imports">
          {(list) =>
            list.length === 0 ? (
              <p className="muted">
                No survey yet: import the WVS microdata file or the per-country answer shares above.
              </p>
            ) : (
              <table className="table compact">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Format</th>
                    <th scope="col">Countries</th>
                    <th scope="col">Respondents</th>
                    <th scope="col">Imported</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((s) => (
                    <tr key={s.name}>
                      <td>{s.name}</td>
                      <td>
                        {s.format}
                        {s.weightColumn ? `, weighted by ${s.weightColumn}` : ''}
                      </td>
                      <td className="ellipsis" title={s.countries.join(', ')}>
                        {s.countries.length}: {s.countries.slice(0, 12).join(', ')}
                        {s.countries.length > 12 ? ', …' : ''}
                      </td>
                      <td>
                        {s.respondents.some((c) => c.respondents !== null)
                          ? s.respondents.reduce((sum, c) => sum + (c.respondents ?? 0), 0).toLocaleString('en')
                          : '— (answer shares)'}
                      </td>
                      <td className="small">{s.importedAt.slice(0, 10)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Show>
      </section>
      {sets.data && surveys.data && surveys.data.length > 0 && (
        <TargetsBrowser sets={sets.data} surveys={surveys.data} />
      )}
    </section>
  );
}

/**
 * An import in two steps: a preview that stores nothing, then the same import stored. Whatever fails clears the
 * preview, so that what is on the screen is what would be stored.
 */
function usePreviewThenStore<Result>(importIt: (preview: boolean) => Promise<Result>, onStored: () => void) {
  const [preview, setPreview] = useState<Result | null>(null);
  const [stored, setStored] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (previewOnly: boolean) => {
    setError(null);
    setBusy(true);
    if (previewOnly) setStored(null);
    try {
      const result = await importIt(previewOnly);
      if (previewOnly) setPreview(result);
      else {
        setStored(result);
        setPreview(null);
        onStored();
      }
    } catch (e) {
      setError(errorText(e));
      setPreview(null);
    } finally {
      setBusy(false);
    }
  };
  return { preview, stored, error, busy, run };
}

function ProbeImport({ onStored }: { onStored: () => void }) {
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const { preview, stored, error, busy, run } = usePreviewThenStore(
    (previewOnly) => client()!.probes.import({ path, preview: previewOnly, ...(name ? { name } : {}) }),
    onStored,
  );
  return (
    <section className="card" aria-labelledby="import-probes-heading" data-testid="import-probes">
      <h3 id="import-probes-heading">Import a probe set</h3>
      <p className="muted small">
        Arora et al.'s probes.zip (or its folder), one of its &lt;language&gt;.csv files, or a CSV of your own.
      </p>
      <PathField
        id="probe-path"
        label="File or folder"
        value={path}
        onChange={setPath}
        placeholder="/data/probes.zip"
        choices={[
          { purpose: 'probe-file', label: 'Choose file…' },
          { purpose: 'probe-folder', label: 'Choose folder…' },
        ]}
      />
      <TextField
        id="probe-name"
        label="Name (optional)"
        value={name}
        placeholder="from the file name"
        onChange={setName}
      />
      <button type="button" disabled={!path || busy} onClick={() => void run(true)}>
        Preview
      </button>
      {error && <ErrorNotice testId="import-error">{error}</ErrorNotice>}
      {preview && (
        <div className="preview" data-testid="import-preview">
          <p>
            <strong>{preview.name}</strong> ({preview.format}): {preview.probes.toLocaleString('en')} probes in{' '}
            {preview.languages.length} languages ({preview.languages.join(', ')}), {preview.usable.toLocaleString('en')}{' '}
            usable.
          </p>
          {preview.flaggedProbes.length > 0 && (
            <details>
              <summary>{preview.flaggedProbes.length} probes flagged as unusable, with the reason</summary>
              <ul className="small">
                {preview.flaggedProbes.slice(0, 200).map((f) => (
                  <li key={`${f.language}-${f.id}`}>
                    {f.language} {f.id}: {f.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {preview.duplicateTemplates.length > 0 && (
            <p className="muted small">
              {preview.duplicateTemplates.length} statements appear more than once in a language.
            </p>
          )}
          <button type="button" className="primary" disabled={busy} onClick={() => void run(false)}>
            Store {preview.name}
          </button>
        </div>
      )}
      {stored && (
        <p className="notice success" role="status">
          Stored {stored.name}: {stored.probes.toLocaleString('en')} probes in {stored.languages.length} languages.
        </p>
      )}
    </section>
  );
}

function SurveyImport({ onStored }: { onStored: () => void }) {
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [format, setFormat] = useState<'' | 'microdata' | 'aggregate'>('');
  const [progress, setProgress] = useState<{
    phase: string;
    done: number;
    total: number;
    rate: number;
    etaSeconds: number | null;
  } | null>(null);
  const { preview, stored, error, busy, run } = usePreviewThenStore((previewOnly) => {
    setProgress(null);
    return client()!.surveys.import({
      path,
      preview: previewOnly,
      ...(name ? { name } : {}),
      ...(format ? { format } : {}),
    });
  }, onStored);
  useEffect(() => {
    const c = client();
    if (!c || !busy) return;
    return c.subscribe((event) => {
      if (event.type === 'progress' && event.kind === 'survey-import') setProgress(event);
    });
  }, [busy]);
  return (
    <section className="card" aria-labelledby="import-survey-heading" data-testid="import-survey">
      <h3 id="import-survey-heading">Import a survey</h3>
      <p className="muted small">The WVS Wave 7 microdata file (CSV, about 250 MB), or per-country answer shares.</p>
      <PathField
        id="survey-path"
        label="File"
        value={path}
        onChange={setPath}
        placeholder="/data/WVS_Cross-National_Wave_7_csv_v6_0.csv"
        choices={[{ purpose: 'survey-file', label: 'Choose file…' }]}
      />
      <div className="field-row">
        <TextField
          id="survey-name"
          label="Name (optional)"
          value={name}
          placeholder="from the file name"
          onChange={setName}
        />
        <SelectField
          id="survey-format"
          label="Format"
          value={format}
          onChange={setFormat}
          options={[
            { value: '', label: 'from the header' },
            { value: 'microdata', label: 'microdata' },
            { value: 'aggregate', label: 'answer shares' },
          ]}
        />
      </div>
      <button type="button" disabled={!path || busy} onClick={() => void run(true)}>
        Preview
      </button>
      {busy && progress && (
        <ProgressBar
          label={progress.phase === 'storing' ? 'Storing' : 'Reading the file'}
          done={Math.round(progress.done / (progress.phase === 'reading' ? 1e6 : 1))}
          total={Math.round(progress.total / (progress.phase === 'reading' ? 1e6 : 1))}
          unit={progress.phase === 'reading' ? 'MB' : 'cells'}
          etaSeconds={progress.etaSeconds}
          testId="survey-progress"
        />
      )}
      {error && <ErrorNotice testId="import-error">{error}</ErrorNotice>}
      {preview && (
        <div className="preview" data-testid="import-preview">
          <p>
            <strong>{preview.name}</strong> ({preview.format}
            {preview.weightColumn ? `, weighted by ${preview.weightColumn}` : ''}): {preview.rows.toLocaleString('en')}{' '}
            rows, {counted(preview.countries.length, 'country', 'countries')}, {preview.cells.toLocaleString('en')}{' '}
            answer cells.
          </p>
          <details>
            <summary>Countries and respondents</summary>
            <ul className="columns small">
              {preview.countries.map((c) => (
                <li key={c.iso3}>
                  {c.iso3} {c.name}:{' '}
                  {c.respondents === null ? 'shares' : `${c.respondents.toLocaleString('en')} respondents`}
                </li>
              ))}
            </ul>
          </details>
          {preview.warnings.map((w) => (
            <p key={w.code} className="notice small">
              {w.message} ({w.count}×{w.examples[0] ? `; e.g. line ${w.examples[0].line}: ${w.examples[0].detail}` : ''}
              )
            </p>
          ))}
          <button type="button" className="primary" disabled={busy} onClick={() => void run(false)}>
            Store {preview.name}
          </button>
        </div>
      )}
      {stored && (
        <p className="notice success" role="status">
          Stored {stored.name}: {counted(stored.countries.length, 'country', 'countries')}.
        </p>
      )}
    </section>
  );
}

function TargetsBrowser({
  sets,
  surveys,
}: {
  sets: CommandResult<'probes.listSets'>;
  surveys: CommandResult<'surveys.list'>;
}) {
  const [survey, setSurvey] = useState(surveys[0]!.name);
  const countries = surveys.find((s) => s.name === survey)?.countries ?? [];
  const [country, setCountry] = useState(countries.includes('USA') ? 'USA' : (countries[0] ?? ''));
  const [set, setSet] = useState(sets.some((s) => s.name === 'builtin') ? 'builtin' : (sets[0]?.name ?? 'builtin'));
  const languages = sets.find((s) => s.name === set)?.languages ?? [];
  const [language, setLanguage] = useState(languages.includes('en') ? 'en' : (languages[0] ?? 'en'));
  const targets = useCommand(
    (c) => c.targets.get({ survey, country, set, language }),
    [survey, country, set, language],
  );
  return (
    <section aria-labelledby="targets-heading">
      <h3 id="targets-heading">Targets</h3>
      <div className="toolbar">
        <SelectField
          inline
          id="targets-survey"
          label="Survey"
          value={survey}
          onChange={setSurvey}
          options={optionsOf(surveys.map((s) => s.name))}
        />
        <SelectField
          inline
          id="targets-country"
          label="Country"
          value={country}
          onChange={setCountry}
          options={optionsOf(countries)}
        />
        <SelectField
          inline
          id="targets-probe-set"
          label="Probe set"
          value={set}
          onChange={(name) => {
            setSet(name);
            setLanguage(sets.find((s) => s.name === name)?.languages[0] ?? 'en');
          }}
          options={optionsOf(sets.map((s) => s.name))}
        />
        <SelectField
          inline
          id="targets-language"
          label="Language"
          value={language}
          onChange={setLanguage}
          options={optionsOf(languages)}
        />
      </div>
      <Show loaded={targets} what="the targets">
        {(t) => (
          <>
            <p className="muted small">
              {t.countryName}: {t.rows.filter((r) => r.kind === 'majority').length} of {t.rows.length} probes have a
              majority answer
              {t.rows.some((r) => r.leftOut)
                ? `; ${counted(t.rows.filter((r) => r.leftOut).length, 'probe is', 'probes are')} left out of runs (greyed, with the reason)`
                : ''}
              .
            </p>
            <div className="scroll-box">
              <table className="table compact numbers">
                <thead>
                  <tr>
                    <th scope="col">Probe</th>
                    <th scope="col">Category</th>
                    <th scope="col">Options</th>
                    <th scope="col">Majority</th>
                    <th scope="col">Shares</th>
                    <th scope="col">Margin</th>
                    <th scope="col">Why unknown or left out</th>
                  </tr>
                </thead>
                <tbody>
                  {t.rows.map((r) => (
                    <tr
                      key={r.id}
                      className={r.leftOut ? 'left-out muted' : undefined}
                      data-left-out={r.leftOut ? 'true' : undefined}
                    >
                      <td>{r.id}</td>
                      <td>{r.category}</td>
                      <td>{r.options.join(' / ')}</td>
                      <td>{r.majorityText ?? (r.kind === 'tie' ? 'tie' : '')}</td>
                      <td>
                        {r.shares ? `${(100 * r.shares[0]).toFixed(0)}% / ${(100 * r.shares[1]).toFixed(0)}%` : ''}
                      </td>
                      <td className={r.margin !== undefined && r.margin < 0.1 ? 'contested' : ''}>
                        {r.margin === undefined ? '' : r.margin.toFixed(2)}
                      </td>
                      <td className="small">
                        {[r.reason, r.leftOut && `left out of runs: ${r.leftOut}`].filter(Boolean).join('; ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}
