import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { useApi } from '../api/api-context';
import type { AnalyzedHeaders } from '../api/contract';
import { Dialog } from '../layout/Dialog';
import { useFocusThroughBusy } from '../layout/use-focus-through-busy';
import { ApiError, serverWords } from '../api/http-transport';
import {
  MESSAGE_HEAD_BYTES,
  partialText,
  pastedHeaders,
  readMessageFile,
  refusedAsTooLargeText,
  sizeText,
} from './message-file';
import { shownMailText } from '../format/mail-format';
import { DeliveryReportBox } from '../message/DeliveryReportBox';
import { analyzedPart, headerBlockOf } from './route-format';
import { RouteTimeline } from './RouteTimeline';
import { AnalyzedDkimRow } from './AnalyzedDkimRow';

/**
 * A whole message read from a file: the field shows its header block (a body of a megabyte laid
 * out in the field froze the dialog), while Analyze gets the whole message, whose DKIM
 * signatures cover the body. `partial`: the file was larger than what was read.
 */
interface ReadMessage {
  shown: string;
  message: string;
  partial: string | null;
  /** One character a byte of a file that is not UTF-8 (message-file.ts MessageFileRead). */
  encoding: 'latin1' | null;
}

function readMessage(text: string, partial?: string, encoding?: 'latin1'): ReadMessage {
  return {
    shown: headerBlockOf(text),
    message: text,
    partial: partial ?? null,
    encoding: encoding ?? null,
  };
}

/** The bytes a text read from a file stands for. */
const byteLength = (text: string, encoding: 'latin1' | null): number =>
  encoding === 'latin1' ? text.length : new TextEncoder().encode(text).length;

/** What the field leaves out of a message read whole, said under it; null when nothing is. */
function wholeNote(message: ReadMessage): string | null {
  const size = byteLength(message.message, message.encoding);
  // a file the desktop app opened whole but larger than Analyze sends: `analyze` says why
  if (message.partial || size > MESSAGE_HEAD_BYTES) return null;
  if (message.shown.length === message.message.length) return null;
  return (
    `The whole message (${sizeText(size)}) was ` +
    'read: the field shows its header block, and DKIM is verified over the body too.'
  );
}

/** Headers pasted from any mail client, or an .eml dropped or opened, drawn as a route. */
export function AnalyzeDialog(props: {
  initialText?: string;
  /** The file was larger than Analyze reads (message-file.ts `partial`). */
  initialPartial?: string;
  /** The file is not UTF-8: one character a byte (message-file.ts MessageFileRead). */
  initialEncoding?: 'latin1';
  /** Why a file dropped on the window could not be read as a message. */
  initialError?: string;
  onClose(): void;
}) {
  const api = useApi();
  const opened =
    props.initialText === undefined
      ? undefined
      : readMessage(props.initialText, props.initialPartial, props.initialEncoding);
  const [whole, setWhole] = useState<ReadMessage | null>(opened ?? null);
  const [text, setText] = useState(opened?.shown ?? '');
  const [result, setResult] = useState<AnalyzedHeaders | null>(null);
  // what the shown result was made of: a message read in part has its DKIM listed, not verified
  const [resultPartial, setResultPartial] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(props.initialError ?? null);
  // what was done to a paste (cut to its header block), shown while the field holds what was kept
  const [cut, setCut] = useState<{ kept: string; note: string } | null>(() => {
    const note = opened ? wholeNote(opened) : null;
    return opened && note ? { kept: opened.shown, note } : null;
  });
  const note = cut && cut.kept === text ? cut.note : null;
  const [busy, setBusy] = useState(false);
  // Analyze is disabled while it works: the focus fell to the page's body, and the next Tab
  // went to the dialog's first control instead of the answer after the button
  const analyzeButton = useRef<HTMLButtonElement>(null);
  const noteFocus = useFocusThroughBusy(analyzeButton, busy);
  const fieldId = useId();

  /**
   * Sends `text` to be analyzed; `partial`: it is a message read in part, `encoding` one
   * character a byte (see ReadMessage).
   */
  const send = async (text: string, partial: string | null, encoding: 'latin1' | null) => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.analyzeHeaders(text, encoding ?? undefined));
      setResultPartial(partial);
    } catch (failure) {
      setResult(null);
      setError(
        // a relay whose body limit is lower still than the header block
        failure instanceof ApiError && failure.status === 413
          ? refusedAsTooLargeText(byteLength(text, encoding))
          : serverWords(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  const analyze = async (pasted: string) => {
    noteFocus();
    // the field as a file filled it: the whole message goes (the field shows its header block)
    const fromFile = whole && whole.shown === pasted ? whole : null;
    let sent = fromFile ? fromFile.message : pasted;
    let partial = fromFile?.partial ?? null;
    const encoding = fromFile?.encoding ?? null;
    if (fromFile && byteLength(sent, encoding) > MESSAGE_HEAD_BYTES) {
      // a file the desktop app opened whole (up to 25 MB): its head, as a dropped one's
      sent = analyzedPart(sent);
      partial = partialText(null, MESSAGE_HEAD_BYTES);
    }
    const read = pastedHeaders(sent);
    if ('error' in read) {
      setResult(null);
      setError(read.error);
      return;
    }
    if (read.note && !fromFile) {
      // the field keeps what was analyzed, not megabytes of body
      setText(read.text);
      setCut({ kept: read.text, note: read.note });
    }
    await send(read.text, partial, encoding);
  };

  // an .eml dropped on the window arrives with the dialog: analyse it at once
  const initial = useRef(opened);
  useEffect(() => {
    if (initial.current) void analyze(initial.current.shown);
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
    const message = readMessage(read.text, read.partial, read.encoding);
    setWhole(message);
    setText(message.shown);
    const note = wholeNote(message);
    if (note) setCut({ kept: message.shown, note });
    // sent from here: `analyze` reads `whole` from this render, where the file is not yet
    await send(
      message.partial ? analyzedPart(message.message) : message.message,
      message.partial,
      message.encoding,
    );
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
          <button ref={analyzeButton} type="submit" disabled={busy || text.trim() === ''}>
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
          <RouteTimeline
            route={result}
            check={
              // a few fields pasted with no Received field and no signature: "not signed" there
              // would read as a finding about a message, as "0 hops" did (the route's sentence is
              // all there is to say)
              result.dkim.state === 'unsigned' && result.hops.length === 0 ? undefined : (
                <AnalyzedDkimRow dkim={result.dkim} partial={resultPartial} />
              )
            }
          />
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
