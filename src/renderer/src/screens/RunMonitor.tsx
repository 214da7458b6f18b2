// A run as it goes: progress per phase with rate and time left, live counts (misaligned, improved, unchanged,
// worsened) and charts that grow as measurements arrive; cancel. A stopped run says how far it got and resumes.
// A reloaded window finds the run again: everything here is read from the engine, nothing is kept in the page.
import { useEffect, useRef, useState } from 'react';
import { buildChart } from '../../../shared/charts/index.js';
import { ChartView } from '../components/ChartView.js';
import { ErrorNotice, ProgressBar } from '../components/Status.js';
import { useRoute } from '../route-store.js';
import { warningsOf } from '../start-warnings.js';
import { client, errorText, useCommand } from '../use-command.js';
import { runLocal, useRunSettings } from '../run-settings-store.js';
import type { RunDetail } from './RunScreen.js';
import { filterRoute } from '../chart-links.js';
import { POLL_MS, readInterval } from '../read-pace.js';
import { RUN_PHASES } from '../../../shared/method.js';

const PHASE_LABELS: Record<(typeof RUN_PHASES)[number], string> = {
  'zero-shot': 'Zero-shot: every probe',
  'self-aligned': 'Self-aligned: the misaligned probes, per strategy and the re-test control',
  explanations: 'Explanations',
};
const PHASES = RUN_PHASES.map((phase) => ({ phase, label: PHASE_LABELS[phase] }));

