// What the Results page says before any figure: warnings where a model gave no readable answers in a language,
// a reading of each model × language in words (every number a link to its probes), and how to read the rules.
import { filterRoute } from '../chart-links.js';
import { percent } from '../components/Status.js';
import type { CommandResult } from '../../../shared/contract.js';
import { conditionLabel } from '../../../shared/charts/index.js';
import { hrefOf } from '../routes.js';

type Summary = CommandResult<'results.summary'>;

export function UnreadableWarnings({ summary }: { summary: Summary }) {
  if (summary.warnings.length === 0) return null;
  return (
    <section className="notice warning unreadable-warnings" role="alert" data-testid="unreadable-warnings">
      <h3>
        {summary.warnings.length === 1
          ? 'One model × language gave mostly unreadable answers'
          : `${summary.warnings.length} model × language cells gave mostly unreadable answers`}
      </h3>
      <p>
        Where {percent(summary.unreadableThreshold, 0)} or more of the answers gave neither option, the paper's rule
        counts probes as misaligned that were never answered, and their "unchanged" says nothing about the model's
        values. Those cells are marked "no readable answer" in every table and figure, and left out of every summary.
      </p>
      {summary.warnings.map((w) => (
        <div key={`${w.model}|${w.language}|${w.country}`} className="warning-cell" data-testid="unreadable-warning">
          <h4>
            {w.model}, {w.language}/{w.country}:{' '}
            {w.responses > 0
              ? `${w.unreadableResponses.toLocaleString('en')} of ${w.responses.toLocaleString('en')} answers unreadable`
              : `${percent(w.unreadableShare, 0)} of the answers' probability unreadable`}{' '}
            ({w.conditions.map((c) => (c === 'zero-shot' ? 'zero-shot' : conditionLabel(c))).join(', ')})
          </h4>
          {w.commonResponses.length > 0 && (
            <>
              <p className="small">What it answered most often instead of an option:</p>
              <ol className="common-responses">
                {w.commonResponses.map((r) => (
                  <li key={r.text}>
                    <q>{r.text === '' ? '(nothing)' : r.text}</q>{' '}
                    <span className="muted small">{percent(r.share, 0)} of the unreadable</span>
                  </li>
                ))}
              </ol>
            </>
          )}
          <p className="small">What to try:</p>
          <ul className="small">
            {w.suggestions.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

export function Readings({ summary, runId }: { summary: Summary; runId: string }) {
  if (summary.readings.length === 0) return null;
  return (
    <section className="readings" aria-labelledby="readings-heading" data-testid="readings">
      <h3 id="readings-heading">What the run shows</h3>
      {summary.readings.map((r) => (
        <p key={`${r.model}|${r.language}|${r.country}`} data-testid="reading" data-verdict={r.verdict}>
          <strong>
            {r.model}, {r.language}/{r.country}.
          </strong>{' '}
          {r.segments.map((segment, i) =>
            'filter' in segment ? (
              <a key={i} href={hrefOf(filterRoute(runId, segment.filter))}>
                {segment.text}
              </a>
            ) : (
              <span key={i}>{segment.text}</span>
            ),
          )}
        </p>
      ))}
      <HowToRead />
    </section>
  );
}

/** What each rule and control answers, and which supports which claim: the same text as the user guide's section. */
export function HowToRead() {
  return (
    <details className="how-to-read" data-testid="how-to-read">
      <summary>How to read this</summary>
      <dl>
        <dt>The paper's rule</dt>
        <dd>
          A misaligned probe is <em>improved</em> when the share of answers giving the country's answer rises by any
          amount, on n = 10 sampled responses before and after. It is the paper's Table 1, and what to report to compare
          with it. On its own it cannot tell self-alignment from chance: a probe chosen for being misaligned on one
          noisy measurement often does better on the next.
        </dd>
        <dt>The re-test control</dt>
        <dd>
          The same zero-shot prompt asked again with another seed. What it "improves" is what chance alone gives by the
          paper's rule. A strategy shows an effect only as far as it improves more than the re-test: report both, side
          by side, whenever you report the paper's rule.
        </dd>
        <dt>The gated rule</dt>
        <dd>
          A change counts only when it is significant: Fisher's exact test on the counts before and after (a
          two-proportion z-test when the counts are large), q &lt; 0.05 after Benjamini–Hochberg over the probes of a
          model × language × condition; for exact probabilities, a change beyond the estimates' error bound. It rarely
          calls chance an improvement, so the re-test should be near 0% here; with n = 10 it also misses real but small
          changes. Use it to claim that particular probes changed.
        </dd>
        <dt>Table 1 in expectation (precise runs)</dt>
        <dd>
          With exact probabilities instead of samples, the paper's rule is evaluated as an expectation: the shares the
          paper's procedure would give on average, without its sampling noise. Use it to say what the procedure
          measures, not what one sampled run happened to give.
        </dd>
        <dt>Contested targets</dt>
        <dd>
          A country's answer is contested when its majority leads by less than the contested margin (10 points by
          default): the "right" answer is itself in doubt. Table 1 without them (table1-uncontested.csv) shows how much
          a result rests on thin majorities.
        </dd>
        <dt>No readable answer</dt>
        <dd>
          A result whose answers mostly gave neither option says how the model handles the prompt's format, not what it
          thinks. Such cells are marked and left out of every summary; fix the prompt (instruction language, chat, the
          response limit) before reading them.
        </dd>
      </dl>
    </details>
  );
}
