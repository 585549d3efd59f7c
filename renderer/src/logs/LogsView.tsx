// The Logs view: relay lines (one per delivery attempt, Postfix's shape), audit lines
// (connections, AUTH, messages accepted or refused) and the service's own lines (its start, the
// index, the journals, quarantined files, failures), live and filterable; then the webhooks.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '../api/api-context';
import type { LogFollowing } from '../api/log-followers';
import type { LogEntry, WebhookDeliveryView, WebhookLogView } from '../api/contract';
import {
  appendLog,
  filterLog,
  joinHistory,
  refillHistory,
  loggedToday,
  logIdentity,
  logTime,
  type LogFilter,
} from './log-lines';
import './logs.css';
import { serverWords } from '../api/http-transport';
import { localTimes } from '../format/local-times';
import { focusLanding } from '../layout/focus-landing';

const kinds = [
  { value: 'all', label: 'Relay, audit and service' },
  { value: 'relay', label: 'Relay (deliveries)' },
  { value: 'audit', label: 'Audit (connections, AUTH, messages)' },
  { value: 'service', label: 'Service (start, index, journals, problems)' },
] as const;

export function LogsView() {
  const api = useApi();
  const [lines, setLines] = useState<LogEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [filter, setFilter] = useState<LogFilter>({ kind: 'all', text: '' });
  const [follow, setFollow] = useState(true);
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live: LogEntry[] = [];
    /** The history's lines, once it is read: a live line among them is not shown again. */
    let known: Set<string> | null = null;
    let stopped = false;
    // lines that arrive while the history loads are kept and merged, not lost
    const unsubscribe = api.onEvent((event) => {
      if (event.Type !== 'log') return;
      if (!known) live.push(event.Data);
      else if (!known.has(logIdentity(event.Data)))
        setLines((current) => appendLog(current, event.Data));
    });
    let following: LogFollowing | undefined;
    const readHistory = () => {
      // the history is read only once the server (or main) sends every later line: a line
      // logged between a read and the subscription taking effect was shown by neither
      const previous = following;
      following = api.followLogs?.();
      previous?.stop();
      (following?.ready ?? Promise.resolve())
        .then(() => Promise.all([api.relayLog(1000), api.auditLog(1000), api.serviceLog(1000)]))
        .then(
          (logs) => {
            if (stopped) return;
            const history = logs.map((log) => log.entries);
            if (known) {
              const seen = known;
              setLines((current) => refillHistory(current, history, seen));
            } else {
              const joined = joinHistory(history, live);
              known = joined.known;
              live = [];
              setLines(joined.lines);
            }
            setError(null);
            setLoading(false);
          },
          (failure: Error) => {
            if (stopped) return;
            setError(serverWords(failure));
            setLoading(false);
          },
        );
    };
    readHistory();
    // lines logged while the live feed was down came to nobody: once it is back, the history is
    // read again (after the server follows the logs again) and what the view lacks joins it
    let down = false;
    const stopWatching = api.onStreamState?.((state) => {
      if (state === 'reconnecting') down = true;
      else if (state === 'open' && down) {
        down = false;
        readHistory();
      }
    });
    return () => {
      stopped = true;
      unsubscribe();
      stopWatching?.();
      following?.stop();
    };
  }, [api]);

  const shown = useMemo(() => filterLog(lines, filter), [lines, filter]);
  useEffect(() => {
    if (follow) end.current?.scrollIntoView({ block: 'end' });
  }, [shown, follow]);

  return (
    // busy until the history is read (after the live feed is sure to carry every later line)
    <div className="logs-view" aria-busy={loading}>
      <header className="logs-header">
        <h2 {...focusLanding}>Logs</h2>
        <div className="logs-filters" role="group" aria-label="Filter the log">
          <label htmlFor="log-kind">Show</label>
          <select
            id="log-kind"
            value={filter.kind}
            onChange={(event) =>
              setFilter({ ...filter, kind: event.target.value as LogFilter['kind'] })
            }
          >
            {kinds.map((kind) => (
              <option key={kind.value} value={kind.value}>
                {kind.label}
              </option>
            ))}
          </select>
          <label htmlFor="log-filter">Filter log lines</label>
          <input
            id="log-filter"
            type="search"
            placeholder="e.g. status=deferred, or an address"
            value={filter.text}
            onChange={(event) => setFilter({ ...filter, text: event.target.value })}
          />
          <label className="follow">
            <input
              type="checkbox"
              checked={follow}
              onChange={(event) => setFollow(event.target.checked)}
            />
            Follow new lines
          </label>
        </div>
      </header>
      {error && (
        <p className="field-error" role="alert">
          The log could not be loaded: {error}
        </p>
      )}
      <p className="logs-count" aria-live="polite">
        {loading
          ? 'Reading the log…'
          : shown.length === lines.length
            ? `${lines.length} line${lines.length === 1 ? '' : 's'}`
            : `${shown.length} of ${lines.length} lines`}
      </p>
      {loading ? null : lines.length === 0 && !error ? (
        <p className="field-hint">
          No log lines yet. Audit lines appear as clients connect; relay lines with each delivery
          attempt; service lines as the app starts and when something needs attention.
        </p>
      ) : (
        <ol
          // lines from an earlier day show their date: a wider time column for all, aligned
          className={shown.every((e) => loggedToday(e.at)) ? 'log-lines' : 'log-lines dated'}
          aria-label="Log lines"
        >
          {shown.map((entry, index) => (
            <li key={`${entry.at}-${index}`} className={`log-line ${entry.kind}`}>
              <time dateTime={entry.at}>{logTime(entry.at)}</time>
              <span className="log-kind">{entry.kind}</span>
              {/* a time in the line (until=…Z) reads in local time, as the time column does;
                  the line as logged is its tooltip */}
              <LoggedLine line={entry.line} />
            </li>
          ))}
        </ol>
      )}
      <div ref={end} />
      <WebhooksSection />
    </div>
  );
}

