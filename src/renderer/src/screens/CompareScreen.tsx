// Two runs side by side per probe: the same model with two strategies, or two models, or two settings. Each side
// picks a model and a condition; the difference in alignment is B − A, and "changed only" keeps the probes whose
// outcome or alignment differs.
import { useMemo, useState } from 'react';
import type { CommandResult } from '../../../shared/contract.js';
import type { WorkbenchClient } from '../../../shared/client.js';
import { conditionLabel } from '../../../shared/charts/index.js';
import { ZERO_SHOT } from '../../../shared/method.js';
import { percent, Show } from '../components/Status.js';
import { useRoute } from '../route-store.js';
import { hrefOf, type Route } from '../routes.js';
import { useCommand } from '../use-command.js';
import { joinSides, meanDelta, type Side } from '../compare-join.js';

type Row = CommandResult<'results.probes'>['rows'][number];
type Run = CommandResult<'runs.get'>;
const SHOWN = 1000;

async function allRows(c: WorkbenchClient, runId: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await c.results.probes({ runId, offset, limit: 1000 });
    rows.push(...page.rows);
    if (offset + 1000 >= page.total) return rows;
  }
}

export function CompareScreen({ route }: { route: Extract<Route, { screen: 'compare' }> }) {
  const loaded = useCommand(
    async (c) => {
      const [runA, runB, rowsA, rowsB] = await Promise.all([
        c.runs.get({ runId: route.a }),
        c.runs.get({ runId: route.b }),
        allRows(c, route.a),
        allRows(c, route.b),
      ]);
      return { runA, runB, rowsA, rowsB };
    },
    [route.a, route.b],
  );
  return (
    <section aria-labelledby="compare-heading">
      <header className="screen-header">
        <h2 id="compare-heading">
          Compare {route.a} and {route.b}
        </h2>
      </header>
      <Show loaded={loaded} what="the two runs">
        {(data) => <Comparison {...data} route={route} />}
      </Show>
    </section>
  );
}

function Comparison({
  runA,
  runB,
  rowsA,
  rowsB,
  route,
}: {
  runA: Run;
  runB: Run;
  rowsA: Row[];
  rowsB: Row[];
  route: Extract<Route, { screen: 'compare' }>;
}) {
  const navigate = useRoute((s) => s.navigate);
  const [sideA, setSideA] = useState<Side>({ model: runA.models[0] ?? '', condition: runA.strategies[0] ?? ZERO_SHOT });
  const [sideB, setSideB] = useState<Side>({
    model: runB.models[0] ?? '',
    condition: runB.strategies[runA.id === runB.id ? 1 : 0] ?? runB.strategies[0] ?? ZERO_SHOT,
  });
  // A probe counts as unreadable by the lower of the two runs' thresholds.
  const threshold = Math.min(runA.config.unreadableThreshold, runB.config.unreadableThreshold);
  const joined = useMemo(
    () => joinSides(rowsA, rowsB, sideA, sideB, threshold),
    [rowsA, rowsB, sideA, sideB, threshold],
  );
  const rows = route.changedOnly ? joined.filter((j) => j.changed) : joined;
  const delta = meanDelta(joined);
  const picker = (label: string, run: Run, side: Side, set: (s: Side) => void) => (
    <fieldset className="side">
      <legend>
        {label}: <a href={hrefOf({ screen: 'run', runId: run.id, tab: 'results', query: {} })}>{run.id}</a>{' '}
        <span className="muted small">
          ({run.protocol}, {run.estimator}, n = {run.n}, seed {run.config.seed})
        </span>
      </legend>
      <label>
        Model{' '}
        <select value={side.model} onChange={(e) => set({ ...side, model: e.target.value })}>
          {run.models.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </label>{' '}
      <label>
        Condition{' '}
        <select value={side.condition} onChange={(e) => set({ ...side, condition: e.target.value })}>
          {run.conditions.map((c) => (
            <option key={c} value={c}>
              {conditionLabel(c)}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
  return (
    <div className="compare">
      <div className="sides">
        {picker('A', runA, sideA, setSideA)}
        {picker('B', runB, sideB, setSideB)}
      </div>
      <div className="toolbar">
        <label>
          <input
            type="checkbox"
            checked={route.changedOnly}
            onChange={(e) => navigate({ ...route, changedOnly: e.target.checked }, { replace: true })}
          />{' '}
          changed only
        </label>
        <span className="muted" role="status">
          {joined.length} probes in both · {joined.filter((j) => j.changed).length} changed · mean Δ alignment{' '}
          {delta.mean === null ? '—' : `${delta.mean >= 0 ? '+' : ''}${(100 * delta.mean).toFixed(1)} points`}
          {delta.leftOut > 0 &&
            ` (leaving out ${delta.leftOut} ${delta.leftOut === 1 ? 'probe' : 'probes'} whose answers were mostly unreadable on a side)`}
          {rows.length > SHOWN ? ` · the first ${SHOWN} shown` : ''}
        </span>
      </div>
      {joined.length === 0 ? (
        <p className="empty muted">
          The two sides share no probe: pick a model and condition each run measured, on the same languages.
        </p>
      ) : (
        <table className="table compact numbers">
          <thead>
            <tr>
              <th scope="col">Probe</th>
              <th scope="col">Language</th>
              <th scope="col">Statement</th>
              <th scope="col">A aligned</th>
              <th scope="col">B aligned</th>
              <th scope="col">Δ (B − A)</th>
              <th scope="col">A outcome</th>
              <th scope="col">B outcome</th>
              <th scope="col">Unreadable (A / B)</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, SHOWN).map((j) => (
              <tr key={j.key}>
                <td>
                  <a
                    href={hrefOf({
                      screen: 'probe',
                      runId: runA.id,
                      model: j.a.model,
                      language: j.a.language,
                      probeId: j.a.probeId,
                      query: {},
                    })}
                  >
                    {j.a.probeId}
                  </a>
                </td>
                <td>
                  {j.a.language}/{j.a.country}
                </td>
                <td className="ellipsis">{j.a.template ?? ''}</td>
                <td>{percent(j.a.alignment, 0)}</td>
                <td>{percent(j.b.alignment, 0)}</td>
                <td
                  className={j.delta > 0 ? 'positive' : j.delta < 0 ? 'negative' : ''}
                >{`${j.delta > 0 ? '+' : ''}${(100 * j.delta).toFixed(0)}`}</td>
                <td>{j.a.outcome && <span className={`outcome ${j.a.outcome}`}>{j.a.outcome}</span>}</td>
                <td>{j.b.outcome && <span className={`outcome ${j.b.outcome}`}>{j.b.outcome}</span>}</td>
                <td className="nowrap">
                  {percent(j.a.invalidShare, 0)} / {percent(j.b.invalidShare, 0)}
                  {j.unreadable && (
                    <span className="badge unreadable" title="Mostly unreadable on a side: left out of the mean Δ">
                      left out
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
