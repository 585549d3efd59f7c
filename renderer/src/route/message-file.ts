// A file dropped on the window or opened in the Analyze dialog, read up to MESSAGE_HEAD_BYTES:
// the whole message when it fits (Analyze verifies its DKIM signatures, which cover the body),
// else the top header block the route is read from. A photo or a 30 MB archive dropped by mistake once filled the text field
// with the whole file (a frozen page for ~40 s) and then read "No header fields were found" or
// "failed with 413", which names neither the file nor what to drop instead.
import { isCompoundFile, outlookMessageHeaders } from '../../../preload/outlook-msg.js';
import { analyzedPart, headerBlockOf } from './route-format.js';

/**
 * How much of a file is read. A header block is a few kilobytes; 100 Received fields (all the
 * route reads) with their DKIM and ARC fields stay well under this.
 */
export const MESSAGE_HEAD_BYTES = 1024 * 1024;

/** The sample checked for binary content: enough to see past a header block's start. */
const SAMPLE_BYTES = 8192;

/**
 * A message read for Analyze: `text` is what is sent, the whole message when the file was read
 * to its end (so its DKIM signatures can be verified), else its header block (or a report's
 * first part); `partial` then says why DKIM is not verified.
 */
/**
 * `latin1`: the file is not UTF-8 (an 8-bit Latin-1 body), and `text` holds one character a byte,
 * so its bytes reach the relay as the sender signed them (decoded as UTF-8, each such byte became
 * U+FFFD and the DKIM body hash failed for a message nobody changed).
 */
export type MessageFileRead =
  { text: string; partial?: string; encoding?: 'latin1' } | { error: string };

/**
 * The largest Outlook .msg read: it is read whole (its headers may be anywhere in it), and one
 * with attachments is as large as they are. The relay's own largest message is 25 MB by default.
 */
export const OUTLOOK_MESSAGE_BYTES = 50 * 1024 * 1024;

/** What the user is told to do instead, with where mail programs show a message's headers. */
const FIX =
  'Drop or open an .eml or Outlook .msg file (a message saved from a mail program), or paste ' +
  'the headers (Gmail: ⋮ → Show original; Outlook: File → Properties → Internet headers).';

export function sizeText(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/**
 * Binary content: a NUL byte (never in mail text, RFC 5322 §2.3), or many other control
 * characters, as images, archives and PDFs' compressed streams have; tab, CR, LF, FF and ESC
 * (ISO-2022-JP's shifts) are text.
 */
function looksBinary(sample: Uint8Array): boolean {
  let controls = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13 && byte !== 12 && byte !== 27) {
      controls++;
    }
  }
  return controls > sample.length / 100;
}

/**
 * The header block of a file's first bytes, or a sentence naming the file, what it is, and what
 * to do. `head` is at most MESSAGE_HEAD_BYTES from the start of a file of `size` bytes.
 */
export function messageHeadOf(
  head: Uint8Array,
  file: { name: string; size: number; type: string },
): MessageFileRead {
  const what = `“${file.name}”${file.type ? ` (${file.type})` : ''}`;
  if (file.size === 0) return { error: `${what} is empty. ${FIX}` };
  if (looksBinary(head.subarray(0, SAMPLE_BYTES))) {
    return { error: `${what} is not a mail message: it holds binary data. ${FIX}` };
  }
  const { text, encoding } = decodedMessage(head);
  const block = headerBlockOf(text);
  if (block === text && file.size > head.length) {
    return {
      error:
        `${what} is not a mail message: its first ${sizeText(head.length)} (of ` +
        `${sizeText(file.size)}) hold no end of a header block (an empty line). ${FIX}`,
    };
  }
  // the whole message: a DKIM signature covers the body too, and Analyze verifies it
  const as = encoding ? { encoding } : {};
  if (file.size <= head.length) return { text, ...as };
  return { text: analyzedPart(text), partial: partialText(file.name, head.length), ...as };
}

/**
 * UTF-8 when the bytes are (a cut at the end of a read part may split a character: that is
 * still UTF-8), else one character a byte: ISO 8859-1 by hand, since TextDecoder's "latin1" is
 * windows-1252 and maps 0x80–0x9F elsewhere.
 */
