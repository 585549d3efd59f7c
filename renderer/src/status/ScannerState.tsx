import { useState } from 'react';
import { useApi } from '../api/api-context';
import type { FilterStatus } from '../api/contract';
import { useAsyncValue } from '../use-async-value';

/** What happens to mail while clamd does not answer, by the clamdUnavailable choice. */
const meanwhile: Record<FilterStatus['clamdUnavailable'], string> = {
  defer:
    'Meanwhile each message is refused with 451 4.7.0 and its client retries later (When clamd cannot be reached: Defer).',
  accept:
    'Meanwhile mail is taken unscanned and tagged "not-scanned" (When clamd cannot be reached: Accept).',
};

/**
 * Whether the virus scanner answers, asked when the view opens and again by hand ("Check
 * again"): clamd not started, or started with its database still loading, refuses every message
 * (or lets it through unscanned) with nothing said in the GUI but the Logs view's one warning.
 * Asked on open rather than live: a PING per few seconds for every open window is load for a
 * state that changes rarely, and the button answers the one question after starting clamd.
 */
export function ScannerState() {
  const api = useApi();
  const [asked, setAsked] = useState(0);
  // the narrow list's strip shows the problem in one line; Details opens the rest (see styles)
  const [open, setOpen] = useState(false);
  const status = useAsyncValue(() => api.filterStatus(), `filter-${asked}`);
  const again = (
    <button type="button" data-testid="scanner-check" onClick={() => setAsked((n) => n + 1)}>
      Check again
    </button>
  );
  const details = (
    <button
      type="button"
      className="scanner-more"
      aria-expanded={open}
      data-testid="scanner-details"
      onClick={() => setOpen((shown) => !shown)}
    >
      {open ? 'Less' : 'Details'}
    </button>
  );
  // Every state has the same shape: its first words, the rest (and Check again) in a detail
  // the narrow list hides behind Details, the whole sentence as the strip's title.
  if (status.status === 'loading') {
    return (
      <div
        className="scanner-state asking"
        data-testid="scanner-state"
        aria-busy="true"
        title="Asking the relay whether clamd answers…"
      >
        <p>
          <strong>Asking clamd…</strong>
        </p>
      </div>
    );
  }
  if (status.status === 'failed') {
    return (
      <div
        className={`scanner-state down${open ? ' open' : ''}`}
        data-testid="scanner-state"
        role="alert"
        title={`The virus scanner’s state could not be read: ${status.error}`}
      >
        <p>
          <strong>Scan state unknown</strong>
          <span className="scanner-detail">
            : the virus scanner’s state could not be read. {status.error} {again}
          </span>
          {details}
        </p>
      </div>
    );
  }
  const filter = status.value;
  if (filter.clamd === null) {
    const why =
      'no clamd is set in Settings → Filtering & senders; only the attachment policy quarantines mail';
    return (
      <div
        className={`scanner-state off${open ? ' open' : ''}`}
        data-testid="scanner-state"
        title={`Virus scanning is off: ${why}.`}
      >
        <p>
          <strong>Virus scanning is off</strong>
          <span className="scanner-detail">: {why}.</span>
          {details}
        </p>
      </div>
    );
  }
  // In a narrow list (240 px) the whole strip took half the list's height (the answering one
  // three lines): there only its first words and Details show, the rest (where, meanwhile, the
  // fix, Check again) one click away. The full text stays in the page, so a screen reader and a
  // wide list read it all.
  if (filter.clamdReachable) {
    return (
      <div
        className={`scanner-state ok${open ? ' open' : ''}`}
        data-testid="scanner-state"
        title={`clamd answers at ${filter.clamd}: messages are scanned.`}
      >
        <p>
          <strong>clamd answers</strong>
          <span className="scanner-detail">
            {' '}
            at {filter.clamd}: messages are scanned. {again}
          </span>
          {details}
        </p>
      </div>
    );
  }
  return (
    <div
      className={`scanner-state down${open ? ' open' : ''}`}
      data-testid="scanner-state"
      role="status"
      title={`clamd does not answer at ${filter.clamd}. ${meanwhile[filter.clamdUnavailable]}`}
    >
      <p>
        <strong>clamd does not answer</strong>
        <span className="scanner-detail">
          {' '}
          at {filter.clamd}. {meanwhile[filter.clamdUnavailable]}
        </span>
        {details}
      </p>
      <p className="scanner-detail">
        Fix: start clamd listening at {filter.clamd} (it takes a while to load its database), or
        correct the clamd address in Settings. {again}
      </p>
    </div>
  );
}
