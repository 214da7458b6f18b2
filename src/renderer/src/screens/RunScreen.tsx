// One run: its monitor (overview), its results, the probe explorer, the explanations and the export, as tabs
// whose address is the URL hash (a reload or a deep link opens the same tab with the same filter).
import type { CommandResult } from '../../../shared/contract.js';
import { Show } from '../components/Status.js';
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
          <h2 id="run-heading">
            {route.runId}{' '}
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
              {new Date(run.data.createdAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}
            </p>
          )}
        </div>
        <a className="button" href={hrefOf({ screen: 'new-run', from: route.runId })}>
          New run from this one
        </a>
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
