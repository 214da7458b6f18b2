// One probe of a run in full: the statement and its options, the country's answer shares, the zero-shot and each
// self-aligned distribution side by side against the human shares, the demonstrations with the country's
// answers and their chrF++ scores, the exact prompt, the distinct responses with their counts, and the model's
// explanations. ←/→ go to the previous and next probe of the explorer's view.
import { useEffect, useMemo, useState } from 'react';
import type { CommandResult } from '../../../shared/contract.js';
import { buildDistributionChart, conditionLabel } from '../../../shared/charts/index.js';
import {
  controlSpecOf,
  isSelectionStrategy,
  labelsDrawnPerDraw,
  labelSourceWords,
  ZERO_SHOT,
  type LabelSource,
} from '../../../shared/method.js';
import { ChartView } from '../components/ChartView.js';
import { percent, Show } from '../components/Status.js';
import { useRoute } from '../route-store.js';
import { hrefOf, type Route } from '../routes.js';
import { useCommand } from '../use-command.js';
import { probesParams } from '../explorer-query.js';

/** Where a condition's demonstrations take their answers from: the country's majority, or a control's labels. */
function layoutLabels(condition: string): LabelSource {
  return controlSpecOf(condition)?.labels ?? { kind: 'country' };
}

type Detail = CommandResult<'results.probe'>;
type ProbeRoute = Extract<Route, { screen: 'probe' }>;

