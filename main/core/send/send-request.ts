// The body of POST /api/v1/send in Mailpit's JSON (server/apiv1/swaggerParams.go
// sendMessageParams). Go decodes JSON field names case-insensitively, so Mailpit takes `from`
// as well as `From`; so do we. Every error names the field, the value and the fix.
import { CallerError } from '../caller-error.js';
import { isPlainAddress } from '../routing-rules/index.js';
import { cleanTag, isValidTag } from '../tags/index.js';

export interface SendAddress {
  Name: string;
  Email: string;
}

export interface SendAttachment {
  /** Decoded from the base64 `Content` (a `data:…;base64,` prefix is allowed, as in Mailpit). */
  content: Buffer;
  Filename: string;
  ContentType: string;
  /** Set: the part is inline, referenced as cid:ContentID. */
  ContentID: string;
}

export interface SendRequest {
  From: SendAddress;
  To: SendAddress[];
  Cc: SendAddress[];
  Bcc: string[];
  ReplyTo: SendAddress[];
  Subject: string;
  Text: string;
  HTML: string;
  Attachments: SendAttachment[];
  Tags: string[];
  Headers: Record<string, string>;
}

export class SendRequestError extends CallerError {
  override name = 'SendRequestError';
}

/** Headers the request's own fields set (Mailpit's restrictedHeaders, plus X-Tags with Tags). */
const restrictedHeaders = [
  'to',
  'from',
  'cc',
  'bcc',
  'reply-to',
  'date',
  'subject',
  'content-type',
  'mime-version',
];

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** The object's keys looked up case-insensitively, as Go's encoding/json does. */
function fieldsOf(value: unknown, at: string, example: string): Map<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SendRequestError(`${at}: ${show(value)} is not an object; give ${example}`);
  }
  return new Map(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
}

function text(fields: Map<string, unknown>, key: string, at: string): string {
  const value = fields.get(key.toLowerCase());
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string')
    throw new SendRequestError(`${at}: ${show(value)} is not a string`);
  return value;
}

/** What a list field holds, for the fix in its error (`To: "a@b" is not a list; give …`). */
const listExamples: Record<string, string> = {
  To: '[{"Email": "jane@example.com", "Name": "Jane"}]',
  Cc: '[{"Email": "jane@example.com"}]',
  Bcc: '["jane@example.com"]',
  ReplyTo: '[{"Email": "jane@example.com"}]',
  Attachments: '[{"Filename": "a.txt", "Content": "aGVsbG8K"}]',
  Tags: '["signup"]',
};

function list(fields: Map<string, unknown>, key: string, at: string): unknown[] {
  const value = fields.get(key.toLowerCase());
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    const example = listExamples[key];
    throw new SendRequestError(
      `${at}: ${show(value)} is not a list${example ? `; give ${example}` : ''}`,
    );
  }
  return value;
}

function email(value: string, at: string): string {
  if (!isPlainAddress(value)) {
    throw new SendRequestError(
      `${at}: ${show(value)} is not an email address; give one like jane@example.com`,
    );
  }
  return value;
}

function address(value: unknown, at: string): SendAddress {
  const fields = fieldsOf(value, at, '{"Name": "Jane", "Email": "jane@example.com"}');
  const name = text(fields, 'Name', `${at}.Name`);
  if (/[\r\n]/.test(name)) throw new SendRequestError(`${at}.Name: must be one line`);
  return { Name: name, Email: email(text(fields, 'Email', `${at}.Email`), `${at}.Email`) };
}

function attachment(value: unknown, at: string): SendAttachment {
  const fields = fieldsOf(value, at, '{"Filename": "a.txt", "Content": "<base64>"}');
  const filename = text(fields, 'Filename', `${at}.Filename`);
  if (filename === '') throw new SendRequestError(`${at}.Filename is missing; give the file name`);
  // a data URL from the browser's readAsDataURL(): the base64 is after the comma
  const encoded = (text(fields, 'Content', `${at}.Content`).split(',').pop() ?? '').replace(
    /\s+/g,
    '',
  );
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw new SendRequestError(
      `${at}.Content: is not base64; give the file's bytes base64-encoded (standard alphabet, padded)`,
    );
  }
  const contentType = text(fields, 'ContentType', `${at}.ContentType`);
  if (contentType !== '' && !/^[\w.+-]+\/[\w.+-]+$/.test(contentType)) {
    throw new SendRequestError(
      `${at}.ContentType: ${show(contentType)} is not a media type; give e.g. "image/png", or leave it out`,
    );
  }
  const contentId = text(fields, 'ContentID', `${at}.ContentID`);
  if (/[\s<>]/.test(contentId)) {
    throw new SendRequestError(
      `${at}.ContentID: ${show(contentId)} must not hold spaces or angle brackets; give e.g. "logo"`,
    );
  }
  return {
    content: Buffer.from(encoded, 'base64'),
    Filename: filename,
    ContentType: contentType,
    ContentID: contentId,
  };
}

