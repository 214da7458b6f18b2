// The paper's Table 2 as a list to browse: for each explanation the demonstrations (as completed sentences), the
// question, the model's answer and explanation, and the probe's outcome; filtered and searched by the engine.
import { useEffect, useState } from 'react';
import { conditionLabel } from '../../../shared/charts/index.js';
import { percent, Show } from '../components/Status.js';
import { useRoute } from '../route-store.js';
import { changedQuery, hrefOf, type ProbeQuery, type ProbeQueryChange } from '../routes.js';
import { useCommand } from '../use-command.js';
import type { RunDetail } from './RunScreen.js';

const PAGE = 50;

export function ExplanationsView({ run, query }: { run: RunDetail; query: ProbeQuery }) {
  const navigate = useRoute((s) => s.navigate);
  const [page, setPage] = useState(0);
  const [text, setText] = useState(query.text ?? '');
  const info = useCommand((c) => c.app.info(), []);
  const filter = {
    ...(query.model ? { model: query.model } : {}),
    ...(query.language ? { language: query.language } : {}),
    ...(query.condition ? { condition: query.condition } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(query.category !== undefined ? { category: query.category } : {}),
    ...(query.text ? { text: query.text } : {}),
  };
  const key = JSON.stringify(filter);
  useEffect(() => setPage(0), [key]);
  const list = useCommand(
    (c) => c.results.explanations({ runId: run.id, filter, offset: page * PAGE, limit: PAGE }),
    [run.id, key, page],
  );
  const setQuery = (change: ProbeQueryChange) => {
    const next = changedQuery(query, change);
    navigate({ screen: 'run', runId: run.id, tab: 'explanations', query: next }, { replace: true });
  };
  useEffect(() => {
    if ((query.text ?? '') === text) return;
    const timer = setTimeout(() => setQuery({ text: text || undefined }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only typing restarts the pause; a new query from elsewhere must not
  }, [text]);
  const explanationsOn = run.config.explanations.enabled;
  const languages = [...new Set(run.languages.map((l) => l.split('/')[0]!))];

  return (
    <div className="explanations" data-testid="explanations">
      <div className="toolbar filters" role="group" aria-label="Filter the explanations">
        <label>
          Outcome{' '}
          <select
            value={query.outcome ?? ''}
            onChange={(e) => setQuery({ outcome: (e.target.value || undefined) as ProbeQuery['outcome'] })}
          >
            <option value="">all</option>
            <option value="improved">improved</option>
            <option value="worsened">worsened</option>
            <option value="unchanged">unchanged</option>
          </select>
        </label>
        <label>
          Language{' '}
          <select value={query.language ?? ''} onChange={(e) => setQuery({ language: e.target.value || undefined })}>
            <option value="">all</option>
            {languages.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          Category{' '}
          <select
            value={query.category ?? ''}
            onChange={(e) => setQuery({ category: e.target.value === '' ? undefined : Number(e.target.value) })}
          >
            <option value="">all</option>
            {(info.data?.vocabulary.categories ?? []).map((c) => (
              <option key={c.number} value={c.number}>
                {c.number}. {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search{' '}
          <input
            type="search"
            value={text}
            placeholder="words in the question, answer or explanation"
            onChange={(e) => setText(e.target.value)}
          />
        </label>
      </div>
      <Show loaded={list} what="the explanations">
        {(data) =>
          data.total === 0 ? (
            <p className="empty muted">
              {explanationsOn
                ? 'No explanation matches this filter.'
                : 'This run asked for no explanations. Start a new run from this one (the button at the top) with "Ask for the model\'s explanations" on, beside the strategies, to read why the model answered as it did.'}
            </p>
          ) : (
            <>
              <p className="muted" role="status">
                {data.total} explanations
                {data.total > PAGE ? `, ${page * PAGE + 1}–${Math.min(data.total, (page + 1) * PAGE)} shown` : ''}
              </p>
              <ol className="explanation-list">
                {data.rows.map((e) => (
                  <li
                    key={`${e.model}-${e.language}-${e.country}-${e.probeId}-${e.condition}-${e.ordinal}`}
                    className="explanation card"
                  >
                    <header>
                      <a
                        href={hrefOf({
                          screen: 'probe',
                          runId: run.id,
                          model: e.model,
                          language: e.language,
                          probeId: e.probeId,
                          query: {},
                        })}
                      >
                        {e.probeId}
                      </a>
                      <span className="muted small">
                        {' '}
                        {e.language}/{e.country} · {e.categoryName ?? ''} · {conditionLabel(e.condition)} · {e.model}
                      </span>
                      {e.outcome && <span className={`outcome ${e.outcome}`}>{e.outcome}</span>}
                    </header>
                    {e.shares && (
                      <p className="small shares-line" data-testid="explanation-shares">
                        The country's answer:{' '}
                        <strong>{e.shares.targetText ?? `option ${e.shares.targetOption}`}</strong> (
                        {percent(e.shares.countryShares[e.shares.targetOption - 1]!, 0)} of {e.country}'s respondents).
                        Answers giving it: zero-shot {percent(e.shares.zeroShot.alignment, 0)}
                        {e.shares.condition && (
                          <>
                            {' '}
                            → {conditionLabel(e.condition)} {percent(e.shares.condition.alignment, 0)}
                          </>
                        )}
                        ; unreadable {percent(e.shares.zeroShot.invalidShare, 0)}
                        {e.shares.condition && <> → {percent(e.shares.condition.invalidShare, 0)}</>}.
                      </p>
                    )}
                    {e.demonstrations && e.demonstrations.length > 0 && (
                      <div>
                        <h4>Demonstrations</h4>
                        <ul className="demonstration-sentences">
                          {e.demonstrations.map((d, i) => (
                            <li key={i}>{d}</li>
                          ))}
                        </ul>
                      </div>
                    )}
                    <p>
                      <strong>Question:</strong> {e.question ?? <span className="muted">(no longer stored)</span>}
                    </p>
                    <p>
                      <strong>Answer:</strong> {e.answer}
                    </p>
                    <blockquote>{e.explanation}</blockquote>
                  </li>
                ))}
              </ol>
              {data.total > PAGE && (
                <div className="pager">
                  <button type="button" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
                    Previous
                  </button>
                  <button
                    type="button"
                    disabled={(page + 1) * PAGE >= data.total}
                    onClick={() => setPage((p) => p + 1)}
                  >
                    Next
                  </button>
                </div>
              )}
            </>
          )
        }
      </Show>
    </div>
  );
}