function decodedMessage(bytes: Uint8Array): { text: string; encoding?: 'latin1' } {
  // up to 3 bytes of a character cut at the end of the part read
  const cuts = [0, 1, 2, 3].filter((cut) => cut < bytes.length);
  if (cuts.some((cut) => isUtf8(bytes.subarray(0, bytes.length - cut)))) {
    return { text: new TextDecoder('utf-8').decode(bytes) };
  }
  let text = '';
  for (let at = 0; at < bytes.length; at += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return { text, encoding: 'latin1' };
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why the DKIM signatures of a message read in part are listed but not verified: a body hash
 * over a cut body would fail, blaming the sender for what was not read.
 */
export function partialText(name: string | null, read: number): string {
  // no size of its own: a 1.4 MB file "is 1 MB" when rounded as sizeText does
  return (
    `${name === null ? 'The file' : `“${name}”`} is larger than the ${sizeText(read)} Analyze ` +
    'reads: its DKIM signatures are listed but not verified, since each one covers the whole ' +
    'body (its body hash, bh=).'
  );
}

export type PastedRead = { text: string; note: string | null } | { error: string };

/**
 * What of a paste goes to the analyzer. Up to MESSAGE_HEAD_BYTES as it is; a larger one (a whole
 * message with its attachments) is cut to its header block, all the route is read from, and the
 * note says so; one with no header block that small is refused with what to paste instead. Before,
 * a 30 MB paste went whole to the API and came back as "POST /api/v1/analyze failed with 413:
 * Request body is too large".
 */
export function pastedHeaders(text: string): PastedRead {
  const size = new TextEncoder().encode(text).length;
  if (size <= MESSAGE_HEAD_BYTES) return { text, note: null };
  const block = headerBlockOf(text);
  const blockSize = new TextEncoder().encode(block).length;
  if (block.length < text.length && blockSize <= MESSAGE_HEAD_BYTES) {
    return {
      text: block,
      note:
        `The paste is ${sizeText(size)}: only its header block (${sizeText(blockSize)}, up to ` +
        'the first empty line) was kept, which is all the route is read from; its DKIM ' +
        'signatures are listed but not verified, since each one covers the whole body.',
    };
  }
  return { error: tooLargeText(size) };
}

/** What to paste instead of a text too large to analyze. */
const PASTE_FIX =
  'Only the headers are needed: paste the header block alone (the part up to the first empty ' +
  'line), or open the .eml file, of which the header block is read.';

/** The sentence for a paste over the limit: how much is allowed and what to paste instead. */
export function tooLargeText(size: number): string {
  return (
    `The text is ${sizeText(size)}, more than Analyze takes (${sizeText(MESSAGE_HEAD_BYTES)}), ` +
    `and has no header block that size. ${PASTE_FIX}`
  );
}

/**
 * The relay refused the request as too large (413): its API takes the largest message setting
 * plus 1 MB, and a paste's quotes and control characters grow when sent as JSON.
 */
export function refusedAsTooLargeText(size: number): string {
  return (
    `The text (${sizeText(size)}) is more than this relay’s API takes (the largest message ` +
    `setting plus 1 MB, counted as sent, where quotes and control characters take more). ${PASTE_FIX}`
  );
}

/**
 * Reads a File's first bytes only, so a large file never fills memory or the text field; an
 * Outlook .msg is read whole, for the header block it keeps as received.
 */
export async function readMessageFile(file: File): Promise<MessageFileRead> {
  const head = new Uint8Array(await file.slice(0, MESSAGE_HEAD_BYTES).arrayBuffer());
  if (!isCompoundFile(head)) return messageHeadOf(head, file);
  if (file.size > OUTLOOK_MESSAGE_BYTES) {
    return {
      error:
        `“${file.name}” is an Outlook message of ${sizeText(file.size)}, more than Analyze reads ` +
        `(${sizeText(OUTLOOK_MESSAGE_BYTES)}). In Outlook, open it and copy its headers from ` +
        'File → Properties → Internet headers, then paste them here.',
    };
  }
  const read = outlookMessageHeaders(new Uint8Array(await file.arrayBuffer()), `“${file.name}”`);
  return 'error' in read ? read : { text: headerBlockOf(read.text) };
}
