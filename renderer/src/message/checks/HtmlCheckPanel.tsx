import type { AsyncValue } from '../../use-async-value';
import { clientsWith, percent, type HtmlCheck, type HtmlWarning } from './check-results';
import {
  orderedPlatforms,
  platformNames,
  useHtmlCheckPlatforms,
  type PlatformChoice,
} from './html-check-platforms';
import { scoreForPlatforms } from './html-check-score';

function Warning({ warning }: { warning: HtmlWarning }) {
  const unsupported = clientsWith(warning, 'no');
  const partial = clientsWith(warning, 'partial');
  const notes = Object.entries(warning.NotesByNumber);
  return (
    <li className="check-item" data-testid="html-check-warning">
      <div className="check-item-head">
        <strong>{warning.Title}</strong>
        <span className="check-badge">{warning.Category}</span>
        <span className="check-figures">
          {percent(warning.Score.Unsupported)} not supported · {percent(warning.Score.Partial)}{' '}
          partly · used {warning.Score.Found}×
        </span>
      </div>
      <ul className="check-locations" aria-label="Where it is used">
        {warning.Locations.map((at) => (
          <li key={at.Offset}>
            <span className="check-where">
              line {at.Line}, column {at.Column}
            </span>{' '}
            <code>{at.Source}</code>
          </li>
        ))}
      </ul>
      <details>
        <summary>Clients</summary>
        {unsupported.length > 0 && (
          <p>
            <span className="error">Not supported</span> in {unsupported.join('; ')}
          </p>
        )}
        {partial.length > 0 && <p>Partly supported in {partial.join('; ')}</p>}
        {notes.map(([number, note]) => (
          <p key={number} className="check-note">
            Note {number}: {note}
          </p>
        ))}
        {warning.URL && (
          <p>
            <a href={warning.URL} target="_blank" rel="noreferrer noopener">
              {warning.URL}
            </a>
          </p>
        )}
      </details>
    </li>
  );
}

function PlatformSwitches({
  known,
  choice,
}: {
  known: Readonly<Record<string, string[]>>;
  choice: PlatformChoice;
}) {
  const all = orderedPlatforms(known);
  return (
    <fieldset className="check-platforms" data-testid="html-check-platforms">
      <legend>Tested platforms</legend>
      {all.map((platform) => (
        <label key={platform} title={(known[platform] ?? []).join(', ')}>
          <input
            type="checkbox"
            checked={choice.counts(platform)}
            onChange={(event) => choice.toggle(platform, event.target.checked, all)}
          />{' '}
          {platformNames.get(platform) ?? platform}
        </label>
      ))}
      {choice.chosen !== null && (
        <button type="button" className="link-button" onClick={choice.reset}>
          All platforms
        </button>
      )}
    </fieldset>
  );
}

/** How well email clients support the HTML part, feature by feature, with where each is used. */
export function HtmlCheckPanel({ check }: { check: AsyncValue<HtmlCheck | null> }) {
  const choice = useHtmlCheckPlatforms();
  if (check.status === 'loading') return <p className="body-notice">Checking the HTML…</p>;
  if (check.status === 'failed') {
    return (
      <p className="body-notice" role="status" data-testid="html-check-notice">
        {/has no HTML part/.test(check.error) ? 'This message has no HTML part.' : check.error}
      </p>
    );
  }
  if (check.value === null) return <p className="body-notice">This message has no HTML part.</p>;
  const switches = <PlatformSwitches known={check.value.Platforms} choice={choice} />;
  if (choice.chosen?.size === 0) {
    return (
      <section className="check-panel" data-testid="html-check">
        <p className="check-summary" data-testid="html-check-total">
          No platform is chosen: choose the platforms your readers use to score the HTML.
        </p>
        {switches}
      </section>
    );
  }
  const { Total, Warnings } = scoreForPlatforms(check.value, choice.counts);
  return (
    <section className="check-panel" data-testid="html-check">
      <p className="check-summary" data-testid="html-check-total">
        Supported {percent(Total.Supported)} · partly {percent(Total.Partial)} · not supported{' '}
        {percent(Total.Unsupported)}
        {choice.chosen !== null && (
          <span className="check-figures">
            {' '}
            on {choice.chosen.size} of {orderedPlatforms(check.value.Platforms).length} platforms
          </span>
        )}
      </p>
      <div className="check-bar" aria-hidden="true">
        <span className="check-bar-yes" style={{ width: `${Total.Supported}%` }} />
        <span className="check-bar-partial" style={{ width: `${Total.Partial}%` }} />
        <span className="check-bar-no" style={{ width: `${Total.Unsupported}%` }} />
      </div>
      {switches}
      {Warnings.length === 0 ? (
        <p className="body-notice">
          Every feature used is supported by every client tested
          {choice.chosen === null ? '' : ' on the platforms chosen'}.
        </p>
      ) : (
        <ol className="check-list">
          {Warnings.map((warning) => (
            <Warning key={warning.Slug} warning={warning} />
          ))}
        </ol>
      )}
      <p className="check-source">Support data: caniemail.com</p>
    </section>
  );
}
