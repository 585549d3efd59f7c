// The SMTP sessions page: the last sessions, live, and the conversation of the one chosen, as
// smtp4dev's session log shows it. A session that stored nothing is where a client's failure
// shows: its AUTH refused, a recipient refused, a TLS handshake that failed.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useApi } from '../api/api-context';
import type { LogFollowing } from '../api/log-followers';
import type { SmtpSessionsDeleted, SmtpSessionTranscript, SmtpSessionView } from '../api/contract';
import { serverWords } from '../api/http-transport';
import { logTime } from '../logs/log-lines';
import {
  filterSessions,
  lineTime,
  replyMeaning,
  sessionOutcome,
  transcriptText,
  sessionTone,
  withSession,
  type SessionFilter,
} from './session-list';
import './sessions.css';
import { focusLanding } from '../layout/focus-landing';

/** A deletion in words: open sessions are never deleted, and the reader may wonder why some stay. */
function deletionWords({ deleted, open }: SmtpSessionsDeleted): string {
  const count = `Deleted ${deleted} ${deleted === 1 ? 'session' : 'sessions'}`;
  if (open === 0) return `${count}.`;
  return `${count}; ${open} still open ${open === 1 ? 'stays' : 'stay'} until ${open === 1 ? 'it ends' : 'they end'}.`;
}

const sides = { client: 'C:', server: 'S:', note: '—' } as const;
const sideNames = { client: 'client', server: 'Relaydesk', note: 'note' } as const;