export function RunMonitor({ run, onChange }: { run: RunDetail; onChange: () => void }) {
  const navigate = useRoute((s) => s.navigate);
  const [live, setLive] = useState(run);
  const [progress, setProgress] = useState(run.progress);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const active = live.active;

  useEffect(() => {
    setLive(run);
    setProgress(run.progress);
  }, [run]);

  // Progress from the engine's events as they come; the counts from runs.get while the run is active.
  useEffect(() => {
    const c = client();
    if (!c) return;
    const unsubscribe = c.subscribe((event) => {
      if (event.type === 'progress' && event.kind === 'run' && event.subject === run.id)
        setProgress({
          phase: event.phase,
          done: event.done,
          total: event.total,
          rate: event.rate,
          etaSeconds: event.etaSeconds,
        });
      if (event.type === 'job-ended' && event.kind === 'run' && event.subject === run.id) onChange();
    });
    return unsubscribe;
  }, [run.id, onChange]);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      client()
        ?.runs.get({ runId: run.id })
        .then(setLive, () => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, run.id]);

  // What the run can still need, for "finished X of at most Y" when it stopped.
  const plan = useCommand((c) => c.runs.validate({ config: run.config }), [run.id]);
  // The charts grow with the measurements: read again when the counts have moved, paced by how long the last
  // read took (read-pace.ts); at once when the run stops.
  const [tablesFor, setTablesFor] = useState(live.measurements);
  const lastRead = useRef({ startedAt: 0, ms: 0 });
  useEffect(() => {
    if (live.measurements === tablesFor) return;
    const wait = active ? Math.max(0, lastRead.current.startedAt + readInterval(lastRead.current.ms) - Date.now()) : 0;
    const timer = setTimeout(() => setTablesFor(live.measurements), wait);
    return () => clearTimeout(timer);
  }, [live.measurements, tablesFor, active]);
  const tables = useCommand(
    async (c) => {
      const startedAt = Date.now();
      try {
        return await c.results.tables({ runId: run.id });
      } finally {
        lastRead.current = { startedAt, ms: Date.now() - startedAt };
      }
    },
    [run.id, tablesFor],
  );

  const totals = live.strategyTotals;
  const stopped = !active && live.status !== 'finished';
  const atMost = plan.status === 'ok' ? plan.data.work?.measurementsAtMost : undefined;
  // The probes the New run form promised (every probe with a known target, per model × language).
  const promisedProbes = plan.status === 'ok' ? plan.data.work?.zeroShot : undefined;
  const warnings = warningsOf(run.id);

  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await action();
      onChange();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const phaseIndex = progress ? PHASES.findIndex((p) => p.phase === progress.phase) : -1;
  return (
    <div className="monitor">
      {warnings.map((w) => (
        <p key={w} className="notice" role="status">
          {w}
        </p>
      ))}
      {stopped && (
        <div className="notice banner" role="status">
          <strong>
            {live.status === 'failed'
              ? 'This run failed'
              : live.status === 'cancelled'
                ? 'This run was cancelled'
                : 'This run stopped'}
            : finished {live.measurements.toLocaleString('en')} of{' '}
            {atMost !== undefined ? `at most ${atMost.toLocaleString('en')}` : '…'} measurements.
          </strong>{' '}
          {live.status === 'failed' && live.error && <span>{live.error}</span>} What was measured is kept; resuming
          gives the results an uninterrupted run would have.
          <div>
            <button
              type="button"
              className="primary"
              data-testid="run-resume"
              disabled={busy}
              onClick={() =>
                void act(() =>
                  client()!.runs.resume({ runId: run.id, ...runLocal(useRunSettings.getState().settings) }),
                )
              }
            >
              Resume
            </button>
          </div>
        </div>
      )}
      {error && <ErrorNotice>{error}</ErrorNotice>}
      <div data-testid="run-progress" className="phases">
        {PHASES.filter((p) => p.phase !== 'explanations' || run.config.explanations.enabled).map((p, i) => {
          const current = progress && progress.phase === p.phase;
          const done = live.status === 'finished' || (phaseIndex >= 0 && i < phaseIndex);
          return (
            <div key={p.phase} className={`phase${current ? ' current' : ''}${done ? ' done' : ''}`}>
              {current && active ? (
                <ProgressBar
                  label={p.label}
                  done={progress.done}
                  total={progress.total}
                  rate={progress.rate}
                  etaSeconds={progress.etaSeconds}
                />
              ) : (
                <div className="progress-label">
                  <span>{p.label}</span>
                  <span className="muted">{done ? 'done' : active ? 'waiting' : 'stopped'}</span>
                </div>
              )}
            </div>
          );
        })}
        {active && (
          <button
            type="button"
            className="danger"
            data-testid="run-cancel"
            disabled={busy}
            onClick={() => void act(() => client()!.runs.cancel({ runId: run.id }))}
          >
            Cancel the run
          </button>
        )}
      </div>
      <dl className="counts" aria-label="Counts so far">
        <div>
          <dt>Measured</dt>
          <dd>{live.measurements.toLocaleString('en')}</dd>
        </div>
        <div>
          <dt>Probes measured zero-shot</dt>
          <dd data-testid="monitor-probes">
            {live.probes.toLocaleString('en')}
            {promisedProbes !== undefined && (
              <span className="muted small"> of {promisedProbes.toLocaleString('en')}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Misaligned</dt>
          <dd>{live.misaligned.toLocaleString('en')}</dd>
        </div>
        <div className="improved">
          <dt>Improved</dt>
          <dd>{totals.improved.toLocaleString('en')}</dd>
        </div>
        <div className="unchanged">
          <dt>Unchanged</dt>
          <dd>{totals.unchanged.toLocaleString('en')}</dd>
        </div>
        <div className="worsened">
          <dt>Worsened</dt>
          <dd>{totals.worsened.toLocaleString('en')}</dd>
        </div>
        {totals.unreadable > 0 && (
          <div className="unreadable" data-testid="monitor-unreadable">
            <dt>No readable answer</dt>
            <dd>{totals.unreadable.toLocaleString('en')}</dd>
          </div>
        )}
      </dl>
      <p className="muted small">
        Improved, unchanged and worsened count every strategy's self-aligned measurements so far (not the re-test
        control)
        {totals.unreadable > 0
          ? `, leaving out the model × language results whose answers were mostly unreadable: those say how the model answers the prompt's format, not what it thinks.`
          : '.'}
      </p>
      {tables.data && tables.data.misalignment.length > 0 && (
        <div className="chart-grid">
          {(tables.data.outcomes.length > 0 ? (['misaligned', 'strategies'] as const) : (['misaligned'] as const)).map(
            (id) => (
              <ChartView
                key={id}
                chart={buildChart(id, tables.data!, { rule: 'paper', runId: run.id })}
                fileName={`${run.id}-${id}`}
                onMark={(filter) => navigate(filterRoute(run.id, filter))}
              />
            ),
          )}
        </div>
      )}
    </div>
  );
}