function LoggedLine({ line }: { line: string }) {
  const shown = localTimes(line);
  return <code title={shown === line ? undefined : line}>{shown}</code>;
}

/** A POST is still under way or waiting for its retry, so its outcome is yet to come. */
const unsettled = (d: WebhookDeliveryView) => d.State === 'pending' || d.State === 'retrying';

function outcome(d: WebhookDeliveryView): string {
  if (d.Status !== null && d.Error) return `HTTP ${d.Status}: ${d.Error}`;
  if (d.Status !== null) return `HTTP ${d.Status}`;
  return d.Error ?? '—';
}

/** The configured webhook URLs and each POST made to them, newest first. */
function WebhooksSection() {
  const api = useApi();
  const [log, setLog] = useState<WebhookLogView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(() => {
    api.webhookLog().then(
      (view) => {
        setLog(view);
        setError(null);
      },
      (failure: Error) => setError(serverWords(failure)),
    );
  }, [api]);

  useEffect(() => {
    refresh();
    // a new message or a delivery status change is what fires a webhook; an update without a
    // Status (read, tags, an attempt that left the status as it was) fires none
    return api.onEvent((event) => {
      if (event.Type === 'new' || (event.Type === 'update' && event.Data.Status !== undefined))
        refresh();
    });
  }, [api, refresh]);

  // webhooks are posted after the event that fired them and retried later: no event tells the
  // GUI when they end, so look again while any is unsettled
  const waiting = log?.Deliveries.some(unsettled) ?? false;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(refresh, 2000);
    return () => clearInterval(timer);
  }, [waiting, refresh]);

  return (
    <section className="webhooks" aria-labelledby="webhooks-heading">
      <header className="logs-header">
        <h2 id="webhooks-heading">Webhooks</h2>
        <button type="button" onClick={refresh}>
          Refresh webhooks
        </button>
      </header>
      {error && (
        <p className="field-error" role="alert">
          The webhook log could not be loaded: {error}
        </p>
      )}
      {log &&
        (log.URLs.length === 0 ? (
          <p className="field-hint">
            No webhook URLs are configured. Add them in{' '}
            <a href="#settings">Settings → Capture toolkit → Webhook URLs</a> (they apply at once)
            or start Relaydesk with <code>--webhook-url URL</code>, once per URL, to have each new
            message posted to each.
          </p>
        ) : (
          <ul className="webhook-urls" aria-label="Webhook URLs">
            {log.URLs.map((url) => (
              <li key={url}>
                <code>{url}</code>
              </li>
            ))}
          </ul>
        ))}
      {log && log.URLs.length > 0 && log.Deliveries.length === 0 && (
        <p className="field-hint">No webhooks posted yet; one goes out with each new message.</p>
      )}
      {log && log.Deliveries.length > 0 && (
        <table className="webhook-deliveries" aria-label="Webhook deliveries">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">URL</th>
              <th scope="col">Event</th>
              <th scope="col">State</th>
              <th scope="col">HTTP status or error</th>
              <th scope="col">Attempts</th>
            </tr>
          </thead>
          <tbody>
            {log.Deliveries.map((d) => (
              <tr key={d.ID} className={`webhook-${d.State}`}>
                <td>
                  <time dateTime={d.Created}>{logTime(d.Created)}</time>
                </td>
                <td>
                  <code>{d.URL}</code>
                </td>
                <td>{d.Event}</td>
                <td className="webhook-state">{d.State}</td>
                <td>{outcome(d)}</td>
                <td>{d.Attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
