// The run's report for a paper: the CSV files `selfalign report` writes, into a folder on this machine, and
// every chart as SVG (the same files `selfalign report --charts` writes) or PNG.
import { useState } from 'react';
import { buildCharts, svgToString } from '../../../shared/charts/index.js';
import { PathField } from '../components/PathField.js';
import { ErrorNotice } from '../components/Status.js';
import { saveText } from '../save-file.js';
import { client, errorText, useCommand } from '../use-command.js';
import type { RunDetail } from './RunScreen.js';

export function ExportView({ run }: { run: RunDetail }) {
  const info = useCommand((c) => c.app.info(), []);
  const suggested = info.data ? `${info.data.databasePath.replace(/[^/\\]+$/, '')}reports/${run.id}` : '';
  const [dir, setDir] = useState('');
  const [result, setResult] = useState<{ dir: string; files: string[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [portableNames, setPortableNames] = useState(false);
  const tables = useCommand((c) => c.results.tables({ runId: run.id }), [run.id]);

  const exportCsv = async () => {
    // A new attempt clears what the last one said: a failure never sits under an earlier success.
    setError(null);
    setResult(null);
    setBusy(true);
    try {
      const written = await client()!.reports.export({
        runId: run.id,
        dir: dir.trim() || suggested,
        columnNames: portableNames ? 'spss' : 'workbench',
      });
      setResult(written);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const downloadCharts = () => {
    if (!tables.data) return;
    for (const chart of buildCharts(tables.data, {
      rule: 'paper',
      runId: run.id,
      date: (run.finishedAt ?? run.createdAt).slice(0, 10),
    })) {
      saveText(`${run.id}-${chart.id}.svg`, 'image/svg+xml', svgToString(chart.svg));
    }
  };

  return (
    <div className="export">
      <section className="card" aria-labelledby="csv-heading">
        <h3 id="csv-heading">CSV report</h3>
        <p className="muted">
          Table 1 (with its expected and uncontested versions), every figure's data, one row per probe, the explanations
          in the layout of the paper's Table 2, a codebook describing every column, and a manifest with the
          configuration, the models' identities and the prompt templates used.
          {run.status !== 'finished' &&
            ' The run has not finished: the report holds what was measured so far, and says so.'}
        </p>
        <PathField
          id="export-dir"
          label="Folder"
          value={dir}
          onChange={setDir}
          placeholder={suggested}
          choices={[{ purpose: 'report-folder', label: 'Choose folder…' }]}
        />
        {!dir.trim() && suggested && (
          <p className="small" data-testid="export-default-dir">
            Left blank, the report goes into <code>{suggested}</code>.
          </p>
        )}
        <label className="choice">
          <input
            type="checkbox"
            checked={portableNames}
            onChange={(e) => setPortableNames(e.target.checked)}
            data-testid="export-portable-names"
          />{' '}
          Column names for SPSS, Stata and R (<code>zero_shot_retest_alignment</code> instead of{' '}
          <code>zero-shot-retest.alignment</code>)
        </label>
        <button
          type="button"
          className="primary"
          data-testid="export-csv"
          disabled={busy}
          onClick={() => void exportCsv()}
        >
          {busy ? 'Writing…' : 'Write the CSV report'}
        </button>
        {error && <ErrorNotice>{error}</ErrorNotice>}
        {result && (
          <div className="notice success" role="status">
            Wrote {result.files.length} files to <code>{result.dir}</code>:
            <ul className="files">
              {result.files.map((f) => (
                <li key={f}>
                  <code>{f.split(/[/\\]/).pop()}</code>
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="charts-heading">
        <h3 id="charts-heading">Charts</h3>
        <p className="muted">
          Every chart as an SVG file with its caption (run, model, date). Each chart on the Results tab also has its own
          SVG and PNG buttons. On a headless server, <code>selfalign report {run.id} --out DIR --charts</code> writes
          the same files.
        </p>
        <button type="button" onClick={downloadCharts} disabled={!tables.data}>
          Download all charts as SVG
        </button>
      </section>
    </div>
  );
}
