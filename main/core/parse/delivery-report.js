// A delivery status notification (RFC 3464) read for the message view: who reported, and per
// recipient the action, the status, the remote MTA and its diagnostic, with the subject and
// Message-ID of the message it reports on. Plain JavaScript: the parse worker runs it (see
// parse-worker.js for why that file is JavaScript too). Its output shape is DeliveryReport in
// preload/api-contract.ts, which tsc checks it against (checkJs).
//
// Bounces are written by many hands (Postfix, Exim, Exchange, Gmail, scripts), so nothing here
// throws: a report whose delivery-status part is missing or unreadable is null, and the message
// shows as any other.
import { createRequire } from 'node:module';

/** @import { Headers, ParsedMail, StructuredHeader } from 'mailparser' */
/** @import { DeliveryReport, DeliveryReportRecipient } from '../../../preload/api-contract.js' */
/** @import { MailParserPrototype, MimeNode } from './mail-bodies.js' */
/** @typedef {{ name: string, value: string }} Field */

/** RFC 6522 report types read as a delivery report (RFC 6533's global one is the same fields). */
const reportTypes = new Set(['delivery-status', 'global-delivery-status']);
/** The types of the machine-readable part; the global one is UTF-8 (RFC 6533 §6.2). */
const statusTypes = new Set(['message/delivery-status', 'message/global-delivery-status']);
/** The types a report returns the original message (or its header) as (RFC 3462, RFC 6533). */
const originalTypes = new Set([
  'message/rfc822',
  'text/rfc822-headers',
  'message/global',
  'message/global-headers',
]);
/** Types of an attached message read for its Subject (the GUI names its chip by it). */
export const attachedMessageTypes = new Set(['message/rfc822', 'message/global']);
/** Types of a returned message's header block alone, a text file (named by its Subject too). */
export const headerBlockTypes = new Set(['text/rfc822-headers', 'message/global-headers']);

/** Where a status part or an original's header is read at most: they are a few KiB. */
const fieldsReadAtMost = 64 * 1024;
/** Recipient blocks kept: a report on a list's 10,000 recipients shows the first ones. */
const recipientsAtMost = 200;
/** A field value kept: a diagnostic is a line or a few, a hostile one is not kept whole. */
const valueAtMost = 2000;

/** @type {typeof import('libmime').default | null} */
let libmime = null;

/**
 * RFC 2047 encoded words decoded (libmime, mailparser's own); the text as is if they cannot be.
 * @param {string} value
 * @returns {string}
 */
function decodedHeaderText(value) {
  if (!value.includes('=?')) return value;
  try {
    // its methods call each other through `this`: called on the module, never detached
    libmime ??= /** @type {typeof import('libmime').default} */ (
      createRequire(import.meta.url)('libmime')
    );
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

/**
 * The fields of one block of header-like lines, folds joined with one space (RFC 5322 §2.2.3,
 * as RFC 3464 §2.1 says its fields are written): `[{ name, value }]`, names lowercased. A line
 * that is neither a field nor a fold is skipped, as a reader of bounces must be lenient.
 * @param {string[]} lines
 * @returns {Field[]}
 */
export function blockFields(lines) {
  /** @type {Field[]} */
  const fields = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      const last = fields[fields.length - 1];
      if (last) last.value = `${last.value} ${line.trim()}`.slice(0, valueAtMost);
      continue;
    }
    const match = /^([!-9;-~]+)[ \t]*:(.*)$/.exec(line);
    if (match)
      fields.push({ name: (match[1] ?? '').toLowerCase(), value: (match[2] ?? '').trim() });
  }
  return fields;
}

/**
 * The text's groups of lines, split at blank lines (RFC 3464 §2.1); empty groups dropped.
 * @param {string} text
 * @returns {string[][]}
 */