export function SessionsView({
  chosen,
  onChoose,
  onOpenMessage,
}: {
  chosen: string | null;
  onChoose: (id: string | null) => void;
  onOpenMessage: (id: string) => void;
}) {
  const api = useApi();
  /** What the last deletion did, said until the next. */
  const [deletion, setDeletion] = useState<string | null>(null);
  const [sessions, setSessions] = useState<SmtpSessionView[]>([]);
  const [kept, setKept] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState<SessionFilter>({ text: '', refusedOnly: false });
  // a session that began or ended since the list was read
  const [changed, setChanged] = useState<SmtpSessionView | null>(null);

  const read = useCallback(() => {
    api.smtpSessions(1000).then(
      (view) => {
        setSessions(view.sessions);
        setKept(view.kept);
        setError(null);
        setLoading(false);
      },
      (failure: Error) => {
        setError(serverWords(failure));
        setLoading(false);
      },
    );
  }, [api]);

  useEffect(() => {
    // session events come with the log lines: only to a view that follows them
    const unsubscribe = api.onEvent((event) => {
      if (event.Type !== 'session') return;
      setSessions((list) => withSession(list, event.Data, 1000));
      setChanged(event.Data);
    });
    let following: LogFollowing | undefined = api.followLogs?.();
    void (following?.ready ?? Promise.resolve()).then(read);
    // sessions that began or ended while the live feed was down came to nobody: read again
    let down = false;
    const stopWatching = api.onStreamState?.((state) => {
      if (state === 'reconnecting') down = true;
      else if (state === 'open' && down) {
        down = false;
        const previous = following;
        following = api.followLogs?.();
        previous?.stop();
        void (following?.ready ?? Promise.resolve()).then(read);
      }
    });
    return () => {
      unsubscribe();
      stopWatching?.();
      following?.stop();
    };
  }, [api, read]);

  const shown = useMemo(() => filterSessions(sessions, filter), [sessions, filter]);

  const deleteSessions = (id?: string) => {
    (id === undefined ? api.deleteSmtpSessions() : api.deleteSmtpSession(id)).then(
      (result) => {
        setDeletion(deletionWords(result));
        if (chosen !== null && (id === undefined || id === chosen)) onChoose(null);
        read();
      },
      (failure: Error) => setDeletion(`Not deleted: ${serverWords(failure)}`),
    );
  };

  return (
    <div className="sessions-view" aria-busy={loading}>
      <header className="logs-header">
        {/* with a session chosen, its heading is where the focus lands */}
        <h2 {...(chosen === null ? focusLanding : {})}>SMTP sessions</h2>
        <div className="logs-filters" role="group" aria-label="Filter the sessions">
          <label htmlFor="session-filter">Filter sessions</label>
          <input
            id="session-filter"
            type="search"
            placeholder="client, EHLO name, user or reply"
            value={filter.text}
            onChange={(event) => setFilter({ ...filter, text: event.target.value })}
          />
          <label className="follow">
            <input
              type="checkbox"
              checked={filter.refusedOnly}
              onChange={(event) => setFilter({ ...filter, refusedOnly: event.target.checked })}
            />
            Only sessions with a refusal or an error
          </label>
          <button type="button" onClick={read}>
            Refresh
          </button>
          <button
            type="button"
            disabled={sessions.every((session) => session.endedAt === null)}
            onClick={() => deleteSessions()}
          >
            Delete ended sessions
          </button>
        </div>
      </header>
      {error && (
        <p className="field-error" role="alert">
          The sessions could not be read: {error}
        </p>
      )}
      <p className="logs-count" aria-live="polite">
        {loading
          ? 'Reading the sessions…'
          : `${shown.length === sessions.length ? sessions.length : `${shown.length} of ${sessions.length}`} ${
              sessions.length === 1 ? 'session' : 'sessions'
            }. Relaydesk keeps the conversation of the last ${kept} since it started, in memory.`}
        {deletion && ` ${deletion}`}
      </p>
      <div className="sessions-panes">
        <div className="sessions-list">
          {!loading && sessions.length === 0 && !error ? (
            <p className="field-hint">
              No SMTP sessions since Relaydesk started. Each connection to the SMTP port is listed
              here with its conversation, also one that sent no message.
            </p>
          ) : (
            <table aria-label="SMTP sessions">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Client</th>
                  <th scope="col">EHLO name and user</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((session) => (
                  <tr
                    key={session.id}
                    className={`session-row ${sessionTone(session)}${session.id === chosen ? ' chosen' : ''}`}
                    aria-selected={session.id === chosen}
                    onClick={() => onChoose(session.id)}
                  >
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        aria-label={`Show the session from ${session.client} at ${logTime(session.startedAt)}`}
                        onClick={(event) => {
                          event.stopPropagation();
                          onChoose(session.id);
                        }}
                      >
                        <time dateTime={session.startedAt}>{logTime(session.startedAt)}</time>
                      </button>
                    </td>
                    <td>
                      {session.client}
                      {session.clientHostname && (
                        <span className="muted"> {session.clientHostname}</span>
                      )}
                    </td>
                    <td className="session-helo">
                      <span
                        className="session-clamp"
                        title={[session.helo, session.user].filter(Boolean).join(' · ')}
                      >
                        {session.helo || <span className="muted">(none)</span>}
                        {session.user && <span className="muted"> · {session.user}</span>}
                      </span>
                    </td>
                    <td className="session-outcome">
                      <span className="session-clamp" title={sessionOutcome(session)}>
                        {sessionOutcome(session)}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="session-transcript-pane">
          {chosen ? (
            <SessionTranscriptPanel
              id={chosen}
              changed={changed?.id === chosen ? changed : null}
              onOpenMessage={onOpenMessage}
              onDelete={() => deleteSessions(chosen)}
            />
          ) : (
            <p className="field-hint">
              Choose a session to read its conversation: each command, each reply and how it ended.
            </p>
          )}
        </div>
      </div>
    </div>
  );
}

function SessionTranscriptPanel({
  id,
  changed,
  onOpenMessage,
  onDelete,
}: {
  id: string;
  /** The session's latest summary from an event: its transcript is read again. */
  changed: SmtpSessionView | null;
  onOpenMessage: (id: string) => void;
  onDelete: () => void;
}) {
  const api = useApi();
  const [transcript, setTranscript] = useState<SmtpSessionTranscript | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reads, setReads] = useState(0);
  /** The session whose conversation was last copied (the button says so until another is chosen). */
  const [copied, setCopied] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    api.smtpSession(id).then(
      (read) => {
        if (stopped) return;
        setTranscript(read);
        setError(null);
      },
      (failure: Error) => {
        if (stopped) return;
        setTranscript(null);
        setError(serverWords(failure));
      },
    );
    return () => {
      stopped = true;
    };
  }, [api, id, changed, reads]);

  if (error) {
    return (
      // a session asked for that is gone (not kept since a restart): what the user needs to read
      <p className="field-error" role="alert" {...focusLanding}>
        {error}
      </p>
    );
  }
  if (!transcript || transcript.id !== id)
    return <p className="logs-count">Reading the session…</p>;
  const ended = transcript.endedAt;
  return (
    <section className="session-transcript" aria-labelledby="session-heading">
      <header className="logs-header">
        <h3 id="session-heading" {...focusLanding}>
          Session from {transcript.client}
          {transcript.helo && ` (${transcript.helo})`}
        </h3>
        {ended === null && (
          <button type="button" onClick={() => setReads((n) => n + 1)}>
            Read again
          </button>
        )}
        {navigator.clipboard && (
          <button
            type="button"
            onClick={() => {
              void navigator.clipboard
                .writeText(transcriptText(transcript.lines))
                .then(() => setCopied(transcript.id));
            }}
          >
            {copied === transcript.id ? 'Copied' : 'Copy the conversation'}
          </button>
        )}
        {ended !== null && (
          <button type="button" onClick={onDelete}>
            Delete this session
          </button>
        )}
      </header>
      <dl className="session-facts">
        <div>
          <dt>Started</dt>
          <dd>
            <span>
              <time dateTime={transcript.startedAt}>{logTime(transcript.startedAt)}</time>
              {ended
                ? `, lasted ${lineTime(Date.parse(ended) - Date.parse(transcript.startedAt)).slice(1)}`
                : ', still open'}
            </span>
          </dd>
        </div>
        <div>
          <dt>Listener</dt>
          <dd>{transcript.listener}</dd>
        </div>
        <div>
          <dt>TLS</dt>
          <dd>{transcript.tls ?? 'none'}</dd>
        </div>
        <div>
          <dt>AUTH user</dt>
          <dd>{transcript.user ?? 'none'}</dd>
        </div>
        <div>
          <dt>Messages stored</dt>
          <dd>
            {transcript.messages.length === 0
              ? 'none'
              : transcript.messages.map((message) => (
                  <button
                    key={message}
                    type="button"
                    className="link-button"
                    onClick={() => onOpenMessage(message)}
                  >
                    Open message {message}
                  </button>
                ))}
          </dd>
        </div>
      </dl>
      <ol className="log-lines transcript-lines" aria-label="Conversation">
        {transcript.lines.map((line, index) => {
          const meaning = replyMeaning(line);
          const refused = line.from === 'server' && /^[45]/.test(line.text);
          return (
            <li
              key={index}
              className={`transcript-line from-${line.from}${refused ? ' refused' : ''}`}
            >
              <span className="transcript-time">{lineTime(line.ms)}</span>
              <span className="transcript-side" title={sideNames[line.from]}>
                {sides[line.from]}
                <span className="visually-hidden"> {sideNames[line.from]}</span>
              </span>
              <code>{line.text}</code>
              {meaning && <span className="transcript-meaning">{meaning}</span>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
