// The reviewer's controls of a new run: the ones the screens offer first, each with one line on what it tests,
// another country's answers and another k filled in by the user, and any id of the grammar typed in full. The
// engine checks every id as the form is typed (runs.validate) and names what is wrong with it.
import { useState, type ReactNode } from 'react';
import { conditionLabel } from '../../../shared/charts/index.js';
import { MAX_CONTROL_K, readControlId, SUGGESTED_CONTROLS } from '../../../shared/method.js';
import { Field } from '../components/Field.js';

/** The offered controls a checkbox adds as they are (those without ISO3 or N to fill in). */
const READY = SUGGESTED_CONTROLS.filter((c) => !/ISO3|=N/.test(c.id));
const TESTS_OF = new Map(SUGGESTED_CONTROLS.map((c) => [c.id, c.tests]));

/** What a control tests, in one line: the offered one's words, else what its id changes. */
function testsOf(id: string): string {
  if (TESTS_OF.has(id)) return TESTS_OF.get(id)!;
  const read = readControlId(id);
  if (!('spec' in read)) return '';
  const { labels, k } = read.spec;
  if (labels.kind === 'other-country') return TESTS_OF.get('chrf-all/country=ISO3')!;
  if (k !== null) return TESTS_OF.get('chrf-all/k=N')!;
  return '';
}

export function NewRunControls({
  controls,
  onChange,
  problems,
}: {
  controls: readonly string[];
  onChange: (controls: string[]) => void;
  problems: ReactNode;
}) {
  const [country, setCountry] = useState('');
  const [k, setK] = useState('3');
  const [typed, setTyped] = useState('');
  const add = (id: string) => {
    const trimmed = id.trim();
    if (trimmed && !controls.includes(trimmed)) onChange([...controls, trimmed]);
  };
  const remove = (id: string) => onChange(controls.filter((c) => c !== id));
  const others = controls.filter((c) => !READY.some((r) => r.id === c));
  return (
    <Field
      label="Reviewer's controls"
      hint={
        <>
          Each is measured on the misaligned probes beside the strategies and read against the paper's condition it
          differs from (its strategy with the country's own answers), with paired 95% intervals (Results, controls.csv).
        </>
      }
    >
      <div className="choices" data-testid="new-run-controls">
        {READY.map((c) => (
          <label key={c.id} className="choice">
            <input
              type="checkbox"
              checked={controls.includes(c.id)}
              onChange={() => (controls.includes(c.id) ? remove(c.id) : add(c.id))}
            />
            {conditionLabel(c.id)} <span className="muted small">— {c.tests}</span>
          </label>
        ))}
        <div className="inline-form">
          <label>
            Another country's answers (chrF++ (all)){' '}
            <input
              aria-label="Another country, ISO 3166 alpha-3"
              placeholder="DEU"
              size={5}
              value={country}
              onChange={(e) => setCountry(e.target.value)}
            />
          </label>
          <button
            type="button"
            disabled={!/^[A-Za-z]{3}$/.test(country.trim())}
            onClick={() => add(`chrf-all/country=${country.trim().toUpperCase()}`)}
          >
            Add
          </button>
          <label>
            Demonstrations k (chrF++ (all)){' '}
            <select aria-label="k of the control" value={k} onChange={(e) => setK(e.target.value)}>
              {Array.from({ length: MAX_CONTROL_K }, (_, i) => String(i + 1)).map((value) => (
                <option key={value}>{value}</option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => add(`chrf-all/k=${k}`)}>
            Add
          </button>
        </div>
        <div className="inline-form">
          <label>
            Any control id{' '}
            <input
              aria-label="A control id"
              placeholder="random-category/k=3"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          </label>
          <button
            type="button"
            disabled={typed.trim() === ''}
            onClick={() => {
              add(typed);
              setTyped('');
            }}
          >
            Add
          </button>
        </div>
        {others.length > 0 && (
          <ul className="chosen-controls" aria-label="Other controls of the run">
            {others.map((id) => (
              <li key={id}>
                <code>{id}</code> {conditionLabel(id) !== id && <>({conditionLabel(id)})</>}{' '}
                <span className="muted small">{testsOf(id)}</span>{' '}
                <button type="button" className="link" onClick={() => remove(id)} aria-label={`Remove ${id}`}>
                  remove
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {problems}
    </Field>
  );
}
