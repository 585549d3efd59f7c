import { useRef, useState, type ReactNode } from 'react';
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
  /** clamd's strip by default; spamd's has its own. */
  testId?: string;
}

/**
 * Every state has the same shape: its first words, the rest (and Check again) in a detail the
 * narrow list (240 px) hides behind Details, the whole sentence as the strip's title. There the
 * whole strip took half the list's height (the answering one three lines); the full text stays
 * in the page, so a screen reader and a wide list read it all.
 */
function Strip({
  tone,
  title,
  headline,
  detail,
  fix,
  role,
  busy,
  testId = 'scanner-state',
}: StripProps) {
  const [open, setOpen] = useState(false);
  const more = detail !== undefined || fix !== undefined;
  return (
    <div
      className={`scanner-state ${tone}${open ? ' open' : ''}`}
      data-testid={testId}
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
  // the strips stay the same elements while the relay is asked again, so one opened with
  // Details stays open (a narrow list's strips are one line until then)
  const known = useRef<FilterStatus | null>(null);
  if (status.status === 'ready') known.current = status.value;
  const spamd = status.status === 'failed' ? null : known.current;
  let clamd: StripProps;
  if (status.status === 'loading') {
    clamd = {
      tone: 'asking',
      busy: true,
      title: 'Asking the relay whether clamd answers…',
      headline: 'Asking clamd…',
    };
  } else if (status.status === 'failed') {
    clamd = {
      tone: 'down',
      role: 'alert',
      title: `The virus scanner’s state could not be read: ${status.error}`,
      headline: 'Scan state unknown',
      detail: (
        <>
          : the virus scanner’s state could not be read. {status.error} {again}
        </>
      ),
    };
  } else {
    clamd = clamdStrip(status.value, props.inSettings, again);
  }
  return (
    <>
      <Strip {...clamd} />
      {spamd && <SpamdStrip filter={spamd} asking={status.status === 'loading'} again={again} />}
    </>
  );
}

/** What a message spamd scores as spam undergoes, as the Settings choice says it. */
const spamActionWords: Record<FilterStatus['spamAction'], string> = {
  off: 'nothing is done with the score',
  reject: 'what it scores as spam is refused with 554 5.7.1',
  quarantine: 'what it scores as spam is quarantined',
  tag: 'what it scores as spam is relayed marked X-Spam-Flag: YES',
};

/**
 * Whether the spamd that mail is filtered by answers (spamAction on): down, mail goes on
 * unscored, which the service log said once and nothing on screen did.
 */
function SpamdStrip({
  filter,
  asking,
  again,
}: {
  filter: FilterStatus;
  /** Asked again: the last answer's spamd is being asked. */
  asking: boolean;
  again: ReactNode;
}) {
  if (!filter.spamd) return null;
  if (asking) {
    return (
      <Strip
        testId="spamd-state"
        tone="asking"
        busy
        title={`Asking the relay whether spamd answers at ${filter.spamd}…`}
        headline="Asking spamd…"
      />
    );
  }
  if (filter.spamdReachable) {
    return (
      <Strip
        testId="spamd-state"
        tone="ok"
        title={`spamd answers at ${filter.spamd}: messages are scored for spam, and ${spamActionWords[filter.spamAction]}.`}
        headline="spamd answers"
        detail={
          <>
            {' '}
            at {filter.spamd}: messages are scored for spam, and{' '}
            {spamActionWords[filter.spamAction]}. {again}
          </>
        }
      />
    );
  }
  return (
    <Strip
      testId="spamd-state"
      tone="down"
      role="status"
      title={`spamd does not answer at ${filter.spamd}. Meanwhile mail is passed on unscored, as amavis passes it when SpamAssassin fails.`}
      headline="spamd does not answer"
      detail={
        <>
          {' '}
          at {filter.spamd}. Meanwhile mail is passed on unscored, as amavis passes it when
          SpamAssassin fails.
        </>
      }
      fix={
        <>
          Fix: start spamd listening at {filter.spamd}, or {onScreen(settingName('spamassassin'))}.{' '}
          {again}
        </>
      }
    />
  );
}

/** The clamd strip's look and words for the relay's answer. */
function clamdStrip(
  filter: FilterStatus,
  inSettings: boolean | undefined,
  again: ReactNode,
): StripProps {
  // the spam filter quarantines too, when it is set to
  const quarantines =
    filter.spamAction === 'quarantine' && filter.spamd !== null
      ? 'only the attachment policy and the spam filter quarantine mail'
      : 'only the attachment policy quarantines mail';
  if (filter.clamd === null) {
    // in Settings the box for it is just below: sending the user to Settings there read oddly
    const why = inSettings
      ? `no clamd address is set below; ${quarantines}`
      : `no clamd is set in Settings → Filtering & senders; ${quarantines}`;
    return {
      tone: 'off',
      title: `Virus scanning is off: ${why}.`,
      headline: 'Virus scanning is off',
      detail: `: ${why}.`,
    };
  }
  if (filter.clamdReachable) {
    return {
      tone: 'ok',
      title: `clamd answers at ${filter.clamd}: messages are scanned.`,
      headline: 'clamd answers',
      detail: (
        <>
          {' '}
          at {filter.clamd}: messages are scanned. {again}
        </>
      ),
    };
  }
  return {
    tone: 'down',
    role: 'status',
    title: `clamd does not answer at ${filter.clamd}. ${meanwhile[filter.clamdUnavailable]}`,
    headline: 'clamd does not answer',
    detail: (
      <>
        {' '}
        at {filter.clamd}. {meanwhile[filter.clamdUnavailable]}
      </>
    ),
    fix: (
      <>
        Fix: start clamd listening at {filter.clamd} (it takes a while to load its database), or{' '}
        {/* the box by the Settings screen's name, as the relay's own warning names its flag */}
        {onScreen(settingName('clamd'))}. {again}
      </>
    ),
  };
}
