import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import type { MessageDecisions } from '../api/contract';
import { ReleaseDialog } from './ReleaseDialog';
import { useMessageUpdates } from './use-message-updates';
import { useRememberedDisclosure } from './use-remembered-disclosure';

const headline: Record<string, string> = {
  quarantined: 'Quarantined: kept here and never relayed',
  tagged: 'Flagged by the filter, then accepted',
  held: 'Held by a content rule: waiting in the queue until released',
};

/** A time as the reader's clock says it, for the released line. */
function localTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function title(decisions: MessageDecisions): string | null {
  const filter = decisions.Filter;
  if (filter?.action === 'quarantined' && filter.released !== undefined)
    return `Released from the quarantine by hand, ${localTime(filter.released)}`;
  if (filter && filter.action !== 'accepted') {
    if (filter.action === 'held' && decisions.Recipients.length === 0)
      return 'Matched a content rule that holds mail (captured here: nothing waits to be relayed)';
    if (filter.scan === 'not-scanned' && filter.action === 'tagged')
      return 'Not scanned: the virus scanner could not be reached';
    return headline[filter.action] ?? null;
  }
  return decisions.Recipients.length > 0 ? 'Waiting in the queue' : null;
}

/** The closed banner's one line: how many wait, and the upstream's word when they share it. */
function waitingSummary(waiting: MessageDecisions['Recipients'], reasons: string[]): string {
  const first = waiting[0];
  if (!first) return reasons.join('; ');
  if (waiting.length === 1) return `${first.Address}: ${first.Why}`;
  const shared = waiting.every((r) => r.Why === first.Why);
  return shared
    ? `${waiting.length} recipients: ${first.Why}`
    : `${waiting.length} recipients; ${first.Address}: ${first.Why}`;
}

/**
 * Why the content filter or sender control acted on this message: quarantined, tagged, not
 * scanned, or recipients held (a suspended sender) or delayed (the upstream's warm-up cap).
 * Shows nothing for a message nothing happened to.
 */
export function FilterDecision({ messageId }: { messageId: string }) {
  const api = useApi();
  const [decisions, setDecisions] = useState<{ id: string; value: MessageDecisions } | null>(null);
  // a recipient sent, held or released changes what waits: ask again, keeping the banner meanwhile
  const version = useMessageUpdates(api, messageId);
  const disclosure = useRememberedDisclosure('decision');
  const [releasing, setReleasing] = useState(false);
  // a release answers before the sidecar's event reaches this view: ask again at once
  const [released, setReleased] = useState(0);

  useEffect(() => {
    let current = true;
    // a failed call shows no banner: the message view itself says what went wrong
    api.messageDecisions(messageId).then(
      (value) => current && setDecisions({ id: messageId, value }),
      () => current && setDecisions(null),
    );
    return () => {
      current = false;
    };
  }, [api, messageId, version, released]);

  if (decisions?.id !== messageId) return null;
  const heading = title(decisions.value);
  if (!heading) return null;
  const { Filter: filter, Recipients: waiting } = decisions.value;
  const held = filter?.action === 'quarantined' && filter.released === undefined;
  const severe = held || filter?.scan === 'infected';
  const reasons = filter && filter.action !== 'accepted' ? filter.reasons : [];
  return (
    <section
      className={`filter-decision${severe ? ' severe' : ''}${disclosure.open ? '' : ' closed'}`}
      data-testid="filter-decision"
      aria-label="Filter decision"
    >
      <button
        type="button"
        className="disclosure"
        aria-expanded={disclosure.open}
        aria-controls="filter-decision-details"
        data-testid="filter-decision-toggle"
        onClick={disclosure.toggle}
      >
        <strong>{heading}</strong>
      </button>
      {!disclosure.open && (
        <span className="panel-summary" data-testid="filter-decision-summary">
          {waitingSummary(waiting, reasons)}
        </span>
      )}
      {held && (
        <button
          type="button"
          className="release-quarantined"
          data-testid="release-quarantined"
          onClick={() => setReleasing(true)}
        >
          Release…
        </button>
      )}
      {releasing && filter && (
        <ReleaseDialog
          messageId={messageId}
          filter={filter}
          onClose={() => setReleasing(false)}
          onReleased={() => {
            setReleasing(false);
            setReleased((n) => n + 1);
          }}
        />
      )}
      <ul id="filter-decision-details" hidden={!disclosure.open}>
        {reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
        {waiting.map((r) => (
          <li key={r.Address}>
            {r.Address}: {r.Why}
          </li>
        ))}
      </ul>
    </section>
  );
}
