// Runs mailparser off the SMTP event loop. Plain JavaScript on purpose: worker threads start
// a fresh Node that cannot load TypeScript, and this file runs both from the sources (tests)
// and from the build. Its input and output shapes are declared in message-parser.ts.
import { parentPort } from 'node:worker_threads';
import { simpleParser } from 'mailparser';

const snippetLength = 250;
const searchTextBudget = 16 * 1024;

function addressList(value) {
  if (!value) return [];
  const lists = Array.isArray(value) ? value : [value];
  const out = [];
  const visit = (entries) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address !== undefined || entry.name) {
        out.push({ Name: entry.name || '', Address: entry.address || '' });
      }
    }
  };
  for (const list of lists) visit(list.value || []);
  return out;
}

// An HTML-only body's words come from mailparser, which converts the HTML with html-to-text
// (scripts, styles and tags gone, entities decoded) when the message has no text part.
function bodyText(parsed) {
  return parsed.text || '';
}

function isInline(att) {
  return Boolean(att.related) || (att.contentDisposition === 'inline' && Boolean(att.cid));
}

function headerText(parsed, name) {
  const value = parsed.headers.get(name);
  if (!value) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'text' in value) return String(value.text);
  if (typeof value === 'object' && 'value' in value) return String(value.value);
  return String(value);
}

function summarize(parsed) {
  const text = bodyText(parsed).replace(/\s+/g, ' ').trim();
  const attachments = parsed.attachments || [];
  const inline = attachments.filter(isInline).length;
  const date = parsed.date instanceof Date && !isNaN(parsed.date.getTime()) ? parsed.date : null;
  const returnPath = headerText(parsed, 'return-path').replace(/^\s*<|>\s*$/g, '');
  return {
    messageId: (parsed.messageId || '').replace(/^<|>$/g, ''),
    subject: parsed.subject || '',
    date: date ? date.toISOString() : null,
    from: addressList(parsed.from)[0] || null,
    to: addressList(parsed.to),
    cc: addressList(parsed.cc),
    bcc: addressList(parsed.bcc),
    replyTo: addressList(parsed.replyTo),
    returnPath,
    attachments: attachments.length - inline,
    inline,
    snippet: text.slice(0, snippetLength),
    searchText: text.slice(0, searchTextBudget).toLowerCase(),
    parseError: null,
  };
}

function parts(parsed) {
  return (parsed.attachments || []).map((att, index) => ({
    PartID: String(index + 1),
    FileName: att.filename || '',
    ContentType: att.contentType || 'application/octet-stream',
    ContentID: att.cid || '',
    Size: att.size || (att.content ? att.content.length : 0),
    inline: isInline(att),
  }));
}

async function handle(request) {
  const parsed = await simpleParser(Buffer.from(request.raw), {
    skipImageLinks: true,
    skipTextLinks: true,
    skipTextToHtml: true,
    keepCidLinks: true,
  });
  if (request.kind === 'summary') return { summary: summarize(parsed) };
  if (request.kind === 'detail') {
    return {
      summary: summarize(parsed),
      text: parsed.text || '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
      parts: parts(parsed),
      listUnsubscribe: headerText(parsed, 'list-unsubscribe'),
      listUnsubscribePost: headerText(parsed, 'list-unsubscribe-post'),
    };
  }
  const index = Number(request.partId) - 1;
  const att = (parsed.attachments || [])[index];
  if (!att) return { part: null };
  const content = att.content;
  return {
    part: {
      contentType: att.contentType || 'application/octet-stream',
      fileName: att.filename || '',
      content: new Uint8Array(content.buffer, content.byteOffset, content.length),
    },
  };
}

parentPort.on('message', (request) => {
  handle(request).then(
    (result) => parentPort.postMessage({ jobId: request.jobId, ok: true, result }),
    (err) =>
      parentPort.postMessage({
        jobId: request.jobId,
        ok: false,
        error: err && err.message ? String(err.message) : String(err),
      }),
  );
});
