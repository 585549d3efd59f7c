// Two captured messages side by side: what changed in the headers, the text, the HTML and the
// attachments. A developer who changed an email template compares the mail the app sends now
// with what it sent before; none of the tools we replace does (they show one message at a time).
import { structuredPatch } from 'diff';
import type {
  MessageComparison,
  MessageComparisonBody,
  MessageComparisonHeader,
  MessageComparisonPart,
} from '../../../preload/api-contract.js';

/** What each side gives the comparison: its parse and its header fields as sent. */
export interface ComparedMessage {
  id: string;
  subject: string;
  created: string;
  headers: Record<string, string[]>;
  text: string;
  html: string;
  parts: { name: string; contentType: string; size: number; sha256: string }[];
}

/**
 * Fields that differ in every message however alike (each one's own time, ID, route and
 * signature): listed apart, so the reader sees first what their code changed.
 */
const perMessage = new Set([
  'date',
  'message-id',
  'received',
  'return-path',
  'dkim-signature',
  'arc-seal',
  'arc-message-signature',
  'arc-authentication-results',
  'authentication-results',
  'x-relaydesk-received',
  'delivered-to',
  'x-received',
]);

const boundaryParameter = /;\s*boundary\s*=\s*(?:"[^"]*"|[^;\s]+)/i;

/** A body longer than this is not compared line by line: the page would be the diff's. */
const comparedChars = 512 * 1024;
/** Past this many lines added or removed the two are said to differ throughout. */
const maxEditLength = 4000;
/** Lines of context around each change, as `diff -u` shows them. */
const contextLines = 3;

function bodyComparison(a: string, b: string): MessageComparisonBody {
  if (a === b) return { Same: true, Hunks: [], Note: '' };
  if (a.length > comparedChars || b.length > comparedChars) {
    return {
      Same: false,
      Hunks: [],
      Note: `They differ; one is over ${comparedChars / 1024} KiB, too long to compare line by line here (download both .eml files and compare them with diff)`,
    };
  }
  // the same line ends on both sides, so a CRLF against an LF body is not every line changed
  const patch = structuredPatch(
    'A',
    'B',
    a.replace(/\r\n/g, '\n'),
    b.replace(/\r\n/g, '\n'),
    '',
    '',
    {
      context: contextLines,
      maxEditLength,
    },
  );
  if (!patch) {
    return {
      Same: false,
      Hunks: [],
      Note: `They differ in more than ${maxEditLength} lines: too different to compare line by line`,
    };
  }
  return {
    Same: false,
    Hunks: patch.hunks.map((hunk) => ({
      AStart: hunk.oldStart,
      ALines: hunk.oldLines,
      BStart: hunk.newStart,
      BLines: hunk.newLines,
      Lines: hunk.lines.filter((line) => !line.startsWith('\\')),
    })),
    Note: patch.hunks.length === 0 ? 'They differ only in their line ends (CRLF and LF)' : '',
  };
}

function headerComparison(a: ComparedMessage, b: ComparedMessage): MessageComparisonHeader[] {
  const names = new Map<string, string>();
  for (const name of [...Object.keys(a.headers), ...Object.keys(b.headers)]) {
    if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  }
  const valuesOf = (message: ComparedMessage, lower: string): string[] =>
    Object.entries(message.headers)
      .filter(([name]) => name.toLowerCase() === lower)
      .flatMap(([, values]) => values);
  const differing: MessageComparisonHeader[] = [];
  for (const [lower, name] of [...names].sort(([x], [y]) => x.localeCompare(y))) {
    const inA = valuesOf(a, lower);
    const inB = valuesOf(b, lower);
    // a MIME boundary is made anew for each message: two alike differ in nothing else
    const alike = (value: string) =>
      lower === 'content-type' ? value.replace(boundaryParameter, '') : value;
    if (inA.length === inB.length && inA.every((value, i) => alike(value) === alike(inB[i] ?? '')))
      continue;
    differing.push({ Name: name, A: inA, B: inB, PerMessage: perMessage.has(lower) });
  }
  return differing;
}

function partComparison(a: ComparedMessage, b: ComparedMessage): MessageComparisonPart[] {
  const key = (part: ComparedMessage['parts'][number]) => `${part.name}\u0000${part.contentType}`;
  const inB = new Map(b.parts.map((part) => [key(part), part]));
  const result: MessageComparisonPart[] = [];
  for (const part of a.parts) {
    const other = inB.get(key(part));
    inB.delete(key(part));
    if (other && other.sha256 === part.sha256) continue;
    result.push({
      Name: part.name,
      ContentType: part.contentType,
      A: { Size: part.size, SHA256: part.sha256 },
      B: other ? { Size: other.size, SHA256: other.sha256 } : null,
    });
  }
  for (const part of inB.values()) {
    result.push({
      Name: part.name,
      ContentType: part.contentType,
      A: null,
      B: { Size: part.size, SHA256: part.sha256 },
    });
  }
  return result;
}

/** What differs between two messages, A the older as the reader chose it. */
export function compareMessages(a: ComparedMessage, b: ComparedMessage): MessageComparison {
  const side = (message: ComparedMessage) => ({
    ID: message.id,
    Subject: message.subject,
    Created: message.created,
  });
  return {
    A: side(a),
    B: side(b),
    Headers: headerComparison(a, b),
    Text: bodyComparison(a.text, b.text),
    HTML: bodyComparison(a.html, b.html),
    Attachments: partComparison(a, b),
  };
}
