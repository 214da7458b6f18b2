// Every probe × condition of a run in a virtualised table: filtered, sorted and paged by the engine (a run of 14
// languages holds ~20,000 rows), only the rows in view drawn. The filter lives in the URL, so a chart's mark,
// a bookmark or a reload opens the same view. ↑/↓ move through the rows, Enter opens a probe.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { CommandResult } from '../../../shared/contract.js';
import { conditionLabel } from '../../../shared/charts/index.js';
import { ErrorNotice, percent } from '../components/Status.js';
import { useRoute } from '../route-store.js';
import { changedQuery, formatQuery, type ProbeQuery, type ProbeQueryChange } from '../routes.js';
import { client, errorText, useCommand } from '../use-command.js';
import type { RunDetail } from './RunScreen.js';
import { useVirtualizer } from '@tanstack/react-virtual';
import { OUTCOMES } from '../../../shared/method.js';
import { probesParams, rowsToCsv } from '../explorer-query.js';
import { saveText } from '../save-file.js';

type Row = CommandResult<'results.probes'>['rows'][number];

const PAGE = 200;
const ROW_HEIGHT = 38;
const VIEW_HEIGHT = 532;

export function ProbeExplorer({ run, query }: { run: RunDetail; query: ProbeQuery }) {
  const navigate = useRoute((s) => s.navigate);
  const info = useCommand((c) => c.app.info(), []);
  const queryKey = formatQuery(query);
  const [total, setTotal] = useState<number | null>(null);
  const [pages, setPages] = useState<Map<number, Row[]>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState(0);
  const [text, setText] = useState(query.text ?? '');
  const viewport = useRef<HTMLDivElement>(null);
  const requested = useRef(new Set<number>());
  const generation = useRef(0);
  // The rows in view, and a few beyond, are the only ones drawn (@tanstack/react-virtual).
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => viewport.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 2,
    initialRect: { width: 0, height: VIEW_HEIGHT },
  });

  // A new filter starts from the top.
  useEffect(() => {
    generation.current++;
    requested.current = new Set();
    setPages(new Map());
    setTotal(null);
    setSelected(0);
    setError(null);
    viewport.current?.scrollTo({ top: 0 });
  }, [queryKey, run.id]);

  const inView = virtualizer.getVirtualItems();
  const first = inView[0]?.index ?? 0;
  const last = (inView.at(-1)?.index ?? 0) + 1;
  const neededPages = useMemo(() => {
    const wanted = new Set<number>([Math.floor(first / PAGE), Math.floor(last / PAGE), Math.floor(selected / PAGE)]);
    return [...wanted].filter((p) => (total === null ? p === 0 : p * PAGE < total));
  }, [first, last, selected, total]);

  useEffect(() => {
    const c = client();
    if (!c) return;
    for (const page of neededPages) {
      if (requested.current.has(page)) continue;
      requested.current.add(page);
      const ticket = generation.current;
      c.results.probes(probesParams(run.id, query, page * PAGE, PAGE)).then(
        (result) => {
          if (ticket !== generation.current) return;
          setTotal(result.total);
          setPages((p) => new Map(p).set(page, result.rows));
        },
        (e: unknown) => ticket === generation.current && setError(errorText(e)),
      );
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- query is represented by queryKey
  }, [neededPages, queryKey, run.id]);

  const rowAt = (index: number): Row | undefined => pages.get(Math.floor(index / PAGE))?.[index % PAGE];
  const setQuery = (change: ProbeQueryChange, replace = true) => {
    const next = changedQuery(query, change);
    navigate({ screen: 'run', runId: run.id, tab: 'probes', query: next }, { replace });
  };
  // The text search waits for a pause in typing.
  useEffect(() => {
    if ((query.text ?? '') === text) return;
    const timer = setTimeout(() => setQuery({ text: text || undefined }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only typing restarts the pause; a new query from elsewhere must not
  }, [text]);

  const open = (row: Row | undefined) => {
    if (row)
      navigate({
        screen: 'probe',
        runId: run.id,
        model: row.model,
        language: row.language,
        probeId: row.probeId,
        query,
      });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (total === null || total === 0) return;
    let next = selected;
    if (e.key === 'ArrowDown') next = Math.min(total - 1, selected + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, selected - 1);
    else if (e.key === 'PageDown') next = Math.min(total - 1, selected + Math.floor(VIEW_HEIGHT / ROW_HEIGHT));
    else if (e.key === 'PageUp') next = Math.max(0, selected - Math.floor(VIEW_HEIGHT / ROW_HEIGHT));
    else if (e.key === 'Enter') return open(rowAt(selected));
    else return;
    e.preventDefault();
    setSelected(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const downloadView = async () => {
    const c = client();
    if (!c || total === null) return;
    try {
      const rows: Row[] = [];
      for (let offset = 0; offset < total; offset += 1000)
        rows.push(...(await c.results.probes(probesParams(run.id, query, offset, 1000))).rows);
      saveText(`${run.id}-probes.csv`, 'text/csv', rowsToCsv(rows));
    } catch (e) {
      setError(errorText(e));
    }
  };

  const conditions = run.conditions;
  const languages = [...new Set(run.languages.map((l) => l.split('/')[0]!))];
  const categories = info.data?.vocabulary.categories ?? [];

  return (
    <div className="explorer">
      <div className="toolbar filters" role="group" aria-label="Filter and sort the probes">
        <Select
          label="Model"
          value={query.model}
          options={run.models.map((m) => [m, m])}
          onChange={(v) => setQuery({ model: v })}
        />
        <Select
          label="Language"
          value={query.language}
          options={languages.map((l) => [l, l])}
          onChange={(v) => setQuery({ language: v })}
        />
        <Select
          label="Category"
          value={query.category === undefined ? undefined : String(query.category)}
          options={categories.map((c) => [String(c.number), `${c.number}. ${c.name}`])}
          onChange={(v) => setQuery({ category: v === undefined ? undefined : Number(v) })}
        />
        <Select
          label="Condition"
          value={query.condition}
          options={conditions.map((c) => [c, conditionLabel(c)])}
          onChange={(v) => setQuery({ condition: v as ProbeQuery['condition'] })}
        />
        <Select
          label="Outcome"
          value={query.outcome}
          options={OUTCOMES.map((o) => [o, o])}
          onChange={(v) => setQuery({ outcome: v as ProbeQuery['outcome'] })}
        />
        <Select
          label="Gated outcome"
          value={query.gatedOutcome}
          options={OUTCOMES.map((o) => [o, o])}
          onChange={(v) => setQuery({ gatedOutcome: v as ProbeQuery['gatedOutcome'] })}
        />
        <Select
          label="Zero-shot"
          value={query.misaligned === undefined ? undefined : String(query.misaligned)}
          options={[
            ['true', 'misaligned'],
            ['false', 'aligned'],
          ]}
          onChange={(v) => setQuery({ misaligned: v === undefined ? undefined : v === 'true' })}
        />
        <label>
          Search{' '}
          <input
            type="search"
            value={text}
            placeholder="statement or probe id"
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <Select
          label="Sort by"
          value={query.sort}
          empty="probe id"
          options={[
            ['errorReduction', 'error reduction'],
            ['zeroShotError', 'zero-shot error'],
            ['alignment', 'alignment'],
          ]}
          onChange={(v) => setQuery({ sort: v as ProbeQuery['sort'] })}
        />
        <label>
          <input
            type="checkbox"
            checked={query.descending ?? false}
            onChange={(e) => setQuery({ descending: e.target.checked || undefined })}
          />{' '}
          descending
        </label>
      </div>
      <div className="explorer-status">
        <span role="status">{total === null ? 'Loading…' : `${total.toLocaleString('en')} rows`}</span>
        <span className="actions">
          {queryKey && (
            <button
              type="button"
              className="link"
              onClick={() => navigate({ screen: 'run', runId: run.id, tab: 'probes', query: {} })}
            >
              Clear the filter
            </button>
          )}
          <button type="button" onClick={() => void downloadView()} disabled={!total}>
            Download this view as CSV
          </button>
        </span>
      </div>
      {error && <ErrorNotice>The probes could not be read: {error}</ErrorNotice>}
      <div className="grid-header" role="row">
        {[
          'Probe',
          'Language',
          'Cat.',
          'Condition',
          'Statement',
          'Zero-shot',
          'Aligned',
          'Outcome',
          'Gated',
          'q',
          'Unreadable',
        ].map((h) => (
          <span key={h} role="columnheader">
            {h}
          </span>
        ))}
      </div>
      <div
        ref={viewport}
        className="grid-viewport"
        role="grid"
        aria-label="Probes of the run"
        aria-rowcount={total ?? 0}
        tabIndex={0}
        data-testid="probe-table"
        style={{ height: VIEW_HEIGHT }}
        onKeyDown={onKeyDown}
      >
        {total === 0 && <p className="muted empty-grid">No probe matches this filter.</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {inView.map(({ index, start }) => {
            const row = rowAt(index);
            return (
              <div
                key={index}
                role="row"
                aria-rowindex={index + 1}
                aria-selected={index === selected}
                data-testid={row ? 'probe-row' : undefined}
                className={`grid-row${index === selected ? ' selected' : ''}`}
                style={{ top: start, height: ROW_HEIGHT }}
                onClick={() => {
                  setSelected(index);
                  open(row);
                }}
              >
                {row ? (
                  <>
                    <span role="gridcell">{row.probeId}</span>
                    <span role="gridcell">
                      {row.language}/{row.country}
                    </span>
                    <span role="gridcell" title={row.categoryName}>
                      {row.category}
                    </span>
                    <span role="gridcell">{conditionLabel(row.condition)}</span>
                    <span role="gridcell" className="ellipsis" title={row.template ?? ''}>
                      {row.template ?? <span className="muted">(probe text no longer stored)</span>}
                    </span>
                    <span role="gridcell" className="number">
                      {percent(row.zeroShotAlignment, 0)}
                    </span>
                    <span role="gridcell" className="number">
                      {percent(row.alignment, 0)}
                    </span>
                    <span role="gridcell">
                      {row.outcome ? (
                        <span className={`outcome ${row.outcome}`}>{row.outcome}</span>
                      ) : row.misaligned ? (
                        <span className="muted">misaligned</span>
                      ) : (
                        ''
                      )}
                    </span>
                    <span role="gridcell">
                      {row.gatedOutcome ? (
                        <span className={`outcome ${row.gatedOutcome}`}>{row.gatedOutcome}</span>
                      ) : (
                        ''
                      )}
                    </span>
                    <span role="gridcell" className="number">
                      {row.qValue === null ? '' : row.qValue.toFixed(3)}
                    </span>
                    <span role="gridcell" className="number">
                      {row.invalidShare > 0 ? percent(row.invalidShare, 0) : ''}
                    </span>
                  </>
                ) : (
                  <span className="muted">…</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function Select({
  label,
  value,
  options,
  onChange,
  empty = 'all',
}: {
  label: string;
  value: string | undefined;
  options: [string, string][];
  onChange: (value: string | undefined) => void;
  empty?: string;
}) {
  return (
    <label>
      {label}{' '}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
        <option value="">{empty}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
