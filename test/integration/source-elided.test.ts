// The Source tab's text (`GET /api/v1/message/{ID}/source`) of a message with a large attachment:
// its long base64 body shortened to its first and last lines, everything else whole. A 15 MB PDF
// was 280,000 lines of base64 that the tab fetched and drew before it showed anything (9 s in
// Chromium). Real SMTP from Python's smtplib (as a Django or Flask app sends), the real HTTP API.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSourceView } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const python = requireTool(tools.python3);

let relay: TestRelaydesk;

/** Sends one message with Python's email.message + smtplib: text, HTML and a PDF of `size` bytes. */
// asynchronous: the relay answering it runs in this same process
async function sendWithPython(subject: string, size: number): Promise<void> {
  const script = `
import smtplib, sys, random
from email.message import EmailMessage
m = EmailMessage()
m['Subject'] = sys.argv[3]
m['From'] = 'reports@app.example'
m['To'] = 'dev@project.example'
m.set_content('Your export is attached.')
m.add_alternative('<p>Your <b>export</b> is attached.</p>', subtype='html')
random.seed(7)
m.add_attachment(random.randbytes(int(sys.argv[4])), maintype='application', subtype='pdf', filename='export.pdf')
with smtplib.SMTP(sys.argv[1], int(sys.argv[2])) as s:
    s.send_message(m)
`;
  await promisify(execFile)(python as string, [
    '-c',
    script,
    relay.smtp.host,
    String(relay.smtp.port),
    subject,
    String(size),
  ]);
}

async function sourceOf(subject: string): Promise<{ id: string; source: MessageSourceView }> {
  const found = await relay.api<{ messages: Array<{ ID: string }> }>(
    `/api/v1/search?query=${encodeURIComponent(`subject:"${subject}"`)}`,
  );
  const id = found.messages[0]?.ID as string;
  return { id, source: await relay.api<MessageSourceView>(`/api/v1/message/${id}/source`) };
}

describe.skipIf(!python)('the source of a message with a large attachment', () => {
  beforeAll(async () => {
    relay = await startTestRelaydesk();
    await sendWithPython('Large export', 3 * 1024 * 1024);
    await sendWithPython('Small export', 20 * 1024);
  }, 60_000);
  afterAll(async () => relay?.dispose());

  it('keeps the headers, the text parts and the ends of the base64 body, and says how much is left out', async () => {
    const { id, source } = await sourceOf('Large export');
    const raw = Buffer.from(await (await relay.fetch(`/api/v1/message/${id}/raw`)).arrayBuffer());
    // a tenth of the bytes, not 4 MB of base64
    expect(source.text.length).toBeLessThan(20_000);
    expect(source.text).toContain('Subject: Large export\r\n');
    expect(source.text).toContain('Content-Disposition: attachment; filename="export.pdf"\r\n');
    expect(source.text).toContain('Your export is attached.');
    expect(source.text).toContain('<p>Your <b>export</b> is attached.</p>');
    expect(source.text).toMatch(
      /\r\n\[… [\d,]+ more lines of base64 \(4\.\d MB\) not shown here: Download \.eml has the whole message …\]\r\n/,
    );
    // the closing boundary and what follows the body are still there
    const lines = raw.toString('latin1').split('\r\n');
    const closing = lines.filter((line) => /^--.*--$/.test(line)).at(-1) as string;
    expect(source.text).toContain(`${closing}`);
    // the first and last base64 lines of the body are kept
    const base64 = lines.filter((line) => /^[A-Za-z0-9+/]{60,}={0,2}$/.test(line));
    expect(source.text).toContain(base64[0]);
    expect(source.text).toContain(base64.at(-1));
    // what is left out is counted: the lines between the kept ones, each with its CRLF
    const left = base64.slice(8, -2);
    expect(source.elidedBytes).toBe(left.reduce((sum, line) => sum + line.length + 2, 0));
    // the raw route still has every byte: the decoded body is the PDF sent
    expect(raw.length).toBeGreaterThan(4 * 1024 * 1024);
  });

  it('leaves a small attachment whole', async () => {
    const { id, source } = await sourceOf('Small export');
    const raw = await (await relay.fetch(`/api/v1/message/${id}/raw`)).text();
    expect(source.elidedBytes).toBe(0);
    expect(source.text).toBe(raw);
  });
});
