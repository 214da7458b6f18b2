// The home screen: every run with its status, what it measures, its progress and its headline (the best
// strategy's improved share beside the re-test control); open, resume, delete, and pick two to compare.
import { useEffect, useState } from 'react';
import type { CommandResult } from '../../../shared/contract.js';
import { conditionLabel } from '../../../shared/charts/index.js';
import { ErrorNotice, percent, Show } from '../components/Status.js';
import { useRoute } from '../route-store.js';
import { hrefOf } from '../routes.js';
import { client, errorText, useCommand } from '../use-command.js';
import { runLocal, useRunSettings } from '../run-settings-store.js';

type RunSummary = CommandResult<'runs.list'>[number];

export function statusText(run: Pick<RunSummary, 'status' | 'active'>): string {
  if (run.status === 'running' && !run.active) return 'stopped';
  return run.status;
}

export function RunsScreen() {
  const runs = useCommand((c) => c.runs.list(), []);
  const navigate = useRoute((s) => s.navigate);
  const [picked, setPicked] = useState<string[]>([]);
  const [actionError, setActionError] = useState<string | null>(null);
  const { reload } = runs;

  // A run that starts, ends or moves on elsewhere (another window, the CLI's engine is separate) shows here.
  useEffect(() => {
    const c = client();
    if (!c) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = c.subscribe((event) => {
      if (event.type === 'job-ended' || (event.type === 'progress' && event.kind === 'run')) {
        clearTimeout(timer);
        timer = setTimeout(reload, 500);
      }
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [reload]);

  const act = async (action: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await action();
      reload();
    } catch (error) {
      setActionError(errorText(error));
    }
  };

  return (
    <section aria-labelledby="runs-heading">
      <header className="screen-header">
        <h2 id="runs-heading">Runs</h2>
        <div className="actions">
          <button
            type="button"
            disabled={picked.length !== 2}
            onClick={() => navigate({ screen: 'compare', a: picked[0]!, b: picked[1]!, changedOnly: false })}
          >
            Compare {picked.length === 2 ? 'the two' : '(pick two)'}
          </button>
          <a className="button primary" href={hrefOf({ screen: 'new-run' })}>
            New run
          </a>
        </div>
      </header>
      {actionError && <ErrorNotice>{actionError}</ErrorNotice>}
      <Show loaded={runs} what="the runs">
        {(list) =>
          list.length === 0 ? (
            <div className="empty">
              <p>No runs yet.</p>
              <p className="muted">
                Import a probe set and a survey on the <a href={hrefOf({ screen: 'data' })}>Data</a> screen, register a
                model on <a href={hrefOf({ screen: 'models' })}>Models</a>, then start a{' '}
                <a href={hrefOf({ screen: 'new-run' })}>new run</a>.
              </p>
            </div>
          ) : (
            <table className="table runs">
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Pick to compare</span>
                  </th>
                  <th scope="col">Run</th>
                  <th scope="col">Status</th>
                  <th scope="col">Models</th>
                  <th scope="col">Languages</th>
                  <th scope="col">Strategies</th>
                  <th scope="col">Protocol</th>
                  <th scope="col">Headline</th>
                  <th scope="col">Started</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((run) => (
                  <tr
                    key={run.id}
                    data-testid="run-row"
                    data-run-id={run.id}
                    className="clickable-row"
                    // The whole row opens the run, as result lists do; the checkbox, the link and the buttons keep their own meaning.
                    onClick={(e) => {
                      if ((e.target as HTMLElement).closest('a, button, input, label')) return;
                      navigate({
                        screen: 'run',
                        runId: run.id,
                        tab: run.status === 'finished' ? 'results' : 'overview',
                        query: {},
                      });
                    }}
                  >
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Pick ${run.id} to compare`}
                        checked={picked.includes(run.id)}
                        onChange={(e) =>
                          setPicked((p) =>
                            e.target.checked
                              ? [...p.filter((id) => id !== run.id), run.id].slice(-2)
                              : p.filter((id) => id !== run.id),
                          )
                        }
                      />
                    </td>
                    <td>
                      <a
                        href={hrefOf({
                          screen: 'run',
                          runId: run.id,
                          tab: run.status === 'finished' ? 'results' : 'overview',
                          query: {},
                        })}
                      >
                        {run.name || run.id}
                      </a>
                      <div className="muted small">
                        {run.name ? `${run.id} · ` : ''}seed {run.seed}
                      </div>
                    </td>
                    <td>
                      <span
                        className={`badge status-${statusText(run)}`}
                        data-testid="run-status"
                        title={run.error ?? undefined}
                      >
                        {statusText(run)}
                      </span>
                      <div className="muted small">{run.measurements.toLocaleString('en')} measured</div>
                    </td>
                    <td>{run.models.join(', ')}</td>
                    <td>{run.languages.join(', ')}</td>
                    <td>{run.strategies.map(conditionLabel).join(', ')}</td>
                    <td>
                      {run.protocol}
                      <div className="muted small">
                        {run.estimator}, n = {run.n}
                      </div>
                    </td>
                    <td>{run.headline ? <Headline headline={run.headline} /> : <span className="muted">—</span>}</td>
                    <td className="small">
                      {new Date(run.createdAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}
                    </td>
                    <td className="row-actions">
                      {run.status !== 'finished' && !run.active && (
                        <button
                          type="button"
                          data-testid="run-resume"
                          onClick={() =>
                            void act(async () => {
                              await client()!.runs.resume({
                                runId: run.id,
                                ...runLocal(useRunSettings.getState().settings),
                              });
                              navigate({ screen: 'run', runId: run.id, tab: 'overview', query: {} });
                            })
                          }
                        >
                          Resume
                        </button>
                      )}
                      {!run.active && (
                        <button
                          type="button"
                          className="danger"
                          onClick={() => {
                            if (
                              window.confirm(
                                `Delete run ${run.id} and its ${run.measurements} measurements? This cannot be undone.`,
                              )
                            )
                              void act(() => client()!.runs.delete({ runId: run.id }));
                          }}
                        >
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </section>
  );
}

/**
 * The run's best strategy beside the re-test control, over the model × language results with readable answers;
 * those left out are named, so that a language the model could not answer is not read as one it answered badly.
 */
function Headline({ headline }: { headline: NonNullable<CommandResult<'runs.list'>[number]['headline']> }) {
  return (
    <>
      {headline.strategy !== null && headline.improvedShare !== null ? (
        <>
          <strong>{percent(headline.improvedShare, 0)}</strong> improved ({conditionLabel(headline.strategy)})
          <div className="muted small">re-test control {percent(headline.retestImprovedShare, 0)}</div>
        </>
      ) : (
        <span className="muted">no readable result yet</span>
      )}
      {headline.leftOut.length > 0 && (
        <div className="small unreadable-note" data-testid="headline-left-out">
          left out, no readable answers:{' '}
          {headline.leftOut
            .map(
              (cell) => `${cell.model} ${cell.language}/${cell.country} (${percent(cell.invalidShare, 0)} unreadable)`,
            )
            .join('; ')}
        </div>
      )}
    </>
  );
}