export function parseSendRequest(body: unknown): SendRequest {
  const fields = fieldsOf(
    body,
    'body',
    '{"From": {"Email": "app@example.com"}, "To": [{"Email": "jane@example.com"}], "Subject": "…", "Text": "…"}',
  );
  const known = [
    'from',
    'to',
    'cc',
    'bcc',
    'replyto',
    'subject',
    'text',
    'html',
    'attachments',
    'tags',
    'headers',
  ];
  for (const key of fields.keys()) {
    if (!known.includes(key)) {
      throw new SendRequestError(
        `${key}: unknown field; the fields are From, To, Cc, Bcc, ReplyTo, Subject, Text, HTML, Attachments, Tags and Headers`,
      );
    }
  }
  if (!fields.has('from')) {
    throw new SendRequestError('From is missing; give {"Email": "app@example.com"}');
  }
  const request: SendRequest = {
    From: address(fields.get('from'), 'From'),
    To: list(fields, 'To', 'To').map((a, i) => address(a, `To[${i}]`)),
    Cc: list(fields, 'Cc', 'Cc').map((a, i) => address(a, `Cc[${i}]`)),
    Bcc: list(fields, 'Bcc', 'Bcc').map((a, i) => {
      if (typeof a !== 'string') {
        throw new SendRequestError(
          `Bcc[${i}]: ${show(a)} is not a string; Bcc takes addresses only`,
        );
      }
      return email(a, `Bcc[${i}]`);
    }),
    ReplyTo: list(fields, 'ReplyTo', 'ReplyTo').map((a, i) => address(a, `ReplyTo[${i}]`)),
    Subject: text(fields, 'Subject', 'Subject'),
    Text: text(fields, 'Text', 'Text'),
    HTML: text(fields, 'HTML', 'HTML'),
    Attachments: list(fields, 'Attachments', 'Attachments').map((a, i) =>
      attachment(a, `Attachments[${i}]`),
    ),
    Tags: list(fields, 'Tags', 'Tags').map((t, i) => {
      if (typeof t !== 'string' || !isValidTag(cleanTag(t))) {
        throw new SendRequestError(
          `Tags[${i}]: ${show(t)} is not a tag; use letters, digits, spaces, "-", "_", "." and "@"`,
        );
      }
      return t;
    }),
    Headers: {},
  };
  if (/[\r\n]/.test(request.Subject)) throw new SendRequestError('Subject: must be one line');
  if (request.To.length + request.Cc.length + request.Bcc.length === 0) {
    throw new SendRequestError('To: give at least one recipient in To, Cc or Bcc');
  }
  const headers = fields.get('headers');
  if (headers !== undefined && headers !== null) {
    const restricted =
      request.Tags.length > 0 ? [...restrictedHeaders, 'x-tags'] : restrictedHeaders;
    for (const [name, value] of fieldsOf(headers, 'Headers', '{"X-IP": "1.2.3.4"}')) {
      const original = Object.keys(headers as object).find((k) => k.toLowerCase() === name) ?? name;
      if (restricted.includes(name)) {
        throw new SendRequestError(`Headers: cannot overwrite header: ${show(original)}`);
      }
      if (!/^[!-9;-~]+$/.test(original)) {
        throw new SendRequestError(
          `Headers: ${show(original)} is not a header name; use printable characters without spaces or ":", e.g. "X-Request-Id"`,
        );
      }
      if (typeof value !== 'string' || /[\r\n]/.test(value)) {
        throw new SendRequestError(
          `Headers.${original}: ${show(value)} must be a string on one line`,
        );
      }
      request.Headers[original] = value;
    }
  }
  return request;
}
