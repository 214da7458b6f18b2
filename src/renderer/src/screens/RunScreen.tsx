// One run: its monitor (overview), its results, the probe explorer, the explanations and the export, as tabs
// whose address is the URL hash (a reload or a deep link opens the same tab with the same filter).
import { useEffect, useState } from 'react';
import type { CommandResult } from '../../../shared/contract.js';
import { ErrorNotice, Show } from '../components/Status.js';
import { client, errorText } from '../use-command.js';
import { hrefOf, type Route, type RunTab } from '../routes.js';
import { useCommand } from '../use-command.js';
import { ExplanationsView } from './ExplanationsView.js';
import { ExportView } from './ExportView.js';
import { ProbeExplorer } from './ProbeExplorer.js';
import { ResultsView } from './ResultsView.js';
import { RunMonitor } from './RunMonitor.js';
import { statusText } from './RunsScreen.js';

export type RunDetail = CommandResult<'runs.get'>;

const TABS: { tab: RunTab; label: string }[] = [
  { tab: 'overview', label: 'Monitor' },
  { tab: 'results', label: 'Results' },
  { tab: 'probes', label: 'Probes' },
  { tab: 'explanations', label: 'Explanations' },
  { tab: 'export', label: 'Export' },
];

export function RunScreen({ route }: { route: Extract<Route, { screen: 'run' }> }) {
  const run = useCommand((c) => c.runs.get({ runId: route.runId }), [route.runId]);
  return (
    <section aria-labelledby="run-heading">
      <header className="screen-header">
        <div>
          <p className="breadcrumb small">
            <a href={hrefOf({ screen: 'runs' })}>Runs</a> /
          </p>
          <h2 id="run-heading" data-testid="run-name">
            {run.data?.name || route.runId}{' '}
            {run.data && (
              <span className={`badge status-${statusText(run.data)}`} data-testid="run-status">
                {statusText(run.data)}
              </span>
            )}
          </h2>
          {run.data && (
            <p className="muted small">
              {run.data.models.join(', ')} · {run.data.languages.join(', ')} · {run.data.protocol} protocol (
              {run.data.estimator}, n = {run.data.n}) · started{' '}
              {new Date(run.data.createdAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })} · seed{' '}
              {run.data.seed}
              {run.data.name ? ` · ${route.runId}` : ''}
            </p>
          )}
          {run.data && <RunDescription run={run.data} onSaved={run.reload} />}
        </div>
        <div className="actions">
          {run.data && run.data.conditions.length > 2 && (
            <a
              className="button"
              href={hrefOf({ screen: 'compare', a: route.runId, b: route.runId, changedOnly: false })}
              data-testid="compare-strategies"
            >
              Compare its strategies
            </a>
          )}
          <a className="button" href={hrefOf({ screen: 'new-run', from: route.runId })}>
            New run from this one
          </a>
        </div>
      </header>
      <nav className="tabs" aria-label="Run views">
        {TABS.map(({ tab, label }) => (
          <a
            key={tab}
            href={hrefOf({
              screen: 'run',
              runId: route.runId,
              tab,
              query: tab === 'probes' || tab === 'explanations' ? route.query : {},
            })}
            aria-current={route.tab === tab ? 'page' : undefined}
          >
            {label}
          </a>
        ))}
      </nav>
      <Show loaded={run} what="the run">
        {(detail) => {
          switch (route.tab) {
            case 'overview':
              return <RunMonitor run={detail} onChange={run.reload} />;
            case 'results':
              return <ResultsView run={detail} />;
            case 'probes':
              return <ProbeExplorer run={detail} query={route.query} />;
            case 'explanations':
              return <ExplanationsView run={detail} query={route.query} />;
            case 'export':
              return <ExportView run={detail} />;
          }
        }}
      </Show>
    </section>
  );
}

/** The run's name and notes: the researcher's own words, shown under its heading and edited in place. */
function RunDescription({ run, onSaved }: { run: RunDetail; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(run.name);
  const [notes, setNotes] = useState(run.notes);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setName(run.name);
    setNotes(run.notes);
  }, [run.name, run.notes]);
  const save = async () => {
    setError(null);
    try {
      await client()!.runs.describe({ runId: run.id, name, notes });
      setEditing(false);
      onSaved();
    } catch (e) {
      setError(errorText(e));
    }
  };
  if (!editing)
    return (
      <div className="run-description">
        {run.notes && <p className="run-notes">{run.notes}</p>}
        <button type="button" className="link small" onClick={() => setEditing(true)} data-testid="edit-run-name">
          {run.name || run.notes ? 'Edit name and notes' : 'Name this run, add notes'}
        </button>
      </div>
    );
  return (
    <form
      className="run-description editing"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="field">
        <label htmlFor="run-name">Name</label>
        <input id="run-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="run-notes">Notes</label>
        <textarea id="run-notes" rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </div>
      <div className="actions">
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </div>
      {error && <ErrorNotice>{error}</ErrorNotice>}
    </form>
  );
}
