// Every figure of the paper and ours for one run, drawn from the engine's tables with the shared chart code:
// each with its 95% intervals and the re-test control beside the strategies. Hovering a mark shows its numbers;
// clicking it opens the probe explorer filtered to it. The paper's rule and the gated outcome can be switched.
import { useMemo, useState } from 'react';
import { buildCharts, conditionLabel, loadSoftPoints } from '../../../shared/charts/index.js';
import { ChartView } from '../components/ChartView.js';
import { percent, Show } from '../components/Status.js';
import { useRoute } from '../route-store.js';
import { filterRoute } from '../chart-links.js';
import { useCommand } from '../use-command.js';
import type { RunDetail } from './RunScreen.js';
import { Readings, UnreadableWarnings } from './ResultsSummary.js';
import { ControlComparisons } from './ControlComparisons.js';

export function ResultsView({ run }: { run: RunDetail }) {
  const navigate = useRoute((s) => s.navigate);
  const [rule, setRule] = useState<'paper' | 'gated'>('paper');
  const models = run.models;
  const languages = [...new Set(run.languages.map((l) => l.split('/')[0]!))];
  const [model, setModel] = useState(models[0] ?? '');
  const [language, setLanguage] = useState(languages[0] ?? '');
  const tables = useCommand((c) => c.results.tables({ runId: run.id }), [run.id, run.measurements]);
  const summary = useCommand((c) => c.results.summary({ runId: run.id }), [run.id, run.measurements]);
  // One point per probe for the soft-alignment scatter: the misaligned probes' self-aligned rows.
  const points = useCommand(
    (c) => loadSoftPoints(c, run.id, model, language),
    [run.id, model, language, run.measurements],
  );
  const date = (run.finishedAt ?? run.createdAt).slice(0, 10);
  const charts = useMemo(
    () =>
      tables.data
        ? buildCharts(tables.data, {
            rule,
            model,
            language,
            runId: run.id,
            date,
            ...(points.data ? { softPoints: points.data } : {}),
          }).filter((chart) => chart.id !== 'k-curve' || tables.data!.kCurve.length > 0)
        : [],
    [tables.data, rule, model, language, run.id, date, points.data],
  );

  return (
    <div className="results">
      {summary.data && <UnreadableWarnings summary={summary.data} />}
      {summary.data && <Readings summary={summary.data} runId={run.id} />}
      <div className="toolbar" role="group" aria-label="What the figures show">
        <label>
          Outcome rule{' '}
          <select value={rule} onChange={(e) => setRule(e.target.value as 'paper' | 'gated')}>
            <option value="paper">the paper's rule (any change in the counts)</option>
            <option value="gated">gated (the change is significant)</option>
          </select>
        </label>
        <label>
          Model{' '}
          <select value={model} onChange={(e) => setModel(e.target.value)}>
            {models.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          Language (per-language figures){' '}
          <select value={language} onChange={(e) => setLanguage(e.target.value)}>
            {languages.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </label>
      </div>
      <Show loaded={tables} what="the results">
        {(data) => (
          <>
            {data.outcomes.length === 0 && (
              <p className="notice">No self-aligned measurement yet: the figures fill in as the run goes on.</p>
            )}
            <ControlComparisons rows={data.controls} runId={run.id} />
            <div className="chart-grid">
              {charts.map((chart) => (
                <ChartView
                  key={chart.id}
                  chart={chart}
                  fileName={`${run.id}-${chart.id}`}
                  onMark={(filter) => navigate(filterRoute(run.id, filter))}
                />
              ))}
            </div>
            {data.expectedOutcomes.length > 0 && (
              <section aria-labelledby="expected-heading">
                <h3 id="expected-heading">Table 1 in expectation (the paper's rule without its sampling noise)</h3>
                <table className="table compact numbers">
                  <thead>
                    <tr>
                      <th scope="col">Model</th>
                      <th scope="col">Language</th>
                      <th scope="col">Condition</th>
                      <th scope="col">Expected misaligned</th>
                      <th scope="col">Improved</th>
                      <th scope="col">Unchanged</th>
                      <th scope="col">Worsened</th>
                      <th scope="col">Unreadable (before → after)</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.expectedOutcomes.map((row) => (
                      <tr key={`${row.model}-${row.language}-${row.country}-${row.condition}`}>
                        <td>{row.model}</td>
                        <td>
                          {row.language}/{row.country}
                        </td>
                        <td>{conditionLabel(row.condition)}</td>
                        <td>{row.expectedMisaligned.toFixed(1)}</td>
                        <td>{percent(row.expectedImprovedShare)}</td>
                        <td>{percent(row.expectedUnchangedShare)}</td>
                        <td>{percent(row.expectedWorsenedShare)}</td>
                        <td>
                          {percent(row.zeroShotInvalidShare)} → {percent(row.meanInvalidShare)}
                          {row.mostlyUnreadable && <span className="badge unreadable">no readable answer</span>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            )}
          </>
        )}
      </Show>
    </div>
  );
}