export function ProbeDetailScreen({ route }: { route: ProbeRoute }) {
  const navigate = useRoute((s) => s.navigate);
  const detail = useCommand(
    (c) =>
      c.results.probe({ runId: route.runId, model: route.model, language: route.language, probeId: route.probeId }),
    [route.runId, route.model, route.language, route.probeId],
  );
  // The probes of the explorer's view, in its order, for ←/→.
  const queryKey = JSON.stringify(route.query);
  const neighbours = useCommand(
    async (c) => {
      const page = await c.results.probes(probesParams(route.runId, route.query, 0, 1000));
      const seen = new Set<string>();
      const keys: { model: string; language: string; probeId: string }[] = [];
      for (const r of page.rows) {
        const key = `${r.model}\u0000${r.language}\u0000${r.probeId}`;
        if (!seen.has(key)) keys.push({ model: r.model, language: r.language, probeId: r.probeId });
        seen.add(key);
      }
      return keys;
    },
    [route.runId, queryKey],
  );
  const position = useMemo(
    () =>
      (neighbours.data ?? []).findIndex(
        (k) => k.model === route.model && k.language === route.language && k.probeId === route.probeId,
      ),
    [neighbours.data, route],
  );
  const go = (offset: number) => {
    const next = neighbours.data?.[position + offset];
    if (next && position >= 0) navigate({ ...route, ...next });
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (
        e.target instanceof HTMLInputElement ||
        e.target instanceof HTMLSelectElement ||
        e.target instanceof HTMLTextAreaElement
      )
        return;
      if (e.key === 'ArrowRight') go(1);
      if (e.key === 'ArrowLeft') go(-1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <section aria-labelledby="probe-heading" data-testid="probe-detail">
      <header className="screen-header">
        <div>
          <p className="breadcrumb small">
            <a href={hrefOf({ screen: 'runs' })}>Runs</a> /{' '}
            <a href={hrefOf({ screen: 'run', runId: route.runId, tab: 'results', query: {} })}>{route.runId}</a> /{' '}
            <a href={hrefOf({ screen: 'run', runId: route.runId, tab: 'probes', query: route.query })}>probes</a> /
          </p>
          <h2 id="probe-heading">
            {route.probeId}{' '}
            <span className="muted">
              · {route.language} · {route.model}
            </span>
          </h2>
        </div>
        <div className="actions">
          <button type="button" disabled={position <= 0} onClick={() => go(-1)} aria-label="Previous probe (←)">
            ← Previous
          </button>
          <span className="muted small">
            {position >= 0 && neighbours.data ? `${position + 1} of ${neighbours.data.length}` : ''}
          </span>
          <button
            type="button"
            disabled={position < 0 || position >= (neighbours.data?.length ?? 0) - 1}
            onClick={() => go(1)}
            aria-label="Next probe (→)"
          >
            Next →
          </button>
        </div>
      </header>
      <Show loaded={detail} what="the probe">
        {(d) => <ProbeDetail detail={d} />}
      </Show>
    </section>
  );
}

function ProbeDetail({ detail }: { detail: Detail }) {
  // The paper's first strategy opens, for it shows demonstrations; else any condition after zero-shot.
  const [condition, setCondition] = useState(
    detail.conditions.find((c) => isSelectionStrategy(c.condition))?.condition ??
      detail.conditions.find((c) => c.condition !== ZERO_SHOT)?.condition ??
      ZERO_SHOT,
  );
  const options = detail.probe?.options ?? ['option 1', 'option 2'];
  const target = options[detail.targetOption - 1];
  const shown = detail.conditions.find((c) => c.condition === condition) ?? detail.conditions[0];
  const chart = useMemo(() => buildDistributionChart(detail), [detail]);
  // A condition's outcome beside mostly unreadable answers (before or after) is no reading of the model's values.
  const zeroShotUnreadable =
    (detail.conditions.find((c) => c.condition === ZERO_SHOT)?.distribution.invalid ?? 0) >= detail.unreadableThreshold;
  return (
    <div className="probe-detail">
      <div className="card statement">
        <p className="statement-text">
          {detail.probe?.template ?? (
            <span className="muted">The probe's text is no longer stored (its probe set was deleted).</span>
          )}
        </p>
        <p>
          Options: <strong>{options[0]}</strong> / <strong>{options[1]}</strong>. {detail.country}'s majority answer
          (the target): <strong className="target">{target}</strong> — {percent(detail.targetShares[0], 0)} {options[0]}
          , {percent(detail.targetShares[1], 0)} {options[1]} of respondents.
        </p>
        <p className="muted small">
          {detail.misaligned
            ? 'Misaligned zero-shot: self-aligned with each strategy.'
            : 'Aligned zero-shot: not self-aligned.'}
          {detail.probe?.validity ? ` Flagged as invalid as published: ${detail.probe.validity}` : ''}
        </p>
      </div>
      <div data-testid="distribution-chart">
        <ChartView chart={chart} fileName={`${detail.runId}-${detail.probe?.id ?? 'probe'}-distributions`} />
      </div>
      <table className="table compact numbers">
        <thead>
          <tr>
            <th scope="col">Condition</th>
            <th scope="col">Target ({target})</th>
            <th scope="col">Other</th>
            <th scope="col">Unreadable</th>
            <th scope="col">Outcome</th>
            <th scope="col">Gated</th>
            <th scope="col">Error reduction</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>{detail.country} respondents</td>
            <td>{percent(detail.targetShares[detail.targetOption - 1])}</td>
            <td>{percent(detail.targetShares[2 - detail.targetOption])}</td>
            <td />
            <td />
            <td />
            <td />
          </tr>
          {detail.conditions.map((c) => (
            <tr key={c.condition}>
              <td>{conditionLabel(c.condition)}</td>
              <td>{percent(c.alignment)}</td>
              <td>{percent(detail.targetOption === 1 ? c.distribution.option2 : c.distribution.option1)}</td>
              <td>{percent(c.distribution.invalid)}</td>
              <td>
                {c.outcome && <span className={`outcome ${c.outcome}`}>{c.outcome}</span>}
                {c.outcome && (c.distribution.invalid >= detail.unreadableThreshold || zeroShotUnreadable) && (
                  <span className="badge unreadable" title="Before or after, most answers gave neither option">
                    no readable answer
                  </span>
                )}
              </td>
              <td>{c.gatedOutcome && <span className={`outcome ${c.gatedOutcome}`}>{c.gatedOutcome}</span>}</td>
              <td>{c.errorReduction === null ? '' : percent(c.errorReduction, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="tabs inline" role="tablist" aria-label="Condition">
        {detail.conditions.map((c) => (
          <button
            key={c.condition}
            type="button"
            role="tab"
            aria-selected={c.condition === condition}
            onClick={() => setCondition(c.condition)}
          >
            {conditionLabel(c.condition)}
          </button>
        ))}
      </div>
      {shown && (
        <div className="condition-detail">
          <section data-testid="demonstrations" aria-labelledby="demos-heading">
            <h3 id="demos-heading">Demonstrations</h3>
            {shown.demonstrations.length > 0 && (
              <p className="muted small" data-testid="completed-with">
                Completed with {labelSourceWords(layoutLabels(shown.condition))}
                {labelsDrawnPerDraw(layoutLabels(shown.condition))
                  ? ": the first draw's shown; the prompts below show each draw's"
                  : ''}
                .
              </p>
            )}
            {shown.demonstrations.length === 0 ? (
              <p className="muted">None: {conditionLabel(shown.condition)} shows the model no demonstrations.</p>
            ) : (
              <table className="table compact">
                <thead>
                  <tr>
                    <th scope="col">Probe</th>
                    <th scope="col">Category</th>
                    <th scope="col">As the prompt completes it</th>
                    <th scope="col">chrF++</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.demonstrations.map((d) => (
                    <tr key={d.id}>
                      <td>{d.id}</td>
                      <td>{d.category ?? ''}</td>
                      <td>{d.sentence ?? <span className="muted">(no longer stored)</span>}</td>
                      <td className="number">{d.chrfpp === null ? '' : d.chrfpp.toFixed(1)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section aria-labelledby="prompt-heading">
            <h3 id="prompt-heading">
              The prompt
              {shown.prompts.length > 1 ? `s (${shown.prompts.length} distinct, each draw builds its own)` : ''}
            </h3>
            {shown.prompts.map((p, i) => (
              <div key={i} className="prompt">
                <p className="muted small">
                  {detail.conditions.length > 0 && shown.distribution.estimator === 'exact'
                    ? `weight ${p.weight.toFixed(3)}`
                    : `${p.weight} of the draws`}{' '}
                  · option order {p.optionOrder.join(', ')}
                </p>
                <pre data-testid="prompt-text">{p.text}</pre>
              </div>
            ))}
          </section>
          <section aria-labelledby="responses-heading">
            <h3 id="responses-heading">Responses</h3>
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">{shown.distribution.estimator === 'exact' ? 'Probability' : 'Count'}</th>
                  <th scope="col">Read as</th>
                  <th scope="col">Response</th>
                </tr>
              </thead>
              <tbody>
                {shown.distribution.responses.map((r, i) => (
                  <tr key={i}>
                    <td className="number">
                      {shown.distribution.estimator === 'exact' ? r.weight.toFixed(4) : r.weight}
                    </td>
                    <td>{r.answer === 'invalid' ? 'invalid' : options[r.answer - 1]}</td>
                    <td>
                      <code>{JSON.stringify(r.text)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      )}
      <section data-testid="explanations" aria-labelledby="probe-explanations-heading">
        <h3 id="probe-explanations-heading">Explanations</h3>
        {detail.explanations.length === 0 ? (
          <p className="muted">The model was not asked to explain its answers to this probe.</p>
        ) : (
          detail.explanations.map((e) => (
            <div key={`${e.condition}-${e.ordinal}`} className="card">
              <p className="muted small">
                {conditionLabel(e.condition)} · answer:{' '}
                {e.answer === '1' || e.answer === '2' ? options[Number(e.answer) - 1] : e.answer}
              </p>
              <blockquote>{e.response}</blockquote>
            </div>
          ))
        )}
      </section>
    </div>
  );
}
