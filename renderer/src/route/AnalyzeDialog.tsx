import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { useApi } from '../api/api-context';
import type { AnalyzedHeaders } from '../api/contract';
import { Dialog } from '../layout/Dialog';
import { ApiError, serverWords } from '../api/http-transport';
import {
  MESSAGE_HEAD_BYTES,
  pastedHeaders,
  readMessageFile,
  refusedAsTooLargeText,
} from './message-file';
import { shownMailText } from '../format/mail-format';
import { DeliveryReportBox } from '../message/DeliveryReportBox';
import { analyzedPart } from './route-format';
import { RouteTimeline } from './RouteTimeline';

/** Headers pasted from any mail client, or an .eml dropped or opened, drawn as a route. */
export function AnalyzeDialog(props: {
  initialText?: string;
  /** Why a file dropped on the window could not be read as a message. */
  initialError?: string;
  onClose(): void;
}) {
  const api = useApi();
  const opened = props.initialText === undefined ? undefined : analyzedPart(props.initialText);
  const [text, setText] = useState(opened ?? '');
  const [result, setResult] = useState<AnalyzedHeaders | null>(null);
  const [error, setError] = useState<string | null>(props.initialError ?? null);
  // what was done to a paste (cut to its header block), shown while the field holds what was kept
  const [cut, setCut] = useState<{ kept: string; note: string } | null>(null);
  const note = cut && cut.kept === text ? cut.note : null;
  const [busy, setBusy] = useState(false);
  const fieldId = useId();

  const analyze = async (pasted: string) => {
    const read = pastedHeaders(pasted);
    if ('error' in read) {
      setResult(null);
      setError(read.error);
      return;
    }
    if (read.note) {
      // the field keeps what was analyzed, not megabytes of body
      setText(read.text);
      setCut({ kept: read.text, note: read.note });
    }
    setBusy(true);
    setError(null);
    try {
      setResult(await api.analyzeHeaders(read.text));
    } catch (failure) {
      setResult(null);
      setError(
        // a relay whose body limit is lower still than the header block
        failure instanceof ApiError && failure.status === 413
          ? refusedAsTooLargeText(new TextEncoder().encode(read.text).length)
          : serverWords(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  // an .eml dropped on the window arrives with the dialog: analyse it at once
  const initial = useRef(opened);
  useEffect(() => {
    if (initial.current) void analyze(initial.current);
    // once, for what the dialog opened with
  }, []);

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    setCut(null);
    const read = await readMessageFile(file);
    if ('error' in read) {
      setResult(null);
      setError(read.error);
      return;
    }
    setText(read.text);
    await analyze(read.text);
  };

  // A whole message pasted is cut to its header block as it arrives, before the field lays it
  // out: a 3 MB paste froze the dialog for 2 s (more on a busy machine) while Chromium laid out
  // the text that Analyze then cut anyway. One too large with no header block is not kept.
  const typed = (value: string) => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: a shorter text cannot be over the limit
    if (value.length * 3 <= MESSAGE_HEAD_BYTES) {
      setText(value);
      return;
    }
    const read = pastedHeaders(value);
    if ('error' in read) {
      setText('');
      setResult(null);
      setError(read.error);
      return;
    }
    setText(read.text);
    setError(null);
    if (read.note) setCut({ kept: read.text, note: read.note });
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    void readFile(event.dataTransfer.files[0]);
  };

  return (
    <Dialog
      title="Analyze headers"
      onClose={props.onClose}
      className="analyze-dialog"
      testId="analyze-dialog"
    >
      <form
        className="analyze-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (text.trim()) void analyze(text);
        }}
        onDragOver={(event) => event.preventDefault()}
        onDrop={onDrop}
      >
        <label htmlFor={fieldId}>
          Headers or the whole message (paste them, or drop an .eml or Outlook .msg file here)
        </label>
        <textarea
          id={fieldId}
          // the attribute, not React's autoFocus (a focus() before showModal, which then moves
          // focus to the first button): the field takes the focus, so `a` then a paste works
          ref={(field) => field?.setAttribute('autofocus', '')}
          value={text}
          rows={8}
          spellCheck={false}
          aria-describedby={`${fieldId}-keys`}
          onChange={(event) => typed(event.target.value)}
          onKeyDown={(event) => {
            // Enter is a new line in the field; Ctrl+Enter (⌘+Enter) analyzes, as in mail programs
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              if (text.trim() && !busy) void analyze(text);
            }
          }}
        />
        <div className="analyze-actions">
          <button type="submit" disabled={busy || text.trim() === ''}>
            Analyze
          </button>
          <label className="file-button">
            Open .eml or .msg file
            <input
              type="file"
              accept=".eml,.msg,message/rfc822,application/vnd.ms-outlook,text/plain"
              onChange={(event) => {
                const file = event.target.files?.[0];
                // cleared after each pick: the same file picked again (after fixing it, or after
                // an error) fires no change event otherwise, and nothing happened
                event.target.value = '';
                void readFile(file);
              }}
            />
          </label>
          <span id={`${fieldId}-keys`} className="analyze-keys">
            Ctrl+Enter analyzes
          </span>
        </div>
      </form>
      {note && (
        <p className="analyze-note" role="status" data-testid="analyze-note">
          {note}
        </p>
      )}
      {error && (
        <p className="body-notice error" role="alert">
          {error}
        </p>
      )}
      {result?.report && <ReportedRouteView report={result.report} />}
      {result && (
        <section aria-label={result.report ? 'The route of this report' : undefined}>
          {result.report && <h3 className="analyze-heading">The route of this report</h3>}
          <RouteTimeline route={result} />
        </section>
      )}
    </Dialog>
  );
}

/**
 * A bounce: what it reports of each recipient, then the route of the message it returns (the one
 * the reader asks about), above the report's own way back from the mailer-daemon.
 */
function ReportedRouteView({ report }: { report: NonNullable<AnalyzedHeaders['report']> }) {
  const returned = report.returned;
  return (
    <div className="analyze-report" data-testid="analyze-report">
      <DeliveryReportBox report={report.deliveryReport} />
      {returned && (
        <section aria-label="The route of the returned message" data-testid="returned-route">
          <h3 className="analyze-heading">
            The route of the returned message
            {returned.subject && ` “${shownMailText(returned.subject)}”`}
          </h3>
          {returned.route.hops.length > 0 ? (
            <RouteTimeline route={returned.route} />
          ) : (
            // the report's server sent it back as it was handed in, before any hop stamped it
            <p className="body-notice" data-testid="returned-no-hops">
              The returned copy has no Received fields: the reporting server returned it as it was
              handed in, so it shows no route before that server.
            </p>
          )}
        </section>
      )}
    </div>
  );
}
