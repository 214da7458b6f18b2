// The reviewer's controls in Results: each against the paper's condition it differs from, per model × language,
// with the paired differences and their 95% intervals as the engine computed them (controls.csv holds the same),
// and each comparison in words. A control's name leads to its misaligned probes in the explorer.
import type { CommandResult } from '../../../shared/contract.js';
import { conditionLabel } from '../../../shared/charts/index.js';
import { percent } from '../components/Status.js';
import { useRoute } from '../route-store.js';

type ControlRow = CommandResult<'results.tables'>['controls'][number];

/** A difference of shares in points, signed, with its interval: "−31 points [−40, −22]". */
function points(value: number | null, lower: number | null, upper: number | null): string {
  if (value === null) return '—';
  const signed = (v: number) => {
    const rounded = Math.round(v * 100);
    return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded)}`;
  };
  return `${signed(value)}${lower === null || upper === null ? '' : ` [${signed(lower)}, ${signed(upper)}]`}`;
}

export function ControlComparisons({ rows, runId }: { rows: readonly ControlRow[]; runId: string }) {
  const navigate = useRoute((s) => s.navigate);
  if (rows.length === 0) return null;
  const cells = [...new Set(rows.map((r) => `${r.model}\u0000${r.language}\u0000${r.country}`))];
  return (
    <section aria-labelledby="controls-heading" className="control-comparisons" data-testid="control-comparisons">
      <h3 id="controls-heading">The reviewer's controls against the paper's condition</h3>
      <p className="muted small">
        Each control is measured on the same misaligned probes as the condition it is read against, so the comparison is
        paired: the differences are over the probes measured under both, in percentage points, with percentile bootstrap
        95% intervals that resample probes. An interval that does not hold 0 is a difference beyond what the choice of
        probes gives. Each pair of shares reads: the control vs the condition it is read against.
      </p>
      {cells.map((cell) => {
        const [model, language, country] = cell.split('\u0000') as [string, string, string];
        const ofCell = rows.filter((r) => r.model === model && r.language === language && r.country === country);
        return (
          <div key={cell}>
            <h4>
              {model} · {language}/{country}
            </h4>
            <table className="table compact numbers wrapping-headings">
              <thead>
                <tr>
                  <th scope="col">Control</th>
                  <th scope="col">Against</th>
                  <th scope="col">Probes (left out)</th>
                  <th scope="col">Improved</th>
                  <th scope="col">Difference, points [95%]</th>
                  <th scope="col">Mean alignment</th>
                  <th scope="col">Difference, points [95%]</th>
                  <th scope="col">Unreadable</th>
                </tr>
              </thead>
              <tbody>
                {ofCell.map((row) => (
                  <tr key={row.condition} className={row.mostlyUnreadable ? 'unreadable-row' : undefined}>
                    <th scope="row">
                      <button
                        type="button"
                        className="link"
                        title={`The misaligned probes under ${conditionLabel(row.condition)}`}
                        onClick={() =>
                          navigate({
                            screen: 'run',
                            runId,
                            tab: 'probes',
                            query: { model, language, country, condition: row.condition, misaligned: true },
                          })
                        }
                      >
                        {conditionLabel(row.condition)}
                      </button>
                    </th>
                    <td>{conditionLabel(row.reference)}</td>
                    <td>
                      {row.n}
                      {row.leftOut > 0 ? ` (${row.leftOut})` : ''}
                    </td>
                    <td>
                      {percent(row.improvedShare, 0)} vs {percent(row.referenceImprovedShare, 0)}
                    </td>
                    <td>{points(row.improvedDifference, row.improvedDifferenceLower, row.improvedDifferenceUpper)}</td>
                    <td>
                      {percent(row.meanAlignment, 0)} vs {percent(row.referenceMeanAlignment, 0)}
                    </td>
                    <td>
                      {points(row.alignmentDifference, row.alignmentDifferenceLower, row.alignmentDifferenceUpper)}
                    </td>
                    <td>
                      {percent(row.meanInvalidShare, 0)} vs {percent(row.referenceMeanInvalidShare, 0)}
                      {row.mostlyUnreadable && <span className="badge unreadable">no readable answer</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ul className="control-readings">
              {ofCell.map((row) => (
                <li key={row.condition}>{row.reading}</li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
