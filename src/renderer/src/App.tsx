// The placeholder screen: what the workbench is, and the probe sets the engine holds.
import { useEffect } from 'react';
import { useEngineState } from './engine-state-store.js';
import { useProbeSets, type ProbeSetSummary, type ProbeSetsState } from './probe-sets-store.js';

export function App() {
  const state = useProbeSets((s) => s.state);
  const load = useProbeSets((s) => s.load);
  useEffect(() => {
    void load();
  }, [load]);
  const engine = useEngineState((s) => s.state);
  const watch = useEngineState((s) => s.watch);
  useEffect(() => watch(), [watch]);

  return (
    <main className="page">
      <header>
        <h1>Self-Align Workbench</h1>
        <p className="lede">
          Measure how well language models reflect a country&apos;s World Values Survey answers, and improve it with
          self-alignment.
        </p>
      </header>
      {engine && (
        <p className="notice error" role="alert">
          {engine.state === 'restarting' ? 'The engine stopped unexpectedly; ' : 'The engine stopped: '}
          {engine.message}. Runs keep what they measured and can be resumed.
        </p>
      )}
      <section aria-labelledby="probe-sets-heading">
        <h2 id="probe-sets-heading">Probe sets</h2>
        <ProbeSets state={state} />
      </section>
    </main>
  );
}

function ProbeSets({ state }: { state: ProbeSetsState }) {
  switch (state.status) {
    case 'idle':
    case 'loading':
      return <p className="muted">Loading…</p>;
    case 'disconnected':
      return (
        <p className="notice" role="status">
          Engine not connected. Open the workbench from its desktop window, or from the address that{' '}
          <code>selfalign serve</code> prints.
        </p>
      );
    case 'failed':
      return (
        <p className="notice error" role="alert">
          The probe sets could not be listed: {state.message}
        </p>
      );
    case 'loaded':
      return state.sets.length === 0 ? (
        <p className="muted">No probe sets yet. Import one with <code>selfalign probes import</code>.</p>
      ) : (
        <ul className="sets" aria-label="Probe sets">
          {state.sets.map((s) => (
            <ProbeSetItem key={s.name} set={s} />
          ))}
        </ul>
      );
  }
}

function ProbeSetItem({ set }: { set: ProbeSetSummary }) {
  return (
    <li className="set">
      <span className="set-name">{set.name}</span>
      <span className="set-meta">
        {set.format} · {set.languages.length} {set.languages.length === 1 ? 'language' : 'languages'} ({set.languages.join(', ')}) ·{' '}
        {set.usable} of {set.probes} probes usable · imported {set.importedAt.slice(0, 10)}
      </span>
    </li>
  );
}