function lineGroups(text) {
  /** @type {string[][]} */
  const groups = [];
  /** @type {string[]} */
  let group = [];
  for (const line of text.slice(0, fieldsReadAtMost).split(/\r?\n|\r/)) {
    if (line.trim() === '') {
      if (group.length > 0) groups.push(group);
      group = [];
    } else group.push(line);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * @param {Field[]} fields
 * @param {string} name
 * @returns {string}
 */
function field(fields, name) {
  const found = fields.find((f) => f.name === name);
  return found ? found.value : '';
}

/**
 * `dns; mx.example.net` → `mx.example.net`: the type (RFC 3464 §2.1.2) said once, not shown.
 * @param {string} value
 * @returns {string}
 */
function withoutType(value) {
  return value.replace(/^[a-z0-9-]+[ \t]*;[ \t]*/i, '').trim();
}

/**
 * `rfc822; <bob@example.org>` → `bob@example.org`; another address type keeps its name.
 * @param {string} value
 * @returns {string}
 */
function recipientAddress(value) {
  const match = /^rfc822[ \t]*;[ \t]*(.*)$/i.exec(value);
  if (!match) return value;
  return (match[1] ?? '').trim().replace(/^<(.*)>$/, '$1');
}

/**
 * RFC 3464 §2.3.4: `5.1.1`, with any comment after it left out.
 * @param {string} value
 * @returns {string}
 */
function statusCode(value) {
  const match = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(value);
  return match ? (match[1] ?? '') : '';
}

/**
 * RFC 3464 §2.3.3's action, lowercased; a comment after it (some MTAs add one) left out.
 * @param {string} value
 * @returns {string}
 */
function action(value) {
  const match = /^[a-z]+/i.exec(value.trim());
  return match ? match[0].toLowerCase() : '';
}

/**
 * A message/delivery-status body: the per-message fields, then one block per recipient (RFC 3464
 * §2.2–2.3). Null when it names no recipient: such a part is not read as a report at all.
 * @param {string} text
 * @returns {Omit<DeliveryReport, 'original'> | null}
 */
export function readDeliveryStatus(text) {
  if (typeof text !== 'string' || text === '') return null;
  const groups = lineGroups(text).map(blockFields);
  const isRecipient = (/** @type {Field[]} */ fields) =>
    fields.some((f) => f.name === 'final-recipient' || f.name === 'original-recipient');
  // the per-message block comes first; a report that leaves it out starts with a recipient
  const first = groups[0];
  const perMessage = first && !isRecipient(first) ? first : [];
  /** @type {DeliveryReportRecipient[]} */
  const recipients = [];
  for (const fields of groups) {
    if (!isRecipient(fields)) continue;
    recipients.push({
      address: recipientAddress(
        field(fields, 'final-recipient') || field(fields, 'original-recipient'),
      ),
      action: action(field(fields, 'action')),
      status: statusCode(field(fields, 'status')),
      remoteMta: withoutType(field(fields, 'remote-mta')),
      diagnosticCode: withoutType(field(fields, 'diagnostic-code')),
    });
    if (recipients.length === recipientsAtMost) break;
  }
  if (recipients.length === 0) return null;
  return {
    reportingMta: withoutType(field(perMessage, 'reporting-mta')),
    recipients,
  };
}

/**
 * The header block at the start of a message (or of a text/rfc822-headers part).
 * @param {Buffer} content
 * @returns {Field[]}
 */
function headerBlockOf(content) {
  const start = content.subarray(0, fieldsReadAtMost).toString('utf8');
  const end = start.search(/\r?\n\r?\n/);
  return blockFields((end === -1 ? start : start.slice(0, end)).split(/\r?\n|\r/));
}

/**
 * The Subject and Message-ID of a returned message or header block.
 * @param {Buffer} content
 * @returns {NonNullable<DeliveryReport['original']>}
 */
export function originalOf(content) {
  const fields = headerBlockOf(content);
  return {
    subject: decodedHeaderText(field(fields, 'subject')),
    messageId: field(fields, 'message-id').replace(/^<|>$/g, ''),
  };
}

/**
 * An attached message's Subject (decoded), '' when it has none.
 * @param {Buffer | undefined} content
 * @returns {string}
 */
export function attachedSubject(content) {
  return content ? originalOf(content).subject : '';
}

/**
 * Whether a top-level Content-Type (mailparser's structured value) is a delivery report.
 * @param {StructuredHeader | undefined} contentType
 * @returns {boolean}
 */
function isDeliveryReportType(contentType) {
  if (!contentType || typeof contentType.value !== 'string') return false;
  const type = contentType.value.toLowerCase();
  // Exchange labels some reports by their machine-readable part's type alone
  if (statusTypes.has(type)) return true;
  const reportType = (contentType.params && contentType.params['report-type']) || '';
  return type === 'multipart/report' && reportTypes.has(reportType.trim().toLowerCase());
}

/**
 * The delivery report a parsed message is, or null. `statusTexts`: the message/delivery-status
 * parts' text, which mailparser reads as body text (keptStatusTexts); one that came as an
 * attachment (global, or with a disposition of its own) is read from its bytes.
 * @param {ParsedMail} parsed
 * @param {string[]} statusTexts
 * @returns {DeliveryReport | null}
 */
export function deliveryReportOf(parsed, statusTexts) {
  try {
    // mailparser's value of a Content-Type is a StructuredHeader (its types say HeaderValue)
    const contentType = /** @type {StructuredHeader | undefined} */ (
      parsed.headers && parsed.headers.get('content-type')
    );
    if (!isDeliveryReportType(contentType)) return null;
    const attachments = parsed.attachments || [];
    const texts = [...(statusTexts || [])];
    for (const att of attachments) {
      if (statusTypes.has((att.contentType || '').toLowerCase()) && att.content) {
        texts.push(att.content.subarray(0, fieldsReadAtMost).toString('utf8'));
      }
    }
    let status = null;
    for (const text of texts) if ((status = readDeliveryStatus(text))) break;
    if (!status) return null;
    const original = attachments.find(
      (att) => originalTypes.has((att.contentType || '').toLowerCase()) && att.content,
    );
    return { ...status, original: original ? originalOf(original.content) : null };
  } catch {
    return null;
  }
}

/** @type {WeakMap<Headers, string[]>} */
const keptStatusTexts = new WeakMap();

/**
 * Makes every MailParser keep the text of its message/delivery-status parts for
 * deliveryReportOf: mailparser reads them as body text (as Mailpit shows them, in the Text) and
 * keeps no part of them apart. They are kept under the message's header map, the one object
 * simpleParser hands on from its parser (`parsed.headers`). Call after readBodiesAsMailpit.
 * @param {typeof import('mailparser').MailParser} MailParser
 */
export function keepDeliveryStatusTexts(MailParser) {
  // getTextContent is not in mailparser's types: its prototype is cast to what is used of it
  const prototype = /** @type {MailParserPrototype} */ (
    /** @type {unknown} */ (MailParser.prototype)
  );
  const before = prototype.getTextContent;
  prototype.getTextContent = function getTextContent() {
    /** @type {string[]} */
    const texts = [];
    const visit = (/** @type {MimeNode} */ node) => {
      if (node.contentType === 'message/delivery-status' && typeof node.textContent === 'string') {
        texts.push(node.textContent);
      }
      for (const child of node.children || []) visit(child);
    };
    if (this.tree) visit(this.tree);
    if (texts.length > 0 && this.tree.headers) keptStatusTexts.set(this.tree.headers, texts);
    return before.call(this);
  };
}

/**
 * The delivery-status texts kept for a parsed message (keepDeliveryStatusTexts).
 * @param {ParsedMail} parsed
 * @returns {string[]}
 */
export function deliveryStatusTexts(parsed) {
  return (parsed.headers && keptStatusTexts.get(parsed.headers)) || [];
}
