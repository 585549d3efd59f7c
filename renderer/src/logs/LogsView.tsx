// The Logs view: relay lines (one per delivery attempt, Postfix's shape) and audit lines
// (connections, AUTH, messages accepted or refused), live and filterable.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '../api/api-context';
import type { LogEntry } from '../api/contract';
import { appendLog, filterLog, mergeLogs, type LogFilter } from './log-lines';
import './logs.css';

const kinds = [
  { value: 'all', label: 'Relay and audit' },
  { value: 'relay', label: 'Relay (deliveries)' },
  { value: 'audit', label: 'Audit (connections, AUTH, messages)' },
] as const;

export function LogsView() {
  const api = useApi();
  const [lines, setLines] = useState<LogEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState<LogFilter>({ kind: 'all', text: '' });
  const [follow, setFollow] = useState(true);
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live: LogEntry[] = [];
    let loaded = false;
    // lines that arrive while the history loads are kept and merged, not lost
    const unsubscribe = api.onEvent((event) => {
      if (event.Type !== 'log') return;
      if (loaded) setLines((current) => appendLog(current, event.Data));
      else live.push(event.Data);
    });
    Promise.all([api.relayLog(1000), api.auditLog(1000)]).then(
      ([relay, audit]) => {
        const known = new Set([...relay.entries, ...audit.entries].map((e) => `${e.at} ${e.line}`));
        setLines(
          mergeLogs(
            relay.entries,
            audit.entries,
            live.filter((e) => !known.has(`${e.at} ${e.line}`)),
          ),
        );
        loaded = true;
        live = [];
      },
      (failure: Error) => setError(failure.message),
    );
    return unsubscribe;
  }, [api]);

  const shown = useMemo(() => filterLog(lines, filter), [lines, filter]);
  useEffect(() => {
    if (follow) end.current?.scrollIntoView({ block: 'end' });
  }, [shown, follow]);

  return (
    <div className="logs-view">
      <header className="logs-header">
        <h2>Logs</h2>
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
        {shown.length === lines.length
          ? `${lines.length} line${lines.length === 1 ? '' : 's'}`
          : `${shown.length} of ${lines.length} lines`}
      </p>
      {lines.length === 0 && !error ? (
        <p className="field-hint">
          No log lines yet. Audit lines appear as clients connect; relay lines with each delivery
          attempt.
        </p>
      ) : (
        <ol className="log-lines" aria-label="Log lines">
          {shown.map((entry, index) => (
            <li key={`${entry.at}-${index}`} className={`log-line ${entry.kind}`}>
              <time dateTime={entry.at}>{new Date(entry.at).toLocaleTimeString()}</time>
              <span className="log-kind">{entry.kind}</span>
              <code>{entry.line}</code>
            </li>
          ))}
        </ol>
      )}
      <div ref={end} />
    </div>
  );
}
