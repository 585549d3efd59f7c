// A part's download under the name its sender gave it, whatever the script: nodemailer sends a
// non-ASCII file name RFC 2231-encoded, and /part/{PartID} (and its /thumb) answered 500
// ("Invalid character in header content") for `Überweisung März – 日本.txt`. The name now goes as
// RFC 6266's `filename*` with a plain ASCII `filename` before it; ASCII names are unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDetail } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
let id: string;
const partIds = new Map<string, string>();

const transfer = 'Überweisung März – 日本.txt';
const quoted = 'report "final" \\ v2.txt';
const photo = 'Foto Müller.png';
// a right-to-left override: shown as it is, it reads "invoiceexe.pdf"
const overridden = 'invoice\u202efdp.exe';
// a path, as a hostile or careless sender names a part
const traversal = '../../etc/passwd';
// a 1×1 PNG, so the thumbnail route has an image to scale
const onePixel = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);

beforeAll(async () => {
  relay = await startTestRelaydesk();
  const info = await relay.transport().sendMail({
    from: 'shop@sender.example',
    to: 'alice@rcpt.example',
    subject: 'names',
    text: 'see attached',
    attachments: [
      { filename: transfer, content: 'transfer slip\n' },
      { filename: quoted, content: 'final report\n' },
      { filename: 'invoice.pdf', content: '%PDF-1.4 fake\n', contentType: 'application/pdf' },
      { filename: photo, content: onePixel, contentType: 'image/png' },
      { filename: overridden, content: 'MZ', contentType: 'application/octet-stream' },
      { filename: traversal, content: 'root:x:0:0\n' },
    ],
  });
  id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  const message = await relay.api<MessageDetail>(`/api/v1/message/${id}`);
  for (const part of message.Attachments) partIds.set(part.FileName, part.PartID);
});
afterAll(async () => relay?.dispose());

/** The file name a client reads: `filename*` (RFC 8187, UTF-8) when given, else `filename`. */
function nameIn(disposition: string): string {
  const extended = /filename\*=UTF-8''([^;\s]+)/i.exec(disposition);
  if (extended) return decodeURIComponent(extended[1] as string);
  return /filename="([^"]*)"/.exec(disposition)?.[1] as string;
}

async function download(name: string, suffix = ''): Promise<Response> {
  const partId = partIds.get(name);
  expect(partId, `a part named ${name}`).toBeDefined();
  return relay.fetch(`/api/v1/message/${id}/part/${partId as string}${suffix}`);
}

describe('GET /api/v1/message/{ID}/part/{PartID}', () => {
  it('downloads a part whose name is not ASCII, under that name', async () => {
    const res = await download(transfer);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('transfer slip\n');
    const disposition = res.headers.get('content-disposition') as string;
    expect(nameIn(disposition)).toBe(transfer);
    // clients that know only `filename` get the name in plain ASCII, accents dropped
    expect(disposition).toMatch(/^attachment; filename="Uberweisung Marz _ __\.txt"; filename\*=/);
  });

  it('keeps quotes in the name without breaking the header, a backslash as _', async () => {
    const res = await download(quoted);
    expect(res.status).toBe(200);
    const disposition = res.headers.get('content-disposition') as string;
    // a backslash separates folders on Windows: saved under it, the file lands elsewhere
    expect(nameIn(disposition)).toBe('report "final" _ v2.txt');
    expect(disposition).toContain('filename="report _final_ _ v2.txt"');
  });

  it('saves a name with a right-to-left override without it, so it reads as it is', async () => {
    const res = await download(overridden);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="invoicefdp.exe"');
  });

  it('never passes a folder path on: each / of a name is _', async () => {
    const res = await download(traversal);
    expect(await res.text()).toBe('root:x:0:0\n');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=".._.._etc_passwd"');
    // the API's FileName stays as sent, as Mailpit's does
    expect(partIds.has(traversal)).toBe(true);
  });

  it('names an ASCII part with the one plain parameter, as Mailpit does', async () => {
    const res = await download('invoice.pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="invoice.pdf"');
  });
});

describe('GET /api/v1/message/{ID}/part/{PartID}/thumb', () => {
  it('names the thumbnail after an image whose name is not ASCII, shown in place', async () => {
    const res = await download(photo, '/thumb');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const disposition = res.headers.get('content-disposition') as string;
    expect(disposition.startsWith('filename="Foto Muller.png"; filename*=')).toBe(true);
    expect(nameIn(disposition)).toBe(photo);
  });
});
