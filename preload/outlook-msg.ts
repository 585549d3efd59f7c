// Outlook's .msg file (MS-OXMSG, a Compound File): what classic Outlook's Save As writes and what
// dragging a message out of it makes. The header block as the message was received is kept whole
// in one property, PR_TRANSPORT_MESSAGE_HEADERS, so the route is read from it as from an .eml;
// Outlook users otherwise dig the headers out of File → Properties by hand. Shared by the
// renderer (a file dropped or opened), the desktop's open-with and the API. Pure.
import { parse } from 'cfb';

/** The first bytes of every Compound File (Outlook's .msg, and Word's .doc and Excel's .xls). */
const COMPOUND_FILE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

// PR_TRANSPORT_MESSAGE_HEADERS (0x007D) as Unicode (0x001F, UTF-16LE) or in the message's code
// page (0x001E; the headers are ASCII, or 8-bit where a sender broke the rules)
const HEADERS_UNICODE = '__substg1.0_007D001F';
const HEADERS_8BIT = '__substg1.0_007D001E';
/** Every .msg has its properties stream at the top; a .doc or .xls does not. */
const PROPERTIES = '__properties_version1.0';
const READ = [HEADERS_UNICODE, HEADERS_8BIT, PROPERTIES];
/** A directory entry's type for a stream (MS-CFB 2.6.1: 0x02), not a storage. */
const STREAM = 2;

export function isCompoundFile(bytes: Uint8Array): boolean {
  return COMPOUND_FILE.every((byte, index) => bytes[index] === byte);
}

export type OutlookHeadersRead = { text: string } | { error: string };

/**
 * The received header block of a .msg, or a sentence naming the file (`what`: “name.msg”, or
 * "The posted file"), what it is and the fix.
 */
export function outlookMessageHeaders(bytes: Uint8Array, what: string): OutlookHeadersRead {
  let streams: Map<string, Uint8Array>;
  try {
    const container = parse(bytes);
    const root = container.FullPaths[0] ?? '';
    // the top level only: an attached message (a storage of its own) has headers of its own;
    // and only the streams read here (the body and its RTF copy can be megabytes)
    streams = new Map(
      container.FileIndex.flatMap((entry, index) =>
        container.FullPaths[index] === `${root}${entry.name}` &&
        entry.type === STREAM &&
        READ.includes(entry.name)
          ? [[entry.name, Uint8Array.from(entry.content)]]
          : [],
      ),
    );
  } catch (err) {
    return {
      error: `${what} could not be read as an Outlook message (${(err as Error).message}): save it from Outlook again, or paste its headers (Outlook: File → Properties → Internet headers).`,
    };
  }
  if (!streams.has(PROPERTIES)) {
    return {
      error: `${what} is not an Outlook message: it is another kind of Office file (a Word or Excel document is made the same way). Drop an .eml or .msg file saved from a mail program, or paste the headers.`,
    };
  }
  const unicode = streams.get(HEADERS_UNICODE);
  const eightBit = streams.get(HEADERS_8BIT);
  const text = unicode
    ? new TextDecoder('utf-16le').decode(unicode)
    : eightBit
      ? new TextDecoder('windows-1252').decode(eightBit)
      : '';
  // a property written with its terminating NUL by some versions
  const headers = text.replace(/\0+$/, '');
  if (headers.trim() === '') {
    return {
      error: `${what} is an Outlook message with no Internet headers: Outlook keeps them only for mail it received, so a draft or a sent message has none. Save a message from the Inbox instead.`,
    };
  }
  return { text: headers };
}
