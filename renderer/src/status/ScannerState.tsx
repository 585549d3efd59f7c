import { useState, type ReactNode } from 'react';
import { useApi } from '../api/api-context';
import { onScreen, settingName, type FilterStatus } from '../api/contract';
import { useAsyncValue } from '../use-async-value';

/** What happens to mail while clamd does not answer, by the clamdUnavailable choice. */
const meanwhile: Record<FilterStatus['clamdUnavailable'], string> = {
  defer:
    'Meanwhile each message is refused with 451 4.7.0 and its client retries later (When clamd cannot be reached: Defer).',
  accept:
    'Meanwhile mail is taken unscanned and tagged "not-scanned" (When clamd cannot be reached: Accept).',
};

/** The strip's look: its left border's colour, and whether its words read as a problem. */
type StripTone = 'asking' | 'ok' | 'down' | 'off';

interface StripProps {
  tone: StripTone;
  /** The whole sentence, as the strip's tooltip. */
  title: string;
  /** Its first words: all a narrow list shows until Details is opened. */
  headline: string;
  /** The rest of the first line (where, what happens meanwhile), hidden in a narrow list. */
  detail?: ReactNode;
  /** A second line (the fix), hidden in a narrow list like the detail. */
  fix?: ReactNode;
  role?: 'alert' | 'status';
  busy?: boolean;
}

/**
 * Every state has the same shape: its first words, the rest (and Check again) in a detail the
 * narrow list (240 px) hides behind Details, the whole sentence as the strip's title. There the
 * whole strip took half the list's height (the answering one three lines); the full text stays
 * in the page, so a screen reader and a wide list read it all.
 */
function Strip({ tone, title, headline, detail, fix, role, busy }: StripProps) {
  const [open, setOpen] = useState(false);
  const more = detail !== undefined || fix !== undefined;
  return (
    <div
      className={`scanner-state ${tone}${open ? ' open' : ''}`}
      data-testid="scanner-state"
      title={title}
      {...(role ? { role } : {})}
      {...(busy ? { 'aria-busy': true } : {})}
    >
      <p>
        <strong>{headline}</strong>
        {detail !== undefined && <span className="scanner-detail">{detail}</span>}
        {more && (
          <>
            {' '}
            <button
              type="button"
              className="scanner-more"
              aria-expanded={open}
              data-testid="scanner-details"
              onClick={() => setOpen((shown) => !shown)}
            >
              {open ? 'Less' : 'Details'}
            </button>
          </>
        )}
      </p>
      {fix !== undefined && <p className="scanner-detail">{fix}</p>}
    </div>
  );
}

/**
 * Whether the virus scanner answers, asked when the view opens and again by hand ("Check
 * again"): clamd not started, or started with its database still loading, refuses every message
 * (or lets it through unscanned) with nothing said in the GUI but the Logs view's one warning.
 * Asked on open rather than live: a PING per few seconds for every open window is load for a
 * state that changes rarely, and the button answers the one question after starting clamd.
 */
export function ScannerState(
  props: {
    inSettings?: boolean;
    /**
     * Changes with each save of the settings: a clamd address saved applies at once, and the
     * strip kept saying the old one does not answer until the page was opened again.
     */
    saves?: number;
  } = {},
) {
  const api = useApi();
  const [asked, setAsked] = useState(0);
  const status = useAsyncValue(() => api.filterStatus(), `filter-${asked}-${props.saves ?? 0}`);
  const again = (
    <button type="button" data-testid="scanner-check" onClick={() => setAsked((n) => n + 1)}>
      Check again
    </button>
  );
  if (status.status === 'loading') {
    return (
      <Strip
        tone="asking"
        busy
        title="Asking the relay whether clamd answers…"
        headline="Asking clamd…"
      />
    );
  }
  if (status.status === 'failed') {
    return (
      <Strip
        tone="down"
        role="alert"
        title={`The virus scanner’s state could not be read: ${status.error}`}
        headline="Scan state unknown"
        detail={
          <>
            : the virus scanner’s state could not be read. {status.error} {again}
          </>
        }
      />
    );
  }
  const filter = status.value;
  if (filter.clamd === null) {
    // in Settings the box for it is just below: sending the user to Settings there read oddly
    const why = props.inSettings
      ? 'no clamd address is set below; only the attachment policy quarantines mail'
      : 'no clamd is set in Settings → Filtering & senders; only the attachment policy quarantines mail';
    return (
      <Strip
        tone="off"
        title={`Virus scanning is off: ${why}.`}
        headline="Virus scanning is off"
        detail={`: ${why}.`}
      />
    );
  }
  if (filter.clamdReachable) {
    return (
      <Strip
        tone="ok"
        title={`clamd answers at ${filter.clamd}: messages are scanned.`}
        headline="clamd answers"
        detail={
          <>
            {' '}
            at {filter.clamd}: messages are scanned. {again}
          </>
        }
      />
    );
  }
  return (
    <Strip
      tone="down"
      role="status"
      title={`clamd does not answer at ${filter.clamd}. ${meanwhile[filter.clamdUnavailable]}`}
      headline="clamd does not answer"
      detail={
        <>
          {' '}
          at {filter.clamd}. {meanwhile[filter.clamdUnavailable]}
        </>
      }
      fix={
        <>
          Fix: start clamd listening at {filter.clamd} (it takes a while to load its database), or{' '}
          {/* the box by the Settings screen's name, as the relay's own warning names its flag */}
          {onScreen(settingName('clamd'))}. {again}
        </>
      }
    />
  );
}
