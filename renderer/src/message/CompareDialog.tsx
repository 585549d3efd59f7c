// Two selected messages compared: what changed in the headers, the text, the HTML source and
// the attachments, the older one first. For the developer who changed a template and wants to
// see what their app sends now against what it sent before.
import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import type {
  MessageComparison,
  MessageComparisonBody,
  MessageComparisonPart,
} from '../api/contract';
import { serverWords } from '../api/http-transport';
import { formatSize } from '../format/mail-format';
import { Dialog } from '../layout/Dialog';
import { diffRows } from './changed-words';

const marks = { same: ' ', removed: '-', added: '+' } as const;

const lines = (n: number) => `${n} ${n === 1 ? 'line' : 'lines'}`;

/** The body's verdict in a few words, for the summary at the top. */
export function bodyVerdict(body: MessageComparisonBody): string {
  if (body.Same) return 'the same';
  if (body.Hunks.length === 0) return body.Note;
  const removed = body.Hunks.flatMap((h) => h.Lines).filter((l) => l.startsWith('-')).length;
  const added = body.Hunks.flatMap((h) => h.Lines).filter((l) => l.startsWith('+')).length;
  return `${lines(removed)} removed, ${lines(added)} added`;
}

function DiffBody({ label, body }: { label: string; body: MessageComparisonBody }) {
  if (body.Same) return <p className="field-hint">The same in both.</p>;
  if (body.Hunks.length === 0) return <p className="field-hint">{body.Note}</p>;
  return (
    <div className="compare-diff" role="group" aria-label={label}>
      {body.Hunks.map((hunk) => (
        <pre
          key={`${hunk.AStart}:${hunk.BStart}`}
          className="mime-part-headers compare-hunk"
          tabIndex={0}
        >
          <span className="compare-hunk-head">
            {`Lines ${hunk.AStart}–${hunk.AStart + Math.max(hunk.ALines, 1) - 1} of the older, ${hunk.BStart}–${hunk.BStart + Math.max(hunk.BLines, 1) - 1} of the newer`}
          </span>
          {diffRows(hunk.Lines).map((row, index) => (
            <span key={index} className={`compare-line compare-${row.kind}`}>
              <span className="compare-mark" aria-hidden="true">
                {marks[row.kind]}
              </span>
              {row.kind !== 'same' && <span className="visually-hidden">{row.kind}: </span>}
              {row.segments.map((segment, at) =>
                segment.changed ? (
                  <mark key={at} className="compare-word">
                    {segment.text}
                  </mark>
                ) : (
                  segment.text
                ),
              )}
              {'\n'}
            </span>
          ))}
        </pre>
      ))}
    </div>
  );
}

function partSide(side: MessageComparisonPart['A']): string {
  return side ? `${formatSize(side.Size)} · SHA-256 ${side.SHA256.slice(0, 12)}…` : 'not there';
}

function Comparison({ result }: { result: MessageComparison }) {
  const ownHeaders = result.Headers.filter((h) => !h.PerMessage);
  const perMessage = result.Headers.filter((h) => h.PerMessage);
  return (
    <>
      <ul className="compare-summary" data-testid="compare-summary">
        <li>
          Header fields:{' '}
          {ownHeaders.length === 0
            ? 'the same'
            : `${ownHeaders.length} ${ownHeaders.length === 1 ? 'differs' : 'differ'} (${ownHeaders.map((h) => h.Name).join(', ')})`}
          {perMessage.length > 0 && `, besides ${perMessage.length} that differ in every message`}
        </li>
        <li>Text: {bodyVerdict(result.Text)}</li>
        <li>HTML source: {bodyVerdict(result.HTML)}</li>
        <li>
          Attachments:{' '}
          {result.Attachments.length === 0
            ? 'the same'
            : `${result.Attachments.length} ${result.Attachments.length === 1 ? 'differs' : 'differ'}`}
        </li>
      </ul>
      <h3>Header fields</h3>
      {ownHeaders.length === 0 ? (
        <p className="field-hint">The same in both, but for those that differ in every message.</p>
      ) : (
        <HeaderTable headers={ownHeaders} label="Header fields that differ" />
      )}
      {perMessage.length > 0 && (
        <details className="compare-per-message">
          <summary>
            {perMessage.length} that differ in every message (
            {perMessage.map((h) => h.Name).join(', ')})
          </summary>
          <HeaderTable headers={perMessage} label="Header fields that differ in every message" />
        </details>
      )}
      <h3>Text</h3>
      <DiffBody label="Text, line by line" body={result.Text} />
      <h3>HTML source</h3>
      <DiffBody label="HTML source, line by line" body={result.HTML} />
      <h3>Attachments</h3>
      {result.Attachments.length === 0 ? (
        <p className="field-hint">The same in both.</p>
      ) : (
        <table className="compare-table" aria-label="Attachments that differ">
          <thead>
            <tr>
              <th scope="col">Attachment</th>
              <th scope="col">Older</th>
              <th scope="col">Newer</th>
            </tr>
          </thead>
          <tbody>
            {result.Attachments.map((part) => (
              <tr key={`${part.Name}\u0000${part.ContentType}`}>
                <th scope="row">
                  {part.Name} <span className="muted">{part.ContentType}</span>
                </th>
                <td>{partSide(part.A)}</td>
                <td>{partSide(part.B)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function HeaderTable({ headers, label }: { headers: MessageComparison['Headers']; label: string }) {
  return (
    <table className="compare-table compare-fields" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Older</th>
          <th scope="col">Newer</th>
        </tr>
      </thead>
      <tbody>
        {headers.map((header) => (
          <tr key={header.Name}>
            <th scope="row">{header.Name}</th>
            <td>
              {header.A.length === 0 ? <span className="muted">(none)</span> : header.A.join('\n')}
            </td>
            <td>
              {header.B.length === 0 ? <span className="muted">(none)</span> : header.B.join('\n')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Side({ label, side }: { label: string; side: MessageComparison['A'] }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {side.Subject || '(no subject)'}{' '}
        <time className="muted" dateTime={side.Created}>
          {new Date(side.Created).toLocaleString()}
        </time>
      </dd>
    </div>
  );
}

/** Compares the two messages, the one received first as the older. */
export function CompareDialog(props: { ids: [string, string]; onClose(): void }) {
  const api = useApi();
  const [result, setResult] = useState<MessageComparison | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [first, second] = props.ids;

  useEffect(() => {
    let current = true;
    void (async () => {
      let compared = await api.compareMessages(first, second);
      // the older first, whichever was selected first
      if (Date.parse(compared.A.Created) > Date.parse(compared.B.Created)) {
        compared = await api.compareMessages(second, first);
      }
      if (current) setResult(compared);
    })().catch((failure: unknown) => current && setError(serverWords(failure)));
    return () => {
      current = false;
    };
  }, [api, first, second]);

  return (
    <Dialog
      title="Compare two messages"
      onClose={props.onClose}
      className="compare-dialog"
      testId="compare-dialog"
    >
      {error && (
        <p className="field-error" role="alert">
          They could not be compared: {error}
        </p>
      )}
      {!result && !error && <p className="field-hint">Comparing…</p>}
      {result && (
        <>
          <dl className="compare-sides">
            <Side label="Older" side={result.A} />
            <Side label="Newer" side={result.B} />
          </dl>
          <Comparison result={result} />
        </>
      )}
    </Dialog>
  );
}
